import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../support/freePort.ts';
import { pgClusterRoot, type PgCluster } from '../support/pgCluster.ts';

const binDir = process.env.PG_BINDIR ?? '/usr/lib/postgresql/15/bin';

export interface Standby {
  readonly port: number;
  readonly url: string;
  /** Immediate shutdown (a crash, as far as clients see); the data stays for start(). */
  kill(): void;
  /** Starts it again on the same port and waits until it accepts connections. */
  start(): Promise<void>;
  /** Runs one statement in `database` (default postgres) and returns its rows. */
  query<R extends pg.QueryResultRow>(sql: string, database?: string): Promise<R[]>;
  /** Stops it and removes its directory. */
  stop(): void;
}

/**
 * A streaming replica of `primary` (pg_basebackup -R) that can be killed and started again, run as the postgres
 * user under pgClusterRoot with this process's pid in its name, so the harness's stale sweep removes it if the
 * test run dies. startPgCluster({ standbyOf }) cannot restart one: its watchdog removes the data directory when
 * the server exits, and the breaker test needs the same replica back.
 */
export async function startStandby(primary: PgCluster, label: string): Promise<Standby> {
  const owner = postgresOwner();
  const dir = join(pgClusterRoot, `${process.pid}-standby-${label}-${randomBytes(3).toString('hex')}`);
  const dataDir = join(dir, 'data');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const asPostgres = { stdio: 'pipe' as const, ...(owner ? { uid: owner.uid, gid: owner.gid } : {}) };
  execFileSync(join(binDir, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'], asPostgres);
  const port = await freePort();
  const options = [`-c port=${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${dir}`, '-c hot_standby=on', '-c wal_receiver_status_interval=1s'].join(' ');
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const standby: Standby = {
    port,
    url,
    kill() {
      execFileSync(join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w'], asPostgres);
    },
    async start() {
      execFileSync(join(binDir, 'pg_ctl'), ['start', '-D', dataDir, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60'], asPostgres);
      await waitForConnections(url);
    },
    async query<R extends pg.QueryResultRow>(sql: string, database = 'postgres') {
      const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/${database}` });
      await client.connect();
      try {
        return (await client.query<R>(sql)).rows;
      } finally {
        await client.end();
      }
    },
    stop() {
      try {
        execFileSync(join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w'], asPostgres);
      } catch {
        // Already stopped (killed by the test).
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await standby.start();
  return standby;
}

async function waitForConnections(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()) };
}
