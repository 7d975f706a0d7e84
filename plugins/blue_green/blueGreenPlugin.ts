import { applyMigrations } from '../../activities/migrations/applyMigrations.ts';
import type { MigrationProgress } from '../../activities/migrations/MigrationDeps.ts';
import { awaitReplicationCatchUp } from '../../activities/replication/awaitReplicationCatchUp.ts';
import { prepareGreen } from '../../activities/replication/prepareGreen.ts';
import { retireBlue } from '../../activities/replication/retireBlue.ts';
import { revertRouting } from '../../activities/replication/revertRouting.ts';
import { switchRouting } from '../../activities/replication/switchRouting.ts';
import { syncSequences } from '../../activities/replication/syncSequences.ts';
import { verifyGreen } from '../../activities/replication/verifyGreen.ts';
import { watchGreen } from '../../activities/replication/watchGreen.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { JsonObject } from '../../plan/Plan.ts';
import { stepListProcedure } from '../../plan/stepListProcedure.ts';
import { definePlugin } from '../definePlugin.ts';
import { hostVersion } from '../hostVersion.ts';
import { checkMigrationFiles } from '../migrations/checkMigrationFiles.ts';
import type { StepContext } from '../StepContext.ts';
import { blueGreenDeployment, routeOf, stage } from './blueGreenDeployment.ts';
import { blueGreenStepSchema, type BlueGreenStepInput } from './BlueGreenStepInput.ts';

interface MigrateInput extends BlueGreenStepInput {
  /** Absolute migrations directory (`{{ env.migrations }}`); absent: green is taken as migrated already. */
  readonly directory?: string;
  /** Relative path → sha256 the plan was made for (`{{ env.migration_files }}`): other files refuse the step. */
  readonly files?: Readonly<Record<string, string>>;
  readonly lock_timeout?: string;
  readonly history_schema?: string;
}
interface SyncInput extends BlueGreenStepInput {
  readonly gap?: number;
}
interface VerifyInput extends BlueGreenStepInput {
  readonly rounds?: number;
}
interface RevertInput extends BlueGreenStepInput {
  readonly version?: number;
}

const text = { type: 'string', minLength: 1 };

/**
 * The blue-green capability: reads the `blue_green` section, whose settings are the defaults of every
 * `blue_green/<step>` input (so the spec's blue-green settings are the procedure's parameters), offers its
 * rollback window to procedures (`{{ blue_green.rollback_window }}`, `{{ env.rollback_window }}`), wraps
 * activities/replication as steps, and ships `dbarch/blue_green`, which runs them in order. Connection
 * references in the settings are resolved on the worker.
 */
