import { awaitRestore, startRestore } from '../../app/startRestore.ts';
import { restoreWorkflowInput } from '../../app/restoreWorkflowInput.ts';
import { runningStepProgress } from '../../app/runningStepProgress.ts';
import type { PointInTimeRestoreProgress } from '../../activities/backup/restore/restoreToPointInTime.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { approveRestoreSignal, rejectRestoreSignal, restoreStatusQuery } from '../../workflows/restoreWorkflow.ts';
import { awaitWithProgress } from '../awaitWithProgress.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch restore <spec> --cluster <name> [--target-time <t> | --target-lsn <lsn> | --target-xid <xid> | --target-name <name>]
                      [--to <dir>[:<port>]] [--over-existing] [--count <db.table>]... [--detach] [--format text|json]
       dbarch restore approve|reject <workflow id> --as <identity> [--comment <text>]

Point-in-time recovery as the workflow restore:<cluster>:<time>: checks first, touching nothing (a malformed
target, one outside point_in_time_recovery.recovery_window or before the oldest backup, a gap in the WAL archive
each fail with their code), restores the newest base backup consistent before the target into a NEW directory
and port (default: .dbarch/restores/<cluster>-<time> and a free port), replays WAL through dbarch wal-fetch to
the target (none: to the end of the archive), promotes and checks the server takes writes; --count prints row
counts of tables. --over-existing replaces the cluster in --to (stopped, moved aside, never deleted) and waits
for \`dbarch restore approve <workflow id> --as <you>\` (or the approveRestore signal in the Temporal UI).
Times need a zone (2026-01-02T03:04:05Z, or PostgreSQL's 2026-01-02 03:04:05.123456+00).
Exit status: 0 restored (or approved/rejected), 1 failed or rejected, 2 usage error.
JSON: {"workflowId","runId","uiUrl","status"}.`;

/** `dbarch restore`: start a point-in-time restore and follow it, or decide its approval. */
export function run(argv: string[]): Promise<number> {
  const options = {
    cluster: { type: 'string' },
    'target-time': { type: 'string' },
    'target-lsn': { type: 'string' },
    'target-xid': { type: 'string' },
    'target-name': { type: 'string' },
    to: { type: 'string' },
    'over-existing': { type: 'boolean' },
    count: { type: 'string', multiple: true },
    as: { type: 'string' },
    comment: { type: 'string' },
    detach: { type: 'boolean' },
  } as const;
  const example = 'dbarch restore specs/platform.yaml --cluster main --target-time 2026-01-02T03:04:05Z';
  return runVerb({ name: 'restore', help, options, example }, argv, async ({ values, positionals, format, usage, specPaths }) => {
    const [first, ...rest] = positionals;
    if (first === 'approve' || first === 'reject') {
      const workflowId = rest[0];
      if (workflowId === undefined || values.as === undefined) throw usage(`dbarch restore ${first} needs a workflow id and --as <identity>`, `dbarch restore ${first} restore:main:2026-01-02T03:04:05Z --as alice`);
      return withTemporal(async (temporal) => {
        const handle = temporal.client.workflow.getHandle(workflowId);
        const status = await handle.query(restoreStatusQuery);
        if (status.phase !== 'awaiting-approval') throw new DbarchError('DBA_USAGE', `${workflowId} is ${status.phase}, not awaiting an approval`);
        await handle.signal(first === 'approve' ? approveRestoreSignal : rejectRestoreSignal, { by: values.as, ...(values.comment ? { comment: values.comment } : {}) });
        if (format === 'json') console.log(JSON.stringify({ workflowId, decision: first }));
        else console.log(`${first === 'approve' ? 'approved' : 'rejected'} ${workflowId} as ${values.as}`);
        return exitCodes.ok;
      });
    }
    const input = await restoreWorkflowInput(specPaths(), {
      ...(values.cluster === undefined ? {} : { cluster: values.cluster }),
      target: {
        ...(values['target-time'] === undefined ? {} : { targetTime: values['target-time'] }),
        ...(values['target-lsn'] === undefined ? {} : { targetLsn: values['target-lsn'] }),
        ...(values['target-xid'] === undefined ? {} : { targetXid: values['target-xid'] }),
        ...(values['target-name'] === undefined ? {} : { targetName: values['target-name'] }),
      },
      ...(values.to === undefined ? {} : { to: values.to }),
      ...(values['over-existing'] === true ? { overExisting: true } : {}),
      ...(values.count === undefined ? {} : { countTables: values.count }),
    });
    return withTemporal(async (temporal) => {
      const started = await startRestore(temporal.client, input, dbarchConfig().taskQueue);
      const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
      if (format === 'text') {
        console.log(`Restoring cluster ${input.cluster} into ${input.targetDir} (port ${input.port}): workflow ${started.workflowId}`);
        if (uiUrl) console.log(uiUrl);
      }
      if (values.detach === true) {
        if (format === 'json') console.log(JSON.stringify({ workflowId: started.workflowId, runId: started.runId, uiUrl }));
        return exitCodes.ok;
      }
      let lastLine = '';
      const result = await awaitWithProgress(awaitRestore(temporal.client, started.workflowId, started.runId), 2000, async () => {
        if (format === 'json') return;
        const line = await progressLine(temporal.client, started.workflowId).catch(() => '');
        if (line !== '' && line !== lastLine) console.error(line);
        lastLine = line;
      });
      if (format === 'json') console.log(JSON.stringify({ workflowId: started.workflowId, runId: started.runId, uiUrl, ...(result.ok ? { status: result.status } : { error: { code: result.code, message: result.message }, status: result.status ?? null }) }));
      if (!result.ok) {
        if (format === 'text') console.error(`${result.code}: ${result.message}`);
        return exitCodes.failed;
      }
      const status = result.status;
      if (status.phase === 'rejected') {
        if (format === 'text') console.error(`rejected by ${status.approval?.by ?? '?'}: nothing was changed`);
        return exitCodes.failed;
      }
      if (format === 'text' && status.result) {
        const r = status.result;
        console.log(`restored backup ${r.backupId} to ${r.target}: ${r.url} (timeline ${r.timeline}, ${r.walFiles} WAL files available, ${Math.round(r.durationMs / 1000)} s)`);
        for (const [table, count] of Object.entries(r.rowCounts)) console.log(`  ${table}: ${count} rows`);
      }
      return exitCodes.ok;
    });
  });
}

async function progressLine(client: Parameters<typeof runningStepProgress>[0], workflowId: string): Promise<string> {
  const status = await client.workflow.getHandle(workflowId).query(restoreStatusQuery);
  if (status.phase === 'awaiting-approval') return `  awaiting approval: dbarch restore approve ${workflowId} --as <you>`;
  const { pending } = await runningStepProgress(client, workflowId);
  const p = pending[0]?.details as PointInTimeRestoreProgress | undefined;
  if (!p) return `  ${status.phase}`;
  const extra = p.phase === 'restoring-base' && p.storedBytes !== undefined ? ` ${(p.storedBytes / 1048576).toFixed(1)} MiB read` : p.phase === 'replaying' && p.replayLsn ? ` replayed to ${p.replayLsn}` : '';
  return `  ${p.phase}${p.backupId ? ` (backup ${p.backupId})` : ''}${extra}`;
}
