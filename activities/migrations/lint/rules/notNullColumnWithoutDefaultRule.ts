import { isNewTable } from '../FileLintState.ts';
import { alterTableCommands } from '../alterTableCommands.ts';
import type { LintRule } from '../LintRule.ts';

export const notNullColumnWithoutDefaultRule: LintRule = {
  meta: {
    id: 'not-null-column-without-default',
    severity: 'warning',
    description: 'ADD COLUMN … NOT NULL without a DEFAULT fails on any table that has rows.',
    hint: 'Give the column a constant DEFAULT, or add it nullable, backfill, and then enforce NOT NULL.',
  },
  check({ node, state }) {
    const alter = alterTableCommands(node);
    if (!alter || isNewTable(state, alter.statement.relation)) return [];
    const messages: string[] = [];
    for (const cmd of alter.commands) {
      if (cmd.subtype !== 'AT_AddColumn' || !cmd.def || !('ColumnDef' in cmd.def)) continue;
      const kinds = (cmd.def.ColumnDef.constraints ?? []).flatMap((c) => ('Constraint' in c ? [c.Constraint.contype] : []));
      const filled = kinds.some((k) => k === 'CONSTR_DEFAULT' || k === 'CONSTR_IDENTITY' || k === 'CONSTR_GENERATED');
      if (kinds.includes('CONSTR_NOTNULL') && !filled) messages.push(`${cmd.def.ColumnDef.colname ?? ''} is NOT NULL without a DEFAULT`);
    }
    return messages;
  },
};
