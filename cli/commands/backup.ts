import { baseBackupTarget, resolveBaseBackupId } from '../../app/baseBackupTarget.ts';
import { runningStepProgress } from '../../app/runningStepProgress.ts';
import { planBaseBackup, startBaseBackup } from '../../app/startBaseBackup.ts';
import { awaitPlanRun } from '../../app/awaitPlanRun.ts';
import type { BaseBackupProgress } from '../../activities/backup/baseBackup/BaseBackupRequest.ts';
import type { ReadProgress } from '../../activities/backup/baseBackup/readBaseBackup.ts';
import { verifyBaseBackup } from '../../activities/backup/verify/verifyBaseBackup.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { awaitWithProgress } from '../awaitWithProgress.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch backup <spec> --cluster <name> [--env <name>] [--detach] [--format text|json]
       dbarch backup verify <spec> [--backup-id <id>|latest] [--destination <url>] [--format text|json]
       dbarch backup list|configure|retention|drill <spec> …   (see dbarch backup list --help, …)

backup   starts dbarch/base_backup as the workflow backup:<cluster>:<time> on a worker: pg_basebackup streamed
         through base_backups.compression and AES-256-GCM (base_backups.encryption_key) to
         base_backups.destination, manifest written last, then verified. Prints progress until it ends (exit 1 if
         it failed); --detach prints the workflow id and returns. JSON: {"workflowId","runId","uiUrl","result"}.
verify   reads a backup (default: the newest) here, without restoring: the key, the manifest's mac, every
         object's size and SHA-256, every chunk's tag and every file's SHA256. Exit 1 with the problem's code.

The master key comes from the reference in base_backups.encryption_key (\${NAME}, file:///path, or a KMS key
aws-kms://<key>, also from security_config.encryption.at_rest on aws_kms; see dbarch keys --help); S3 endpoint
and credentials from AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.`;

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** `dbarch backup`: a base backup as a workflow, or `verify` of one here. */
export function run(argv: string[]): Promise<number> {
  const options = {
    cluster: { type: 'string' },
    env: { type: 'string' },
    detach: { type: 'boolean' },
    'backup-id': { type: 'string' },
    destination: { type: 'string' },
  } as const;
  // list, configure, retention and drill (WAL archiving and PITR) have options of their own: their modules parse them.
  const subVerbs = { list: () => import('./backupList.ts'), configure: () => import('./backupConfigure.ts'), retention: () => import('./backupRetention.ts'), drill: () => import('./backupDrill.ts') };
  return runVerb({ name: 'backup', help, options, example: 'dbarch backup specs/platform.yaml --cluster main', subVerbs }, argv, async ({ values, positionals, format, specPaths, specPathsAfterAction }) => {
    if (positionals[0] === 'verify') {
      return await verify(specPathsAfterAction('dbarch backup verify specs/platform.yaml'), values['backup-id'], values.destination, format);
    }
    const paths = specPaths();
    if (values.cluster === undefined) throw new DbarchError('DBA_USAGE', '--cluster <name> is required', { hint: 'the cluster backup_config describes, e.g. `--cluster main`' });
    const planned = await planBaseBackup(paths, values.cluster, values.env);
    return withTemporal(async (temporal) => {
      const started = await startBaseBackup(temporal.client, planned, dbarchConfig().taskQueue);
      const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
      if (format === 'text') {
        console.log(`Backing up cluster ${planned.cluster}: workflow ${started.workflowId}  run ${started.runId}`);
        if (uiUrl) console.log(uiUrl);
      }
      if (values.detach === true) {
        if (format === 'json') console.log(JSON.stringify({ workflowId: started.workflowId, runId: started.runId, uiUrl }));
        return exitCodes.ok;
      }
      // Progress from the running step's heartbeat details, every two seconds while it runs.
      const result = await awaitWithProgress(awaitPlanRun(temporal.client, started.workflowId, started.runId), 2000, async () => {
        if (format === 'json') return;
        const { pending } = await runningStepProgress(temporal.client, started.workflowId).catch(() => ({ pending: [] }));
        for (const step of pending) console.error(progressLine(step.activity, step.attempt, step.details));
      });
      if (format === 'json') console.log(JSON.stringify({ workflowId: started.workflowId, runId: started.runId, uiUrl, result }));
      if (!result.ok) {
        if (format === 'text') console.error(`${result.code}: ${result.message}`);
        return exitCodes.failed;
      }
      if (format === 'text') {
        const backup = result.result.steps.base_backup?.output as { backupId?: string; storedBytes?: number; bytes?: number; startLsn?: string; stopLsn?: string } | undefined;
        if (backup?.backupId) console.log(`backup ${backup.backupId} complete and verified: ${mib(backup.bytes ?? 0)} of files, ${mib(backup.storedBytes ?? 0)} stored, WAL ${backup.startLsn}..${backup.stopLsn}`);
        else console.log(`${result.result.phase}`);
      }
      return exitCodes.ok;
    });
  });
}

function progressLine(activity: string, attempt: number, details: unknown): string {
  const retry = attempt > 1 ? ` (attempt ${attempt})` : '';
  const p = details as Partial<BaseBackupProgress & ReadProgress> | undefined;
  if (activity.endsWith('base_backup') && p?.tarBytes !== undefined) {
    const of = p.estimatedBytes ? ` of ~${mib(p.estimatedBytes)} (${Math.min(100, Math.round((100 * p.tarBytes) / p.estimatedBytes))}%)` : '';
    return `  ${p.phase ?? 'streaming'}: ${mib(p.tarBytes)}${of} read, ${mib(p.storedBytes ?? 0)} stored${retry}`;
  }
  if (p?.storedBytes !== undefined) return `  ${activity}: ${mib(p.storedBytes)} checked, ${p.files ?? 0} files${retry}`;
  return `  ${activity}: running${retry}`;
}

async function verify(paths: string[], backupId: string | undefined, destination: string | undefined, format: 'text' | 'json'): Promise<number> {
  const target = await baseBackupTarget(paths, destination);
  const id = await resolveBaseBackupId(target.destination, backupId);
  const report = await verifyBaseBackup(
    { destination: target.destination, backupId: id, ...(target.keyProvider ? { keyProvider: target.keyProvider } : {}) },
    { signal: AbortSignal.timeout(24 * 3600_000), progress: (p) => format === 'text' && console.error(`  ${mib(p.storedBytes)} checked, ${p.files} files`) },
  );
  if (format === 'json') console.log(JSON.stringify(report));
  else console.log(`backup ${report.backupId} verified: ${report.files} files, ${mib(report.bytes)}, ${mib(report.storedBytes)} stored, every chunk and checksum good`);
  return exitCodes.ok;
}
