import { isNewTable } from '../FileLintState.ts';
import type { LintRule } from '../LintRule.ts';

export const createIndexNonConcurrentRule: LintRule = {
  meta: {
    id: 'create-index-non-concurrent',
    severity: 'warning',
    description: 'CREATE INDEX without CONCURRENTLY blocks every write to an existing table while the index builds.',
    hint: 'Use CREATE INDEX CONCURRENTLY in its own file marked `-- dbarch:no-transaction`.',
  },
  check({ node, state }) {
    if (!('IndexStmt' in node) || node.IndexStmt.concurrent || isNewTable(state, node.IndexStmt.relation)) return [];
    return [`CREATE INDEX on ${node.IndexStmt.relation?.relname ?? ''} blocks writes while it builds`];
  },
};
