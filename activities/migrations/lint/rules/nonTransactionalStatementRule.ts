import type { Node } from 'libpg-query';
import type { LintRule } from '../LintRule.ts';

/** Statements PostgreSQL refuses inside a transaction block (PreventInTransactionBlock). */
function cannotRunInTransaction(node: Node): string | null {
  if ('IndexStmt' in node && node.IndexStmt.concurrent) return 'CREATE INDEX CONCURRENTLY';
  if ('DropStmt' in node && node.DropStmt.concurrent) return 'DROP INDEX CONCURRENTLY';
  if ('ReindexStmt' in node && (node.ReindexStmt.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently')) {
    return 'REINDEX CONCURRENTLY';
  }
  if ('VacuumStmt' in node) return node.VacuumStmt.is_vacuumcmd === false ? null : 'VACUUM';
  if ('CreatedbStmt' in node) return 'CREATE DATABASE';
  if ('DropdbStmt' in node) return 'DROP DATABASE';
  if ('AlterSystemStmt' in node) return 'ALTER SYSTEM';
  if ('CreateTableSpaceStmt' in node) return 'CREATE TABLESPACE';
  if ('DropTableSpaceStmt' in node) return 'DROP TABLESPACE';
  return null;
}

export const nonTransactionalStatementRule: LintRule = {
  meta: {
    id: 'non-transactional-statement',
    severity: 'error',
    description: 'The statement cannot run inside a transaction block, and this migration runs in one.',
    hint: 'Move it to its own file whose header has `-- dbarch:no-transaction`.',
  },
  check({ node, file }) {
    if (!file.directives.transaction) return [];
    const what = cannotRunInTransaction(node);
    return what ? [`${what} cannot run inside the migration's transaction`] : [];
  },
};
