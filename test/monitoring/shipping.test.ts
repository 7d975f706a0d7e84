import { expect } from 'chai';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createLogShipping } from '../../activities/monitoring/shipping/createLogShipping.ts';
import { elasticsearchBulkSink } from '../../activities/monitoring/shipping/elasticsearchBulkSink.ts';
import { LogShipper } from '../../activities/monitoring/shipping/LogShipper.ts';
import { startShipping, type Shipping } from '../../activities/monitoring/shipping/startShipping.ts';
import { monitoringSections } from '../../app/monitoringSections.ts';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { isDbarchError } from '../../errors/DbarchError.ts';
import { DatabaseClient } from '../../gateway/client/index.ts';
import { createGatewayServer } from '../../gateway/http/createGatewayServer.ts';
import { monitoringTargets } from '../../plugins/monitoring/monitoringTargets.ts';
import { logShippingSettings, shippingSettings, type ShippingSettings } from '../../plugins/monitoring/shippingSettings.ts';
import { writeSpecFiles } from '../compiler/writeSpecFiles.ts';
import { compileDataPlaneSpec } from '../dataplane/compileDataPlaneSpec.ts';
import { eventually, repoRoot, spawnTs } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { startVictoriaLogs, type VictoriaLogs } from '../support/victoriaLogs.ts';
import { startVictoriaMetrics, type VictoriaMetrics } from '../support/victoriaMetrics.ts';
import { writeMonitoringSpec } from './exporterSpec.ts';
import { parseMetrics } from './parseMetrics.ts';

const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
const traceIdOf = (header: string) => header.split('-')[1]!;

