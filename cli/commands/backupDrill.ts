import { applyRestoreDrillSchedule, restoreDrillInput, startRestoreDrill } from '../../app/restoreDrill.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import type { RestoreDrillStatus } from '../../workflows/restoreDrillWorkflow.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch backup drill <spec> [--cluster <name>] [--count <db.schema.table>]... [--min <db.schema.table>=<rows>]...
                           [--alert-webhook <url|\${ENV}>] [--scratch <dir>] [--schedule <frequency>] [--format text|json]

A restore drill: the workflow drill:<cluster>:<time> restores the archive's latest point into a scratch instance
on the worker, checks that it promotes and takes writes, counts the tables (--min: at least that many rows) and
runs amcheck's bt_index_check on every btree index, records pass/fail, duration and data age as its result, stops
the instance (its directory is kept only when the drill failed) and POSTs a failure to --alert-webhook.
--schedule daily|weekly|<cron> creates (or updates) the Temporal Schedule drill:<cluster> instead of running now.
Exit status: 0 passed (or scheduled), 1 failed, 2 usage error.`;

/** `dbarch backup drill`. */
export function run(argv: string[]): Promise<number> {
  const options = {
    cluster: { type: 'string' },
    count: { type: 'string', multiple: true },
    min: { type: 'string', multiple: true },
    'alert-webhook': { type: 'string' },
    scratch: { type: 'string' },
    schedule: { type: 'string' },
  } as const;
  return runVerb({ name: 'backup drill', help, options, example: 'dbarch backup drill specs/platform.yaml --count app.public.orders' }, argv, async ({ values, format, specPaths }) => {
    const positionals = specPaths();
    const minimumRows: Record<string, number> = {};
    for (const item of values.min ?? []) {
      const match = /^(.+)=(\d+)$/.exec(item);
      if (!match) throw new DbarchError('DBA_USAGE', `--min ${item}: write <db.schema.table>=<rows>`);
      minimumRows[match[1]!] = Number(match[2]);
    }
    const input = await restoreDrillInput(positionals, {
      ...(values.cluster === undefined ? {} : { cluster: values.cluster }),
      ...(values.count === undefined ? {} : { countTables: values.count }),
      ...(Object.keys(minimumRows).length > 0 ? { minimumRows } : {}),
      ...(values['alert-webhook'] === undefined ? {} : { alertWebhook: values['alert-webhook'] }),
      ...(values.scratch === undefined ? {} : { scratchRoot: values.scratch }),
    });
    return withTemporal(async (temporal) => {
      const taskQueue = dbarchConfig().taskQueue;
      if (values.schedule !== undefined) {
        const applied = await applyRestoreDrillSchedule(temporal.client, input, values.schedule, taskQueue);
        if (format === 'json') console.log(JSON.stringify(applied));
        else console.log(`schedule ${applied.scheduleId} ${applied.action}: ${applied.cron} (UTC)`);
        return exitCodes.ok;
      }
      const started = await startRestoreDrill(temporal.client, input, taskQueue);
      if (format === 'text') console.log(`Restore drill of ${input.cluster}: workflow ${started.workflowId}`);
      const status = await temporal.client.workflow.getHandle<(i: typeof input) => Promise<RestoreDrillStatus>>(started.workflowId, started.runId).result();
      const r = status.result;
      if (format === 'json') console.log(JSON.stringify({ workflowId: started.workflowId, ...status }));
      else if (r) {
        console.log(`${r.passed ? 'PASSED' : 'FAILED'}: backup ${r.backupId ?? '-'}, ${Math.round(r.durationMs / 1000)} s, data age ${r.dataAgeMs === null ? 'unknown' : `${Math.round(r.dataAgeMs / 1000)} s`}, amcheck ${r.amcheck.available ? `${r.amcheck.indexes} indexes, ${r.amcheck.failures.length} failed` : 'not available'}`);
        for (const [table, count] of Object.entries(r.rowCounts)) console.log(`  ${table}: ${count} rows`);
        if (r.error) console.error(`${r.error.code}: ${r.error.message}${r.scratchDir ? ` (scratch instance kept in ${r.scratchDir})` : ''}`);
      }
      return r?.passed === true ? exitCodes.ok : exitCodes.failed;
    });
  });
}
