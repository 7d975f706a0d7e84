import type { LintRule } from '../LintRule.ts';

export const transactionControlRule: LintRule = {
  meta: {
    id: 'transaction-control',
    severity: 'error',
    description: 'BEGIN, COMMIT or ROLLBACK in a migration would end the migration\'s own transaction and separate it from its history row.',
    hint: 'Remove them; each migration already runs in one transaction (savepoints are fine).',
  },
  check({ node }) {
    if (!('TransactionStmt' in node)) return [];
    const kind = node.TransactionStmt.kind;
    return kind === 'TRANS_STMT_SAVEPOINT' || kind === 'TRANS_STMT_RELEASE' || kind === 'TRANS_STMT_ROLLBACK_TO' ? [] : [`${kind ?? ''} ends the migration's transaction`];
  },
};
