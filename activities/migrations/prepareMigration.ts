import type { SqlError } from 'libpg-query';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { MigrationFile } from './MigrationFile.ts';
import type { SqlStatement } from './splitStatements.ts';
import { splitStatements } from './splitStatements.ts';
import type { PlaceholderSpan } from './substitutePlaceholders.ts';
import { sourceOffset, substitutePlaceholders } from './substitutePlaceholders.ts';
import { textPosition } from './textPosition.ts';

/** A script ready to run: placeholders substituted, parsed, timeouts resolved. JSON apart from the AST. */
export interface PreparedMigration {
  readonly file: MigrationFile;
  /** The exact SQL that runs (after placeholders). */
  readonly sql: string;
  readonly spans: readonly PlaceholderSpan[];
  readonly statements: readonly SqlStatement[];
  readonly transactional: boolean;
  readonly lockTimeout: string;
  readonly statementTimeout: string;
}

export interface RunDefaults {
  readonly placeholders: Readonly<Record<string, string>>;
  /** lock_timeout for migrations in a transaction (non-transactional ones default to none: see docs). */
  readonly lockTimeout: string;
  readonly statementTimeout: string;
}

/**
 * Resolves placeholders and parses a script before anything runs, so an unknown placeholder, a syntax error
 * or a BEGIN/COMMIT inside a migration stops the whole run before its first migration, not in the middle.
 */
export async function prepareMigration(file: MigrationFile, defaults: RunDefaults): Promise<PreparedMigration> {
  const substituted = file.directives.placeholders ? substitutePlaceholders(file.sql, defaults.placeholders) : { sql: file.sql, spans: [], unknown: [] };
  const [unknown] = substituted.unknown;
  if (unknown) {
    const { line, column } = textPosition(file.sql, unknown.offset);
    const names = [...new Set(substituted.unknown.map((u) => u.name))];
    throw new DbarchError('DBA_MIGRATION_PLACEHOLDER_UNKNOWN', `${file.script}:${line}:${column}: unknown placeholder \${${unknown.name}}`, {
      details: { script: file.script, line, column, placeholders: names, known: Object.keys(defaults.placeholders) },
    });
  }
  let statements: SqlStatement[];
  try {
    statements = await splitStatements(substituted.sql);
  } catch (error) {
    const cursor = (error as SqlError).sqlDetails?.cursorPosition ?? 0;
    const { line, column } = textPosition(file.sql, sourceOffset(substituted.spans, cursor));
    throw new DbarchError('DBA_MIGRATION_SYNTAX', `${file.script}:${line}:${column}: ${(error as Error).message}`, {
      cause: error,
      details: { script: file.script, line, column },
    });
  }
  const control = statements.find((s) => isTransactionControl(s));
  if (control) {
    const { line, column } = textPosition(file.sql, sourceOffset(substituted.spans, control.start));
    throw new DbarchError('DBA_MIGRATION_TRANSACTION_CONTROL', `${file.script}:${line}:${column}: ${control.text.slice(0, 40)}`, {
      details: { script: file.script, line, column },
    });
  }
  const transactional = file.directives.transaction;
  return {
    file,
    sql: substituted.sql,
    spans: substituted.spans,
    statements,
    transactional,
    lockTimeout: file.directives.lockTimeout ?? (transactional ? defaults.lockTimeout : '0'),
    statementTimeout: file.directives.statementTimeout ?? defaults.statementTimeout,
  };
}

/** BEGIN, COMMIT, ROLLBACK (savepoints are fine: they stay inside the migration's transaction). */
export function isTransactionControl(statement: SqlStatement): boolean {
  if (!('TransactionStmt' in statement.node)) return false;
  const kind = statement.node.TransactionStmt.kind;
  return kind !== 'TRANS_STMT_SAVEPOINT' && kind !== 'TRANS_STMT_RELEASE' && kind !== 'TRANS_STMT_ROLLBACK_TO';
}
