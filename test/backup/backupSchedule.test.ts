import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { listBaseBackups } from '../../activities/backup/baseBackup/listBaseBackups.ts';
import { openObjectStore } from '../../activities/backup/store/openObjectStore.ts';
import { verifyBaseBackup } from '../../activities/backup/verify/verifyBaseBackup.ts';
import { fileStore } from '../../activities/backup/store/fileStore.ts';
import { pushWalFile } from '../../activities/backup/wal/pushWalFile.ts';
import { applyBackupSchedule } from '../../app/applyBackupSchedule.ts';
import { applyWalCopySchedule } from '../../app/applyWalCopySchedule.ts';
import { eventually } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';

/**
 * `dbarch schedule apply`: the Schedule backup:<cluster> on base_backups.frequency; applying twice updates it;
 * a triggered run (what the Schedule does at each slot) takes and verifies a backup named after its time.
 */
describe('backup schedule (Temporal Schedule on base_backups.frequency)', function () {
  this.timeout(120_000);
  let cluster: PgCluster;
  let work: string;
  let scheduleId: string | undefined;
  let walScheduleId: string | undefined;

  before(async () => {
    cluster = await startPgCluster({ label: 'backupschedule', walLevel: 'replica' });
    work = mkdtempSync(join(tmpdir(), 'dbarch-schedule-'));
  });
  after(async () => {
    for (const id of [scheduleId, walScheduleId]) if (id) await (await sharedTemporal()).client.schedule.getHandle(id).delete().catch(() => undefined);
    await cluster?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('creates, updates and runs backup:<cluster>', async () => {
    const name = `sched${Date.now().toString(36)}`;
    const specPath = join(work, 'platform.yaml');
    const spec = (frequency: string) => `clusters:
  - name: ${name}
    primary: ${cluster.url}
    databases: [postgres]
backup_config:
  strategy: scheduled
  base_backups:
    frequency: ${frequency}
    retention: 30d
    destination: file://${work}/backups/
    compression: lz4
  wal_archiving:
    enabled: true
    destination: file://${work}/wal/
    compression: gzip
  cross_region_replication:
    enabled: true
    target_region: us-west-2
    destination: file://${work}/copies/
    wal_copy_frequency: every 10m
`;
    // Two archived WAL files (as wal-push leaves them): the backup run copies the first, the WAL copy run the second.
    const archive = { store: fileStore(`file://${work}/wal/`, join(work, 'wal')), config: { destination: `file://${work}/wal/`, compression: 'gzip' as const }, keys: undefined };
    const pushWal = async (name: string) => {
      writeFileSync(join(work, name), Buffer.alloc(16 * 1024 * 1024, name.at(-1)));
      await pushWalFile(archive, join(work, name));
    };
    await pushWal('000000010000000000000001');
    writeFileSync(specPath, spec('daily'));
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('backup-schedule');
    const created = await applyBackupSchedule(temporal.client, [specPath], taskQueue);
    scheduleId = created?.scheduleId;
    expect(created).to.include({ scheduleId: `backup:${name}`, cron: '0 0 * * *', action: 'created' });
    expect(created!.nextRuns[0]).to.match(/T00:00:00\.000Z$/);

    writeFileSync(specPath, spec('every 6h'));
    const updated = await applyBackupSchedule(temporal.client, [specPath], taskQueue);
    expect(updated).to.include({ scheduleId: `backup:${name}`, action: 'updated' });
    const handle = temporal.client.schedule.getHandle(`backup:${name}`);
    const description = await handle.describe();
    expect(description.spec.calendars?.length ?? 0, 'a cron spec').to.be.greaterThan(0);
    expect(description.policies.overlap).to.equal(ScheduleOverlapPolicy.SKIP);
    expect(description.action.type === 'startWorkflow' && description.action.workflowId).to.equal(`backup:${name}`);

    await withWorker({ taskQueue }, async () => {
      await handle.trigger();
      const runs = await eventually(async () => {
        const recent = (await handle.describe()).info.recentActions;
        return recent.length > 0 ? recent : undefined;
      }, 'the triggered run to start');
      const workflowId = runs[0]!.action.workflow.workflowId;
      expect(workflowId).to.match(new RegExp(`^backup:${name}-\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`));
      const result = (await temporal.client.workflow.getHandle(workflowId).result()) as { phase: string; steps: Record<string, { output?: { backupId?: string; lifecycle?: { applied: boolean; warning?: string } } }> };
      expect(result.phase).to.equal('succeeded');
      const listed = await listBaseBackups(openObjectStore(`file://${work}/backups/`));
      expect(listed.map((b) => b.backupId)).to.deep.equal([result.steps.base_backup!.output!.backupId]);
      expect(listed[0]!.backupId).to.match(new RegExp(`^${name}-\\d{8}T\\d{6}Z$`));
      expect(listed[0]!.compression.algorithm).to.equal('lz4');
      // A file:// destination has no lifecycle rules: the coded warning, not a failure.
      expect(result.steps.base_backup!.output!.lifecycle?.applied).to.equal(false);
      expect(result.steps.base_backup!.output!.lifecycle?.warning).to.match(/^DBA_BACKUP_LIFECYCLE_UNSUPPORTED: /);
      // cross_region_replication (async): the verified backup copied to the second destination, its lag recorded.
      const copy = result.steps.copy!.output as unknown as { backupId: string; alreadyCopied: boolean; lagSeconds: number };
      expect(copy).to.include({ backupId: listed[0]!.backupId, alreadyCopied: false });
      expect(copy.lagSeconds).to.be.at.least(0);
      expect((await listBaseBackups(openObjectStore(`file://${work}/copies/`))).map((b) => b.backupId)).to.deep.equal([listed[0]!.backupId]);
      await verifyBaseBackup({ destination: `file://${work}/copies/`, backupId: listed[0]!.backupId }, { signal: new AbortController().signal });
      // ... and the WAL archive beside it.
      expect(result.steps.copy_wal!.output).to.include({ copied: 1, newest: '000000010000000000000001' });

      // wal-copy:<cluster>: the WAL archive on wal_copy_frequency, between backups.
      const walCopy = await applyWalCopySchedule(temporal.client, [specPath], taskQueue);
      walScheduleId = walCopy?.scheduleId;
      expect(walCopy).to.include({ scheduleId: `wal-copy:${name}`, cron: '*/10 * * * *', action: 'created' });
      await pushWal('000000010000000000000002');
      const walHandle = temporal.client.schedule.getHandle(`wal-copy:${name}`);
      await walHandle.trigger();
      const walRuns = await eventually(async () => {
        const recent = (await walHandle.describe()).info.recentActions;
        return recent.length > 0 ? recent : undefined;
      }, 'the triggered WAL copy to start');
      const walResult = (await temporal.client.workflow.getHandle(walRuns[0]!.action.workflow.workflowId).result()) as { phase: string; steps: Record<string, { output?: unknown }> };
      expect(walResult.phase).to.equal('succeeded');
      expect(walResult.steps.copy_wal!.output).to.include({ copied: 1, present: 1, newest: '000000010000000000000002' });
      expect((await openObjectStore(`file://${work}/copies/`).list('wal/')).map((o) => o.key)).to.deep.equal(['wal/000000010000000000000001', 'wal/000000010000000000000002']);
    });
  });
});
