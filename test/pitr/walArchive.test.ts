import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureWalArchiving } from '../../activities/backup/wal/configureWalArchiving.ts';
import { walConfigFileName } from '../../activities/backup/wal/WalArchiveConfig.ts';
import { repoRoot } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { query } from '../support/postgres.ts';
import { startS3Server, type S3Server } from '../support/s3Server.ts';

interface Run {
  readonly status: number;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `dbarch <args>` the way PostgreSQL does: a child process in a working directory, configuration from env. */
function dbarch(args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/dbarch.js'), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ status: code ?? -1, stderr, ms: Date.now() - started }));
  });
}

const segmentSize = 16 * 1024 * 1024;
/** A WAL-sized file: mostly zeros (as real segments are after a switch) with random bytes at the front. */
function segment(seed: Buffer): Buffer {
  const content = Buffer.alloc(segmentSize);
  seed.copy(content);
  return content;
}

describe('pitr: dbarch wal-push / wal-fetch on versitygw (compressed, encrypted, checksummed)', function () {
  this.timeout(90_000);
  let s3: S3Server;
  let work: string;
  let env: Record<string, string>;
  let bucket: string;
  const name = '000000010000000000000003';

  before(async () => {
    s3 = await startS3Server();
    bucket = await s3.createBucket();
    work = mkdtempSync(join(tmpdir(), 'dbarch-walpush-'));
    writeFileSync(join(work, name), segment(randomBytes(300_000)));
    env = { ...s3.env(), PITR_TEST_KEY: randomBytes(32).toString('base64'), DBARCH_WAL_DESTINATION: `s3://${bucket}/db1/`, DBARCH_WAL_COMPRESSION: 'gzip', DBARCH_WAL_KEY: '${PITR_TEST_KEY}' };
  });
  after(async () => {
    await s3?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const storedObject = () => join(s3.rootDir, bucket, 'db1', 'wal', name);

  it('archives a segment compressed and encrypted, and a second push of the same file is a no-op', async () => {
    const first = await dbarch(['wal-push', name], work, env);
    expect(first.status, first.stderr).to.equal(0);
    const stored = readFileSync(storedObject());
    // Compressed (mostly zeros), and no run of the plaintext is visible.
    expect(stored.length).to.be.lessThan(segmentSize / 10);
    expect(stored.includes(readFileSync(join(work, name)).subarray(1000, 1064))).to.equal(false);
    const again = await dbarch(['wal-push', name], work, env);
    expect(again.status, again.stderr).to.equal(0);
    expect(again.stderr).to.match(/already-archived/);
    expect(readFileSync(storedObject()).equals(stored)).to.equal(true);
    console.log(`      wal-push wall time per 16 MiB segment to s3 (CLI, cold process): ${first.ms} ms, repeated: ${again.ms} ms`);
  });

  it('refuses a different file under an archived name with DBA_WAL_SEGMENT_CONFLICT and keeps the archived copy', async () => {
    const before = readFileSync(storedObject());
    const other = mkdtempSync(join(work, 'other-'));
    writeFileSync(join(other, name), segment(randomBytes(300_000)));
    const run = await dbarch(['wal-push', name], other, env);
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/^DBA_WAL_SEGMENT_CONFLICT: /m);
    expect(readFileSync(storedObject()).equals(before)).to.equal(true);
  });

  it('fetches the exact bytes back; a missing segment is DBA_WAL_SEGMENT_MISSING (exit 1) and writes nothing', async () => {
    const out = join(work, 'RECOVERYXLOG');
    const run = await dbarch(['wal-fetch', name, out], work, env);
    expect(run.status, run.stderr).to.equal(0);
    expect(readFileSync(out).equals(readFileSync(join(work, name)))).to.equal(true);
    rmSync(out);
    const missing = await dbarch(['wal-fetch', '000000010000000000000009', out], work, env);
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.match(/^DBA_WAL_SEGMENT_MISSING: 000000010000000000000009 /m);
    expect(existsSync(out)).to.equal(false);
  });

  it('refuses a tampered object and a wrong key with exit 126 (PostgreSQL stops recovery) and writes nothing', async () => {
    const out = join(work, 'RECOVERYXLOG');
    const original = readFileSync(storedObject());
    const tampered = Buffer.from(original);
    tampered[tampered.length - 40]! ^= 0x01;
    writeFileSync(storedObject(), tampered);
    try {
      const run = await dbarch(['wal-fetch', name, out], work, env);
      expect(run.status).to.equal(126);
      expect(run.stderr).to.match(/^DBA_WAL_SEGMENT_CORRUPT: /m);
      expect(existsSync(out)).to.equal(false);
    } finally {
      writeFileSync(storedObject(), original);
    }
    const wrongKey = await dbarch(['wal-fetch', name, out], work, { ...env, PITR_TEST_KEY: randomBytes(32).toString('base64') });
    expect(wrongKey.status).to.equal(126);
    expect(wrongKey.stderr).to.match(/^DBA_BACKUP_KEY_WRONG: /m);
    expect(existsSync(out)).to.equal(false);
  });

  it('refuses a file that is not WAL, and says when no configuration exists', async () => {
    writeFileSync(join(work, 'notes.txt'), 'x');
    const invalid = await dbarch(['wal-push', 'notes.txt'], work, env);
    expect(invalid.status).to.equal(1);
    expect(invalid.stderr).to.match(/^DBA_WAL_SEGMENT_INVALID: /m);
    const unconfigured = await dbarch(['wal-push', name], work, { ...env, DBARCH_WAL_DESTINATION: '' });
    expect(unconfigured.status).to.equal(1);
    expect(unconfigured.stderr).to.match(/^DBA_WAL_CONFIG_MISSING: /m);
  });

  describe('configured on a running cluster', () => {
    let cluster: PgCluster;
    let clusterBucket: string;
    const saved = { ...process.env };

    before(async () => {
      clusterBucket = await s3.createBucket();
      // The postmaster (and so archive_command) inherits the test's environment: S3 credentials and the key.
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: s3.region, PITR_TEST_KEY: env.PITR_TEST_KEY });
      cluster = await startPgCluster({ label: 'walpush', walLevel: 'replica', settings: { archive_mode: 'on' } });
    });
    after(async () => {
      await cluster?.stop();
      for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'PITR_TEST_KEY']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    });

    it('dbarch backup configure\'s engine sets archive_command and writes dbarch-wal.json; switched segments arrive in the archive', async () => {
      const configured = await configureWalArchiving(cluster.url, { destination: `s3://${clusterBucket}/main/`, compression: 'gzip', encryptionKey: '${PITR_TEST_KEY}', s3Endpoint: s3.endpoint });
      expect(configured.restartNeeded).to.equal(false);
      expect(configured.configWrittenBy).to.equal('filesystem');
      expect(configured.segmentSize).to.equal(segmentSize);
      expect(JSON.parse(readFileSync(join(cluster.dataDir, walConfigFileName), 'utf8'))).to.include({ destination: `s3://${clusterBucket}/main/`, compression: 'gzip' });
      const [setting] = await query<{ archive_command: string }>(cluster.url, "SELECT current_setting('archive_command') AS archive_command");
      expect(setting!.archive_command).to.match(/bin\/dbarch\.js wal-push %p$/);

      await query(cluster.url, 'CREATE TABLE t AS SELECT generate_series(1, 1000) AS id');
      const [switched] = await query<{ name: string }>(cluster.url, 'SELECT pg_walfile_name(pg_switch_wal()) AS name');
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [archiver] = await query<{ last: string | null; failed: number }>(cluster.url, 'SELECT last_archived_wal AS last, failed_count::int AS failed FROM pg_stat_archiver');
        if (archiver?.last != null && archiver.last >= switched!.name) break;
        if (Date.now() > deadline) throw new Error(`segment ${switched!.name} not archived (archiver ${JSON.stringify(archiver)}):\n${cluster.log()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(existsSync(join(s3.rootDir, clusterBucket, 'main', 'wal', switched!.name))).to.equal(true);
      const [archiver] = await query<{ failed: number }>(cluster.url, 'SELECT failed_count::int AS failed FROM pg_stat_archiver');
      expect(archiver!.failed).to.equal(0);
    });
  });
});
