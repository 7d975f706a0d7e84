import type { AlterTableCmd, AlterTableStmt, Node } from 'libpg-query';

/** The ALTER TABLE statement and its subcommands, or null when the node is something else. */
export function alterTableCommands(node: Node): { statement: AlterTableStmt; commands: AlterTableCmd[] } | null {
  if (!('AlterTableStmt' in node)) return null;
  const statement = node.AlterTableStmt;
  if (statement.objtype && statement.objtype !== 'OBJECT_TABLE') return null;
  const commands = (statement.cmds ?? []).flatMap((item) => ('AlterTableCmd' in item ? [item.AlterTableCmd] : []));
  return { statement, commands };
}