export const blueGreenPlugin = definePlugin({
  name: 'blue_green',
  version: hostVersion,
  host: '*',
  description: 'Blue-green deployment steps: migrate green, replicate blue → green, verify, switch routing (and back), watch, retire.',
  reads: ['blue_green'],
  planning: {
    settings: (sections) => ({
      rollback_window: { value: sections.blue_green?.rollback_window ?? '24h', source: { path: ['blue_green', 'rollback_window'] } },
    }),
    env: { rollback_window: 'rollback_window' },
    stepDefaults: (sections) => sections.blue_green as JsonObject | undefined,
    // Steps with `action:` are a procedure of the spec's own (`blue_green`, planned instead of dbarch/blue_green);
    // prose, the seed's form, names the six stages of dbarch/blue_green, which its plan lines show.
    procedures: (sections) => {
      const steps = sections.blue_green?.deployment_steps;
      if (steps === undefined || typeof steps === 'string' || !steps.some((step) => step.action !== undefined)) return undefined;
      return {
        roles: { blue_green_operators: ['dba'] },
        definitions: {
          blue_green: stepListProcedure(steps, { description: 'The spec\'s blue_green.deployment_steps', operation: 'blue-green', role: 'blue_green_operators', at: ['blue_green', 'deployment_steps'] }),
        },
      };
    },
  },
  procedures: [new URL('../../procedures/blue_green.yaml', import.meta.url)],
  defaults: { timeout: '30m', heartbeatTimeout: '30s', retry: { attempts: 5, initialInterval: '1s', maxInterval: '1m' } },
  steps: (deps) => {
    const fallback = deps.urls.postgres;
    const deployment = (input: BlueGreenStepInput) => blueGreenDeployment(input, fallback);
    // describe() runs when planning, on input not yet known to be valid: plan lines never resolve references.
    const on = (input: BlueGreenStepInput) => `${input.current} → ${input.standby}`;
    const activities = {
      prepare: prepareGreen(deps),
      catchUp: awaitReplicationCatchUp(deps),
      verify: verifyGreen(deps),
      sequences: syncSequences(deps),
      switchTo: switchRouting(deps),
      revert: revertRouting(deps),
      watch: watchGreen(deps),
      retire: retireBlue(deps),
    };
    return {
      migrate_green: {
        input: blueGreenStepSchema({ directory: text, files: { type: 'object', additionalProperties: { type: 'string' } }, lock_timeout: text, history_schema: text }),
        describe: (input: MigrateInput) => `${stage(input, 1, `Apply migrations to ${input.standby}`)}: apply the pending migrations to green (${input.standby})`,
        defaults: { timeout: '2h', retry: { attempts: 5, nonRetryable: ['DBA_PIPELINE_FILES_CHANGED', 'DBA_MIGRATION_FAILED'] } },
        run: async (input: MigrateInput, ctx: StepContext) => {
          if (input.directory === undefined) return { skipped: 'no migrations directory: green is taken as migrated' };
          checkMigrationFiles({ database: input.standby, directory: input.directory, ...(input.files ? { files: input.files } : {}) });
          const lockWait = input.lock_timeout === undefined ? undefined : parseDuration(input.lock_timeout);
          return applyMigrations(
            {
              source: { dir: input.directory },
              historySchema: input.history_schema ?? 'dbarch_history',
              installedBy: ctx.workflowId,
              ...(lockWait?.ok ? { lockWaitTimeoutMs: lockWait.value } : {}),
            },
            { db: deployment(input).target.greenUrl, onProgress: (progress: MigrationProgress) => ctx.heartbeat(progress), logger: ctx.log },
          );
        },
      },
      prepare_green: {
        input: blueGreenStepSchema(),
        describe: (input: BlueGreenStepInput) => `${stage(input, 2, 'Replicate data')}: start logical replication ${on(input)}${input.tables ? ` of ${input.tables.join(', ')}` : ''}`,
        run: (input: BlueGreenStepInput) => activities.prepare({ ...deployment(input).target, ...(input.tables ? { tables: input.tables } : {}) }),
      },
      await_catch_up: {
        input: blueGreenStepSchema(),
        describe: (input: BlueGreenStepInput) => `${stage(input, 2, 'Replicate data')}: wait until ${input.standby} has ${input.current}'s rows and WAL`,
        defaults: { timeout: '48h', heartbeatTimeout: '1m' },
        run: (input: BlueGreenStepInput) => activities.catchUp(deployment(input).target),
      },
      verify_green: {
        input: blueGreenStepSchema({ rounds: { type: 'integer', minimum: 1, maximum: 100 } }),
        describe: (input: VerifyInput) => `${stage(input, 3, 'Verify green health')}: compare ${input.standby}'s schema and row counts with ${input.current}'s`,
        // Counts differ by rows in flight while writes land: a few spaced attempts, then it stops before the switch.
        defaults: { timeout: '2h', heartbeatTimeout: '1m', retry: { attempts: 3, initialInterval: '2s' } },
        run: (input: VerifyInput) => activities.verify({ ...deployment(input).target, ...(input.rounds !== undefined ? { rounds: input.rounds } : {}) }),
      },
      sync_sequences: {
        input: blueGreenStepSchema({ gap: { type: 'integer', minimum: 0 } }),
        describe: (input: SyncInput) => `${stage(input, 3, 'Verify green health')}: move ${input.standby}'s sequences up to ${input.current}'s${input.gap ? ` + ${input.gap}` : ''}`,
        run: (input: SyncInput) => activities.sequences({ ...deployment(input).target, ...(input.gap !== undefined ? { gap: input.gap } : {}) }),
      },
      switch_routing: {
        input: blueGreenStepSchema(),
        describe: (input: BlueGreenStepInput) => {
          const route = routeOf(input);
          return `${stage(input, 4, 'Switch traffic')}: route ${route.service}/${route.database} to green (${input.standby}), NOTIFY dbarch_routing`;
        },
        defaults: { timeout: '1m' },
        // The step's key is recorded as the switch's origin: revert_routing finds this run's switch by it.
        run: (input: BlueGreenStepInput, ctx: StepContext) =>
          activities.switchTo({ ...deployment(input).route, to: 'green', reason: `${ctx.stepId} of ${ctx.workflowId}`, origin: ctx.idempotencyKey }),
      },
      revert_routing: {
        input: blueGreenStepSchema({ version: { type: 'integer', minimum: 1 } }),
        describe: (input: RevertInput) => {
          const route = routeOf(input);
          return `route ${route.service}/${route.database} back to blue (${input.current}), undoing ${input.version === undefined ? "this run's switch" : `version ${input.version}`}`;
        },
        // A rollback must not give up on a blip.
        defaults: { timeout: '1m', retry: { attempts: 20, initialInterval: '1s', maxInterval: '30s' } },
        run: (input: RevertInput, ctx: StepContext) => {
          const route = { ...deployment(input).route, reason: `${ctx.stepId} of ${ctx.workflowId}` };
          return input.version !== undefined ? activities.revert({ ...route, version: input.version }) : activities.revert({ ...route, origin: runKey(ctx) });
        },
      },
      watch_green: {
        input: blueGreenStepSchema(),
        describe: (input: BlueGreenStepInput) => `${stage(input, 5, 'Monitor for errors')}: check ${input.standby} every ${String(input.monitor?.interval ?? '10s')} for ${String(input.monitor?.duration ?? '5m')}; unhealthy → switch back`,
        defaults: { timeout: '25h', heartbeatTimeout: '1m' },
        run: (input: BlueGreenStepInput, ctx: StepContext) => {
          const { target, route } = deployment(input);
          const monitor = input.monitor ?? {};
          return activities.watch({
            greenUrl: target.greenUrl,
            durationMs: milliseconds(monitor.duration ?? '5m', 'monitor.duration'),
            intervalMs: milliseconds(monitor.interval ?? '10s', 'monitor.interval'),
            ...(monitor.health_query ? { healthQuery: monitor.health_query } : {}),
            ...(monitor.max_failures !== undefined ? { maxFailures: monitor.max_failures } : {}),
            route,
            // A retried watch (the worker died mid-window) continues the window it had watched so far.
            ...(ctx.heartbeatDetails !== undefined ? { resume: ctx.heartbeatDetails } : {}),
          }, ctx);
        },
      },
      retire_blue: {
        input: blueGreenStepSchema(),
        describe: (input: BlueGreenStepInput) => `${stage(input, 6, 'Retire blue')}: stop replicating ${on(input)}; drop publication, slot and subscription (data stays)`,
        run: (input: BlueGreenStepInput) => activities.retire(deployment(input).target),
      },
    };
  },
});

/** `<workflowId>:<firstRunId>:`: what every step key of this workflow run starts with. */
function runKey(ctx: StepContext): string {
  return ctx.idempotencyKey.slice(0, ctx.idempotencyKey.length - ctx.stepId.length);
}

function milliseconds(value: string | number, what: string): number {
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new DbarchError('DBA_CONFIG_INVALID', `${what}: ${parsed.message}`);
  return parsed.value;
}
