import { alertFailover } from '../../activities/failover/alertFailover.ts';
import { checkReplication } from '../../activities/failover/checkReplication.ts';
import { demotePrimary } from '../../activities/failover/demotePrimary.ts';
import { detectPrimaryFailure } from '../../activities/failover/detectPrimaryFailure.ts';
import { failoverContext } from '../../activities/failover/failoverContext.ts';
import { fenceOldPrimary } from '../../activities/failover/fenceOldPrimary.ts';
import { promoteBestReplica } from '../../activities/failover/promoteBestReplica.ts';
import { publishNewPrimary } from '../../activities/failover/publishNewPrimary.ts';
import { rejoinFormerPrimary } from '../../activities/failover/rejoinFormerPrimary.ts';
import { repointReplicas } from '../../activities/failover/repointReplicas.ts';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { JsonObject } from '../../plan/Plan.ts';
import { stepListProcedure } from '../../plan/stepListProcedure.ts';
import { definePlugin, type PlanSetting } from '../definePlugin.ts';
import { hostVersion } from '../hostVersion.ts';
import type { PluginDeps } from '../PluginDeps.ts';
import type { StepContext } from '../StepContext.ts';
import { failoverClusterOf, managedClusters } from './failoverClusterOf.ts';
import { failoverStepSchema, type FailoverStepInput } from './FailoverStepInput.ts';

/** Who confirms the manual steps of the spec's failover procedure, unless `procedures.roles` says otherwise. */
export const failoverOperatorsRole = 'failover_operators';

interface PromoteInput extends FailoverStepInput {
  /** Promote this member (a switchover's target) instead of the most advanced replica. */
  readonly to?: string;
  /** A planned switchover: the old primary handed over everything, so no quorum of standbys is needed. */
  readonly planned?: boolean;
}
interface DemoteInput extends FailoverStepInput {
  readonly to?: string;
  readonly catch_up_timeout_ms?: number;
}
interface PublishInput extends FailoverStepInput {
  readonly kind?: 'failover' | 'switchover';
}
interface CheckInput extends FailoverStepInput {
  readonly wait_ms?: number;
}
interface AlertInput extends FailoverStepInput {
  readonly webhook_url?: string;
  readonly slack_webhook_url?: string;
  readonly slack_channel?: string;
}

const text = { type: 'string', minLength: 1 };

/**
 * The failover capability. Steps (`uses: failover/<step>`) over activities/failover: detect, fence, promote,
 * repoint, publish, check_replication, alert, and demote for switchovers; each finds where its run stands from the
 * cluster and the published topology, so a retry on any worker (after a SIGKILL) finishes the run without a
 * second promotion. It ships `dbarch/failover` (automatic) and `dbarch/switchover` (planned) in
 * procedures/failover.yaml; every step's `cluster` defaults to the spec's managed cluster (failover_procedure's
 * `cluster`, or the only one), and `dbarch monitor` / `dbarch switchover` plan it for the cluster they name. The
 * spec's own failover_procedure is planned as the procedure `failover` as before (prose: manual steps).
 */
