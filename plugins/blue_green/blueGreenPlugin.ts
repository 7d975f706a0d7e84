import { awaitReplicationCatchUp } from '../../activities/replication/awaitReplicationCatchUp.ts';
import { prepareGreen } from '../../activities/replication/prepareGreen.ts';
import { retireBlue } from '../../activities/replication/retireBlue.ts';
import { revertRouting } from '../../activities/replication/revertRouting.ts';
import { switchRouting } from '../../activities/replication/switchRouting.ts';
import { syncSequences } from '../../activities/replication/syncSequences.ts';
import { verifyGreen } from '../../activities/replication/verifyGreen.ts';
import { watchGreen } from '../../activities/replication/watchGreen.ts';
import { resolveConnectionUrl } from '../../activities/builtin/resolveConnectionUrl.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { hostVersion } from '../hostVersion.ts';
import { definePlugin } from '../definePlugin.ts';
import type { StepContext } from '../StepContext.ts';
import { deploymentProperties, deploymentTarget, describeTarget, type DatabaseRef, type DeploymentStepInput } from './deploymentTarget.ts';

interface PrepareInput extends DeploymentStepInput {
  readonly tables?: readonly string[];
  /** How green's server reaches blue when that differs from the worker's view (a reference). */
  readonly blue_connection_for_green?: string;
}
interface SyncInput extends DeploymentStepInput {
  readonly gap?: number;
}
interface VerifyInput extends DeploymentStepInput {
  readonly rounds?: number;
}
interface RouteInput {
  readonly service: string;
  readonly database: string;
  readonly reason?: string;
}
interface SwitchInput extends RouteInput {
  readonly to?: 'blue' | 'green';
  readonly connections?: { readonly blue?: string; readonly green?: string };
}
interface RevertInput extends RouteInput {
  readonly version?: number;
}
interface WatchInput extends RouteInput {
  readonly green: DatabaseRef;
  readonly duration: string | number;
  readonly interval?: string | number;
  readonly health_query?: string;
  readonly max_failures?: number;
}

const duration = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'number', minimum: 0 }] };
const tableName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*$' };
const deployment = (extra: Record<string, object> = {}) => ({
  type: 'object',
  additionalProperties: false,
  required: ['blue', 'green', 'name'],
  properties: { ...deploymentProperties, ...extra },
});
const routeProperties = { service: { type: 'string', minLength: 1 }, database: { type: 'string', minLength: 1 }, reason: { type: 'string' } };
const route = (extra: Record<string, object> = {}, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  required: ['service', 'database', ...required],
  properties: { ...routeProperties, ...extra },
});

/**
 * Blue-green deployments as procedure steps (`uses: bluegreen/<step>`), wrapping activities/replication. Not
 * named `blue_green`: a plugin's name is its spec section key, and `blue_green` is the built-in section whose
 * settings the planner would otherwise merge into every step's input. The shipped procedure `blue_green` (in
 * procedures/) strings these steps together; inputs carry connection references, resolved on the worker.
 */
