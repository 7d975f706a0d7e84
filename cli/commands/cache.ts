import { checkCacheOfSpec } from '../../app/checkCacheOfSpec.ts';
import { applyCacheWarmSchedules } from '../../app/applyCacheWarmSchedules.ts';
import { awaitPlanRun } from '../../app/awaitPlanRun.ts';
import { startCacheWarm } from '../../app/startCacheWarm.ts';
import { warmCacheOfSpec } from '../../app/warmCacheOfSpec.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch cache check <spec> [--sample <n>] [--format text|json]
       dbarch cache warm <spec> [--query <name>]... [--workflow | --schedule] [--env <name>] [--format text|json]

Samples cached entries of every cache_config.ttl_policies[] that has a \`source\` query (up to n per pattern,
default 100, current namespace version only) and compares each with the database: the "cache inconsistency"
diagnosis. Exit status: 0 no stale entry, 1 stale entries found (listed), 2 usage error.
JSON: {"checked", "stale": [{"key", "cached", "actual"}]}.

warm runs cache_config.warming (all, or the --query ones) in cache_config.database and writes each row to Redis
under its key with its TTL, here. --workflow runs it as the workflow dbarch/cache_warm on the worker instead
(cache-warm:<database>:<plan hash>, waited for); --schedule creates or updates the Temporal Schedule
cache-warm:<database>:<query> of every warming query with a \`schedule\` and runs nothing now.
Exit status: 0 warmed (or scheduled), 1 a query or the workflow failed, 2 usage error.
JSON: {"queries": [{"name", "rows", "cached", "skipped"}]}; --schedule: {"schedules": [{"scheduleId", "cron", "action", "nextRuns"}]}.`;

/** `dbarch cache check <spec>`. */
export function run(argv: string[]): Promise<number> {
  const options = {
    sample: { type: 'string', default: '100' },
    query: { type: 'string', multiple: true },
    workflow: { type: 'boolean' },
    schedule: { type: 'boolean' },
    env: { type: 'string' },
  } as const;
  return runVerb({ name: 'cache', help, options, example: 'dbarch cache check specs/platform.yaml' }, argv, async ({ values, positionals, format, specPathsAfterAction }) => {
    const [action] = positionals;
    if (action === 'warm') {
      const paths = specPathsAfterAction('dbarch cache warm specs/platform.yaml');
      if (values.workflow === true || values.schedule === true) {
        if (values.workflow === true && values.schedule === true) throw new DbarchError('DBA_USAGE', '--workflow and --schedule exclude each other');
        if (values.query !== undefined) throw new DbarchError('DBA_USAGE', '--query works without a workflow only', { hint: 'scheduled runs warm their own query; --workflow warms all' });
        return await warmOnWorker(paths, values.schedule === true, values.env, format);
      }
      const report = await warmCacheOfSpec(paths, values.query ?? [], format === 'json' ? undefined : (done) => console.error(`warmed ${done} queries`));
      if (format === 'json') console.log(JSON.stringify(report));
      else for (const q of report.queries) console.log(`${q.name}: ${q.rows} rows, ${q.cached} cached, ${q.skipped} skipped (no TTL applies to their keys)`);
      return exitCodes.ok;
    }
    if (action !== 'check') throw new DbarchError('DBA_USAGE', `dbarch cache: unknown action ${action === undefined ? '(none)' : `"${action}"`}`, { hint: 'e.g. `dbarch cache check specs/platform.yaml` or `dbarch cache warm specs/platform.yaml`' });
    const paths = specPathsAfterAction();
    const sample = Number(values.sample);
    if (!Number.isInteger(sample) || sample < 1) throw new DbarchError('DBA_USAGE', `--sample must be a positive integer, not "${values.sample}"`);
    const report = await checkCacheOfSpec(paths, sample);
    if (format === 'json') console.log(JSON.stringify(report));
    else {
      for (const entry of report.stale) console.log(`stale ${entry.key}: cached ${JSON.stringify(entry.cached)}, database ${JSON.stringify(entry.actual)}`);
      console.log(`${report.checked} entries checked, ${report.stale.length} stale`);
    }
    return report.stale.length === 0 ? exitCodes.ok : exitCodes.failed;
  });
}

function warmOnWorker(paths: readonly string[], schedule: boolean, environment: string | undefined, format: 'text' | 'json'): Promise<number> {
  return withTemporal(async (temporal) => {
    if (schedule) {
      const schedules = await applyCacheWarmSchedules(temporal.client, paths, dbarchConfig().taskQueue, environment);
      if (format === 'json') console.log(JSON.stringify({ schedules }));
      else if (schedules.length === 0) console.log('no cache_config.warming query has a schedule');
      else for (const s of schedules) console.log(`${s.action} ${s.scheduleId} (${s.cron} UTC), next ${s.nextRuns[0] ?? '-'}`);
      return exitCodes.ok;
    }
    const started = await startCacheWarm(temporal.client, paths, dbarchConfig().taskQueue, environment);
    if (format === 'text') console.error(`warming in workflow ${started.workflowId} (run ${started.runId})`);
    const outcome = await awaitPlanRun(temporal.client, started.workflowId, started.runId);
    if (!outcome.ok) {
      if (format === 'json') console.log(JSON.stringify({ workflowId: started.workflowId, error: { code: outcome.code, message: outcome.message } }));
      else console.error(`${outcome.code}: ${outcome.message}`);
      return exitCodes.failed;
    }
    const report = outcome.result.steps.warm?.output as { queries: { name: string; rows: number; cached: number; skipped: number }[] } | undefined;
    if (format === 'json') console.log(JSON.stringify({ workflowId: started.workflowId, ...report }));
    else for (const q of report?.queries ?? []) console.log(`${q.name}: ${q.rows} rows, ${q.cached} cached, ${q.skipped} skipped`);
    return exitCodes.ok;
  });
}
