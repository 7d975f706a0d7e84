import { columnsAddedToExistingTable } from '../columnsAddedToExistingTable.ts';
import type { LintRule } from '../LintRule.ts';

export const notNullColumnWithoutDefaultRule: LintRule = {
  meta: {
    id: 'not-null-column-without-default',
    severity: 'warning',
    description: 'ADD COLUMN … NOT NULL without a DEFAULT fails on any table that has rows.',
    hint: 'Give the column a constant DEFAULT, or add it nullable, backfill, and then enforce NOT NULL.',
  },
  check(statement) {
    const messages: string[] = [];
    for (const column of columnsAddedToExistingTable(statement)) {
      const kinds = (column.constraints ?? []).flatMap((c) => ('Constraint' in c ? [c.Constraint.contype] : []));
      const filled = kinds.some((k) => k === 'CONSTR_DEFAULT' || k === 'CONSTR_IDENTITY' || k === 'CONSTR_GENERATED');
      if (kinds.includes('CONSTR_NOTNULL') && !filled) messages.push(`${column.colname ?? ''} is NOT NULL without a DEFAULT`);
    }
    return messages;
  },
};
