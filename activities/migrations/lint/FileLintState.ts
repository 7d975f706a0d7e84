import type { Node, RangeVar } from 'libpg-query';

/**
 * What the statements of one file have done so far. "Existing table" in the rules means not created
 * earlier in the same file: lint is offline and cannot know what a database holds.
 */
export interface FileLintState {
  readonly createdTables: { schema: string | null; name: string }[];
  /** CHECK (col IS NOT NULL) constraints by name, and whether they were validated. */
  readonly notNullChecks: Map<string, { table: string; column: string; validated: boolean }>;
}

export function emptyFileLintState(): FileLintState {
  return { createdTables: [], notNullChecks: new Map() };
}

/** True when the relation was created earlier in the same file (so locking and rewriting it is harmless). */
export function isNewTable(state: FileLintState, relation: RangeVar | undefined): boolean {
  if (!relation?.relname) return false;
  return state.createdTables.some(
    (t) => t.name === relation.relname && (t.schema === null || !relation.schemaname || t.schema === relation.schemaname),
  );
}

/** Records what a statement creates or validates, after the rules have looked at it. */
export function trackStatement(state: FileLintState, node: Node): void {
  if ('CreateStmt' in node && node.CreateStmt.relation?.relname) {
    state.createdTables.push({ schema: node.CreateStmt.relation.schemaname ?? null, name: node.CreateStmt.relation.relname });
  }
  if ('CreateTableAsStmt' in node && node.CreateTableAsStmt.into?.rel?.relname) {
    const rel = node.CreateTableAsStmt.into.rel;
    state.createdTables.push({ schema: rel.schemaname ?? null, name: rel.relname ?? '' });
  }
  if (!('AlterTableStmt' in node)) return;
  const table = node.AlterTableStmt.relation?.relname ?? '';
  for (const item of node.AlterTableStmt.cmds ?? []) {
    if (!('AlterTableCmd' in item)) continue;
    const cmd = item.AlterTableCmd;
    if (cmd.subtype === 'AT_AddConstraint' && cmd.def && 'Constraint' in cmd.def) {
      const constraint = cmd.def.Constraint;
      const column = notNullTestColumn(constraint.raw_expr);
      if (constraint.contype === 'CONSTR_CHECK' && column && constraint.conname) {
        state.notNullChecks.set(constraint.conname, { table, column, validated: !constraint.skip_validation });
      }
    }
    if (cmd.subtype === 'AT_ValidateConstraint' && cmd.name) {
      const check = state.notNullChecks.get(cmd.name);
      if (check) check.validated = true;
    }
  }
}

/** The column of `col IS NOT NULL`, or null for any other expression. */
export function notNullTestColumn(expr: Node | undefined): string | null {
  if (!expr || !('NullTest' in expr) || expr.NullTest.nulltesttype !== 'IS_NOT_NULL') return null;
  const arg = expr.NullTest.arg;
  if (!arg || !('ColumnRef' in arg)) return null;
  const last = arg.ColumnRef.fields?.at(-1);
  return last && 'String' in last ? (last.String.sval ?? null) : null;
}