export const failoverPlugin = definePlugin({
  name: 'failover',
  version: hostVersion,
  host: '*',
  description: 'Automatic failover and switchover of managed clusters (dbarch/failover, dbarch/switchover); the spec\'s failover_procedure as `failover`.',
  reads: ['failover_procedure', 'clusters', 'service_mesh', 'monitoring_config', 'deployment_config', 'security_config'],
  planning: {
    settings: (sections, environment) => {
      const alerting = sections.monitoring_config?.alerting;
      const channels = alerting?.channels ?? [];
      const at = ['monitoring_config', 'alerting', 'destinations'];
      const setting = (value: string | undefined, path: string[]): PlanSetting => ({ value: value ?? null, source: { path: [...at, ...path] } });
      return {
        cluster: { value: defaultCluster(sections) ?? null, source: { path: ['failover_procedure', 'cluster'] } },
        // The control database of the topology when it is not the worker's DATABASE_URL (set by the app for tests).
        control_url: { value: null },
        webhook_url: setting(channels.includes('webhook') ? (alerting?.destinations?.webhook?.url ?? '${ALERT_WEBHOOK_URL}') : undefined, ['webhook', 'url']),
        slack_webhook_url: setting(channels.includes('slack') ? (alerting?.destinations?.slack?.webhook_url ?? '${SLACK_WEBHOOK_URL}') : undefined, ['slack', 'webhook_url']),
        slack_channel: setting(alerting?.destinations?.slack?.channel, ['slack', 'channel']),
        // A switchover of a cluster waits for approval where the environment it is planned for requires it.
        require_approval: { value: sections.deployment_config?.environments.find((env) => env.name === environment)?.require_approval ?? false },
      };
    },
    stepDefaults: (sections) => {
      const name = defaultCluster(sections);
      const cluster = name === undefined ? undefined : failoverClusterOf(sections, name);
      return cluster === undefined ? undefined : ({ cluster } as unknown as JsonObject);
    },
    procedures: (sections) => {
      const section = sections.failover_procedure;
      // Compiled specs hold the mapping form with structured steps (prose was split into manual steps).
      if (section === undefined || typeof section !== 'object' || !('steps' in section) || typeof section.steps === 'string') return undefined;
      const at = ['failover_procedure', 'steps'];
      return {
        roles: { [failoverOperatorsRole]: ['dba'] },
        definitions: {
          failover: stepListProcedure(section.steps, { description: 'The spec\'s failover_procedure', operation: 'failover', role: failoverOperatorsRole, at }),
        },
      };
    },
  },
  procedures: [new URL('../../procedures/failover.yaml', import.meta.url)],
  // Every second counts: quick retries, short timeouts; a dead worker is noticed by the heartbeat timeout.
  defaults: { timeout: '2m', heartbeatTimeout: '5s', retry: { attempts: 20, initialInterval: '200ms', backoff: 1.5, maxInterval: '5s' } },
  steps: (deps) => ({
    detect: {
      input: failoverStepSchema(),
      describe: (input: FailoverStepInput) => `confirm that the published primary of ${input.cluster.name} fails its health check (${input.cluster.health.timeoutMs} ms) and that a replica exists`,
      defaults: { retry: { attempts: 3, nonRetryable: ['DBA_FAILOVER_PRIMARY_HEALTHY', 'DBA_FAILOVER_NO_REPLICA'] } },
      run: (input: FailoverStepInput, ctx: StepContext) => detectPrimaryFailure(control(deps, input).pool, input.cluster, ctx.workflowId),
    },
    fence: {
      input: failoverStepSchema(),
      describe: (input: FailoverStepInput) => `fence the old primary of ${input.cluster.name}: stop it where it runs here, else make it read-only; unreachable, the new topology epoch fences it`,
      run: (input: FailoverStepInput, ctx: StepContext) => fenceOldPrimary(control(deps, input).pool, input.cluster, ctx.workflowId),
    },
    demote: {
      input: failoverStepSchema({ to: text, catch_up_timeout_ms: { type: 'integer', minimum: 1 } }),
      describe: (input: DemoteInput) => `make the primary of ${input.cluster.name} read-only, wait until ${input.to ?? 'a standby'} replayed all of its WAL, stop it cleanly`,
      defaults: { retry: { attempts: 5, nonRetryable: ['DBA_FAILOVER_CATCHUP_TIMEOUT', 'DBA_FAILOVER_NO_REPLICA'] } },
      run: (input: DemoteInput, ctx: StepContext) =>
        demotePrimary(control(deps, input).pool, input.cluster, ctx.workflowId, { ...(input.to === undefined ? {} : { to: input.to }), catchUpTimeoutMs: input.catch_up_timeout_ms ?? 30_000 }, ctx),
    },
    promote: {
      input: failoverStepSchema({ to: text, planned: { type: 'boolean' } }),
      describe: (input: PromoteInput) => `promote ${input.to ?? `the most advanced replica of ${input.cluster.name} (received, then replayed LSN${input.cluster.replication.mode === 'async' ? '' : '; only one holding every acknowledged commit'})`}`,
      defaults: { retry: { attempts: 20, nonRetryable: ['DBA_FAILOVER_NO_REPLICA', 'DBA_CLUSTER_SPLIT_BRAIN', 'DBA_FAILOVER_TARGET_INVALID'] } },
      run: (input: PromoteInput, ctx: StepContext) =>
        promoteBestReplica(control(deps, input).pool, input.cluster, ctx, { ...(input.to === undefined ? {} : { to: input.to }), planned: input.planned ?? false }),
    },
    repoint: {
      input: failoverStepSchema(),
      describe: (input: FailoverStepInput) => `point the other replicas of ${input.cluster.name} at the new primary (slots, primary_conninfo, reload; synchronous_standby_names on the new primary)`,
      run: (input: FailoverStepInput, ctx: StepContext) => repointReplicas(control(deps, input).pool, input.cluster, ctx.workflowId),
    },
    publish: {
      input: failoverStepSchema({ kind: { enum: ['failover', 'switchover'] } }),
      describe: (input: PublishInput) => `publish the new primary of ${input.cluster.name} (compare-and-set on the topology epoch, NOTIFY dbarch_topology)${(input.kind ?? 'failover') === 'failover' ? ' with the old primary fenced' : ''}`,
      defaults: { retry: { attempts: 20, nonRetryable: ['DBA_TOPOLOGY_EPOCH_CONFLICT', 'DBA_CLUSTER_SPLIT_BRAIN'] } },
      run: (input: PublishInput, ctx: StepContext) => publishNewPrimary(control(deps, input), input.cluster, ctx.workflowId, input.kind ?? 'failover'),
    },
    check_replication: {
      input: failoverStepSchema({ wait_ms: { type: 'integer', minimum: 0 } }),
      describe: (input: CheckInput) => `check that the replicas of ${input.cluster.name} stream from the new primary (waits up to ${input.wait_ms ?? 10_000} ms)`,
      run: async (input: CheckInput, ctx: StepContext) => {
        const context = await failoverContext(control(deps, input).pool, input.cluster, ctx.workflowId);
        const primary = context.published?.primary ?? context.topology?.primary.member;
        if (primary === undefined) throw new DbarchError('DBA_TOPOLOGY_UNPUBLISHED', `no topology is published for cluster ${input.cluster.name}`);
        const expect = input.cluster.members.map((m) => m.name).filter((name) => name !== primary && name !== context.oldPrimary.name);
        return checkReplication(input.cluster, primary, expect, input.wait_ms ?? 10_000, ctx);
      },
    },
    rejoin: {
      input: failoverStepSchema(),
      describe: (input: FailoverStepInput) => `bring the old primary of ${input.cluster.name} back as a standby of the new one (pg_rewind; never started as a primary) and publish it as a replica`,
      defaults: { timeout: '15m', heartbeatTimeout: '30s', retry: { attempts: 5, initialInterval: '1s', nonRetryable: ['DBA_CLUSTER_REJOIN_INVALID'] } },
      run: async (input: FailoverStepInput, ctx: StepContext) => {
        const db = control(deps, input);
        const context = await failoverContext(db.pool, input.cluster, ctx.workflowId);
        if (context.published === undefined) throw new DbarchError('DBA_TOPOLOGY_UNPUBLISHED', `the new primary of ${input.cluster.name} is not published yet; rejoin runs after publish`);
        return rejoinFormerPrimary(db, input.cluster, context.oldPrimary.name, (message) => ctx.log.info(message));
      },
    },
    alert: {
      input: failoverStepSchema({ webhook_url: text, slack_webhook_url: text, slack_channel: text }),
      describe: (input: AlertInput) => `alert the operations team: log${input.webhook_url === undefined ? '' : ', webhook'}${input.slack_webhook_url === undefined ? '' : ', Slack'}`,
      defaults: { retry: { attempts: 5, initialInterval: '1s', nonRetryable: ['DBA_STEP_WEBHOOK', 'DBA_STEP_CONNECTION'] } },
      run: async (input: AlertInput, ctx: StepContext) => {
        const context = await failoverContext(control(deps, input).pool, input.cluster, ctx.workflowId);
        if (context.topology === undefined) throw new DbarchError('DBA_TOPOLOGY_UNPUBLISHED', `no topology is published for cluster ${input.cluster.name}`);
        return alertFailover(
          context.topology,
          {
            ...(input.webhook_url === undefined ? {} : { webhookUrl: input.webhook_url }),
            ...(input.slack_webhook_url === undefined ? {} : { slackWebhookUrl: input.slack_webhook_url }),
            ...(input.slack_channel === undefined ? {} : { slackChannel: input.slack_channel }),
          },
          ctx,
        );
      },
    },
  }),
});

/** failover_procedure's cluster, else the only managed cluster. */
function defaultCluster(sections: Parameters<typeof managedClusters>[0]): string | undefined {
  const procedure = sections.failover_procedure;
  const named = procedure !== undefined && typeof procedure === 'object' && 'cluster' in procedure ? procedure.cluster : undefined;
  if (named !== undefined) return named;
  const managed = managedClusters(sections);
  return managed.length === 1 ? managed[0] : undefined;
}

/** The control database holding the topology: the cluster's controlUrl reference, else the worker's DATABASE_URL. */
function control(deps: PluginDeps, input: FailoverStepInput) {
  let url = deps.urls.postgres;
  if (input.cluster.controlUrl !== undefined) {
    const resolved = resolveEnvReferences(input.cluster.controlUrl, process.env);
    if (!resolved.ok) throw new DbarchError('DBA_STEP_CONNECTION', `cluster ${input.cluster.name} controlUrl: ${resolved.message}`);
    url = resolved.value;
  }
  return { url, pool: deps.postgres(url) };
}
