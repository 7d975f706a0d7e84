import { runSqlOnce, type SqlStepInput, type SqlStepOutput } from '../../activities/builtin/runSqlOnce.ts';
import type { StepDefinition } from '../definePlugin.ts';
import type { PluginDeps } from '../PluginDeps.ts';

/** `builtin/sql`: SQL on a named database, exactly once per step (activities/builtin/runSqlOnce.ts). */
export function sqlStep(deps: PluginDeps): StepDefinition<SqlStepInput, SqlStepOutput> {
  return {
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['sql'],
      properties: {
        sql: { type: 'string', minLength: 1 },
        database: { type: 'string', minLength: 1 },
        connection: { type: 'string', minLength: 1 },
        params: { type: 'array' },
        transaction: { type: 'boolean' },
      },
    },
    describe: (input) => {
      const sql = input.sql.replace(/\s+/g, ' ').trim();
      return `run SQL on ${input.database !== undefined ? `database ${input.database}` : (input.connection ?? 'the default database')}: ${sql.length > 60 ? `${sql.slice(0, 57)}...` : sql}`;
    },
    defaults: { timeout: '10m', heartbeatTimeout: '10s', retry: { attempts: 5, nonRetryable: ['DBA_STEP_SQL'] } },
    run: (input, ctx) => runSqlOnce(deps, input, ctx),
  };
}