export const bluegreenPlugin = definePlugin({
  name: 'bluegreen',
  version: hostVersion,
  host: '*',
  description: 'Blue-green deployment steps: logical replication blue → green, verification, routing switch and revert, the watch after the switch, teardown.',
  defaults: { timeout: '30m', heartbeatTimeout: '30s', retry: { attempts: 5, initialInterval: '1s', maxInterval: '1m' } },
  steps: (deps) => {
    const fallback = deps.urls.postgres;
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
      prepare_green: {
        input: deployment({ tables: { type: 'array', minItems: 1, items: tableName }, blue_connection_for_green: { type: 'string', minLength: 1 } }),
        describe: (input: PrepareInput) => `start logical replication ${describeTarget(input)}${input.tables ? ` of ${input.tables.join(', ')}` : ''}`,
        run: (input: PrepareInput) =>
          activities.prepare({
            ...deploymentTarget(input, fallback),
            ...(input.tables ? { tables: input.tables } : {}),
            ...(input.blue_connection_for_green ? { blueConnectionForGreen: resolveConnectionUrl({ connection: input.blue_connection_for_green, ...(input.blue.database ? { database: input.blue.database } : {}) }, fallback) } : {}),
          }),
      },
      await_catch_up: {
        input: deployment(),
        describe: (input: DeploymentStepInput) => `wait until green has blue's rows and WAL ${describeTarget(input)}`,
        defaults: { timeout: '48h', heartbeatTimeout: '1m' },
        run: (input: DeploymentStepInput) => activities.catchUp(deploymentTarget(input, fallback)),
      },
      sync_sequences: {
        input: deployment({ gap: { type: 'integer', minimum: 0 } }),
        describe: (input: SyncInput) => `move green's sequences up to blue's${input.gap ? ` + ${input.gap}` : ''} ${describeTarget(input)}`,
        run: (input: SyncInput) => activities.sequences({ ...deploymentTarget(input, fallback), ...(input.gap !== undefined ? { gap: input.gap } : {}) }),
      },
      verify_green: {
        input: deployment({ rounds: { type: 'integer', minimum: 1, maximum: 100 } }),
        describe: (input: DeploymentStepInput) => `verify green's schema and row counts against blue ${describeTarget(input)}`,
        // Counts can differ by rows in flight: a few spaced attempts, then the deployment stops before the switch.
        defaults: { timeout: '2h', heartbeatTimeout: '1m', retry: { attempts: 3, initialInterval: '2s' } },
        run: (input: VerifyInput) => activities.verify({ ...deploymentTarget(input, fallback), ...(input.rounds !== undefined ? { rounds: input.rounds } : {}) }),
      },
      switch_routing: {
        input: route({ to: { enum: ['blue', 'green'] }, connections: { type: 'object', additionalProperties: false, properties: { blue: { type: 'string' }, green: { type: 'string' } } } }),
        describe: (input: SwitchInput) => `switch ${input.service}/${input.database} to ${input.to ?? 'green'}`,
        defaults: { timeout: '1m', heartbeatTimeout: '30s' },
        // The step's key is recorded as the switch's origin, so revert_routing can find it without its version.
        run: (input: SwitchInput, ctx: StepContext) =>
          activities.switchTo({
            service: input.service,
            database: input.database,
            to: input.to ?? 'green',
            ...(input.connections ? { connections: input.connections } : {}),
            reason: input.reason ?? `${ctx.stepId} of ${ctx.workflowId}`,
            origin: ctx.idempotencyKey,
          }),
      },
      revert_routing: {
        input: route({ version: { type: 'integer', minimum: 1 } }),
        describe: (input: RevertInput) => `switch ${input.service}/${input.database} back (undo ${input.version === undefined ? "this run's switch" : `version ${input.version}`})`,
        // A rollback must not give up on a blip: more attempts than other steps.
        defaults: { timeout: '1m', heartbeatTimeout: '30s', retry: { attempts: 20, initialInterval: '1s', maxInterval: '30s' } },
        run: (input: RevertInput, ctx: StepContext) => {
          const reason = input.reason ?? `${ctx.stepId} of ${ctx.workflowId}`;
          const route = { service: input.service, database: input.database, reason };
          return input.version !== undefined ? activities.revert({ ...route, version: input.version }) : activities.revert({ ...route, origin: runKey(ctx) });
        },
      },
      watch_green: {
        input: route(
          {
            green: deploymentProperties.green,
            duration,
            interval: duration,
            health_query: { type: 'string', minLength: 1 },
            max_failures: { type: 'integer', minimum: 0 },
          },
          ['green', 'duration'],
        ),
        describe: (input: WatchInput) => `watch green (${input.green.database ?? input.green.connection ?? '?'}) for ${String(input.duration)}; unhealthy → switch back`,
        defaults: { timeout: '25h', heartbeatTimeout: '1m', retry: { attempts: 5 } },
        run: (input: WatchInput) =>
          activities.watch({
            greenUrl: resolveConnectionUrl(input.green, fallback),
            durationMs: milliseconds(input.duration, 'duration'),
            intervalMs: milliseconds(input.interval ?? '10s', 'interval'),
            ...(input.health_query ? { healthQuery: input.health_query } : {}),
            ...(input.max_failures !== undefined ? { maxFailures: input.max_failures } : {}),
            route: { service: input.service, database: input.database },
          }),
      },
      retire_blue: {
        input: deployment(),
        describe: (input: DeploymentStepInput) => `stop replicating and drop publication, slot and subscription ${describeTarget(input)}`,
        run: (input: DeploymentStepInput) => activities.retire(deploymentTarget(input, fallback)),
      },
    };
  },
});

/** `<workflowId>:<firstRunId>`: what every step key of this workflow run starts with. */
function runKey(ctx: StepContext): string {
  return ctx.idempotencyKey.slice(0, ctx.idempotencyKey.length - ctx.stepId.length);
}

function milliseconds(value: string | number, what: string): number {
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new DbarchError('DBA_CONFIG_INVALID', `${what}: ${parsed.message}`);
  return parsed.value;
}
