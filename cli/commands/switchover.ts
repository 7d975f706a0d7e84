import { awaitPlanRun } from '../../app/awaitPlanRun.ts';
import { planClusterProcedure } from '../../app/planClusterProcedure.ts';
import { publishedEpoch } from '../../app/publishedEpoch.ts';
import { requestSwitchover } from '../../app/requestSwitchover.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { loadPluginRegistry } from '../../plugins/loadPluginRegistry.ts';
import { renderPlan } from '../../plan/renderPlan.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch switchover <spec> --cluster <name> [--to <member>] [--env <name>] [--no-wait] [--format text|json]

Planned change of a managed cluster's primary, without data loss (dbarch/switchover): the primary stops taking
writes, the target replays all of it, the target is promoted, the other replicas follow it and the topology is
published; then the old primary is a replica again. Where the environment requires approval, the run waits at
its gate (\`dbarch approve\`, or the Temporal UI). Runs through the cluster's monitor when one runs (its watch
pauses meanwhile), else as a workflow of its own. Waits for the end unless --no-wait; exit 1 if it failed.
JSON: {"workflowId", "via", "uiUrl", "ok", "result"}.

Options:
  --cluster <name>   the managed cluster
  --to <member>      the replica to promote (default: the most advanced one)
  --env <name>       the environment to plan it for (default: the one on this cluster)
  --no-wait          start it and return
  --format text|json
  -h, --help`;

/** \`dbarch switchover <spec> --cluster <name> [--to <member>]\`. */
export function run(argv: string[]): Promise<number> {
  const options = { cluster: { type: 'string' }, to: { type: 'string' }, env: { type: 'string' }, 'no-wait': { type: 'boolean' } } as const;
  return runVerb({ name: 'switchover', help, options, example: 'dbarch switchover specs/platform.yaml --cluster ha' }, argv, async ({ values, format, specPaths, usage }) => {
    const paths = specPaths();
    if (typeof values.cluster !== 'string') throw usage('name the cluster with --cluster', 'dbarch switchover specs/platform.yaml --cluster ha --to ha2');
    const { cluster, plan } = await planClusterProcedure({
      paths,
      cluster: values.cluster,
      procedure: 'dbarch/switchover',
      registry: await loadPluginRegistry(),
      ...(typeof values.to === 'string' ? { to: values.to } : {}),
      ...(typeof values.env === 'string' ? { environment: values.env } : {}),
    });
    if (cluster.members.length < 2) throw new DbarchError('DBA_FAILOVER_NO_REPLICA', `cluster ${cluster.name} has no replica to switch over to`);
    if (format === 'text') console.log(renderPlan(plan));
    const epoch = await publishedEpoch(serviceUrls().postgres, cluster.name);
    return withTemporal(async (temporal) => {
      const requested = await requestSwitchover(temporal.client, cluster.name, plan, epoch, dbarchConfig().taskQueue);
      const uiUrl = workflowUiUrl(temporal, requested.workflowId) ?? null;
      if (format === 'text') {
        console.log(`Switching over cluster ${cluster.name}${typeof values.to === 'string' ? ` to ${values.to}` : ''} (${requested.via === 'monitor' ? 'through its monitor' : 'directly'}): workflow ${requested.workflowId}`);
        if (uiUrl) console.log(uiUrl);
      }
      if (values['no-wait'] === true) {
        if (format === 'json') console.log(JSON.stringify({ ...requested, uiUrl }));
        return exitCodes.ok;
      }
      const outcome = await awaitStarted(() => awaitPlanRun(temporal.client, requested.workflowId));
      if (format === 'json') console.log(JSON.stringify({ ...requested, uiUrl, ok: outcome.ok, result: outcome.result ?? null, ...(outcome.ok ? {} : { code: outcome.code, message: outcome.message }) }));
      else if (outcome.ok) console.log(`${outcome.result.phase}: the primary of ${cluster.name} is ${describePrimary(outcome.result.steps)}`);
      else console.error(`${outcome.code}: ${outcome.message}`);
      return outcome.ok ? exitCodes.ok : exitCodes.failed;
    });
  });
}

/** The monitor starts the child a moment after the signal: wait until it exists. */
async function awaitStarted<T>(wait: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await wait();
    } catch (error) {
      if ((error as { name?: string }).name !== 'WorkflowNotFoundError' || attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function describePrimary(steps: Readonly<Record<string, { output?: unknown }>>): string {
  const output = steps.publish?.output as { topology?: { primary?: { member?: string }; epoch?: number } } | undefined;
  return output?.topology?.primary?.member === undefined ? 'unknown' : `${output.topology.primary.member} (epoch ${output.topology.epoch ?? '?'})`;
}
