import type { LintRule, LintSeverity } from './LintRule.ts';
import { alterColumnTypeRule } from './rules/alterColumnTypeRule.ts';
import { checkNotValidRule } from './rules/checkNotValidRule.ts';
import { createIndexNonConcurrentRule } from './rules/createIndexNonConcurrentRule.ts';
import { destructiveWithoutUndoRule } from './rules/destructiveWithoutUndoRule.ts';
import { dropColumnRule } from './rules/dropColumnRule.ts';
import { dropSchemaRule } from './rules/dropSchemaRule.ts';
import { dropTableRule } from './rules/dropTableRule.ts';
import { foreignKeyNotValidRule } from './rules/foreignKeyNotValidRule.ts';
import { nonTransactionalStatementRule } from './rules/nonTransactionalStatementRule.ts';
import { notNullColumnWithoutDefaultRule } from './rules/notNullColumnWithoutDefaultRule.ts';
import { noTransactionMultipleStatementsRule } from './rules/noTransactionMultipleStatementsRule.ts';
import { renameRule } from './rules/renameRule.ts';
import { setNotNullRule } from './rules/setNotNullRule.ts';
import { transactionControlRule } from './rules/transactionControlRule.ts';
import { truncateRule } from './rules/truncateRule.ts';
import { volatileDefaultRule } from './rules/volatileDefaultRule.ts';

/** Every statement rule, in the order findings of one statement are listed. */
export const lintRules: readonly LintRule[] = [
  dropTableRule,
  dropSchemaRule,
  dropColumnRule,
  truncateRule,
  destructiveWithoutUndoRule,
  alterColumnTypeRule,
  volatileDefaultRule,
  setNotNullRule,
  notNullColumnWithoutDefaultRule,
  createIndexNonConcurrentRule,
  foreignKeyNotValidRule,
  checkNotValidRule,
  renameRule,
  nonTransactionalStatementRule,
  transactionControlRule,
  noTransactionMultipleStatementsRule,
];

/** Findings the lint driver makes itself (not from a statement rule), with their fixed severities. */
export const driverRules: Readonly<Record<string, { severity: LintSeverity; hint: string }>> = {
  'syntax-error': { severity: 'error', hint: 'Fix the SQL at the position given; the parser is PostgreSQL\'s own.' },
  'invalid-file': { severity: 'error', hint: 'Fix the file name or header directive as the message says.' },
  'unknown-placeholder': { severity: 'error', hint: 'Define the placeholder for the environment, or mark the file `-- dbarch:no-placeholders`.' },
  'invalid-suppression': { severity: 'warning', hint: 'Name one or more existing rule ids after the suppression comment, separated by commas or spaces.' },
};
