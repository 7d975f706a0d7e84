import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../test/support/freePort.ts';

/**
 * The peer of the failover bench: etcd 3.4 and one Patroni 3.0.2 agent per member from Debian, on free ports with
 * private directories, PostgreSQL 15 from the same binaries dbarch uses, run as the postgres user. Nothing of it
 * is a system service; `stop()` ends every process it started and removes the directory.
 */
export interface PatroniTimings {
  readonly ttl: number;
  readonly loopWait: number;
  readonly retryTimeout: number;
}

export interface PatroniOptions {
  readonly members: number;
  readonly timings: PatroniTimings;
  /** Patroni's synchronous_mode (one synchronous standby). */
  readonly synchronous: boolean;
}

export interface PatroniMember {
  readonly name: string;
  readonly pgPort: number;
  readonly apiPort: number;
  readonly dataDir: string;
  readonly url: string;
}

export interface PatroniCluster {
  readonly members: readonly PatroniMember[];
  readonly dir: string;
  /** The member whose REST API answers 200 on /primary, if any. */
  leader(): Promise<PatroniMember | undefined>;
  /** kill -9 of the member's postmaster (its Patroni agent lives on). */
  killPostmaster(member: PatroniMember): void;
  /** kill -9 of the member's Patroni agent and then its postmaster: the machine is gone, as far as Patroni can tell. */
  killNode(member: PatroniMember): void;
  /** Starts the member's agent again (after killNode): it rejoins as a replica (pg_rewind). */
  restartAgent(member: PatroniMember): void;
  /** Resolves once every member runs, one is the leader and the others stream from it. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const binDir = process.env.PG_BINDIR ?? '/usr/lib/postgresql/15/bin';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function postgresIds(): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  };
}

function logTo(child: ChildProcess, file: string): void {
  const out = createWriteStream(file, { flags: 'a' });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
}

async function getJson(url: string, timeoutMs = 1000): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

export async function startPatroniCluster(options: PatroniOptions): Promise<PatroniCluster> {
  const ids = process.getuid?.() === 0 ? postgresIds() : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dbarch-bench-patroni-'));
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const children: ChildProcess[] = [];
  const asPostgres = ids ? { uid: ids.uid, gid: ids.gid } : {};

  const etcdClient = await freePort();
  const etcdPeer = await freePort();
  const etcdDir = join(dir, 'etcd');
  mkdirSync(etcdDir, { mode: 0o700 });
  if (ids) chownSync(etcdDir, ids.uid, ids.gid);
  const etcd = spawn(
    'etcd',
    [
      '--name', 'e1', '--data-dir', etcdDir,
      '--listen-client-urls', `http://127.0.0.1:${etcdClient}`, '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster', `e1=http://127.0.0.1:${etcdPeer}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], ...asPostgres },
  );
  children.push(etcd);
  logTo(etcd, join(dir, 'etcd.log'));
  for (let i = 0; ; i++) {
    try {
      if ((await getJson(`http://127.0.0.1:${etcdClient}/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 100) throw new Error(`etcd did not start; see ${dir}/etcd.log`);
    await sleep(100);
  }

  const scope = `bench-${process.pid}`;
  const members: PatroniMember[] = [];
  const agents = new Map<string, ChildProcess>();
  for (let i = 1; i <= options.members; i++) {
    const name = `m${i}`;
    const pgPort = await freePort();
    const apiPort = await freePort();
    const memberDir = join(dir, name);
    mkdirSync(memberDir, { mode: 0o700 });
    if (ids) chownSync(memberDir, ids.uid, ids.gid);
    const dataDir = join(memberDir, 'data');
    members.push({ name, pgPort, apiPort, dataDir, url: `postgres://postgres@127.0.0.1:${pgPort}/postgres` });
    // Written as JSON, which is YAML: no YAML emitter needed for a config of our own.
    const config = {
      scope,
      namespace: '/dbarch-bench/',
      name,
      restapi: { listen: `127.0.0.1:${apiPort}`, connect_address: `127.0.0.1:${apiPort}` },
      etcd3: { hosts: `127.0.0.1:${etcdClient}` },
      bootstrap: {
        dcs: {
          ttl: options.timings.ttl,
          loop_wait: options.timings.loopWait,
          retry_timeout: options.timings.retryTimeout,
          maximum_lag_on_failover: 1048576,
          synchronous_mode: options.synchronous,
          postgresql: {
            use_pg_rewind: true,
            use_slots: true,
            parameters: { wal_level: 'replica', hot_standby: 'on', max_wal_senders: 10, max_replication_slots: 10, wal_log_hints: 'on' },
          },
        },
        initdb: [{ encoding: 'UTF8' }, { locale: 'C.UTF-8' }, 'data-checksums'],
        pg_hba: ['host replication postgres 127.0.0.1/32 trust', 'host all all 127.0.0.1/32 trust', 'local all all trust'],
      },
      postgresql: {
        listen: `127.0.0.1:${pgPort}`,
        connect_address: `127.0.0.1:${pgPort}`,
        data_dir: dataDir,
        bin_dir: binDir,
        pgpass: join(memberDir, 'pgpass'),
        authentication: { superuser: { username: 'postgres' }, replication: { username: 'postgres' } },
        parameters: { unix_socket_directories: memberDir, shared_buffers: '16MB', max_connections: 50 },
      },
    };
    const configFile = join(memberDir, 'patroni.yml');
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    if (ids) chownSync(configFile, ids.uid, ids.gid);
  }

  const startAgent = (member: PatroniMember) => {
    const agent = spawn('patroni', [join(dir, member.name, 'patroni.yml')], { stdio: ['ignore', 'pipe', 'pipe'], ...asPostgres });
    logTo(agent, join(dir, member.name, 'patroni.log'));
    agents.set(member.name, agent);
    children.push(agent);
  };
  // The first one bootstraps alone, so it is the leader; the others then clone it.
  startAgent(members[0]!);
  const leader = async () => {
    const answers = await Promise.all(
      members.map(async (member) => {
        try {
          return (await getJson(`http://127.0.0.1:${member.apiPort}/primary`, 500)).status === 200 ? member : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    return answers.find((member) => member !== undefined);
  };
  for (let i = 0; !(await leader()); i++) {
    if (i > 600) throw new Error(`Patroni did not bootstrap; see ${dir}/m1/patroni.log`);
    await sleep(100);
  }
  for (const member of members.slice(1)) startAgent(member);

  const cluster: PatroniCluster = {
    members,
    dir,
    leader,
    killPostmaster(member) {
      const pid = Number(readFileSync(join(member.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGKILL');
    },
    killNode(member) {
      agents.get(member.name)?.kill('SIGKILL');
      cluster.killPostmaster(member);
    },
    restartAgent(member) {
      startAgent(member);
    },
    async waitHealthy(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const member of members) {
          try {
            const { body } = await getJson(`http://127.0.0.1:${member.apiPort}/cluster`);
            const listed = (body as { members?: { role?: string; state?: string; lag?: unknown }[] }).members ?? [];
            const running = listed.filter((m) => m.state === 'running' || m.state === 'streaming');
            const leaders = listed.filter((m) => m.role === 'leader');
            if (listed.length === members.length && running.length === members.length && leaders.length === 1) {
              const replicasStreaming = listed.every((m) => m.role === 'leader' || (typeof m.lag === 'number' && m.lag < 1048576));
              // Patroni 3.0.2 reports a replica "running" with lag 0 before it streams (its slot is made on the
              // leader's next loop): ask the leader which standbys stream.
              if (replicasStreaming && (await streamingStandbys(await leader())) === members.length - 1) return;
            }
            break;
          } catch {
            // ask the next member
          }
        }
        if (Date.now() > deadline) throw new Error(`Patroni cluster not healthy within ${timeoutMs} ms; logs under ${dir}`);
        await sleep(200);
      }
    },
    async stop() {
      // Patroni stops its PostgreSQL on SIGTERM; etcd last so the agents can release their keys.
      const exits = [...agents.values()].map((agent) => exited(agent));
      for (const agent of agents.values()) agent.kill('SIGTERM');
      await Promise.race([Promise.all(exits), sleep(30_000)]);
      for (const member of members) {
        try {
          execFileSync(join(binDir, 'pg_ctl'), ['stop', '-D', member.dataDir, '-m', 'immediate'], { stdio: 'ignore', ...asPostgres });
        } catch {
          // not running
        }
      }
      etcd.kill('SIGTERM');
      await Promise.race([exited(etcd), sleep(10_000)]);
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

async function streamingStandbys(leader: PatroniMember | undefined): Promise<number> {
  if (leader === undefined) return 0;
  const client = new pg.Client({ connectionString: leader.url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'");
    return rows[0]?.n ?? 0;
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
