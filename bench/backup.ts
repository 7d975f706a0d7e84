// dbarch's base backup against pgBackRest 2.45 on the same cluster (pgbench -i -s 150, about 2.3 GB), same cores:
// backup wall time, bytes written, CPU (client processes, and the server's backends), restore time, and the cost of
// encryption for both. One run; ratios printed. Run: node --import tsx bench/backup.ts
//   BENCH_SCALE (default 150), BENCH_CACHE (default /var/tmp/dbarch-bench: the generated cluster is kept there,
//   stopped, between runs; the postgres user must reach it, which it cannot under /root/.cache), BENCH_S3=0 skips
//   the runs to the local S3 server (versitygw), BENCH_ROUNDS (default 2) backup rounds, the fastest kept, BENCH_KEEP=1
//   keeps the run's directory, BENCH_MASTER_KEY fixes the master key (64 hex digits), BENCH_SETTLE_S (default 5) the wait
//   after dropping the page cache before each restore.
// Both tools: zstd level 3, 2 workers (pgBackRest process-max = cores; zstd -T<cores> for dbarch), encryption
// AES-256 (pgBackRest: aes-256-cbc; dbarch: AES-256-GCM in 1 MiB chunks), a posix repository on the same disk.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { takeBaseBackup } from '../activities/backup/baseBackup/takeBaseBackup.ts';
import { encryptStream } from '../activities/backup/crypto/encryptStream.ts';
import { localKeyProvider } from '../activities/backup/crypto/localKeyProvider.ts';
import { restoreBaseBackup } from '../activities/backup/restore/restoreBaseBackup.ts';
import type { S3Settings } from '../activities/backup/store/S3Settings.ts';
import { freePort } from '../test/support/freePort.ts';

const binDir = process.env.PG_BINDIR ?? '/usr/lib/postgresql/15/bin';
const scale = Number(process.env.BENCH_SCALE ?? 150);
const cacheRoot = process.env.BENCH_CACHE ?? '/var/tmp/dbarch-bench';
const cores = availableParallelism();
const self = fileURLToPath(import.meta.url);

interface ChildRequest {
  readonly kind: 'backup' | 'restore';
  readonly destination: string;
  readonly backupId: string;
  readonly connectionUrl?: string;
  readonly masterKeyHex?: string;
  readonly targetDir?: string;
  readonly owner?: { uid: number; gid: number };
  readonly s3?: S3Settings;
}

/** The dbarch side runs in a child process of its own, so /usr/bin/time counts it and its zstd/pg_basebackup. */
async function childMain(request: ChildRequest): Promise<void> {
  const signal = new AbortController().signal;
  const keyProvider = request.masterKeyHex ? localKeyProvider(Buffer.from(request.masterKeyHex, 'hex')) : undefined;
  if (request.kind === 'backup') {
    const manifest = await takeBaseBackup(
      {
        cluster: 'bench',
        connectionUrl: request.connectionUrl!,
        destination: request.destination,
        backupId: request.backupId,
        compression: { algorithm: 'zstd', level: 3, threads: cores },
        pgBinDir: binDir,
        ...(keyProvider ? { keyProvider } : {}),
        ...(request.s3 ? { s3: request.s3 } : {}),
      },
      { signal },
    );
    console.log(JSON.stringify({ storedBytes: manifest.totals.storedBytes, bytes: manifest.totals.bytes }));
  } else {
    const started = performance.now();
    const restored = await restoreBaseBackup(
      {
        destination: request.destination,
        backupId: request.backupId,
        targetDir: request.targetDir!,
        ...(keyProvider ? { keyProvider } : {}),
        ...(request.owner ? { owner: request.owner } : {}),
        ...(request.s3 ? { s3: request.s3 } : {}),
      },
      { signal },
    );
    console.log(JSON.stringify({ files: restored.files, bytes: restored.bytes, restoreS: (performance.now() - started) / 1000 }));
  }
}

interface Measured {
  readonly wallS: number;
  readonly cpuS: number;
  readonly stdout: string;
}

