import { applyFailoverDrillSchedule, failoverDrillInput, startFailoverDrill } from '../../app/failoverDrill.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { loadPluginRegistry } from '../../plugins/loadPluginRegistry.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import type { failoverDrillWorkflow } from '../../workflows/failoverDrillWorkflow.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch cluster drill <spec> --cluster <name> [--max-gap 5s] [--schedule <frequency>] [--format text|json]

A failover drill: the workflow failover-drill:<cluster>:<time> writes through the published topology every 10 ms
while the cluster's monitor (monitor:<cluster>, which must run) switches the primary over to its best replica, and
records the longest write gap against --max-gap (the failover SLO, default 5s) as its result. --schedule
daily|weekly|<cron> creates (or updates) the Temporal Schedule failover-drill:<cluster> instead of running now, so
the SLO is proven continuously. A cluster serving a protected environment is refused (DBA_FAILOVER_INPUT).
Exit status: 0 passed (or scheduled), 1 failed, 2 usage error.`;

/** `dbarch cluster drill`. */
export function run(argv: string[]): Promise<number> {
  const options = { cluster: { type: 'string' }, 'max-gap': { type: 'string', default: '5s' }, schedule: { type: 'string' } } as const;
  return runVerb({ name: 'cluster drill', help, options, example: 'dbarch cluster drill specs/platform.yaml --cluster ha' }, argv, async ({ values, format, specPaths, usage }) => {
    const positionals = specPaths();
    if (values.cluster === undefined) throw usage('name the cluster with --cluster');
    const maxGap = parseDuration(values['max-gap']);
    if (!maxGap.ok || maxGap.value <= 0) throw new DbarchError('DBA_USAGE', `--max-gap must be a duration, not "${values['max-gap']}"`, { hint: 'e.g. `--max-gap 5s`' });
    const input = await failoverDrillInput({ paths: positionals, cluster: values.cluster, registry: await loadPluginRegistry(), maxGapMs: maxGap.value });
    return withTemporal(async (temporal) => {
      const taskQueue = dbarchConfig().taskQueue;
      if (values.schedule !== undefined) {
        const applied = await applyFailoverDrillSchedule(temporal.client, input, values.schedule, taskQueue);
        if (format === 'json') console.log(JSON.stringify(applied));
        else console.log(`schedule ${applied.scheduleId} ${applied.action}: ${applied.cron} (UTC); next ${applied.nextRuns[0] ?? '-'}`);
        return exitCodes.ok;
      }
      const started = await startFailoverDrill(temporal.client, input, taskQueue);
      if (format === 'text') console.log(`Failover drill of ${input.cluster.name}: workflow ${started.workflowId}`);
      const result = await temporal.client.workflow.getHandle<typeof failoverDrillWorkflow>(started.workflowId, started.runId).result();
      if (format === 'json') console.log(JSON.stringify({ workflowId: started.workflowId, ...result }));
      else {
        console.log(`${result.passed ? 'PASSED' : 'FAILED'}: ${result.primaryBefore} → ${result.primaryAfter}, longest write gap ${result.maxGapMs} ms (allowed ${result.maxGapAllowedMs} ms), ${result.acknowledged} writes acknowledged, ${result.failed} failed`);
        if (result.reason !== null) console.error(result.reason);
      }
      return result.passed ? exitCodes.ok : exitCodes.failed;
    });
  });
}
