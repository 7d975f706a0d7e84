import type { LintRule } from '../LintRule.ts';

export const truncateRule: LintRule = {
  meta: {
    id: 'truncate',
    severity: 'error',
    description: 'TRUNCATE deletes every row and takes an ACCESS EXCLUSIVE lock.',
    hint: 'Delete in batches if only some rows must go; suppress with a comment once reviewed.',
    kinds: ['versioned', 'repeatable'],
  },
  check({ node }) {
    return 'TruncateStmt' in node ? ['TRUNCATE deletes every row'] : [];
  },
};
