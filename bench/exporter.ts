// Scrape time and exporter CPU: dbarch's exporter against postgres_exporter 0.11 (Debian's
// prometheus-postgres-exporter) on the same database of a cluster of its own with 100 tables and
// pg_stat_statements populated. Both run as child processes, started here on free ports (never as services).
// Run: node --import tsx bench/exporter.ts   (BENCH_SCRAPES, default 100)
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { spawnTs } from '../test/support/childProcess.ts';
import { freePort } from '../test/support/freePort.ts';
import { startPgCluster } from '../test/support/pgCluster.ts';
import { writeMonitoringSpec } from '../test/monitoring/exporterSpec.ts';

const scrapes = Number(process.env.BENCH_SCRAPES ?? 100);
const warmup = 5;
const clockTicks = 100; // USER_HZ on Linux

/** utime + stime of a process, in milliseconds (/proc/<pid>/stat fields 14 and 15). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

interface Result {
  readonly name: string;
  readonly note: string;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly cpuPerScrapeMs: number;
  readonly samples: number;
  readonly families: number;
}

async function measure(name: string, note: string, url: string, pid: number): Promise<Result> {
  let text = '';
  for (let i = 0; i < warmup; i++) text = await (await fetch(url)).text();
  const times: number[] = [];
  const cpuBefore = cpuMs(pid);
  for (let i = 0; i < scrapes; i++) {
    const started = performance.now();
    text = await (await fetch(url)).text();
    times.push(performance.now() - started);
  }
  const cpu = cpuMs(pid) - cpuBefore;
  times.sort((a, b) => a - b);
  const lines = text.split('\n');
  return {
    name,
    note,
    medianMs: times[Math.floor(times.length / 2)] ?? NaN,
    p95Ms: times[Math.floor(times.length * 0.95)] ?? NaN,
    cpuPerScrapeMs: cpu / scrapes,
    samples: lines.filter((l) => l !== '' && !l.startsWith('#')).length,
    families: lines.filter((l) => l.startsWith('# TYPE')).length,
  };
}

async function populate(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    for (let i = 1; i <= 100; i++) {
      await client.query(`CREATE TABLE t_${i} (id bigint PRIMARY KEY, name text NOT NULL, n int); CREATE INDEX ON t_${i} (name)`);
      await client.query(`INSERT INTO t_${i} SELECT g, 'n' || g, g % 7 FROM generate_series(1, 200) g`);
    }
    // A few hundred distinct statements in pg_stat_statements.
    for (let i = 1; i <= 100; i++) {
      await client.query(`SELECT count(*) FROM t_${i} WHERE n = $1`, [i % 7]);
      await client.query(`UPDATE t_${i} SET n = n + 1 WHERE id = $1`, [i]);
      await client.query(`SELECT name FROM t_${i} ORDER BY name LIMIT 5`);
    }
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  if (spawnSync('prometheus-postgres-exporter', ['--version']).error !== undefined) {
    console.error('bench/exporter.ts: the peer is missing: apt-get install prometheus-postgres-exporter (then stop its service)');
    process.exit(2);
  }
  const cluster = await startPgCluster({ label: 'bench-exporter', walLevel: 'replica', settings: { shared_preload_libraries: 'pg_stat_statements' } });
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const dbUrl = await cluster.createDatabase('bench');
    await populate(dbUrl);

    // postgres_exporter's default collectors minus pg_settings (a family dbarch does not export).
    const peerPort = await freePort();
    const peer = spawn('prometheus-postgres-exporter', [`--web.listen-address=127.0.0.1:${peerPort}`, '--disable-settings-metrics'], {
      env: { ...process.env, DATA_SOURCE_NAME: `postgresql://postgres@127.0.0.1:${cluster.port}/bench?sslmode=disable` },
      stdio: 'ignore',
    });
    const peerExited = new Promise((resolve) => peer.once('exit', resolve));
    stops.push(async () => {
      peer.kill('SIGTERM');
      await peerExited;
    });

    const start = async (metrics: string[]) => {
      const port = await freePort();
      const spec = writeMonitoringSpec([{ name: 'bench', primary: dbUrl, databases: ['bench'] }], `monitoring_config:\n  exporters:\n    - type: prometheus\n      port: ${port}\n      metrics: [${metrics.join(', ')}]\n`);
      const child = spawnTs('bin/dbarch.js', ['exporter', spec]);
      stops.push(async () => {
        child.process.kill('SIGTERM');
        await child.exited;
      });
      await child.waitForLine(/listening on http/);
      return { url: `http://127.0.0.1:${port}/metrics`, pid: child.process.pid ?? 0 };
    };
    const common = ['pg_stat_database', 'pg_stat_activity', 'pg_locks', 'pg_stat_bgwriter', 'pg_stat_replication', 'disk_usage'];
    const ours = await start(common);
    const oursAll = await start([...common, 'pg_stat_statements']);
    // Wait for postgres_exporter to answer.
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${peerPort}/metrics`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 100) throw new Error('postgres_exporter did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const results = [
      await measure('dbarch exporter', 'the families both have: database, activity, locks, bgwriter, replication, sizes', ours.url, ours.pid),
      await measure('postgres_exporter 0.11', 'default collectors, --disable-settings-metrics', `http://127.0.0.1:${peerPort}/metrics`, peer.pid ?? 0),
      await measure('dbarch exporter + pg_stat_statements', 'the same plus pg_stat_statements (postgres_exporter 0.11 has no such collector)', oursAll.url, oursAll.pid),
    ];
    console.log(`\n${scrapes} sequential scrapes each (after ${warmup} warm-up), one database with 100 tables, pg_stat_statements populated\n`);
    console.log(`${'exporter'.padEnd(40)}${'median ms'.padStart(11)}${'p95 ms'.padStart(9)}${'CPU ms/scrape'.padStart(15)}${'families'.padStart(10)}${'samples'.padStart(9)}`);
    for (const r of results) {
      console.log(`${r.name.padEnd(40)}${r.medianMs.toFixed(2).padStart(11)}${r.p95Ms.toFixed(2).padStart(9)}${r.cpuPerScrapeMs.toFixed(2).padStart(15)}${String(r.families).padStart(10)}${String(r.samples).padStart(9)}`);
    }
    console.log('');
    for (const r of results) console.log(`  ${r.name}: ${r.note}`);
    const [a, b, c] = results as [Result, Result, Result];
    console.log(`\nratio scrape time dbarch / postgres_exporter = ${(a.medianMs / b.medianMs).toFixed(2)} (goal: <= 1.00)`);
    console.log(`ratio exporter CPU dbarch / postgres_exporter = ${(a.cpuPerScrapeMs / b.cpuPerScrapeMs).toFixed(2)}`);
    console.log(`ratio scrape time dbarch with pg_stat_statements / postgres_exporter = ${(c.medianMs / b.medianMs).toFixed(2)}`);
  } finally {
    for (const stop of stops.reverse()) await stop();
    await cluster.stop();
  }
}

await main();
