import { isNewTable } from '../FileLintState.ts';
import { alterTableCommands } from '../alterTableCommands.ts';
import type { LintRule } from '../LintRule.ts';

export const alterColumnTypeRule: LintRule = {
  meta: {
    id: 'alter-column-type',
    severity: 'warning',
    description: 'ALTER COLUMN … TYPE usually rewrites the table and its indexes under an ACCESS EXCLUSIVE lock.',
    hint: 'Add a new column, backfill it in batches, switch readers, then drop the old one (binary-compatible changes such as varchar widening are safe).',
  },
  check({ node, state }) {
    const alter = alterTableCommands(node);
    if (!alter || isNewTable(state, alter.statement.relation)) return [];
    return alter.commands.filter((c) => c.subtype === 'AT_AlterColumnType').map((c) => `changing the type of ${c.name ?? ''} may rewrite the table`);
  },
};
