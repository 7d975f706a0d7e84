import type { ColumnDef } from 'libpg-query';
import { alterTableCommands } from './alterTableCommands.ts';
import { isNewTable } from './FileLintState.ts';
import type { StatementContext } from './LintRule.ts';

/**
 * The columns an ALTER TABLE … ADD COLUMN adds to a table that existed before this file (a table created earlier
 * in the same file has no rows yet, so adding to it is harmless).
 */
export function columnsAddedToExistingTable({ node, state }: Pick<StatementContext, 'node' | 'state'>): ColumnDef[] {
  const alter = alterTableCommands(node);
  if (!alter || isNewTable(state, alter.statement.relation)) return [];
  return alter.commands.flatMap((cmd) => (cmd.subtype === 'AT_AddColumn' && cmd.def && 'ColumnDef' in cmd.def ? [cmd.def.ColumnDef] : []));
}