describe('Log shipping and Datadog series (real VictoriaLogs and VictoriaMetrics)', function () {
  this.timeout(60_000);
  let cluster: PgCluster;
  let shop: string;
  let logs: VictoriaLogs;
  let metrics: VictoriaMetrics;
  let specPath: string;
  let settings: ShippingSettings;
  let shipping: Shipping;
  let client: DatabaseClient;
  let direct: pg.Client;

  before(async () => {
    [cluster, logs, metrics] = await Promise.all([
      startPgCluster({ label: 'shipping', walLevel: 'replica', settings: { shared_preload_libraries: 'pg_stat_statements' } }),
      startVictoriaLogs(),
      startVictoriaMetrics(),
    ]);
    shop = await cluster.createDatabase('shop');
    specPath = writeMonitoringSpec(
      [{ name: 'ship', primary: shop, databases: ['shop'] }],
      `monitoring_config:
  exporters:
    - type: prometheus
      metrics: [pg_stat_activity]
    - type: datadog
      api_key: \${SHIP_TEST_DD_API_KEY}
      url: ${metrics.datadogUrl}
      interval: 1m
      metrics: [query_latency_p95, slow_query_count, connection_count, pg_stat_database, cache_hit_ratio]
  log_shipping:
    destination: elasticsearch
    url: ${logs.elasticsearchUrl}
    log_types: [slow_queries, error_logs]
    slow_query_threshold: 200ms
`,
    );
    const sections = await monitoringSections([specPath]);
    settings = shippingSettings(sections, { ...process.env, SHIP_TEST_DD_API_KEY: 'test-key' });
    shipping = await startShipping({
      exporter: { host: '127.0.0.1', port: 0, targets: monitoringTargets(sections), collectors: settings.collectors, scrapeTimeoutMs: 5000 },
      ...(settings.logs ? { logs: { ...settings.logs, flushIntervalMs: 100 } } : {}),
      ...(settings.datadog ? { datadog: settings.datadog } : {}),
      // Readings are driven by tick() here.
      intervalMs: 3_600_000,
    });
    const mesh = `service_mesh:\n  mtls: false\n  database_services:\n    - name: orders-db\n      endpoints: [{ host: 127.0.0.1, port: ${cluster.port} }]\n`;
    client = new DatabaseClient({ spec: await compileDataPlaneSpec(mesh), serviceName: 'orders-db', connection: shop, controlUrl: null, onQuery: shipping.timings.observe });
    direct = new pg.Client({ connectionString: shop });
    await direct.connect();
  });

  after(async () => {
    await direct?.end();
    await client?.close();
    await shipping?.close();
    await Promise.all([logs?.stop(), metrics?.stop(), cluster?.stop()]);
  });

  it('reads the spec: elasticsearch destination, threshold, the Datadog key from its reference; metrics without a source are warned about, not faked', () => {
    expect(settings.logs).to.deep.include({ url: logs.elasticsearchUrl, logTypes: ['slow_queries', 'error_logs'], slowQueryThresholdMs: 200 });
    expect(settings.datadog).to.deep.include({ url: metrics.datadogUrl, apiKey: 'test-key', metrics: ['query_latency_p95', 'slow_query_count', 'connection_count', 'pg_stat_database'] });
    expect(settings.intervalMs).to.equal(60_000);
    expect(settings.collectors).to.include.members(['pg_stat_activity', 'pg_stat_database', 'pg_stat_statements']);
    expect(settings.warnings.map((w) => [w.code, /cache_hit_ratio/.test(w.message)])).to.deep.equal([['DBA_SHIPPING_METRIC_NO_SOURCE', true]]);
  });

  it('the seed\'s monitoring block: its Datadog metrics all have a source, its key is read from DD_API_KEY, audit_logs is warned about', async () => {
    const seed = await monitoringSections([join(repoRoot, 'specs/examples/06-monitoring_config.yaml')]);
    const env = { PATH: process.env.PATH, DD_API_KEY: 'seed-key' };
    const read = shippingSettings(seed, env);
    expect(read.logs).to.deep.equal({ url: 'http://127.0.0.1:9200', logTypes: ['slow_queries', 'error_logs', 'audit_logs'], slowQueryThresholdMs: 1000 });
    expect(read.datadog).to.deep.equal({ url: 'https://api.datadoghq.com', apiKey: 'seed-key', metrics: ['query_latency_p95', 'slow_query_count', 'replication_lag'] });
    expect(read.warnings.map((w) => w.message)).to.satisfy((messages: string[]) => messages.length === 1 && messages[0]!.startsWith('audit_logs'));
    const unset = (() => {
      try {
        shippingSettings(seed, { PATH: process.env.PATH });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(isDbarchError(unset) && unset.code).to.equal('DBA_SHIPPING_SECRET_UNSET');
  });

  it('ships statements over the threshold from pg_stat_statements deltas; VictoriaLogs gives them back with the seed\'s fields', async () => {
    await direct.query('SELECT pg_sleep(0.3)');
    await direct.query('SELECT pg_sleep(0.3)');
    await direct.query('SELECT 40 + 2 AS fast');
    await shipping.tick();
    const records = await eventually(async () => {
      const found = await logs.query('source:pg_stat_statements');
      return found.length > 0 ? found : undefined;
    }, 'slow statements in VictoriaLogs');
    const sleep = records.find((r) => /pg_sleep/.test(r.query ?? ''));
    expect(sleep, JSON.stringify(records)).to.not.equal(undefined);
    expect(sleep).to.include({ level: 'warn', component: 'database-architect', _msg: 'Slow query detected', log_type: 'slow_queries', cluster: 'ship', database: 'shop', rows_returned: '1', calls: '2' });
    expect(Number(sleep!.duration_ms)).to.be.within(300, 2000);
    expect(Date.parse(sleep!._time!)).to.be.closeTo(Date.now(), 60_000);
    // The fast statement was read as well, and is not slow.
    expect(records.some((r) => /40 \+/.test(r.query ?? ''))).to.equal(false);
    // The shipper's counters are the exporter's: /metrics shows what was shipped.
    const exposed = parseMetrics(await shipping.exporter.scrape());
    const shipped = exposed.find((s) => s.name === 'dbarch_log_shipping_records_total' && s.labels.log_type === 'slow_queries');
    expect(shipped?.value).to.be.at.least(1);
  });

  it('logs the data plane\'s slow statements with the trace id of their traceparent, and failed ones as error logs', async () => {
    const slowTrace = traceparent();
    const failedTrace = traceparent();
    await client.query('SELECT pg_sleep(0.25), 7 AS n', [], { traceparent: slowTrace });
    await client.query('SELECT 1', [], { traceparent: traceparent() });
    const failure = await client.query('SELECT * FROM no_such_table', [], { traceparent: failedTrace }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isDbarchError(failure)).to.equal(true);
    const [slow] = await eventually(async () => {
      const found = await logs.query(`trace_id:${traceIdOf(slowTrace)}`);
      return found.length > 0 ? found : undefined;
    }, 'the slow data-plane statement in VictoriaLogs');
    expect(slow).to.include({ level: 'warn', _msg: 'Slow query detected', log_type: 'slow_queries', source: 'data_plane', service: 'orders-db', query: 'SELECT pg_sleep(0.25), 7 AS n', rows_returned: '1' });
    expect(Number(slow!.duration_ms)).to.be.at.least(250);
    const [failed] = await eventually(async () => {
      const found = await logs.query(`trace_id:${traceIdOf(failedTrace)}`);
      return found.length > 0 ? found : undefined;
    }, 'the failed data-plane statement in VictoriaLogs');
    expect(failed).to.include({ level: 'error', log_type: 'error_logs', source: 'data_plane', service: 'orders-db', sqlstate: '42P01', code: (failure as { code: string }).code });
    // Statements inside transaction() (the gateway's reads) are reported too, with the transaction's traceparent.
    const readTrace = traceparent();
    await client.transaction((tx) => tx.query('SELECT pg_sleep(0.25), 8 AS n'), { readOnly: true, traceparent: readTrace });
    const [read] = await eventually(async () => {
      const found = await logs.query(`trace_id:${traceIdOf(readTrace)}`);
      return found.length > 0 ? found : undefined;
    }, 'the slow statement of a transaction in VictoriaLogs');
    expect(read).to.include({ log_type: 'slow_queries', source: 'data_plane', query: 'SELECT pg_sleep(0.25), 8 AS n', rows_returned: '1' });
    // The fast statement is not logged: only the two slow ones carry this service's name.
    expect(await logs.query('service:orders-db AND log_type:slow_queries')).to.have.length(2);
  });

  it('the gateway ships its routes\' slow statements with the trace id of the request\'s traceparent', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const dir = writeSpecFiles({
      'spec.yaml': `apiVersion: dbarch/v1
gateway_config:
  authentication:
    jwt: { issuer: https://auth.test/, audience: dbarch-gateway, public_key: '\${SHIP_JWT_KEY}', algorithms: [ES256] }
  authorization:
    - { role: reader, databases: [shop], modes: [read] }
  database_routing:
    - { service: orders-api, database: shop, connection_pool: { min: 0, max: 2 } }
service_mesh:
  mtls: false
  database_services:
    - name: shop-db
      endpoints: [{ host: 127.0.0.1, port: ${cluster.port} }]
monitoring_config:
  log_shipping: { destination: elasticsearch, url: '${logs.elasticsearchUrl}', log_types: [slow_queries], slow_query_threshold: 200ms }
`,
    });
    const compiled = await compileSpec([join(dir, 'spec.yaml')]);
    expect(compiled.errors).to.deep.equal([]);
    const { logs: settings } = logShippingSettings({ monitoring_config: compiled.spec!.monitoring_config! });
    const metricsRegistry = new Registry();
    const gatewayShipping = createLogShipping({ ...settings!, flushIntervalMs: 100 }, metricsRegistry);
    const gateway = await createGatewayServer({ spec: compiled.spec!, env: { ...process.env, SHIP_JWT_KEY: await exportSPKI(publicKey) }, redisUrl: null, metricsRegistry, onQuery: gatewayShipping.timings.observe });
    try {
      const token = await new SignJWT({ roles: ['reader'] }).setProtectedHeader({ alg: 'ES256' }).setIssuer('https://auth.test/').setAudience('dbarch-gateway').setSubject('orders-api').setExpirationTime('5m').sign(privateKey);
      const trace = traceparent();
      const response = await gateway.inject({
        method: 'POST',
        url: '/api/v1/query',
        headers: { authorization: `Bearer ${token}`, traceparent: trace, 'content-type': 'application/json' },
        payload: JSON.stringify({ database: 'shop', sql: 'SELECT pg_sleep(0.25), 9 AS n' }),
      });
      expect(response.statusCode, response.body).to.equal(200);
      const [slow] = await eventually(async () => {
        const found = await logs.query(`trace_id:${traceIdOf(trace)}`);
        return found.length > 0 ? found : undefined;
      }, 'the gateway\'s slow statement in VictoriaLogs');
      expect(slow).to.include({ log_type: 'slow_queries', source: 'data_plane', service: 'orders-api', query: 'SELECT pg_sleep(0.25), 9 AS n', rows_returned: '1' });
      // Its counters are on the gateway's /metrics.
      const exposed = parseMetrics((await gateway.inject({ method: 'GET', url: '/metrics' })).body);
      expect(exposed.find((m) => m.name === 'dbarch_log_shipping_records_total' && m.labels.log_type === 'slow_queries')?.value).to.equal(1);
    } finally {
      await gateway.close();
      await gatewayShipping.shipper.close();
    }
  });

  it('submits the Datadog metrics in the series API format; VictoriaMetrics gives them back', async () => {
    await shipping.tick();
    for (let i = 0; i < 20; i++) await client.query('SELECT $1::int AS n', [i]);
    await direct.query('SELECT pg_sleep(0.25)');
    await shipping.tick();
    expect(shipping.forwarder?.pending).to.equal(0);
    const series = async (name: string) => metrics.exportSeries(`{__name__="${name}"}`);
    const connections = await series('dbarch.connection_count');
    expect(connections.map((s) => s.metric.cluster)).to.include('ship');
    expect(connections.every((s) => s.values.every((v) => v >= 1))).to.equal(true);
    const [p95] = await series('dbarch.query_latency_p95');
    expect(p95?.metric.service).to.equal('orders-db');
    // Two submissions can land in the same second: assert over all samples, not the last one.
    expect(Math.min(...p95!.values)).to.be.greaterThan(0);
    expect(Math.max(...p95!.values)).to.be.below(1);
    const slow = await series('dbarch.slow_query_count');
    const fromStatements = slow.find((s) => s.metric.source === 'pg_stat_statements' && s.metric.cluster === 'ship');
    expect(Math.max(...(fromStatements?.values ?? [0]))).to.be.at.least(1);
    // A group ships its collector's families; counters as their increase between two readings.
    const commits = await series('dbarch.pg_stat_database_xact_commit_total');
    const shopCommits = commits.find((s) => s.metric.database === 'shop');
    const exposed = parseMetrics(await shipping.exporter.scrape());
    const cumulative = exposed.find((s) => s.name === 'dbarch_pg_stat_database_xact_commit_total' && s.labels.database === 'shop')!.value;
    expect(Math.max(...(shopCommits?.values ?? [0]))).to.be.greaterThan(0).and.below(cumulative);
    expect(exposed.find((s) => s.name === 'dbarch_datadog_points_total')?.value).to.be.greaterThan(0);
  });

  it('an unreachable receiver: the buffer fills to its bound, drops are counted, and shipping recovers when it is back', async () => {
    const registry = new Registry();
    const shipper = new LogShipper({ sink: elasticsearchBulkSink({ url: logs.elasticsearchUrl, timeoutMs: 2000 }), registry, maxBuffered: 50, maxBatch: 10, flushIntervalMs: 20, initialBackoffMs: 50, maxBackoffMs: 400 });
    const record = (i: number) => ({ timestamp: new Date().toISOString(), level: 'warn' as const, component: 'outage-test', message: `record ${i}`, log_type: 'slow_queries' as const, duration_ms: i });
    try {
      await logs.down();
      const accepted = Array.from({ length: 80 }, (_, i) => shipper.enqueue(record(i)));
      expect(accepted.filter(Boolean)).to.have.length(50);
      expect(accepted.slice(50).some(Boolean)).to.equal(false);
      await eventually(() => Promise.resolve(shipper.stats().failures >= 3 ? true : undefined), 'retries against the receiver that is down');
      expect(shipper.stats()).to.include({ buffered: 50, shipped: 0, dropped: 30, receiverUp: false });
      const down = parseMetrics(await registry.metrics());
      const value = (name: string, labels: Record<string, string> = {}) => down.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
      expect(value('dbarch_log_shipping_dropped_records_total', { reason: 'buffer_full' })).to.equal(30);
      expect(value('dbarch_log_shipping_buffered_records')).to.equal(50);
      expect(value('dbarch_log_shipping_receiver_up')).to.equal(0);

      await logs.up();
      await eventually(() => Promise.resolve(shipper.stats().shipped === 50 ? true : undefined), 'the buffer shipped once the receiver is back');
      expect(shipper.stats()).to.include({ buffered: 0, dropped: 30, receiverUp: true });
      const shipped = await logs.query('component:outage-test');
      // Every buffered record arrived once; the dropped ones are the newest.
      expect(shipped.map((r) => Number(r.duration_ms)).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
      const up = parseMetrics(await registry.metrics());
      expect(up.find((s) => s.name === 'dbarch_log_shipping_receiver_up')?.value).to.equal(1);
    } finally {
      await shipper.close(1000);
      await logs.up();
    }
  });

  it('a receiver that refuses a batch (400): its records are dropped and counted as rejected, DBA_SHIPPING_REJECTED, no retry', async () => {
    const registry = new Registry();
    const problems: string[] = [];
    const shipper = new LogShipper({ sink: elasticsearchBulkSink({ url: `${logs.endpoint}/not-a-bulk-api` }), registry, flushIntervalMs: 20, initialBackoffMs: 50, onProblem: (p) => problems.push(p.code) });
    try {
      for (let i = 0; i < 3; i++) shipper.enqueue({ timestamp: new Date().toISOString(), level: 'error', component: 'refused-test', message: `refused ${i}`, log_type: 'error_logs' });
      await eventually(() => Promise.resolve(shipper.stats().dropped === 3 ? true : undefined), 'the refused batch to be dropped');
      expect(shipper.stats()).to.include({ buffered: 0, shipped: 0, failures: 0, receiverUp: true });
      expect(problems).to.deep.equal(['DBA_SHIPPING_REJECTED']);
      const exposed = parseMetrics(await registry.metrics());
      expect(exposed.find((m) => m.name === 'dbarch_log_shipping_dropped_records_total' && m.labels.reason === 'rejected' && m.labels.log_type === 'error_logs')?.value).to.equal(3);
    } finally {
      await shipper.close(1000);
    }
  });

  it('dbarch ship <spec> runs it until SIGTERM', async () => {
    const child = spawnTs('bin/dbarch.js', ['ship', specPath, '--port', '0'], { SHIP_TEST_DD_API_KEY: 'test-key' });
    await child.waitForLine(/^dbarch ship: logs \(slow_queries, error_logs\) to http:\/\/127\.0\.0\.1:\d+\/insert\/elasticsearch; datadog series .* its counters at http:\/\/127\.0\.0\.1:\d+\/metrics$/, 30_000);
    expect(child.output()).to.match(/DBA_SHIPPING_METRIC_NO_SOURCE: datadog metric cache_hit_ratio/);
    child.process.kill('SIGTERM');
    expect(await child.exited).to.equal(0);
  });
});
