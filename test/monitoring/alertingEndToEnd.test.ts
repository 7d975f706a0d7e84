import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { DatabaseClient } from '../../gateway/client/DatabaseClient.ts';
import { runCli } from '../cli/runCli.ts';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { freePort } from '../support/freePort.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { writeMonitoringSpec } from './exporterSpec.ts';
import { startTool, type RunningTool } from './startTool.ts';
import { startWebhookReceiver, type WebhookReceiver } from './startWebhookReceiver.ts';

interface PromAlert {
  readonly labels: Record<string, string>;
  readonly state: 'pending' | 'firing';
}

interface Dashboard {
  readonly uid: string;
  readonly templating: { readonly list: readonly { readonly name: string }[] };
  readonly panels: readonly {
    readonly id: number;
    readonly title: string;
    readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
    readonly targets: readonly { readonly expr: string }[];
    readonly fieldConfig: { readonly defaults: { readonly thresholds: { readonly steps: readonly { readonly color: string; readonly value: number | null }[] } } };
  }[];
}

interface WebhookPayload {
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly { readonly status: string; readonly labels: Record<string, string>; readonly annotations: Record<string, string> }[];
}

describe('monitoring end to end: Prometheus evaluates the generated rules, Alertmanager delivers them, the dashboard reads them', function () {
  this.timeout(120_000);
  let primary: PgCluster;
  let standby: PgCluster;
  let receiver: WebhookReceiver;
  let exporter: Child;
  let alertmanager: RunningTool;
  let prometheus: RunningTool;
  let writer: pg.Client;
  let dashboard: Dashboard;
  let client: DatabaseClient;
  let poolMetrics: Server;

  const alerts = async (): Promise<PromAlert[]> => {
    const response = await fetch(`${prometheus.url}/api/v1/alerts`);
    return ((await response.json()) as { data: { alerts: PromAlert[] } }).data.alerts;
  };
  const delivered = (path: string) => receiver.received.filter((r) => r.path === path).map((r) => r.body);

  before(async () => {
    primary = await startPgCluster({ label: 'mon-e2e-primary', walLevel: 'replica' });
    standby = await startPgCluster({ label: 'mon-e2e-standby', standbyOf: primary });
    receiver = await startWebhookReceiver();
    const exporterPort = await freePort();
    const spec = writeMonitoringSpec(
      [{ name: 'main', primary: primary.url, replicas: [standby.url], databases: ['postgres'] }],
      `gateway_config:
  listen_port: 8080
  database_routing:
    - service: orders
      database: postgres
      cluster: main
      connection_pool: { min: 0, max: 2 }
monitoring_config:
  exporters:
    - type: prometheus
      port: ${exporterPort}
      metrics: [pg_stat_database, pg_stat_activity, pg_locks, pg_stat_bgwriter, disk_usage]
  alerting:
    channels: [slack, pagerduty, webhook]
    destinations:
      slack: { webhook_url: "\${E2E_SLACK_URL}", channel: "#db-alerts" }
      pagerduty: { routing_key: "\${E2E_PD_KEY}", url: "${receiver.url}/pagerduty" }
      webhook: { url: "\${E2E_HOOK_URL}" }
    group_wait: 1s
    group_interval: 1s
    repeat_interval: 1h
    rules:
      - name: high_replication_lag
        condition: replication_lag > 1s
        severity: warning
      - name: replication_stalled
        condition: replication_lag > 2s
        severity: critical
      - name: connection_pool_exhausted
        condition: pool_utilization > 90%
        severity: critical
`,
    );
    const dir = join(spec, '..');
    const secrets = { E2E_SLACK_URL: `${receiver.url}/slack`, E2E_PD_KEY: 'e2e-routing-key', E2E_HOOK_URL: `${receiver.url}/webhook` };
    const [rules, am, board] = await Promise.all([
      runCli(['monitoring', 'rules', spec, '--output', join(dir, 'rules.yml')]),
      runCli(['monitoring', 'alertmanager', spec, '--output', join(dir, 'alertmanager.yml')], secrets),
      runCli(['monitoring', 'dashboard', spec, '--output', join(dir, 'dashboard.json')]),
    ]);
    expect(rules.code, rules.output).to.equal(0);
    expect(am.code, am.output).to.equal(0);
    expect(board.code, board.output).to.equal(0);
    dashboard = JSON.parse(readFileSync(join(dir, 'dashboard.json'), 'utf8')) as Dashboard;

    // The data plane's pools: a DatabaseClient for the route, its registry served as the gateway serves it.
    const compiled = await compileSpec([spec]);
    expect(compiled.errors).to.deep.equal([]);
    client = new DatabaseClient({ spec: compiled.spec!, route: 'orders' });
    const clientMetrics = client.metrics.registry;
    poolMetrics = createServer((_request, response) => {
      void clientMetrics.metrics().then((text) => response.writeHead(200, { 'content-type': clientMetrics.contentType }).end(text));
    });
    await new Promise<void>((resolve) => poolMetrics.listen(0, '127.0.0.1', resolve));
    const poolMetricsPort = (poolMetrics.address() as AddressInfo).port;

    exporter = spawnTs('bin/dbarch.js', ['exporter', spec]);
    await exporter.waitForLine(/listening on http/);
    alertmanager = await startTool('prometheus-alertmanager', (data, listen) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${data}`,
      `--web.listen-address=${listen}`,
      '--cluster.listen-address=', // no gossip port: one Alertmanager, nothing else bound
    ]);
    const promConfig = join(dir, 'prometheus.yml');
    writeFileSync(
      promConfig,
      JSON.stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '900ms' },
        rule_files: [join(dir, 'rules.yml')],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanager.port}`] }] }] },
        scrape_configs: [
          { job_name: 'dbarch', static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }] },
          { job_name: 'gateway', static_configs: [{ targets: [`127.0.0.1:${poolMetricsPort}`] }] },
        ],
      }),
    );
    prometheus = await startTool('prometheus', (data, listen) => [`--config.file=${promConfig}`, `--storage.tsdb.path=${data}`, `--web.listen-address=${listen}`]);
    writer = new pg.Client({ connectionString: primary.url });
    await writer.connect();
    await writer.query('CREATE TABLE ticks (at timestamptz NOT NULL DEFAULT clock_timestamp())');
  });

  after(async () => {
    await client?.close();
    await new Promise((resolve) => (poolMetrics ? poolMetrics.close(resolve) : resolve(undefined)));
    await writer?.end().catch(() => undefined);
    exporter?.process.kill('SIGTERM');
    await exporter?.exited;
    await Promise.all([prometheus?.stop(), alertmanager?.stop(), receiver?.close()]);
    await standby?.stop();
    await primary?.stop();
  });

  it('fires high_replication_lag while replay is paused on the standby, delivers it, and resolves it when replay resumes', async () => {
    // Prometheus scrapes both servers through the exporter before anything is paused: nothing fires.
    await eventually(async () => {
      const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent('sum(dbarch_pg_up)')}`);
      const body = (await response.json()) as { data: { result: { value: [number, string] }[] } };
      return body.data.result[0]?.value[1] === '2' ? true : undefined;
    }, 'Prometheus to scrape the primary and the standby', 30_000);
    expect(await alerts()).to.deep.equal([]);

    const standbyClient = new pg.Client({ connectionString: standby.url });
    await standbyClient.connect();
    let writing = true;
    const writes = (async () => {
      while (writing) {
        await writer.query('INSERT INTO ticks DEFAULT VALUES');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      await standbyClient.query('SELECT pg_wal_replay_pause()');
      const firing = await eventually(async () => {
        const found = (await alerts()).find((a) => a.labels.alertname === 'high_replication_lag' && a.state === 'firing');
        return found;
      }, 'high_replication_lag to fire in Prometheus', 60_000);
      expect(firing.labels).to.include({ cluster: 'main', severity: 'warning', dbarch_metric: 'replication_lag' });

      // Alertmanager routes the warning to the channels that do not page, the critical one to every channel.
      const hook = await eventually(() => Promise.resolve(delivered('/webhook').find((b): b is WebhookPayload => isPayload(b, 'firing', 'high_replication_lag'))), 'the webhook delivery', 30_000);
      expect(hook.alerts[0]?.annotations.runbook_url).to.equal('docs/operations/monitoring.md#replication_lag');
      const slack = await eventually(() => Promise.resolve(delivered('/slack').find((b) => JSON.stringify(b).includes('high_replication_lag'))), 'the Slack delivery', 30_000);
      expect(slack).to.include({ channel: '#db-alerts' });
      expect(JSON.stringify(slack)).to.contain('FIRING');
      const page = await eventually(() => Promise.resolve(delivered('/pagerduty').find((b) => isRecord(b) && b.event_action === 'trigger')), 'the PagerDuty event', 30_000);
      expect(page).to.deep.include({ routing_key: 'e2e-routing-key' });
      expect(JSON.stringify(page)).to.contain('replication_stalled').and.not.contain('high_replication_lag');
      expect((page as { payload?: { severity?: string } }).payload?.severity).to.equal('critical');

      await standbyClient.query('SELECT pg_wal_replay_resume()');
      writing = false;
      await writes;
      await eventually(async () => ((await alerts()).some((a) => a.labels.alertname === 'high_replication_lag') ? undefined : true), 'high_replication_lag to resolve in Prometheus', 60_000);
      await eventually(() => Promise.resolve(delivered('/webhook').find((b) => isPayload(b, 'resolved', 'high_replication_lag'))), 'the resolved notification', 30_000);
      await eventually(() => Promise.resolve(delivered('/pagerduty').find((b) => isRecord(b) && b.event_action === 'resolve')), 'the PagerDuty resolve event', 30_000);
    } finally {
      writing = false;
      await writes;
      await standbyClient.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
      await standbyClient.end();
    }
  });

  it('fires connection_pool_exhausted while the data plane\'s pool is fully busy, and resolves it when the pool frees up', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Both connections of the route's pool (max 2) taken by open transactions.
    const holders = [client.transaction(() => held), client.transaction(() => held)];
    try {
      const firing = await eventually(async () => (await alerts()).find((a) => a.labels.alertname === 'connection_pool_exhausted' && a.state === 'firing'), 'connection_pool_exhausted to fire in Prometheus', 60_000);
      expect(firing.labels).to.include({ service: 'orders', severity: 'critical', dbarch_metric: 'pool_utilization' });
      // Critical: every channel, PagerDuty included.
      const page = await eventually(() => Promise.resolve(delivered('/pagerduty').find((b) => isRecord(b) && b.event_action === 'trigger' && JSON.stringify(b).includes('connection_pool_exhausted'))), 'the PagerDuty event', 30_000);
      expect(JSON.stringify(page)).to.contain('pool_utilization is 100.0%');
    } finally {
      release();
      await Promise.all(holders);
    }
    await eventually(async () => ((await alerts()).some((a) => a.labels.alertname === 'connection_pool_exhausted') ? undefined : true), 'connection_pool_exhausted to resolve', 60_000);
    await eventually(() => Promise.resolve(delivered('/webhook').find((b) => isPayload(b, 'resolved', 'connection_pool_exhausted'))), 'the resolved notification', 30_000);
  });

  it('generates a Grafana dashboard whose every panel queries series Prometheus has, with the alert thresholds drawn', async () => {
    expect(dashboard.uid).to.match(/^dbarch-[0-9a-f]{12}$/);
    expect(dashboard.templating.list.map((v) => v.name)).to.deep.equal(['datasource', 'cluster', 'database']);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).to.equal(dashboard.panels.length);
    const titles = dashboard.panels.map((p) => p.title);
    expect(titles).to.include.members(['Servers up', 'Replication lag', 'Transactions', 'Connections by state', 'Buffer cache hit ratio', 'Lock waits', 'Database size', 'Checkpoints']);
    // pg_stat_statements is not collected by this spec's exporter: no panel that would stay empty.
    expect(titles).to.not.include('Statements by execution time');
    const lag = dashboard.panels.find((p) => p.title === 'Replication lag');
    expect(lag?.fieldConfig.defaults.thresholds.steps).to.deep.equal([{ color: 'green', value: null }, { color: 'orange', value: 1 }, { color: 'red', value: 2 }]);
    for (const panel of dashboard.panels) {
      const results = await Promise.all(
        panel.targets.map(async ({ expr }) => {
          // What Grafana sends with "All" selected and a one-minute rate interval.
          const query = expr.replaceAll('$cluster', '.*').replaceAll('$database', '.*').replaceAll('$__rate_interval', '1m');
          const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`);
          const body = (await response.json()) as { status: string; error?: string; data?: { result: unknown[] } };
          expect(body.status, `${panel.title}: ${query}: ${body.error ?? ''}`).to.equal('success');
          return body.data?.result.length ?? 0;
        }),
      );
      expect(results.some((n) => n > 0), `panel ${panel.title} shows no series`).to.equal(true);
    }
  });
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isPayload(body: unknown, status: WebhookPayload['status'], alertname: string): body is WebhookPayload {
  if (!isRecord(body) || body.status !== status || !Array.isArray(body.alerts)) return false;
  return (body.alerts as unknown[]).some((a) => isRecord(a) && isRecord(a.labels) && a.labels.alertname === alertname);
}
