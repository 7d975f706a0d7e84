import type { LintRule } from '../LintRule.ts';

export const dropTableRule: LintRule = {
  meta: {
    id: 'drop-table',
    severity: 'error',
    description: 'DROP TABLE deletes the table and its data; running application versions may still use it.',
    hint: 'Stop using the table in a released version first, keep a backup, and write the U script; suppress with a comment once reviewed.',
    kinds: ['versioned', 'repeatable'],
  },
  check({ node }) {
    return 'DropStmt' in node && node.DropStmt.removeType === 'OBJECT_TABLE' ? ['DROP TABLE deletes data'] : [];
  },
};
