// The data plane's cost per query: SELECT 1 and a 10-row SELECT at 1 and 32 concurrent callers, through a raw pg
// Pool, the DatabaseClient, a raw pg Pool through PgBouncer 1.18 in transaction mode (when installed: `apt-get
// install pgbouncer`; it runs on a free port with its own config, as the postgres user), and the gateway over HTTP
// (`dbarch gateway` in its own process, read mode, a JWT per request). Prints p50/p99 latency, throughput and the
// ratios to raw pg. Run: node --import tsx bench/client.ts  (BENCH_QUERIES, BENCH_ROUNDS, BENCH_SKIP_PGBOUNCER)
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { DatabaseClient } from '../gateway/client/index.ts';
import { writeSpecFiles } from '../test/compiler/writeSpecFiles.ts';
import { compileDataPlaneSpec } from '../test/dataplane/compileDataPlaneSpec.ts';
import { spawnTs } from '../test/support/childProcess.ts';
import { freePort } from '../test/support/freePort.ts';
import { freshDatabase } from '../test/support/postgres.ts';

const queries = Number(process.env.BENCH_QUERIES ?? 20_000);
// Contenders take turns, round after round, and each keeps its median round: the machine's noise hits all alike.
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
// Four contenders hold pools at once on a server shared with the test suites (max_connections 100).
const poolSize = 16;
const workloads = [
  { name: 'SELECT 1', sql: 'SELECT 1' },
  { name: '10-row SELECT', sql: 'SELECT id, name, created_at FROM ten_rows ORDER BY id' },
];
const concurrencies = [1, 32];

interface Contender {
  readonly name: string;
  query(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

interface Figures {
  readonly p50us: number;
  readonly p99us: number;
  readonly qps: number;
}

async function measure(contender: Contender, sql: string, callers: number, total: number): Promise<Figures> {
  const latencies = new Float64Array(total);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const started = performance.now();
      await contender.query(sql);
      latencies[i] = performance.now() - started;
    }
  };
  // Warm up: connections open, statements prepared, JIT settled.
  const warm = Math.min(2000, total / 5);
  next = total - warm;
  await Promise.all(Array.from({ length: callers }, worker));
  next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: callers }, worker));
  const elapsed = performance.now() - started;
  latencies.sort();
  return { p50us: latencies[Math.floor(total * 0.5)]! * 1000, p99us: latencies[Math.floor(total * 0.99)]! * 1000, qps: (total / elapsed) * 1000 };
}

function rawPool(name: string, port: number, database: string): Contender {
  const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database, max: poolSize });
  return { name, query: (sql) => pool.query(sql), close: () => pool.end() };
}

async function databaseClient(database: string): Promise<Contender> {
  const spec = await compileDataPlaneSpec('service_mesh:\n  mtls: false\n  database_services:\n    - name: postgres-primary\n      endpoints: [{ host: 127.0.0.1, port: 5432 }]\n');
  const client = new DatabaseClient({ spec, serviceName: 'postgres-primary', database, connection: 'postgres://postgres@127.0.0.1:5432/postgres', connectionPoolSize: poolSize });
  return { name: 'DatabaseClient', query: (sql) => client.query(sql), close: () => client.close() };
}

/** `dbarch gateway` in a child process, one route to the bench database, JWT by a public key given by env. */
async function startGateway(database: string): Promise<Contender> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const token = await new SignJWT({ roles: ['bench'] }).setProtectedHeader({ alg: 'ES256' }).setIssuer('bench').setAudience('dbarch').setSubject('bench').setExpirationTime('2h').sign(privateKey);
  const port = await freePort();
  const dir = writeSpecFiles({
    'spec.yaml': `apiVersion: dbarch/v1
gateway_config:
  authentication:
    jwt:
      issuer: bench
      audience: dbarch
      public_key: \${BENCH_GATEWAY_KEY}
      algorithms: [ES256]
  database_routing:
    - { service: bench, database: ${database}, connection_pool: { min: 0, max: ${poolSize} } }
service_mesh:
  mtls: false
  database_services:
    - name: postgres-primary
      endpoints: [{ host: 127.0.0.1, port: 5432 }]
`,
  });
  const child = spawnTs('bin/dbarch.js', ['gateway', join(dir, 'spec.yaml'), '--port', String(port)], { BENCH_GATEWAY_KEY: await exportSPKI(publicKey), DBARCH_LOG_LEVEL: 'warn' });
  await child.waitForLine(/dbarch gateway listening/);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  return {
    name: 'gateway over HTTP (read mode)',
    async query(sql) {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/query`, { method: 'POST', headers, body: JSON.stringify({ sql }) });
      if (response.status !== 200) throw new Error(`gateway answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
    async close() {
      child.process.kill('SIGTERM');
      await child.exited;
    },
  };
}

