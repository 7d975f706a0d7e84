import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { AuditClass } from '../../activities/audit/AuditClass.ts';
import { auditServerSettings } from '../../activities/audit/auditServerSettings.ts';
import { withDatabase } from './postgres.ts';
import { freePort } from './freePort.ts';
import { processAlive } from '../../runtime/processAlive.ts';

/** Debian's server binaries; PG_BINDIR overrides (e.g. another major version). */
const binDir = process.env.PG_BINDIR ?? '/usr/lib/postgresql/15/bin';

/** Every extra cluster of every test run lives under this one directory, so stale ones are easy to find. */
export const pgClusterRoot = join(tmpdir(), 'dbarch-pgclusters');

export interface PgClusterOptions {
  /** Names the cluster's directory, for whoever looks at /tmp. */
  readonly label?: string;
  /** Default logical: what blue-green replication needs (the main cluster runs replica). */
  readonly walLevel?: 'replica' | 'logical';
  readonly maxReplicationSlots?: number;
  readonly maxWalSenders?: number;
  /** Archive WAL into `archiveDir` (for PITR tests). */
  readonly archive?: boolean;
  /** Further postgresql.conf settings, passed as `-c name=value`. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Make a streaming standby of this cluster (pg_basebackup -R) instead of a fresh one. */
  readonly standbyOf?: PgCluster;
  /** Preload pgaudit and write jsonlog into `auditLogDirectory` for these audit classes, as managed clusters do. */
  readonly audit?: readonly AuditClass[];
}

export interface PgCluster {
  readonly port: number;
  /** URL of the `postgres` database, superuser `postgres`, trust auth over 127.0.0.1. */
  readonly url: string;
  readonly dataDir: string;
  /** Where archived WAL lands when `archive` was asked for. */
  readonly archiveDir: string | undefined;
  /** The jsonlog directory when `audit` was asked for (the server log then goes there, not to log()). */
  readonly auditLogDirectory: string | undefined;
  urlFor(database: string): string;
  /** Creates a database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** The server's log so far (last 64 KiB), for failure messages. */
  log(): string;
  /** Fast shutdown, then the data directory is removed (by the watchdog, which then exits). */
  stop(): Promise<void>;
}

/**
 * The watchdog between the test process and the postmaster, run as the postgres user. It holds the test
 * process's pipe on fd 3: end of file there (stop() or the test process dying) means fast shutdown; when the
 * postmaster exits for any reason the cluster directory is removed. So no server outlives its test run.
 */
const watchdog = `
dir="$1"; shift
"$0" -D "$dir/data" "$@" </dev/null 3<&- &
pg=$!
( cat <&3 >/dev/null; kill -INT "$pg" 2>/dev/null ) &
wait "$pg"
status=$?
rm -rf "$dir"
exit "$status"
`;

let staleSwept = false;

/** Starts a PostgreSQL cluster of its own for one test file; call `stop()` in `after`. */
export async function startPgCluster(options: PgClusterOptions = {}): Promise<PgCluster> {
  if (!staleSwept) {
    sweepStaleClusters();
    staleSwept = true;
  }
  // A free port can be taken between asking and binding: try again with another.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(options: PgClusterOptions): Promise<PgCluster> {
  const owner = postgresOwner();
  mkdirSync(pgClusterRoot, { recursive: true, mode: 0o755 });
  // The watchdog (as postgres) removes its cluster directory, so it needs write access to the root.
  if (owner) chownSync(pgClusterRoot, owner.uid, owner.gid);
  const label = (options.label ?? 'cluster').toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 20);
  const clusterDir = join(pgClusterRoot, `${process.pid}-${label}-${randomBytes(3).toString('hex')}`);
  const dataDir = join(clusterDir, 'data');
  const socketDir = join(clusterDir, 'run');
  const archiveDir = options.archive ? join(clusterDir, 'archive') : undefined;
  for (const dir of [clusterDir, socketDir, ...(archiveDir ? [archiveDir] : [])]) {
    mkdirSync(dir, { mode: 0o700 });
    if (owner) chownSync(dir, owner.uid, owner.gid);
  }
  execFileSync(
    join(binDir, options.standbyOf ? 'pg_basebackup' : 'initdb'),
    options.standbyOf
      ? ['-D', dataDir, '-d', options.standbyOf.url, '-R', '-X', 'stream', '-c', 'fast', '--no-sync']
      : ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions'],
    { stdio: 'pipe', ...(owner ? { uid: owner.uid, gid: owner.gid } : {}) },
  );

  const auditLogDirectory = options.audit ? join(clusterDir, 'audit-log') : undefined;
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: socketDir,
    // Test clusters trade durability for start-up and write speed.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    shared_buffers: '16MB',
    max_connections: '50',
    wal_level: options.walLevel ?? 'logical',
    max_replication_slots: String(options.maxReplicationSlots ?? 10),
    max_wal_senders: String(options.maxWalSenders ?? 10),
    lc_messages: 'C',
    ...(archiveDir ? { archive_mode: 'on', archive_command: `test ! -f ${archiveDir}/%f && cp %p ${archiveDir}/%f` } : {}),
    ...(options.audit && auditLogDirectory ? auditServerSettings(options.audit, auditLogDirectory) : {}),
    ...options.settings,
  };
  const args = ['-c', watchdog, join(binDir, 'postgres'), clusterDir, ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
  // fd 3 is the pipe the watchdog waits on; stdin/out/err carry nothing but the server log.
  const child = spawn('/bin/sh', args, {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-65_536);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  // The watchdog pipe must not keep the test process alive; unref'd handles still close when it exits.
  unrefChild(child);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitUntilReady(url, () => hasExited, () => output);

  const cluster: PgCluster = {
    port,
    url,
    dataDir,
    archiveDir,
    auditLogDirectory,
    urlFor: (database) => withDatabase(url, database),
    log: () => output,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return withDatabase(url, name);
    },
    async stop() {
      if (!hasExited) {
        child.ref(); // keep the process alive until the watchdog reports back
        (child.stdio[3] as NodeJS.WritableStream | null)?.end();
        await exited;
      }
      // The watchdog removed it already; this covers a watchdog killed from outside.
      rmSync(clusterDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

async function waitUntilReady(url: string, hasExited: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (hasExited()) throw new Error(`PostgreSQL test cluster exited during start-up:\n${output()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`PostgreSQL test cluster did not accept connections within 30 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function unrefChild(child: ChildProcess): void {
  child.unref();
  for (const stream of child.stdio) {
    (stream as { unref?: () => void } | null)?.unref?.();
  }
}

/** The postgres user's ids when running as root (the server refuses root); undefined when already someone else. */
function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/**
 * Removes clusters whose test process is gone. Their watchdog saw the pipe close and shut the server down;
 * this catches directories left when the watchdog itself was killed, and servers it could not stop.
 */
function sweepStaleClusters(): void {
  if (!existsSync(pgClusterRoot)) return;
  for (const entry of readdirSync(pgClusterRoot)) {
    const ownerPid = Number(entry.split('-')[0]);
    if (Number.isInteger(ownerPid) && ownerPid > 0 && processAlive(ownerPid)) continue;
    const dataDir = join(pgClusterRoot, entry, 'data');
    if (existsSync(join(dataDir, 'postmaster.pid'))) {
      try {
        const owner = postgresOwner();
        execFileSync(join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w'], {
          stdio: 'ignore',
          ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
        });
      } catch {
        // Not running (a stale pid file): nothing to stop.
      }
    }
    rmSync(join(pgClusterRoot, entry), { recursive: true, force: true });
  }
}
