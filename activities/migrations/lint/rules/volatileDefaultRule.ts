import { collectNodes } from '../collectNodes.ts';
import { columnsAddedToExistingTable } from '../columnsAddedToExistingTable.ts';
import type { LintRule } from '../LintRule.ts';

/** Functions known not to be volatile (a DEFAULT of these is evaluated once, no rewrite since PG 11). */
const nonVolatile = new Set([
  'now', 'transaction_timestamp', 'statement_timestamp', 'current_setting', 'lower', 'upper', 'btrim', 'length', 'concat',
  'make_date', 'make_interval', 'to_jsonb', 'jsonb_build_object', 'json_build_object', 'jsonb_build_array', 'abs', 'round', 'to_char',
]);
const serialTypes = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

export const volatileDefaultRule: LintRule = {
  meta: {
    id: 'volatile-default',
    severity: 'warning',
    description:
      'ADD COLUMN with a volatile DEFAULT (random(), gen_random_uuid(), clock_timestamp(), a serial or identity, a stored generated column) rewrites the whole table under an ACCESS EXCLUSIVE lock.',
    hint: 'Add the column without the default (or with a constant one), backfill in batches, then SET DEFAULT for new rows.',
  },
  check(statement) {
    const messages: string[] = [];
    for (const column of columnsAddedToExistingTable(statement)) {
      const typeName = column.typeName?.names?.at(-1);
      const type = typeName && 'String' in typeName ? typeName.String.sval : undefined;
      if (type && serialTypes.has(type)) messages.push(`${column.colname ?? ''} is ${type}: filling it rewrites the table`);
      for (const item of column.constraints ?? []) {
        if (!('Constraint' in item)) continue;
        const constraint = item.Constraint;
        if (constraint.contype === 'CONSTR_IDENTITY') messages.push(`${column.colname ?? ''} is an identity column: filling it rewrites the table`);
        if (constraint.contype === 'CONSTR_GENERATED') messages.push(`${column.colname ?? ''} is a stored generated column: computing it rewrites the table`);
        if (constraint.contype !== 'CONSTR_DEFAULT') continue;
        const volatile = collectNodes(constraint.raw_expr, 'FuncCall')
          .map((call) => collectNodes(call.funcname, 'String').at(-1)?.sval)
          .filter((name): name is string => typeof name === 'string' && !nonVolatile.has(name));
        if (volatile.length > 0) messages.push(`DEFAULT of ${column.colname ?? ''} calls ${volatile.join(', ')}(), which may be volatile: the table is rewritten`);
      }
    }
    return messages;
  },
};
