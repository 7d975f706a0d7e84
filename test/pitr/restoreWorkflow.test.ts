import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeBaseBackup } from '../../activities/backup/baseBackup/takeBaseBackup.ts';
import { localKeyProvider } from '../../activities/backup/crypto/localKeyProvider.ts';
import { configureWalArchiving } from '../../activities/backup/wal/configureWalArchiving.ts';
import type { WalArchiveConfig } from '../../activities/backup/wal/WalArchiveConfig.ts';
import { awaitRestore, startRestore } from '../../app/startRestore.ts';
import { rejectRestoreSignal, restoreStatusQuery, type RestoreWorkflowInput } from '../../workflows/restoreWorkflow.ts';
import type { RestoreDrillStatus, RestoreDrillWorkflowInput } from '../../workflows/restoreDrillWorkflow.ts';
import { startRestoreDrill } from '../../app/restoreDrill.ts';
import { workflowOutcomesSource } from '../../app/workflowOutcomesSource.ts';
import { baseBackupSource } from '../../activities/monitoring/sources/baseBackupSource.ts';
import { openObjectStore } from '../../activities/backup/store/openObjectStore.ts';
import { startExporter } from '../../activities/monitoring/startExporter.ts';
import { parseMetrics, sampleValue } from '../monitoring/parseMetrics.ts';
import { createServer } from 'node:http';
import { eventually } from '../support/childProcess.ts';
import { freePort } from '../support/freePort.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { query } from '../support/postgres.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';

/** Loaded only when recording (DBARCH_RECORD_HISTORIES=1), the replay test's own helper. */
async function record(workflowId: string, name: string): Promise<void> {
  if (process.env.DBARCH_RECORD_HISTORIES !== '1') return;
  const { client } = await sharedTemporal();
  await (await import('../runtime/runtimeFixture.ts')).recordHistory(client.workflow.getHandle(workflowId), name);
}

const pgBinDir = process.env.PG_BINDIR ?? '/usr/lib/postgresql/15/bin';

