// archive_command under write load: pgbench writes for SOAK_SECONDS (default 60) on a cluster that archives through
// `dbarch wal-push` (gzip + AES-256-GCM) to versitygw. Then every WAL segment from the base backup's start to the
// last one switched must be in the archive, with no failed archive attempt left standing, and a restore replaying
// the whole archive (dbarch wal-fetch) must give exactly the source's pgbench_history and balances.
// Prints segments archived, archive throughput and the restore time. Exits non-zero on any difference.
// Run: node --import tsx test/soak/wal-archive.soak.ts   (npm run soak; not part of npm test)
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeBaseBackup } from '../../activities/backup/baseBackup/takeBaseBackup.ts';
import { localKeyProvider } from '../../activities/backup/crypto/localKeyProvider.ts';
import { findWalGap } from '../../activities/backup/restore/findWalGap.ts';
import { restoreToPointInTime } from '../../activities/backup/restore/restoreToPointInTime.ts';
import { openObjectStore } from '../../activities/backup/store/openObjectStore.ts';
import { parseLsn } from '../../activities/backup/wal/Lsn.ts';
import { configureWalArchiving } from '../../activities/backup/wal/configureWalArchiving.ts';
import { parseWalFileName, segmentOfLsn } from '../../activities/backup/wal/WalFileName.ts';
import { freePort } from '../support/freePort.ts';
import { startPgCluster } from '../support/pgCluster.ts';
import { query } from '../support/postgres.ts';
import { startS3Server } from '../support/s3Server.ts';

const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const binDir = process.env.PG_BINDIR ?? '/usr/lib/postgresql/15/bin';
const fingerprint = 'SELECT (SELECT count(*) FROM pgbench_history)::text AS history, (SELECT sum(abalance) FROM pgbench_accounts)::text AS balance';

async function main(): Promise<boolean> {
  const s3 = await startS3Server();
  const bucket = await s3.createBucket();
  const s3Settings = { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
  const key = randomBytes(32);
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: s3.region, SOAK_WAL_KEY: key.toString('base64') });
  const wal = { destination: `s3://${bucket}/wal/`, compression: 'gzip' as const, encryptionKey: '${SOAK_WAL_KEY}', s3Endpoint: s3.endpoint };
  // Full-page writes and frequent checkpoints, as production runs: many more segments than the test default.
  const cluster = await startPgCluster({ label: 'soak-wal', walLevel: 'replica', settings: { archive_mode: 'on', max_wal_size: '64MB', full_page_writes: 'on', checkpoint_timeout: '30s' } });
  const work = mkdtempSync(join(tmpdir(), 'dbarch-soak-wal-'));
  chmodSync(work, 0o755);
  const restoredDir = join(work, 'restored');
  try {
    await configureWalArchiving(cluster.url, wal);
    execFileSync(join(binDir, 'pgbench'), ['-i', '-s', '5', '-q', cluster.url], { stdio: 'ignore' });
    const backup = await takeBaseBackup(
      { cluster: 'soak', connectionUrl: cluster.url, destination: `s3://${bucket}/base/`, backupId: 'soak1', compression: { algorithm: 'zstd' }, keyProvider: localKeyProvider(key), s3: s3Settings, pgBinDir: binDir },
      { signal: new AbortController().signal },
    );
    const loadStarted = Date.now();
    await new Promise<void>((resolve, reject) => {
      const bench = spawn(join(binDir, 'pgbench'), ['-c', '4', '-j', '2', '-T', String(seconds), '-n', cluster.url], { stdio: 'ignore' });
      bench.once('error', reject);
      bench.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pgbench exited ${code}`))));
    });
    const [{ name: last }] = (await query<{ name: string }>(cluster.url, 'SELECT pg_walfile_name(pg_switch_wal()) AS name')) as [{ name: string }];
    for (;;) {
      const [archiver] = await query<{ last: string | null }>(cluster.url, 'SELECT last_archived_wal AS last FROM pg_stat_archiver');
      if ((archiver?.last ?? '') >= last) break;
      if (Date.now() - loadStarted > (seconds + 300) * 1000) throw new Error(`archiving did not reach ${last}: ${JSON.stringify(archiver)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const archivedAfterMs = Date.now() - loadStarted;
    const [source] = await query<{ history: string; balance: string }>(cluster.url, fingerprint);
    const [archiver] = await query<{ archived: number; failed: number }>(cluster.url, 'SELECT archived_count::int AS archived, failed_count::int AS failed FROM pg_stat_archiver');

    const objects = await openObjectStore(wal.destination, s3Settings).list('wal/');
    const names = objects.map((o) => o.key.slice(4));
    const from = segmentOfLsn(parseLsn(backup.startLsn)!);
    const lastFile = parseWalFileName(last);
    const through = lastFile?.kind === 'segment' ? lastFile.segment : from;
    const gap = findWalGap(names, backup.timeline, from, 16 * 1024 * 1024, through);
    const segments = Number(through - from + 1n);
    const storedMiB = objects.reduce((sum, o) => sum + o.size, 0) / 1048576;
    console.log(`wal-archive soak: ${seconds}s pgbench, ${segments} segments from the backup to ${last}, all archived ${((archivedAfterMs / 1000) - seconds).toFixed(1)}s after the load ended; archiver: ${archiver?.archived} archived, ${archiver?.failed} failed attempts; ${storedMiB.toFixed(1)} MiB stored for ${segments * 16} MiB of WAL`);

    const restoreStarted = Date.now();
    const restored = await restoreToPointInTime(
      { restoreId: 'soak', backupDestination: `s3://${bucket}/base/`, wal, target: { kind: 'latest' }, targetDir: restoredDir, port: await freePort(), keyProvider: localKeyProvider(key), s3: s3Settings, pgBinDir: binDir, settings: { fsync: 'off' }, promotionTimeoutMs: 600_000 },
      { signal: new AbortController().signal },
    );
    const [copy] = await query<{ history: string; balance: string }>(restored.url, fingerprint);
    console.log(`restore replaying the whole archive: ${((Date.now() - restoreStarted) / 1000).toFixed(1)}s; source ${JSON.stringify(source)}, restored ${JSON.stringify(copy)}`);
    const ok = gap === undefined && archiver?.failed === 0 && copy?.history === source?.history && copy?.balance === source?.balance;
    if (gap !== undefined) console.error(`missing from the archive: ${gap}`);
    return ok;
  } finally {
    try {
      execFileSync(join(binDir, 'pg_ctl'), ['stop', '-D', restoredDir, '-m', 'immediate'], { stdio: 'ignore', ...(process.getuid?.() === 0 ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) } : {}) });
    } catch {
      // never started
    }
    await cluster.stop();
    await s3.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (ok) => {
    console.log(ok ? 'wal-archive soak: PASS' : 'wal-archive soak: FAIL');
    process.exit(ok ? 0 : 1);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
