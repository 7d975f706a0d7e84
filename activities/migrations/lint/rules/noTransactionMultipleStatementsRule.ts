import type { LintRule } from '../LintRule.ts';

export const noTransactionMultipleStatementsRule: LintRule = {
  meta: {
    id: 'no-transaction-multiple-statements',
    severity: 'warning',
    description: 'A `-- dbarch:no-transaction` file with several statements can fail half-applied (earlier statements stay).',
    hint: 'Keep one statement per non-transactional file, or make every statement idempotent (IF NOT EXISTS).',
  },
  check({ file, index }) {
    return !file.directives.transaction && index === 1 ? ['more than one statement in a non-transactional migration'] : [];
  },
};
