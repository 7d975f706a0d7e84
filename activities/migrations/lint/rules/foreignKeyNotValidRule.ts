import { isNewTable } from '../FileLintState.ts';
import { alterTableCommands } from '../alterTableCommands.ts';
import type { LintRule } from '../LintRule.ts';

export const foreignKeyNotValidRule: LintRule = {
  meta: {
    id: 'foreign-key-not-valid',
    severity: 'warning',
    description: 'Adding a FOREIGN KEY to an existing table validates every row while holding locks on both tables.',
    hint: 'ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later statement or migration (it takes a weaker lock).',
  },
  check({ node, state }) {
    const alter = alterTableCommands(node);
    if (!alter || isNewTable(state, alter.statement.relation)) return [];
    const messages: string[] = [];
    for (const cmd of alter.commands) {
      if (cmd.subtype === 'AT_AddConstraint' && cmd.def && 'Constraint' in cmd.def) {
        const c = cmd.def.Constraint;
        if (c.contype === 'CONSTR_FOREIGN' && !c.skip_validation) messages.push(`foreign key ${c.conname ?? ''} is validated immediately; add it NOT VALID`);
      }
      if (cmd.subtype === 'AT_AddColumn' && cmd.def && 'ColumnDef' in cmd.def) {
        for (const item of cmd.def.ColumnDef.constraints ?? []) {
          if ('Constraint' in item && item.Constraint.contype === 'CONSTR_FOREIGN') {
            messages.push(`column ${cmd.def.ColumnDef.colname ?? ''} REFERENCES is validated immediately; add the column, then the foreign key NOT VALID`);
          }
        }
      }
    }
    return messages;
  },
};
