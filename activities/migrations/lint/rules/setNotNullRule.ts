import { isNewTable } from '../FileLintState.ts';
import { alterTableCommands } from '../alterTableCommands.ts';
import type { LintRule } from '../LintRule.ts';

export const setNotNullRule: LintRule = {
  meta: {
    id: 'set-not-null',
    severity: 'warning',
    description: 'SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock unless a validated CHECK (col IS NOT NULL) proves it already.',
    hint: 'First ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT c (no long lock), then SET NOT NULL (instant), then DROP CONSTRAINT c.',
  },
  check({ node, state }) {
    const alter = alterTableCommands(node);
    if (!alter || isNewTable(state, alter.statement.relation)) return [];
    const table = alter.statement.relation?.relname ?? '';
    return alter.commands
      .filter((c) => c.subtype === 'AT_SetNotNull')
      .filter((c) => ![...state.notNullChecks.values()].some((check) => check.validated && check.table === table && check.column === c.name))
      .map((c) => `SET NOT NULL on ${c.name ?? ''} without a validated CHECK (${c.name ?? ''} IS NOT NULL) scans the table under lock`);
  },
};
