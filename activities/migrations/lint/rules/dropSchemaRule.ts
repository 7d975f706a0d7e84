import type { LintRule } from '../LintRule.ts';

export const dropSchemaRule: LintRule = {
  meta: {
    id: 'drop-schema',
    severity: 'error',
    description: 'DROP SCHEMA deletes every object in the schema (with CASCADE) and their data.',
    hint: 'Drop the objects one by one in reviewed migrations, or suppress with a comment once reviewed.',
    kinds: ['versioned', 'repeatable'],
  },
  check({ node }) {
    return 'DropStmt' in node && node.DropStmt.removeType === 'OBJECT_SCHEMA' ? ['DROP SCHEMA deletes every object in it'] : [];
  },
};
