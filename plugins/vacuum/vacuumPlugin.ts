import { escapeIdentifier } from 'pg';
import { toStepError } from '../../activities/postgres/toStepError.ts';
import { resolveConnectionUrl } from '../../activities/postgres/resolveConnectionUrl.ts';
import { definePlugin } from '../definePlugin.ts';
import type { PluginDeps } from '../PluginDeps.ts';
import type { StepContext } from '../StepContext.ts';
import { vacuumInterrupted } from './vacuumInterrupted.ts';

export interface VacuumInput {
  readonly database?: string;
  readonly connection?: string;
  /** `table` or `schema.table`. */
  readonly tables: readonly string[];
}

export interface VacuumOutput {
  readonly tables: readonly { readonly table: string; readonly deadTuplesBefore: number | null; readonly deadTuplesAfter: number | null }[];
}

const tablesSchema = { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?$' } };
const inputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tables'],
  properties: { database: { type: 'string', minLength: 1 }, connection: { type: 'string', minLength: 1 }, tables: tablesSchema },
};

/**
 * Example plugin, useful on its own: VACUUM (ANALYZE) or ANALYZE of listed tables, one table at a time, reporting
 * dead tuples before and after. Safe to retry (both commands are idempotent). The `vacuum:` spec section gives the
 * default database and tables for every vacuum step.
 */
export const vacuumPlugin = definePlugin({
  name: 'vacuum',
  version: '1.0.0',
  host: '^0.1.0',
  description: 'VACUUM (ANALYZE) and ANALYZE of listed tables; the section gives defaults for every vacuum/* step.',
  configSchema: { type: 'object', additionalProperties: false, properties: inputSchema.properties },
  defaults: { timeout: '1h', heartbeatTimeout: '30s', retry: { attempts: 3, nonRetryable: ['DBA_STEP_SQL'] } },
  steps: (deps) => ({
    vacuum: {
      input: inputSchema,
      describe: (input: VacuumInput) => `VACUUM (ANALYZE) ${input.tables.join(', ')} on ${input.database ?? 'the default database'}`,
      run: (input: VacuumInput, ctx: StepContext) => maintain(deps, input, ctx, 'VACUUM (ANALYZE)'),
    },
    analyze: {
      input: inputSchema,
      describe: (input: VacuumInput) => `ANALYZE ${input.tables.join(', ')} on ${input.database ?? 'the default database'}`,
      run: (input: VacuumInput, ctx: StepContext) => maintain(deps, input, ctx, 'ANALYZE'),
    },
  }),
});

async function maintain(deps: PluginDeps, input: VacuumInput, ctx: StepContext, command: string): Promise<VacuumOutput> {
  const pool = deps.postgres(resolveConnectionUrl(input, deps.urls.postgres));
  const out: VacuumOutput['tables'][number][] = [];
  // Stopped part-way, the step fails naming the tables done and not done: success would claim every table.
  const interrupted = (index: number, cause?: unknown) =>
    vacuumInterrupted(ctx.signal, command, out.map((t) => t.table), input.tables.slice(index), cause);
  for (const [index, table] of input.tables.entries()) {
    if (ctx.signal.aborted) throw interrupted(index);
    const qualified = table.split('.').map((part) => escapeIdentifier(part)).join('.');
    try {
      const before = await deadTuples(pool, table);
      // VACUUM refuses to run inside a transaction block; pool.query runs it on its own.
      await pool.query(`${command} ${qualified}`);
      out.push({ table, deadTuplesBefore: before, deadTuplesAfter: await deadTuples(pool, table) });
    } catch (error) {
      throw ctx.signal.aborted ? interrupted(index, error) : toStepError(error, `${command} ${table}`);
    }
    ctx.heartbeat({ done: out.length, of: input.tables.length });
  }
  return { tables: out };
}

async function deadTuples(pool: ReturnType<PluginDeps['postgres']>, table: string): Promise<number | null> {
  const { rows } = await pool.query<{ n: string | null }>('SELECT n_dead_tup AS n FROM pg_stat_user_tables WHERE relid = to_regclass($1)', [table]);
  return rows[0]?.n == null ? null : Number(rows[0].n);
}
