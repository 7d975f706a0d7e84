import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli, stackTrace } from '../cli/runCli.ts';
import { writeMonitoringSpec } from './exporterSpec.ts';

const dir = mkdtempSync(join(tmpdir(), 'dbarch-alert-files-'));
const secrets = { SLACK_WEBHOOK_URL: 'https://hooks.slack.example/services/T0/B0/s3cret', PAGERDUTY_ROUTING_KEY: 'pd-routing-key-0123456789', ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/alerts' };

function tool(command: string, args: string[]): { status: number | null; output: string } {
  const run = spawnSync(command, args, { encoding: 'utf8', cwd: dir });
  return { status: run.status, output: run.stdout + run.stderr };
}

/** The receiver amtool's routing test picks for an alert with these labels. */
function routedTo(config: string, labels: string[]): string {
  const run = spawnSync('amtool', ['config', 'routes', 'test', `--config.file=${config}`, ...labels], { encoding: 'utf8' });
  expect(run.status, run.stderr).to.equal(0);
  return run.stdout.trim();
}

describe('monitoring: alert rules and Alertmanager config (dbarch monitoring)', function () {
  this.timeout(60_000);

  for (const spec of ['specs/examples/06-monitoring_config.yaml', 'specs/platform.yaml']) {
    it(`writes rules promtool accepts and an Alertmanager config amtool accepts for ${spec}`, async () => {
      const name = spec.replace(/\W+/g, '_');
      const rules = join(dir, `${name}.rules.yml`);
      const am = join(dir, `${name}.am.yml`);
      const ruleRun = await runCli(['monitoring', 'rules', spec, '--output', rules]);
      expect(ruleRun.code, ruleRun.output).to.equal(0);
      expect(ruleRun.output).to.not.contain('warning');
      const checked = tool('promtool', ['check', 'rules', rules]);
      expect(checked.status, checked.output).to.equal(0);
      expect(checked.output).to.contain('SUCCESS: 2 rules found');
      const file = parse(readFileSync(rules, 'utf8')) as { groups: { rules: Record<string, unknown>[] }[] };
      expect(file.groups[0]?.rules[0]).to.deep.include({
        alert: 'high_replication_lag',
        expr: 'max by (cluster) (dbarch_pg_stat_replication_replay_lag_seconds or dbarch_pg_replica_replay_delay_seconds) > 10',
        labels: { severity: 'warning', dbarch_metric: 'replication_lag' },
      });
      expect((file.groups[0]?.rules[0]?.annotations as Record<string, string>).runbook_url).to.equal('docs/operations/monitoring.md#replication_lag');
      // The pool rule reads the data plane's pool gauges, which the gateway serves at its /metrics.
      expect(file.groups[0]?.rules[1]).to.deep.include({
        alert: 'connection_pool_exhausted',
        expr: '100 * max by (service) (sum by (service, endpoint) (dbarch_client_pool_connections{state="active"}) / sum by (service, endpoint) (dbarch_client_pool_connections{state="max"})) > 90',
        labels: { severity: 'critical', dbarch_metric: 'pool_utilization' },
      });

      const amRun = await runCli(['monitoring', 'alertmanager', spec, '--output', am], secrets);
      expect(amRun.code, amRun.output).to.equal(0);
      const amChecked = tool('amtool', ['check-config', am]);
      expect(amChecked.status, amChecked.output).to.equal(0);
      expect(statSync(am).mode & 0o777).to.equal(0o600);
    });
  }

  it('routes by severity: critical to every channel, warning to those that do not page, a rule\'s own channels to it alone', async () => {
    const am = join(dir, 'routing.am.yml');
    const run = await runCli(['monitoring', 'alertmanager', 'specs/examples/06-monitoring_config.yaml', '--output', am], secrets);
    expect(run.code, run.output).to.equal(0);
    expect(routedTo(am, ['severity=critical', 'alertname=connection_pool_exhausted'])).to.equal('slack+pagerduty');
    expect(routedTo(am, ['severity=warning', 'alertname=high_replication_lag'])).to.equal('slack');
    const text = readFileSync(am, 'utf8');
    // Secrets resolved into the generated file (never in the spec), with the integration each channel needs.
    expect(text).to.contain(secrets.SLACK_WEBHOOK_URL).and.contain(secrets.PAGERDUTY_ROUTING_KEY).and.contain('https://events.pagerduty.com/v2/enqueue');

    const own = writeMonitoringSpec(
      [{ name: 'main', primary: 'postgres://postgres@127.0.0.1:5432/postgres', databases: ['postgres'] }],
      `monitoring_config:
  alerting:
    channels: [slack, pagerduty, webhook]
    destinations:
      webhook: { url: "\${OPS_HOOK}" }
    group_wait: 1s
    rules:
      - name: wal_piling_up
        condition: wal_size > 1GB
        severity: critical
        channels: [webhook]
      - name: lock_pileup
        condition: lock_waits > 5
        severity: warning
`,
    );
    const ownAm = join(dir, 'own.am.yml');
    const ownRun = await runCli(['monitoring', 'alertmanager', own, '--output', ownAm], { ...secrets, OPS_HOOK: 'http://127.0.0.1:9/ops' });
    expect(ownRun.code, ownRun.output).to.equal(0);
    expect(tool('amtool', ['check-config', ownAm]).status).to.equal(0);
    expect(routedTo(ownAm, ['severity=critical', 'alertname=wal_piling_up'])).to.equal('webhook');
    expect(routedTo(ownAm, ['severity=warning', 'alertname=lock_pileup'])).to.equal('slack+webhook');
    expect(readFileSync(ownAm, 'utf8')).to.contain('http://127.0.0.1:9/ops').and.contain('group_wait: 1s');
  });

  it('compiles every condition with a source into PromQL that Prometheus evaluates as the spec means (promtool test rules)', async () => {
    const spec = writeMonitoringSpec(
      [{ name: 'main', primary: 'postgres://postgres@127.0.0.1:5432/postgres', databases: ['postgres'] }],
      `monitoring_config:
  alerting:
    channels: [webhook]
    rules:
      - name: lagging
        condition: replication_lag > 1m30s
        severity: warning
        for: 2m
      - name: cold_cache
        condition: buffer_cache_hit_ratio < 90%
        severity: info
      - name: big_database
        condition: disk_usage >= 10GB
        severity: warning
      - name: deadlocking
        condition: deadlocks > 0
        severity: critical
      - name: crowded
        condition: connection_count > 80
        severity: warning
      - name: slow_gateway
        condition: query_latency_p95 > 200ms
        severity: warning
      - name: pool_full
        condition: pool_utilization > 90%
        severity: critical
      - name: stale_backup
        condition: backup_age > 1d
        severity: warning
      - name: deep_queue
        condition: queue_depth > 1000
        severity: warning
      - name: relay_behind
        condition: outbox_backlog > 500
        severity: critical
      - name: full_disk
        condition: disk_utilization > 90%
        severity: critical
`,
    );
    const rules = join(dir, 'conditions.rules.yml');
    const run = await runCli(['monitoring', 'rules', spec, '--output', rules]);
    expect(run.code, run.output).to.equal(0);
    expect(run.output).to.contain('warning: rule full_disk is not written: disk_utilization has no source');
    expect(tool('promtool', ['check', 'rules', rules]).status).to.equal(0);
    const at = { cluster: 'main', server: '127.0.0.1:5432' };
    const series = (name: string, labels: Record<string, string>, values: string) =>
      ({ series: `${name}{${Object.entries({ ...at, ...labels }).map(([k, v]) => `${k}="${v}"`).join(',')}}`, values });
    // What the alert says, as Prometheus renders the generated templates.
    const firing = (rule: string, condition: string, metric: string, severity: string, labels: Record<string, string>, value: string, where = ' on cluster main') => ({
      exp_labels: { severity, dbarch_metric: metric, ...labels },
      exp_annotations: {
        summary: `${rule}: ${condition}${where}`,
        description: `${metric} is ${value}${labels.server ? ` on ${labels.server}` : ''}${labels.database ? ` (database ${labels.database})` : ''}; the spec's rule ${rule} fires when ${condition}.`,
        runbook_url: `docs/operations/monitoring.md#${metric}`,
      },
    });
    const tests = {
      rule_files: [rules],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            // 100 s behind for 4 minutes: above 90 s, and held for the rule's 2 minutes from minute 1.
            series('dbarch_pg_stat_replication_replay_lag_seconds', { standby: 'walreceiver' }, '60 100 100 100 100'),
            // 80 hits of every 100 block reads: 80 %.
            series('dbarch_pg_stat_database_blks_hit_total', { database: 'postgres' }, '0+80x10'),
            series('dbarch_pg_stat_database_blks_read_total', { database: 'postgres' }, '0+20x10'),
            series('dbarch_pg_database_size_bytes', { database: 'postgres' }, '10737418240x5'),
            series('dbarch_pg_stat_database_deadlocks_total', { database: 'postgres' }, '0 0 1 1 1 1 1 1 1 1'),
            series('dbarch_pg_stat_activity_connections', { database: 'postgres', state: 'active' }, '50x5'),
            series('dbarch_pg_stat_activity_connections', { database: 'postgres', state: 'idle' }, '20x5'),
            // A gateway route's pool: 10 of 10 busy from minute 2; its queries take 100-500 ms until minute 4, then under 100 ms.
            { series: 'dbarch_client_pool_connections{service="orders",endpoint="127.0.0.1:5432",role="primary",state="active"}', values: '3 5 10 10 10' },
            { series: 'dbarch_client_pool_connections{service="orders",endpoint="127.0.0.1:5432",role="primary",state="max"}', values: '10x5' },
            { series: 'dbarch_client_query_duration_seconds_bucket{service="orders",role="primary",le="0.1"}', values: '0x4 100+100x5' },
            { series: 'dbarch_client_query_duration_seconds_bucket{service="orders",role="primary",le="0.5"}', values: '0+100x10' },
            { series: 'dbarch_client_query_duration_seconds_bucket{service="orders",role="primary",le="+Inf"}', values: '0+100x10' },
            // The exporter's platform sources: a backup finished 100000 s before the test's time 0, a queue filling, an outbox backlog.
            { series: 'dbarch_backup_last_success_timestamp_seconds{cluster="main"}', values: '-100000x5' },
            { series: 'dbarch_queue_messages{queue="orders.created"}', values: '10 2000 2000' },
            { series: 'dbarch_queue_messages{queue="orders.audit"}', values: '10 10 10' },
            { series: 'dbarch_outbox_backlog_events{database="shop"}', values: '0 600 600' },
          ],
          alert_rule_test: [
            { eval_time: '2m', alertname: 'lagging', exp_alerts: [] },
            { eval_time: '3m', alertname: 'lagging', exp_alerts: [firing('lagging', 'replication_lag > 1m30s', 'replication_lag', 'warning', { cluster: 'main' }, '1m 40s')] },
            { eval_time: '5m', alertname: 'cold_cache', exp_alerts: [firing('cold_cache', 'buffer_cache_hit_ratio < 90%', 'buffer_cache_hit_ratio', 'info', { ...at, database: 'postgres' }, '80.0%')] },
            { eval_time: '1m', alertname: 'big_database', exp_alerts: [firing('big_database', 'disk_usage >= 10GB', 'disk_usage', 'warning', { cluster: 'main', database: 'postgres' }, '10GiB')] },
            { eval_time: '1m', alertname: 'deadlocking', exp_alerts: [] },
            { eval_time: '3m', alertname: 'deadlocking', exp_alerts: [firing('deadlocking', 'deadlocks > 0', 'deadlocks', 'critical', { ...at, database: 'postgres' }, '1')] },
            // 70 connections: below 80.
            { eval_time: '2m', alertname: 'crowded', exp_alerts: [] },
            { eval_time: '1m', alertname: 'pool_full', exp_alerts: [] },
            { eval_time: '2m', alertname: 'pool_full', exp_alerts: [firing('pool_full', 'pool_utilization > 90%', 'pool_utilization', 'critical', { service: 'orders' }, '100.0%', '')] },
            { eval_time: '4m', alertname: 'slow_gateway', exp_alerts: [firing('slow_gateway', 'query_latency_p95 > 200ms', 'query_latency_p95', 'warning', { service: 'orders' }, '480ms', '')] },
            { eval_time: '9m', alertname: 'slow_gateway', exp_alerts: [] },
            { eval_time: '1m', alertname: 'stale_backup', exp_alerts: [firing('stale_backup', 'backup_age > 1d', 'backup_age', 'warning', { cluster: 'main' }, '1d 3h 47m 40s')] },
            { eval_time: '0m', alertname: 'deep_queue', exp_alerts: [] },
            { eval_time: '1m', alertname: 'deep_queue', exp_alerts: [firing('deep_queue', 'queue_depth > 1000', 'queue_depth', 'warning', { queue: 'orders.created' }, '2000', '')] },
            { eval_time: '1m', alertname: 'relay_behind', exp_alerts: [firing('relay_behind', 'outbox_backlog > 500', 'outbox_backlog', 'critical', { database: 'shop' }, '600', '')] },
          ],
        },
      ],
    };
    const testFile = join(dir, 'conditions.test.yml');
    writeFileSync(testFile, JSON.stringify(tests));
    const tested = tool('promtool', ['test', 'rules', testFile]);
    expect(tested.status, tested.output).to.equal(0);
    expect(tested.output).to.contain('SUCCESS');
  });

  it('refuses what it cannot generate with a coded error and no stack trace', async () => {
    const unset = await runCli(['monitoring', 'alertmanager', 'specs/examples/06-monitoring_config.yaml'], { SLACK_WEBHOOK_URL: '', PAGERDUTY_ROUTING_KEY: '' });
    expect(unset.code).to.equal(1);
    expect(unset.output).to.contain('DBA_MONITORING_SECRET_UNSET: the slack channel\'s webhook_url is ${SLACK_WEBHOOK_URL}').and.not.match(stackTrace);
    const noExporter = writeMonitoringSpec([{ name: 'main', primary: 'postgres://postgres@127.0.0.1:5432/postgres', databases: ['postgres'] }], 'monitoring_config:\n  alerting:\n    channels: [email]\n    rules: []\n');
    const exporter = await runCli(['exporter', noExporter]);
    expect(exporter.code).to.equal(1);
    expect(exporter.output).to.contain('DBA_MONITORING_NO_EXPORTER').and.not.match(stackTrace);
    const email = await runCli(['monitoring', 'alertmanager', noExporter]);
    expect(email.code).to.equal(1);
    expect(email.output).to.contain('DBA_MONITORING_CHANNEL_UNSUPPORTED').and.not.match(stackTrace);
    const usage = await runCli(['monitoring', 'dashbord', 'specs/platform.yaml']);
    expect(usage.code).to.equal(2);
  });
});