/** The restore workflow on a worker: file:// destinations here (the S3 path is covered by the engine test). */
describe('pitr: the restore workflow restore:<cluster>:<time>', function () {
  this.timeout(120_000);
  let cluster: PgCluster;
  let work: string;
  let wal: WalArchiveConfig;
  const saved = { ...process.env };
  const taskQueue = uniqueTaskQueue('restore');
  const started: string[] = [];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'dbarch-restorewf-'));
    chmodSync(work, 0o755);
    // The archive is written by wal-push as the postgres user.
    mkdirSync(join(work, 'wal'), { mode: 0o777 });
    chmodSync(join(work, 'wal'), 0o777);
    const key = randomBytes(32);
    Object.assign(process.env, { PITR_WF_KEY: key.toString('base64'), DBARCH_PG_BINDIR: pgBinDir });
    wal = { destination: `file://${work}/wal/`, compression: 'gzip', encryptionKey: '${PITR_WF_KEY}' };
    cluster = await startPgCluster({ label: 'restorewf', walLevel: 'replica', settings: { archive_mode: 'on' } });
    await configureWalArchiving(cluster.url, wal);
    await query(cluster.url, 'CREATE TABLE orders AS SELECT generate_series(1, 500) AS id');
    await query(cluster.url, 'CREATE INDEX orders_id ON orders (id)');
    await takeBaseBackup({ cluster: 'main', connectionUrl: cluster.url, destination: `file://${work}/base/`, backupId: 'b1', compression: { algorithm: 'zstd' }, keyProvider: localKeyProvider(key), pgBinDir }, { signal: new AbortController().signal });
    await query(cluster.url, 'INSERT INTO orders SELECT generate_series(501, 700)');
    const [{ name }] = (await query<{ name: string }>(cluster.url, 'SELECT pg_walfile_name(pg_switch_wal()) AS name')) as [{ name: string }];
    await eventually(async () => ((await query<{ last: string | null }>(cluster.url, 'SELECT last_archived_wal AS last FROM pg_stat_archiver'))[0]?.last ?? '') >= name || undefined, `archiving of ${name}`);
  });
  after(async () => {
    for (const dir of readdirSync(work ?? '/nonexistent').map((d) => join(work, d))) {
      if (existsSync(join(dir, 'postmaster.pid'))) {
        try {
          execFileSync(join(pgBinDir, 'pg_ctl'), ['stop', '-D', dir, '-m', 'immediate'], { stdio: 'ignore', ...(process.getuid?.() === 0 ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) } : {}) });
        } catch {
          // not running
        }
      }
    }
    await cluster?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    for (const key of ['PITR_WF_KEY', 'DBARCH_PG_BINDIR']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  const input = async (extra: Partial<RestoreWorkflowInput>): Promise<RestoreWorkflowInput> => ({
    cluster: 'main',
    backupDestination: `file://${work}/base/`,
    backupKeyReference: '${PITR_WF_KEY}',
    wal,
    target: {},
    targetDir: join(work, `restored-${randomBytes(3).toString('hex')}`),
    port: await freePort(),
    settings: { fsync: 'off', shared_buffers: '16MB' },
    countTables: ['postgres.public.orders'],
    ...extra,
  });

  it('restores into a new instance and replays to the end of the archive: every row, counted in the result', async () => {
    const { client } = await sharedTemporal();
    await withWorker({ taskQueue }, async () => {
      const request = await input({});
      const run = await startRestore(client, request, taskQueue);
      started.push(run.workflowId);
      const outcome = await awaitRestore(client, run.workflowId);
      expect(outcome.ok, JSON.stringify(outcome)).to.equal(true);
      if (!outcome.ok) return;
      expect(outcome.status.phase).to.equal('done');
      expect(outcome.status.plan?.backupId).to.equal('b1');
      expect(outcome.status.result?.rowCounts).to.deep.equal({ 'postgres.public.orders': 700 });
      expect((await query<{ n: number }>(outcome.status.result!.url, 'SELECT count(*)::int AS n FROM orders'))[0]!.n).to.equal(700);
      await record(run.workflowId, 'restore-replayed-to-end');
    });
  });

  it('fails a target before the oldest backup with its code before anything is touched', async () => {
    const { client } = await sharedTemporal();
    await withWorker({ taskQueue }, async () => {
      const request = await input({ target: { targetTime: '2020-01-01T00:00:00Z' } });
      const run = await startRestore(client, request, taskQueue, new Date(Date.now() + 1000));
      const outcome = await awaitRestore(client, run.workflowId);
      expect(outcome.ok).to.equal(false);
      if (outcome.ok) return;
      expect(outcome.code).to.equal('DBA_RESTORE_TARGET_BEFORE_BACKUPS');
      expect(outcome.status?.phase).to.equal('failed');
      expect(existsSync(request.targetDir)).to.equal(false);
      await record(run.workflowId, 'restore-target-before-backups');
    });
  });

  it('over an existing cluster waits for an approval; a rejection changes nothing', async () => {
    const { client } = await sharedTemporal();
    await withWorker({ taskQueue }, async () => {
      const existing = join(work, 'existing');
      mkdirSync(existing);
      writeFileSync(join(existing, 'PG_VERSION'), '15\n');
      const request = await input({ targetDir: existing, overExisting: true });
      const run = await startRestore(client, request, taskQueue, new Date(Date.now() + 2000));
      const handle = client.workflow.getHandle(run.workflowId);
      await eventually(async () => ((await handle.query(restoreStatusQuery)).phase === 'awaiting-approval' ? true : undefined), 'the approval gate');
      await handle.signal(rejectRestoreSignal, { by: 'alice' });
      const outcome = await awaitRestore(client, run.workflowId);
      expect(outcome.ok && outcome.status.phase).to.equal('rejected');
      expect(outcome.ok && outcome.status.approval).to.deep.equal({ by: 'alice', decision: 'rejected' });
      await record(run.workflowId, 'restore-over-existing-rejected');
      expect(readdirSync(existing)).to.deep.equal(['PG_VERSION']);
    });
  });

  describe('restore drills (drill:<cluster>:<time>)', () => {
    const drillInput = (extra: Partial<RestoreDrillWorkflowInput>): RestoreDrillWorkflowInput => ({
      cluster: 'main',
      backupDestination: `file://${work}/base/`,
      backupKeyReference: '${PITR_WF_KEY}',
      wal,
      scratchRoot: join(work, 'drills'),
      settings: { fsync: 'off', shared_buffers: '16MB' },
      ...extra,
    });
    const runDrill = async (input: RestoreDrillWorkflowInput, offsetMs: number, recordAs: string): Promise<RestoreDrillStatus> => {
      const { client } = await sharedTemporal();
      return withWorker({ taskQueue }, async () => {
        const run = await startRestoreDrill(client, input, taskQueue, new Date(Date.now() + offsetMs));
        const status = await client.workflow.getHandle<(i: RestoreDrillWorkflowInput) => Promise<RestoreDrillStatus>>(run.workflowId).result();
        await record(run.workflowId, recordAs);
        return status;
      });
    };

    it('passes: the latest point restored into a scratch instance, rows counted, every btree index amchecked, data age recorded, scratch removed', async () => {
      const status = await runDrill(drillInput({ minimumRows: { 'postgres.public.orders': 700 } }), 3000, 'restore-drill-passed');
      const result = status.result!;
      expect(result.error, JSON.stringify(result.error)).to.equal(null);
      expect(status.phase).to.equal('passed');
      expect(result.passed).to.equal(true);
      expect(result.backupId).to.equal('b1');
      expect(result.rowCounts).to.deep.equal({ 'postgres.public.orders': 700 });
      expect(result.amcheck.available).to.equal(true);
      expect(result.amcheck.indexes).to.be.greaterThan(0);
      expect(result.amcheck.failures).to.deep.equal([]);
      expect(result.dataAgeMs).to.be.a('number').and.to.be.at.least(0);
      expect(readdirSync(join(work, 'drills'))).to.deep.equal([]);
    });

    it('fails when a table has fewer rows than required: recorded, the scratch instance kept, the alert webhook called', async () => {
      const alerts: unknown[] = [];
      const server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          alerts.push(JSON.parse(body));
          response.end('ok');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address() as { port: number };
      try {
        const status = await runDrill(drillInput({ minimumRows: { 'postgres.public.orders': 10_000 }, alertWebhook: `http://127.0.0.1:${address.port}/alert` }), 4000, 'restore-drill-failed-alerted');
        expect(status.phase).to.equal('failed');
        expect(status.alerted).to.equal(true);
        expect(status.result?.error?.code).to.equal('DBA_RESTORE_VERIFY_FAILED');
        expect(status.result?.scratchDir).to.be.a('string');
        expect(existsSync(status.result!.scratchDir!)).to.equal(true);
        expect(alerts).to.have.length(1);
        expect(alerts[0]).to.include({ kind: 'dbarch.restore_drill.failed', cluster: 'main', passed: false });
      } finally {
        server.close();
      }
    });

    it('the exporter reports the newest drill (the failed one), the base backups, and workflow outcomes', async () => {
      const { client } = await sharedTemporal();
      // Fresh readings at every scrape (refresh 0): visibility catches up with the drills' close a moment later.
      const exporter = await startExporter({
        host: '127.0.0.1', port: 0, targets: [], collectors: [], scrapeTimeoutMs: 5000,
        sources: [workflowOutcomesSource(client, 0), baseBackupSource('main', openObjectStore(`file://${work}/base/`), 0)],
      });
      try {
        const samples = await eventually(async () => {
          const read = parseMetrics(await exporter.scrape());
          return sampleValue(read, 'dbarch_drill_last_passed', { cluster: 'main', drill: 'restore' }) === 0 ? read : undefined;
        }, 'the failed drill in the exporter');
        expect(sampleValue(samples, 'dbarch_drill_last_run_timestamp_seconds', { cluster: 'main', drill: 'restore' })).to.be.within(Date.now() / 1000 - 120, Date.now() / 1000 + 1);
        expect(sampleValue(samples, 'dbarch_workflow_executions', { status: 'completed' })).to.be.greaterThan(1);
        expect(sampleValue(samples, 'dbarch_backup_complete_count', { cluster: 'main' })).to.equal(1);
        expect(sampleValue(samples, 'dbarch_backup_last_size_bytes', { cluster: 'main' })).to.be.greaterThan(0);
        expect(sampleValue(samples, 'dbarch_backup_last_success_timestamp_seconds', { cluster: 'main' })).to.be.within(Date.now() / 1000 - 600, Date.now() / 1000);
        expect(sampleValue(samples, 'dbarch_exporter_source_success', { source: 'workflows' })).to.equal(1);
        expect(sampleValue(samples, 'dbarch_exporter_source_success', { source: 'backup_stats' })).to.equal(1);
      } finally {
        await exporter.close();
      }
    });
  });
});
