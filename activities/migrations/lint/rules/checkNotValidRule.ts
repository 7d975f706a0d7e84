import { isNewTable } from '../FileLintState.ts';
import { alterTableCommands } from '../alterTableCommands.ts';
import type { LintRule } from '../LintRule.ts';

export const checkNotValidRule: LintRule = {
  meta: {
    id: 'check-not-valid',
    severity: 'warning',
    description: 'Adding a CHECK constraint to an existing table scans every row under an ACCESS EXCLUSIVE lock.',
    hint: 'ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT separately (it takes a weaker lock).',
  },
  check({ node, state }) {
    const alter = alterTableCommands(node);
    if (!alter || isNewTable(state, alter.statement.relation)) return [];
    return alter.commands
      .filter((c) => c.subtype === 'AT_AddConstraint' && c.def && 'Constraint' in c.def)
      .map((c) => (c.def && 'Constraint' in c.def ? c.def.Constraint : {}))
      .filter((c) => c.contype === 'CONSTR_CHECK' && !c.skip_validation)
      .map((c) => `CHECK constraint ${c.conname ?? ''} is validated immediately under lock; add it NOT VALID`);
  },
};
