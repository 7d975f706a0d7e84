import { planClusterProcedure } from '../../app/planClusterProcedure.ts';
import { startMonitor } from '../../app/startMonitor.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { loadPluginRegistry } from '../../plugins/loadPluginRegistry.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch monitor <spec> --cluster <name> [--procedure <name>] [--env <name>] [--format text|json]

Starts the health monitor of a managed cluster: the long-running workflow monitor:<cluster>, which checks the
published primary every service_mesh health_check.interval (within its timeout) and, after unhealthy_threshold
failed checks in a row, runs the failover procedure (default dbarch/failover) as failover:<cluster>:<timeline>,
then rejoins the old primary as a replica. One monitor per cluster: a second start prints the running one.
Its state: the query \`status\` (phase, conditions, the last failover) in the Temporal UI. Stop it with
\`dbarch cancel monitor:<cluster>\`. JSON: {"workflowId", "runId", "alreadyRunning", "uiUrl", "health"}.

Options:
  --cluster <name>     the managed cluster (clusters[] with members) to watch
  --procedure <name>   the failover procedure to run (default dbarch/failover; a fork in your spec by its name)
  --env <name>         the environment to plan it for (default: the one on this cluster)
  --format text|json
  -h, --help`;

/** \`dbarch monitor <spec> --cluster <name>\`: one durable health monitor with automatic failover per cluster. */
export function run(argv: string[]): Promise<number> {
  const options = { cluster: { type: 'string' }, procedure: { type: 'string' }, env: { type: 'string' } } as const;
  return runVerb({ name: 'monitor', help, options, example: 'dbarch monitor specs/platform.yaml --cluster ha' }, argv, async ({ values, format, specPaths, usage }) => {
    const paths = specPaths();
    if (typeof values.cluster !== 'string') throw usage('name the cluster to watch with --cluster');
    const { cluster, plan } = await planClusterProcedure({
      paths,
      cluster: values.cluster,
      registry: await loadPluginRegistry(),
      ...(typeof values.procedure === 'string' ? { procedure: values.procedure } : {}),
      ...(typeof values.env === 'string' ? { environment: values.env } : {}),
    });
    if (cluster.members.length < 2) throw new DbarchError('DBA_FAILOVER_NO_REPLICA', `cluster ${cluster.name} has no replica to fail over to (members: ${cluster.members.map((m) => m.name).join(', ')})`);
    return withTemporal(async (temporal) => {
      const started = await startMonitor(temporal.client, { cluster, failoverPlan: plan }, dbarchConfig().taskQueue);
      const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
      if (format === 'json') console.log(JSON.stringify({ ...started, uiUrl, health: cluster.health }));
      else {
        const { intervalMs, timeoutMs, unhealthyThreshold } = cluster.health;
        console.log(`${started.alreadyRunning ? 'Already watching' : 'Watching'} cluster ${cluster.name}: a check every ${intervalMs} ms (timeout ${timeoutMs} ms), failover after ${unhealthyThreshold} failed in a row (${plan.procedure})`);
        console.log(`workflow ${started.workflowId}  run ${started.runId}`);
        if (uiUrl) console.log(uiUrl);
      }
      return exitCodes.ok;
    });
  });
}
