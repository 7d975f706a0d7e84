import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeBaseBackup } from '../../activities/backup/baseBackup/takeBaseBackup.ts';
import { localKeyProvider } from '../../activities/backup/crypto/localKeyProvider.ts';
import { parseRecoveryTarget, type RecoveryTargetInput } from '../../activities/backup/restore/parseRecoveryTarget.ts';
import { restoreToPointInTime, type PointInTimeRestoreRequest } from '../../activities/backup/restore/restoreToPointInTime.ts';
import type { S3Settings } from '../../activities/backup/store/S3Settings.ts';
import { configureWalArchiving } from '../../activities/backup/wal/configureWalArchiving.ts';
import type { WalArchiveConfig } from '../../activities/backup/wal/WalArchiveConfig.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { expectCode } from '../migrations/expectCode.ts';
import { freePort } from '../support/freePort.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { query } from '../support/postgres.ts';
import { startS3Server, type S3Server } from '../support/s3Server.ts';

const pgBinDir = process.env.PG_BINDIR ?? '/usr/lib/postgresql/15/bin';
const rowsPerBatch = 100;

interface Batch {
  readonly batch: number;
  readonly xid: string;
  readonly lsn: string;
  readonly time: string;
  readonly restorePoint: string;
}

/** Waits until the archiver has archived `segment` (or a later one). */
async function archivedThrough(cluster: PgCluster, segment: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [archiver] = await query<{ last: string | null; failed: number }>(cluster.url, 'SELECT last_archived_wal AS last, failed_count::int AS failed FROM pg_stat_archiver');
    if (archiver?.last != null && archiver.last >= segment) return;
    if (Date.now() > deadline) throw new Error(`${segment} not archived: ${JSON.stringify(archiver)}\n${cluster.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * In the style of PostgreSQL's src/test/recovery/t/003_recovery_targets.pl: batches of rows, each recorded with
 * its transaction id, the LSN and time after its commit and a named restore point; a restore to each kind of target
 * must give exactly the rows up to that batch. Everything real: the cluster archives through dbarch wal-push to
 * versitygw, the base backup is dbarch's (zstd + AES-256-GCM), replay fetches through dbarch wal-fetch.
 */
describe('pitr: point-in-time restore to each target kind gives exactly the expected rows', function () {
  this.timeout(180_000);
  let s3: S3Server;
  let s3Settings: S3Settings;
  let cluster: PgCluster;
  let work: string;
  let wal: WalArchiveConfig;
  let backupDestination: string;
  const batches: Batch[] = [];
  const restoredDirs: string[] = [];
  const masterKey = randomBytes(32);
  const keyProvider = localKeyProvider(masterKey);
  const saved = { ...process.env };
  const signal = new AbortController().signal;

  before(async () => {
    s3 = await startS3Server();
    const bucket = await s3.createBucket();
    s3Settings = { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
    // The servers (and their archive_command / restore_command) inherit this environment.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: s3.region, PITR_MASTER_KEY: masterKey.toString('base64') });
    wal = { destination: `s3://${bucket}/wal-archive/`, compression: 'gzip', encryptionKey: '${PITR_MASTER_KEY}', s3Endpoint: s3.endpoint };
    backupDestination = `s3://${bucket}/base/`;
    work = mkdtempSync(join(tmpdir(), 'dbarch-pitr-'));
    chmodSync(work, 0o755);
    cluster = await startPgCluster({ label: 'pitr', walLevel: 'replica', settings: { archive_mode: 'on' } });
    await configureWalArchiving(cluster.url, wal);
    await query(cluster.url, 'CREATE TABLE t (batch int, id int)');
    await takeBaseBackup({ cluster: 'pitr', connectionUrl: cluster.url, destination: backupDestination, backupId: 'base1', compression: { algorithm: 'zstd' }, keyProvider, s3: s3Settings, pgBinDir }, { signal });

    for (let batch = 1; batch <= 4; batch++) {
      // One transaction per batch; its xid is the target of recovery_target_xid. The LSN is the insert position:
      // test clusters run synchronous_commit = off, so the write position may still lag behind the commit.
      const [{ xid }] = (await query<{ xid: string }>(
        cluster.url,
        `WITH ins AS (INSERT INTO t SELECT ${batch}, g FROM generate_series(1, ${rowsPerBatch}) g) SELECT pg_current_xact_id()::text AS xid`,
      )) as [{ xid: string }];
      const [{ lsn, time }] = (await query<{ lsn: string; time: string }>(cluster.url, 'SELECT pg_current_wal_insert_lsn()::text AS lsn, clock_timestamp()::text AS time')) as [{ lsn: string; time: string }];
      const restorePoint = `after_batch_${batch}`;
      await query(cluster.url, 'SELECT pg_create_restore_point($1)', [restorePoint]);
      batches.push({ batch, xid, lsn, time, restorePoint });
      // Commit timestamps of the next batch lie strictly after the recorded time.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [{ name }] = (await query<{ name: string }>(cluster.url, 'SELECT pg_walfile_name(pg_switch_wal()) AS name')) as [{ name: string }];
    await archivedThrough(cluster, name);
  });

  after(async () => {
    for (const dir of restoredDirs) {
      if (existsSync(join(dir, 'postmaster.pid'))) {
        try {
          execFileSync(join(pgBinDir, 'pg_ctl'), ['stop', '-D', dir, '-m', 'immediate', '-w'], { stdio: 'ignore', ...(process.getuid?.() === 0 ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) } : {}) });
        } catch {
          // already stopped
        }
      }
    }
    await Promise.all([cluster?.stop(), s3?.stop()]);
    if (work && process.env.DBARCH_TEST_KEEP !== '1') rmSync(work, { recursive: true, force: true });
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'PITR_MASTER_KEY']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  let restores = 0;
  async function restoreTo(input: RecoveryTargetInput, extra: Partial<PointInTimeRestoreRequest> = {}) {
    const targetDir = join(work, `restore-${++restores}`);
    restoredDirs.push(targetDir);
    const result = await restoreToPointInTime(
      {
        restoreId: `test-${restores}`,
        backupDestination,
        wal,
        target: parseRecoveryTarget(input),
        recoveryWindowMs: 3_600_000,
        targetDir,
        port: await freePort(),
        keyProvider,
        s3: s3Settings,
        pgBinDir,
        settings: { fsync: 'off', shared_buffers: '16MB' },
        countTables: ['postgres.public.t'],
        promotionTimeoutMs: 60_000,
        ...extra,
      },
      { signal },
    ).catch((error: unknown) => {
      // The server log is the only place that says why recovery stopped.
      if (error instanceof DbarchError && typeof error.details.log === 'string') error.message += `\n--- server log ---\n${error.details.log}`;
      throw error;
    });
    const byBatch = await query<{ batch: number; n: number }>(result.url, 'SELECT batch, count(*)::int AS n FROM t GROUP BY batch ORDER BY batch');
    execFileSync(join(pgBinDir, 'pg_ctl'), ['stop', '-D', targetDir, '-m', 'fast', '-w'], { stdio: 'ignore', ...(process.getuid?.() === 0 ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) } : {}) });
    const log = readFileSync(join(targetDir, 'dbarch-restore.log'), 'utf8');
    return { result, byBatch, targetDir, log };
  }
  const upTo = (batch: number) => Array.from({ length: batch }, (_, i) => ({ batch: i + 1, n: rowsPerBatch }));

  it('recovery_target_lsn after batch 1: batch 1 only', async () => {
    const { result, byBatch, log } = await restoreTo({ targetLsn: batches[0]!.lsn });
    expect(byBatch, log).to.deep.equal(upTo(1));
    expect(result.rowCounts).to.deep.equal({ 'postgres.public.t': rowsPerBatch });
    expect(result.backupId).to.equal('base1');
    expect(result.timeline).to.equal(2);
  });

  it('recovery_target_time after batch 2: batches 1-2', async () => {
    const { byBatch } = await restoreTo({ targetTime: batches[1]!.time });
    expect(byBatch).to.deep.equal(upTo(2));
  });

  it('recovery_target_xid of batch 3 (inclusive): batches 1-3', async () => {
    const { byBatch } = await restoreTo({ targetXid: batches[2]!.xid });
    expect(byBatch).to.deep.equal(upTo(3));
  });

  it('recovery_target_name after_batch_2: batches 1-2', async () => {
    const { byBatch } = await restoreTo({ targetName: batches[1]!.restorePoint });
    expect(byBatch).to.deep.equal(upTo(2));
  });

  it('no target: replays the whole archive, batches 1-4', async () => {
    const { byBatch, result } = await restoreTo({});
    expect(byBatch).to.deep.equal(upTo(4));
    expect(result.walFiles).to.be.greaterThan(0);
  });

  it('a target outside the recovery window, or before the oldest backup, is refused before anything is touched', async () => {
    const dir = join(work, 'never-1');
    const base = { restoreId: 'never', backupDestination, wal, targetDir: dir, port: await freePort(), keyProvider, s3: s3Settings, pgBinDir };
    await expectCode(restoreToPointInTime({ ...base, target: parseRecoveryTarget({ targetTime: new Date(Date.now() - 7_200_000).toISOString() }), recoveryWindowMs: 3_600_000 }, { signal }), 'DBA_RESTORE_TARGET_OUTSIDE_WINDOW');
    await expectCode(restoreToPointInTime({ ...base, target: parseRecoveryTarget({ targetTime: new Date(Date.now() - 7_200_000).toISOString() }) }, { signal }), 'DBA_RESTORE_TARGET_BEFORE_BACKUPS');
    await expectCode(restoreToPointInTime({ ...base, target: parseRecoveryTarget({ targetLsn: '0/10' }) }, { signal }), 'DBA_RESTORE_TARGET_BEFORE_BACKUPS');
    expect(existsSync(dir)).to.equal(false);
  });

  it('a WAL segment missing from the archive is named with DBA_WAL_SEGMENT_MISSING and nothing is restored', async () => {
    // Two more segments archived, then the one before them taken out of versitygw's directory: a gap, not the end.
    const [{ gap }] = (await query<{ gap: string }>(cluster.url, 'SELECT pg_walfile_name(pg_current_wal_insert_lsn()) AS gap')) as [{ gap: string }];
    let last = gap;
    for (let i = 0; i < 2; i++) {
      await query(cluster.url, `CREATE TABLE u${i} AS SELECT 1 AS x`);
      [{ name: last }] = (await query<{ name: string }>(cluster.url, 'SELECT pg_walfile_name(pg_switch_wal()) AS name')) as [{ name: string }];
    }
    await archivedThrough(cluster, last);
    expect(last > gap).to.equal(true);
    const path = join(s3.rootDir, new URL(wal.destination.replace('s3://', 'http://')).host, 'wal-archive', 'wal', gap);
    const kept = readFileSync(path);
    rmSync(path);
    try {
      const dir = join(work, 'never-2');
      const error = await expectCode(
        restoreToPointInTime({ restoreId: 'never2', backupDestination, wal, target: parseRecoveryTarget({}), targetDir: dir, port: await freePort(), keyProvider, s3: s3Settings, pgBinDir }, { signal }),
        'DBA_WAL_SEGMENT_MISSING',
      );
      expect(error.details.segment).to.equal(gap);
      expect(existsSync(dir)).to.equal(false);
    } finally {
      writeFileSync(path, kept);
    }
  });
});