/** PgBouncer in transaction mode on a free port; undefined when it is not installed. */
async function startPgBouncer(database: string): Promise<{ port: number; stop: () => void } | undefined> {
  const binary = '/usr/sbin/pgbouncer';
  if (!existsSync(binary) || process.env.BENCH_SKIP_PGBOUNCER) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dbarch-pgbouncer-'));
  const port = await freePort();
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(join(dir, 'pgbouncer.ini'), [
    '[databases]',
    `${database} = host=127.0.0.1 port=5432 dbname=${database}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    `unix_socket_dir = ${dir}`,
    'auth_type = trust',
    `auth_file = ${join(dir, 'users.txt')}`,
    'pool_mode = transaction',
    `default_pool_size = ${poolSize}`,
    'max_client_conn = 200',
    `logfile = ${join(dir, 'pgbouncer.log')}`,
    `pidfile = ${join(dir, 'pgbouncer.pid')}`,
    '',
  ].join('\n'));
  // PgBouncer refuses to run as root.
  const owner = process.getuid?.() === 0 ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) } : undefined;
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    for (const f of ['users.txt', 'pgbouncer.ini']) chownSync(join(dir, f), owner.uid, owner.gid);
  }
  const child: ChildProcess = spawn(binary, [join(dir, 'pgbouncer.ini')], { stdio: 'ignore', ...(owner ?? {}) });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database });
    const ok = await probe.connect().then(() => probe.end().then(() => true), () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error('PgBouncer did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    stop() {
      child.kill('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The round with the median throughput (its latencies with it). */
function median(list: Figures[]): Figures {
  return [...list].sort((a, b) => a.qps - b.qps)[Math.floor(list.length / 2)]!;
}

async function main(): Promise<void> {
  const db = await freshDatabase('bench_client');
  const setup = new pg.Client({ connectionString: db.url });
  await setup.connect();
  await setup.query("CREATE TABLE ten_rows AS SELECT g AS id, 'name ' || g AS name, now() AS created_at FROM generate_series(1, 10) g");
  await setup.end();
  let bouncer: Awaited<ReturnType<typeof startPgBouncer>>;
  const contenders: Contender[] = [];
  // Everything started is stopped in finally, also when a later contender fails to start.
  try {
    bouncer = await startPgBouncer(db.name);
    contenders.push(rawPool('raw pg Pool', 5432, db.name), await databaseClient(db.name));
    if (bouncer) contenders.push(rawPool('PgBouncer 1.18 (transaction) + raw pg', bouncer.port, db.name));
    contenders.push(await startGateway(db.name));
    console.log(`${queries} queries per run (a quarter for 1 caller), median of ${rounds} interleaved rounds, pools of ${poolSize}, PostgreSQL at 127.0.0.1:5432${bouncer ? '' : ' (PgBouncer not installed: skipped)'}\n`);
    for (const workload of workloads) {
      for (const callers of concurrencies) {
        const total = callers === 1 ? queries / 4 : queries;
        const runs = new Map<string, Figures[]>(contenders.map((c) => [c.name, []]));
        for (let round = 0; round < rounds; round++) {
          for (const c of contenders) runs.get(c.name)!.push(await measure(c, workload.sql, callers, total));
        }
        const figures = new Map([...runs].map(([name, list]) => [name, median(list)]));
        const raw = figures.get('raw pg Pool')!;
        console.log(`${workload.name}, ${callers} caller${callers > 1 ? 's' : ''}:`);
        for (const [name, f] of figures) {
          const vsRaw = name === 'raw pg Pool' ? '' : `  p50 ${f.p50us - raw.p50us >= 0 ? '+' : ''}${(f.p50us - raw.p50us).toFixed(1)} µs, throughput ×${(f.qps / raw.qps).toFixed(2)} of raw`;
          console.log(`  ${name.padEnd(40)} p50 ${f.p50us.toFixed(1).padStart(7)} µs  p99 ${f.p99us.toFixed(1).padStart(8)} µs  ${f.qps.toFixed(0).padStart(7)} q/s${vsRaw}`);
        }
        const ours = figures.get('DatabaseClient')!;
        const bouncerFigures = [...figures].find(([name]) => name.startsWith('PgBouncer'))?.[1];
        if (bouncerFigures) console.log(`  DatabaseClient vs PgBouncer: p50 ${(ours.p50us - bouncerFigures.p50us).toFixed(1)} µs, throughput ×${(ours.qps / bouncerFigures.qps).toFixed(2)}`);
        const http = figures.get('gateway over HTTP (read mode)');
        if (http && bouncerFigures) console.log(`  gateway vs PgBouncer: p50 ×${(http.p50us / bouncerFigures.p50us).toFixed(2)}, throughput ×${(http.qps / bouncerFigures.qps).toFixed(2)}`);
        console.log('');
      }
    }
  } finally {
    await Promise.all(contenders.map((c) => c.close()));
    bouncer?.stop();
    await db.drop();
  }
}

await main();