/** Runs a command under /usr/bin/time: wall clock and user+system CPU of it and every child it waited for. */
function measure(command: string, args: string[], options: { asPostgres?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const owner = options.asPostgres ? postgresUser() : undefined;
    const child = spawn('/usr/bin/time', ['-f', 'TIME %e %U %S', command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
      ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => {
      const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      if (code !== 0 || !m) return reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${stderr.slice(-3000)}`));
      resolve({ wallS: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]), stdout });
    });
  });
}

let pgUser: { uid: number; gid: number } | undefined;
function postgresUser(): { uid: number; gid: number } {
  pgUser ??= {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  };
  return pgUser;
}

function asPostgres(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...postgresUser() });
}

function ownedDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  chownSync(path, postgresUser().uid, postgresUser().gid);
  return path;
}

/** CPU seconds of the cluster's exited backends (walsenders, backup sessions): the postmaster's cutime + cstime. */
function serverCpuS(dataDir: string): number {
  const pid = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at indexes 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function startServer(dataDir: string, port: number, runDir: string, conf: string): void {
  const options = [
    `-c port=${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${runDir}`,
    '-c wal_level=replica',
    '-c max_wal_senders=4',
    '-c archive_mode=on',
    `-c archive_command='pgbackrest --config=${conf} --stanza=bench archive-push %p'`,
  ].join(' ');
  asPostgres(join(binDir, 'pg_ctl'), ['start', '-D', dataDir, '-w', '-t', '120', '-l', join(runDir, 'server.log'), '-o', options]);
}

function stopServer(dataDir: string): void {
  asPostgres(join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '120']);
}

/** The pgbench cluster, generated once and kept stopped under BENCH_CACHE. */
async function ensureDataset(): Promise<string> {
  const dir = ownedDir(join(cacheRoot, `pgbench-s${scale}`));
  const dataDir = join(dir, 'data');
  if (existsSync(join(dir, 'READY'))) return dataDir;
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`generating pgbench -i -s ${scale} in ${dataDir} (once; kept for later runs)`);
  asPostgres(join(binDir, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions']);
  const port = await freePort();
  const runDir = ownedDir(join(dir, 'run'));
  asPostgres(join(binDir, 'pg_ctl'), ['start', '-D', dataDir, '-w', '-l', join(runDir, 'init.log'), '-o', `-c port=${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${runDir} -c fsync=off -c max_wal_size=4GB`]);
  try {
    asPostgres(join(binDir, 'pgbench'), ['-i', '-s', String(scale), '-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'postgres']);
    asPostgres(join(binDir, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-c', 'CHECKPOINT', 'postgres']);
  } finally {
    stopServer(dataDir);
  }
  writeFileSync(join(dir, 'READY'), new Date().toISOString());
  return dataDir;
}

async function readdirRecursive(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** An empty directory the postgres user owns (pgBackRest restores into one). */
function fresh(path: string): string {
  rmSync(path, { recursive: true, force: true });
  return ownedDir(path);
}

/** No directory at all (dbarch restores into a new one). */
function gone(path: string): string {
  rmSync(path, { recursive: true, force: true });
  return path;
}

/**
 * Writes back dirty pages and, as root, drops the page cache, so a run neither pays for nor profits from the last.
 * Then waits BENCH_SETTLE_S (default 5) seconds: on these VMs freed memory goes back to the host a few seconds
 * later (virtio-balloon free page reporting), and a restore started at once writes into still-warm pages while the
 * next one meets cold ones: the first restore after the backups ran up to twice as fast as the others.
 */
async function cleanPageCache(): Promise<void> {
  execFileSync('sync');
  if (process.getuid?.() === 0) writeFileSync('/proc/sys/vm/drop_caches', '3');
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.BENCH_SETTLE_S ?? 5) * 1000));
}

async function sequence(...steps: (() => Promise<void>)[]): Promise<void> {
  for (const step of steps) await step();
}

function dirBytes(path: string): number {
  return Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
}

async function main(): Promise<void> {
  const dataDir = await ensureDataset();
  const work = ownedDir(join(cacheRoot, `run-${process.pid}`));
  const runDir = ownedDir(join(work, 'run'));
  const port = await freePort();
  const conf = join(work, 'pgbackrest.conf');
  const cipherPass = randomBytes(32).toString('base64');
  // repo1 encrypted, repo2 not: one stanza, one archive_command pushing to both.
  writeFileSync(
    conf,
    [
      '[global]',
      `repo1-path=${ownedDir(join(work, 'pgbackrest-enc'))}`,
      'repo1-cipher-type=aes-256-cbc',
      `repo1-cipher-pass=${cipherPass}`,
      'repo1-retention-full=10',
      `repo2-path=${ownedDir(join(work, 'pgbackrest-plain'))}`,
      'repo2-retention-full=10',
      'compress-type=zst',
      'compress-level=3',
      `process-max=${cores}`,
      'start-fast=y',
      'log-level-console=warn',
      'log-level-file=off',
      `lock-path=${ownedDir(join(work, 'lock'))}`,
      `spool-path=${ownedDir(join(work, 'spool'))}`,
      '',
      '[bench]',
      `pg1-path=${dataDir}`,
      `pg1-port=${port}`,
      `pg1-socket-path=${runDir}`,
      '',
    ].join('\n'),
  );
  chownSync(conf, postgresUser().uid, postgresUser().gid);
  const dbarchStore = ownedDir(join(work, 'dbarch'));
  // BENCH_MASTER_KEY (64 hex digits) with BENCH_KEEP=1 lets a kept encrypted backup be restored again, by hand or a profiler.
  const masterKeyHex = process.env.BENCH_MASTER_KEY ?? randomBytes(32).toString('hex');
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let encryptionCpuS = 0;
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const results: Record<string, { wallS: number; cpuS: number; serverCpuS?: number; bytes?: number; inProcessS?: number }> = {};
  // Every round's restore times too: a restore's time swings with how warm the VM's memory is, and the fastest
  // round alone can be one tool's lucky draw.
  const restoreRounds: Record<string, { wallS: number[]; inProcessS: number[] }> = {};
  const node = (request: ChildRequest) => measure(process.execPath, ['--import', 'tsx', self, '--child', JSON.stringify(request)], { env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  const pgbackrest = (args: string[]) => measure('pgbackrest', [`--config=${conf}`, '--stanza=bench', ...args], { asPostgres: true });
  const newestLabel = (repo: number) => {
    const info = JSON.parse(asPostgres('pgbackrest', [`--config=${conf}`, '--stanza=bench', `--repo=${repo}`, '--output=json', 'info'])) as { backup: { label: string; info: { repository: { delta: number } } }[] }[];
    const backup = info[0]!.backup.at(-1)!;
    return { label: backup.label, bytes: backup.info.repository.delta };
  };

  startServer(dataDir, port, runDir, conf);
  let s3: { stop(): Promise<void>; settings: S3Settings; bucket: string } | undefined;
  try {
    asPostgres('pgbackrest', [`--config=${conf}`, '--stanza=bench', 'stanza-create']);
    const { rows } = await withClient(url, 'SELECT pg_database_size(current_database())::bigint AS size');
    const dbBytes = Number(rows[0]!.size);
    console.log(`cluster: pgbench scale ${scale}, database ${(dbBytes / 1e9).toFixed(2)} GB; ${cores} cores; machine shared with other work (noisy)`);

    const run = async (name: string, fn: () => Promise<{ wallS: number; cpuS: number; bytes?: number }>) => {
      const before = serverCpuS(dataDir);
      const measured = await fn();
      const previous = results[name];
      if (previous === undefined || measured.wallS < previous.wallS) results[name] = { ...measured, serverCpuS: serverCpuS(dataDir) - before };
      console.log(`  ${name.padEnd(28)} ${measured.wallS.toFixed(1).padStart(6)} s wall  ${measured.cpuS.toFixed(1).padStart(6)} s CPU  ${(serverCpuS(dataDir) - before).toFixed(1).padStart(5)} s server CPU${measured.bytes ? `  ${(measured.bytes / 1e6).toFixed(0)} MB written` : ''}`);
    };

    // Alternating tools, BENCH_ROUNDS rounds (default 2), the fastest of each kept: on a shared machine a burst of
    // load from elsewhere then falls on one round of one tool, not on its result.
    const storedOf = (m: Measured) => (JSON.parse(m.stdout.trim().split('\n').at(-1)!) as { storedBytes: number }).storedBytes;
    for (let round = 1; round <= rounds; round++) {
      await run('pgBackRest backup aes', async () => ({ ...(await pgbackrest(['--repo=1', '--type=full', 'backup'])), bytes: newestLabel(1).bytes }));
      await run('dbarch backup aes', async () => {
        const m = await node({ kind: 'backup', destination: `file://${dbarchStore}/`, backupId: `aes${round}`, connectionUrl: url, masterKeyHex });
        return { ...m, bytes: storedOf(m) };
      });
      await run('dbarch backup plain', async () => {
        const m = await node({ kind: 'backup', destination: `file://${dbarchStore}/`, backupId: `plain${round}`, connectionUrl: url });
        return { ...m, bytes: storedOf(m) };
      });
      await run('pgBackRest backup plain', async () => ({ ...(await pgbackrest(['--repo=2', '--type=full', 'backup'])), bytes: newestLabel(2).bytes }));
    }

    // Encryption alone, in this process, over the plain backup's compressed stream (what encryption sees): CPU
    // seconds, which the machine's load hardly moves, against the whole encrypted backup's CPU.
    {
      const plainObject = (await readdirRecursive(join(dbarchStore, 'plain1'))).find((f) => f.includes('base.tar'))!;
      const started = process.cpuUsage();
      await pipeline(createReadStream(plainObject, { highWaterMark: 1 << 20 }), encryptStream(randomBytes(32), { context: 'bench' }), new Writable({ write: (_c, _e, cb) => cb() }));
      const used = process.cpuUsage(started);
      encryptionCpuS = (used.user + used.system) / 1e6;
      console.log(`  encryption alone (AES-256-GCM, ${(statSync(plainObject).size / 1e6).toFixed(0)} MB)  ${encryptionCpuS.toFixed(2)} s CPU`);
    }

    if (process.env.BENCH_S3 !== '0') {
      const { startS3Server } = await import('../test/support/s3Server.ts');
      const server = await startS3Server();
      const bucket = await server.createBucket();
      s3 = { stop: () => server.stop(), settings: { endpoint: server.endpoint, region: server.region, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey }, bucket };
      await run('dbarch backup aes → S3', async () => {
        const m = await node({ kind: 'backup', destination: `s3://${bucket}/bench/`, backupId: 'aes', connectionUrl: url, masterKeyHex, s3: s3!.settings });
        return { ...m, bytes: storedOf(m) };
      });
    }
  } finally {
    stopServer(dataDir);
  }

  // Restores into new, empty directories; the source cluster is stopped (it is not needed). Each restore starts
  // from a clean page cache (sync, then drop caches when root): the previous restore's 2 GB of dirty pages would
  // otherwise be flushed during the next one, charging one tool for the other's writes. The tools alternate over
  // BENCH_ROUNDS rounds and the fastest of each is kept, as for backups.
  const pgbrTarget = join(work, 'restore-pgbackrest');
  const dbarchTarget = join(work, 'restore-dbarch');
  try {
    for (let round = 1; round <= rounds; round++) {
      const pgbr = () => run2('pgBackRest restore aes', () => pgbackrest(['--repo=1', `--pg1-path=${fresh(pgbrTarget)}`, 'restore']));
      const dbarch = () => run2('dbarch restore aes', () => node({ kind: 'restore', destination: `file://${dbarchStore}/`, backupId: 'aes1', targetDir: gone(dbarchTarget), masterKeyHex, owner: postgresUser() }));
      if (round % 2 === 1) await sequence(pgbr, dbarch);
      else await sequence(dbarch, pgbr);
    }
    if (s3) {
      await run2('dbarch restore aes ← S3', () =>
        node({ kind: 'restore', destination: `s3://${s3.bucket}/bench/`, backupId: 'aes', targetDir: join(work, 'restore-dbarch-s3'), masterKeyHex, owner: postgresUser(), s3: s3.settings }),
      );
    }
    // The restored copy starts and holds the data: pgbench_accounts has scale × 100 000 rows.
    const checkPort = await freePort();
    asPostgres(join(binDir, 'pg_ctl'), ['start', '-D', dbarchTarget, '-w', '-t', '300', '-l', join(runDir, 'restored.log'), '-o', `-c port=${checkPort} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${runDir} -c archive_mode=off`]);
    try {
      const { rows } = await withClient(`postgres://postgres@127.0.0.1:${checkPort}/postgres`, 'SELECT count(*)::bigint AS n FROM pgbench_accounts');
      const n = Number(rows[0]!.n);
      console.log(`  restored dbarch copy started: pgbench_accounts has ${n} rows (${n === scale * 100_000 ? 'as expected' : `EXPECTED ${scale * 100_000}`})`);
    } finally {
      stopServer(dbarchTarget);
    }
    console.log(`  restored sizes: pgBackRest ${(dirBytes(pgbrTarget) / 1e9).toFixed(2)} GB, dbarch ${(dirBytes(dbarchTarget) / 1e9).toFixed(2)} GB`);
  } finally {
    await s3?.stop();
    if (process.env.BENCH_KEEP !== '1') rmSync(work, { recursive: true, force: true });
  }

  const r = (name: string) => results[name]!;
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  console.log('\nratios (goal in brackets):');
  console.log(`  backup throughput dbarch / pgBackRest, encrypted  ${ratio(r('pgBackRest backup aes').wallS, r('dbarch backup aes').wallS)}×  [≥ 1.0]`);
  console.log(`  backup throughput dbarch / pgBackRest, plain      ${ratio(r('pgBackRest backup plain').wallS, r('dbarch backup plain').wallS)}×`);
  console.log(`  restore time dbarch / pgBackRest, encrypted       ${ratio(r('dbarch restore aes').wallS, r('pgBackRest restore aes').wallS)}×  [≤ 1.0] (dbarch's whole process)`);
  console.log(`  restore time dbarch / pgBackRest, in a worker     ${ratio(r('dbarch restore aes').inProcessS!, r('pgBackRest restore aes').wallS)}×  (dbarch's restore call alone, as it runs in a started worker)`);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
  const ours = restoreRounds['dbarch restore aes']!;
  const theirs = median(restoreRounds['pgBackRest restore aes']!.wallS);
  console.log(`  restore time, median of ${rounds} rounds            ${ratio(median(ours.wallS), theirs)}× whole process, ${ratio(median(ours.inProcessS), theirs)}× in a worker`);
  console.log(`  restore CPU dbarch / pgBackRest, encrypted        ${ratio(r('dbarch restore aes').cpuS, r('pgBackRest restore aes').cpuS)}×`);
  console.log(`  bytes written dbarch / pgBackRest, encrypted      ${ratio(r('dbarch backup aes').bytes!, r('pgBackRest backup aes').bytes!)}×`);
  console.log(`  CPU (client + server) dbarch / pgBackRest, aes    ${ratio(r('dbarch backup aes').cpuS + (r('dbarch backup aes').serverCpuS ?? 0), r('pgBackRest backup aes').cpuS + (r('pgBackRest backup aes').serverCpuS ?? 0))}×`);
  const cost = (a: number, b: number) => `${((a / b - 1) * 100).toFixed(1)} %`;
  console.log(`  encryption cost, dbarch: wall ${cost(r('dbarch backup aes').wallS, r('dbarch backup plain').wallS)}, client CPU ${cost(r('dbarch backup aes').cpuS, r('dbarch backup plain').cpuS)}  [< 10 %]`);
  const total = (name: string) => r(name).cpuS + (r(name).serverCpuS ?? 0);
  console.log(`  encryption cost, dbarch: encryption CPU / backup CPU ${((encryptionCpuS / total('dbarch backup aes')) * 100).toFixed(1)} %  [< 10 %] (the robust measure on a loaded machine)`);
  console.log(`  encryption cost, pgBackRest: wall ${cost(r('pgBackRest backup aes').wallS, r('pgBackRest backup plain').wallS)}, CPU ${cost(r('pgBackRest backup aes').cpuS, r('pgBackRest backup plain').cpuS)}`);
  if (results['dbarch backup aes → S3']) console.log(`  dbarch to S3 (versitygw) / to file, backup wall    ${ratio(r('dbarch backup aes → S3').wallS, r('dbarch backup aes').wallS)}×  (pgBackRest not run on S3: its S3 driver needs TLS, the local versitygw serves HTTP)`);

  async function run2(name: string, fn: () => Promise<Measured>): Promise<void> {
    await cleanPageCache();
    const m = await fn();
    // dbarch's child reports the restore's own time, without starting node and loading the modules (a worker,
    // where restores run, has done that once).
    const inProcessS = (JSON.parse(m.stdout.trim().split('\n').at(-1) || '{}') as { restoreS?: number }).restoreS;
    const previous = results[name];
    if (previous === undefined || m.wallS < previous.wallS) results[name] = { wallS: m.wallS, cpuS: m.cpuS, ...(inProcessS === undefined ? {} : { inProcessS }) };
    const all = (restoreRounds[name] ??= { wallS: [], inProcessS: [] });
    all.wallS.push(m.wallS);
    if (inProcessS !== undefined) all.inProcessS.push(inProcessS);
    console.log(`  ${name.padEnd(28)} ${m.wallS.toFixed(1).padStart(6)} s wall  ${m.cpuS.toFixed(1).padStart(6)} s CPU${inProcessS === undefined ? '' : `  (${inProcessS.toFixed(1)} s of it restoring)`}`);
  }
}

async function withClient(url: string, sql: string): Promise<pg.QueryResult<Record<string, string>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query<Record<string, string>>(sql);
  } finally {
    await client.end();
  }
}

if (process.argv[2] === '--child') await childMain(JSON.parse(process.argv[3]!) as ChildRequest);
else if (process.argv[2] === '--prepare') console.log(await ensureDataset());
else await main();
