import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { freePort } from '../support/freePort.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { writeMonitoringSpec } from './exporterSpec.ts';
import { parseMetrics, sampleValue, type Sample } from './parseMetrics.ts';

const monitoring = (port: number) => `monitoring_config:
  exporters:
    - type: prometheus
      port: ${port}
      metrics: [pg_stat_database, pg_stat_statements, pg_stat_activity, pg_locks, pg_stat_bgwriter, pg_stat_replication, disk_usage, wal_size, buffer_cache_hit_ratio]
`;

/** A TCP server that accepts connections and never answers: a PostgreSQL that hangs before saying anything. */
async function blackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

async function sql<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('monitoring: the Prometheus exporter (dbarch exporter)', function () {
  this.timeout(60_000);
  let stats: PgCluster;
  let plain: PgCluster;
  let hung: Awaited<ReturnType<typeof blackhole>>;
  let exporter: Child;
  let metricsUrl: string;

  const scrape = async (): Promise<Sample[]> => {
    const response = await fetch(metricsUrl);
    expect(response.status).to.equal(200);
    return parseMetrics(await response.text());
  };

  before(async () => {
    [stats, plain, hung] = await Promise.all([
      startPgCluster({ label: 'mon-stats', walLevel: 'replica', settings: { shared_preload_libraries: 'pg_stat_statements' } }),
      startPgCluster({ label: 'mon-plain', walLevel: 'replica' }),
      blackhole(),
    ]);
    const shop = await stats.createDatabase('shop');
    await plain.createDatabase('ledger');
    await sql(shop, 'CREATE TABLE orders (id int PRIMARY KEY, total numeric); INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g');
    const port = await freePort();
    const spec = writeMonitoringSpec(
      [
        { name: 'stats', primary: stats.urlFor('shop'), databases: ['shop', 'postgres'] },
        { name: 'plain', primary: plain.urlFor('ledger'), databases: ['ledger'] },
        { name: 'hung', primary: `postgres://postgres@127.0.0.1:${hung.port}/x`, databases: ['x'] },
      ],
      monitoring(port),
    );
    exporter = spawnTs('bin/dbarch.js', ['exporter', spec, '--scrape-timeout', '1s'], { DBARCH_DEBUG: undefined });
    const line = await exporter.waitForLine(/listening on http/);
    metricsUrl = /(http:\S+)/.exec(line)?.[1] ?? '';
    expect(metricsUrl).to.equal(`http://127.0.0.1:${port}/metrics`);
  });

  after(async () => {
    exporter?.process.kill('SIGTERM');
    await exporter?.exited;
    await Promise.all([stats?.stop(), plain?.stop(), hung?.close()]);
  });

  it('exports every group with a source, per cluster and database, in a form promtool accepts', async () => {
    const response = await fetch(metricsUrl);
    const text = await response.text();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.status, lint.stdout + lint.stderr).to.equal(0);

    const samples = parseMetrics(text);
    const shop = { cluster: 'stats', database: 'shop' };
    expect(sampleValue(samples, 'dbarch_pg_up', { cluster: 'stats' })).to.equal(1);
    expect(sampleValue(samples, 'dbarch_pg_up', { cluster: 'plain' })).to.equal(1);
    expect(sampleValue(samples, 'dbarch_pg_in_recovery', { cluster: 'stats' })).to.equal(0);
    expect(sampleValue(samples, 'dbarch_pg_stat_database_xact_commit_total', shop)).to.be.greaterThan(0);
    expect(sampleValue(samples, 'dbarch_pg_stat_database_tup_inserted_total', shop)).to.be.at.least(100);
    expect(sampleValue(samples, 'dbarch_pg_stat_database_xact_commit_total', { cluster: 'plain', database: 'ledger' })).to.be.a('number');
    // Only the databases the spec names: the plain cluster's postgres database is not listed for it.
    expect(samples.some((s) => s.labels.cluster === 'plain' && s.labels.database === 'postgres')).to.equal(false);
    const ratio = sampleValue(samples, 'dbarch_pg_buffer_cache_hit_ratio', shop);
    expect(ratio).to.be.within(0, 1);
    expect(sampleValue(samples, 'dbarch_pg_stat_activity_connections', { ...shop, state: 'idle in transaction' })).to.equal(0);
    expect(sampleValue(samples, 'dbarch_pg_max_connections', { cluster: 'stats' })).to.equal(50);
    expect(sampleValue(samples, 'dbarch_pg_lock_waiting_sessions', shop)).to.equal(0);
    expect(sampleValue(samples, 'dbarch_pg_stat_bgwriter_buffers_alloc_total', { cluster: 'stats' })).to.be.greaterThan(0);
    expect(sampleValue(samples, 'dbarch_pg_database_size_bytes', shop)).to.be.greaterThan(1_000_000);
    expect(sampleValue(samples, 'dbarch_pg_wal_size_bytes', { cluster: 'stats' })).to.be.greaterThan(0);
    expect(sampleValue(samples, 'dbarch_pg_temp_files', { cluster: 'stats' })).to.equal(0);
    // pg_stat_statements: the exporter created the extension where the library is loaded, and reports statements.
    expect(await sql(stats.urlFor('shop'), "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")).to.have.length(1);
    await sql(stats.urlFor('shop'), 'SELECT count(*) FROM orders WHERE total > 10');
    const later = await scrape();
    expect(sampleValue(later, 'dbarch_pg_stat_statements_database_calls_total', shop)).to.be.greaterThan(0);
    expect(later.some((s) => s.name === 'dbarch_pg_stat_statements_calls_total' && s.labels.database === 'shop' && /^-?\d+$/.test(s.labels.queryid ?? ''))).to.equal(true);
    expect(sampleValue(later, 'dbarch_exporter_collector_success', { cluster: 'stats', collector: 'pg_stat_statements' })).to.equal(1);
    // Families of sources this exporter was not given (data plane, queues, backups) are absent, not zero.
    expect(later.filter((s) => /^dbarch_(pool|cache|queue|backup|gateway)_/.test(s.name))).to.deep.equal([]);
  });

  it('reports pg_stat_statements where it is not loaded as a coded error naming shared_preload_libraries', async () => {
    const samples = await scrape();
    expect(sampleValue(samples, 'dbarch_exporter_collector_success', { cluster: 'plain', collector: 'pg_stat_statements' })).to.equal(0);
    expect(sampleValue(samples, 'dbarch_exporter_collector_success', { cluster: 'plain', collector: 'pg_stat_database' })).to.equal(1);
    const line = await exporter.waitForLine(/^DBA_MONITORING_PG_STAT_STATEMENTS_NOT_LOADED: /);
    expect(line).to.contain(`127.0.0.1:${plain.port}`).and.contain('shared_preload_libraries');
    // Reported once, not on every scrape.
    expect(exporter.output().split('DBA_MONITORING_PG_STAT_STATEMENTS_NOT_LOADED').length - 1).to.equal(1);
  });

  it('answers while a server accepts connections and never replies', async () => {
    const samples = await scrape();
    expect(sampleValue(samples, 'dbarch_pg_up', { cluster: 'hung' })).to.equal(0);
    expect(sampleValue(samples, 'dbarch_exporter_scrape_timeouts_total', { cluster: 'hung' })).to.be.greaterThan(0);
    expect(sampleValue(samples, 'dbarch_pg_up', { cluster: 'stats' })).to.equal(1);
    expect(exporter.output()).to.match(/DBA_MONITORING_SCRAPE_TIMEOUT: 127\.0\.0\.1:\d+ \(cluster hung\) did not answer within 1000 ms/);
  });

  it('is not hung by a session holding a lock with pg_sleep: that collector fails, the rest is exported', async () => {
    const holder = new pg.Client({ connectionString: stats.urlFor('shop') });
    await holder.connect();
    holder.on('error', () => undefined);
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE pg_stat_statements, orders IN ACCESS EXCLUSIVE MODE');
    const sleeping = holder.query('SELECT pg_sleep(60)').catch(() => undefined);
    try {
      const samples = await scrape();
      const shop = { cluster: 'stats', database: 'shop' };
      expect(sampleValue(samples, 'dbarch_exporter_collector_success', { cluster: 'stats', collector: 'pg_stat_statements' })).to.equal(0);
      expect(sampleValue(samples, 'dbarch_exporter_collector_success', { cluster: 'stats', collector: 'pg_stat_database' })).to.equal(1);
      expect(sampleValue(samples, 'dbarch_pg_stat_database_xact_commit_total', shop)).to.be.greaterThan(0);
      // The holder is visible for what it is: a session in shop holding exclusive locks.
      expect(sampleValue(samples, 'dbarch_pg_locks', { ...shop, mode: 'AccessExclusiveLock', granted: 'true' })).to.be.at.least(2);
      expect(sampleValue(samples, 'dbarch_pg_stat_database_xact_commit_total', { cluster: 'plain', database: 'ledger' })).to.be.a('number');
      await exporter.waitForLine(/^DBA_MONITORING_SCRAPE_TIMEOUT: 127\.0\.0\.1:\d+ \(cluster stats\) failed collecting pg_stat_statements/);
    } finally {
      await sql(stats.url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'");
      await sleeping;
      await holder.end().catch(() => undefined);
    }
    // Once the lock is gone the collector works again, and the exporter says so.
    await eventually(async () => (sampleValue(await scrape(), 'dbarch_exporter_collector_success', { cluster: 'stats', collector: 'pg_stat_statements' }) === 1 ? true : undefined), 'pg_stat_statements to be collected again');
    await exporter.waitForLine(/^recovered: pg_stat_statements on 127\.0\.0\.1:\d+ \(cluster stats\)/);
  });
});
