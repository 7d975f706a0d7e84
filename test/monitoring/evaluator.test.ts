import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import pg from 'pg';
// The default export: a named import fails when this file is the first to load the CommonJS package.
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { MetricFamily, MetricSample } from '../../activities/monitoring/Collector.ts';
import type { AlertNotification } from '../../activities/monitoring/evaluator/AlertNotification.ts';
import { deliverAlertNotification } from '../../activities/monitoring/evaluator/deliverAlertNotification.ts';
import { evaluateAlertRules } from '../../activities/monitoring/evaluator/evaluateAlertRules.ts';
import { instantReadingPromql, instantReadings } from '../../activities/monitoring/evaluator/instantReadings.ts';
import { metricSources } from '../../activities/monitoring/metricSources.ts';
import type { TargetScrape } from '../../activities/monitoring/TargetScrape.ts';
import { alertEvaluatorState } from '../../app/alertEvaluatorState.ts';
import { firingAlertsOfEvaluator } from '../../app/firingAlertsOfEvaluator.ts';
import { startAlertEvaluator } from '../../app/startAlertEvaluator.ts';
import { metricNames } from '../../compiler/grammar/metricCatalogue.ts';
import { workflowBundle } from '../../runtime/workflowBundle.ts';
import type { RuleEvaluation } from '../../activities/monitoring/evaluator/RuleEvaluation.ts';
import type { alertEvaluatorWorkflow, AlertEvaluatorState } from '../../workflows/alertEvaluatorWorkflow.ts';
import { alertTransitions } from '../../workflows/alertTransitions.ts';
import type { TrackedAlert } from '../../workflows/TrackedAlert.ts';
import { runCli, stackTrace } from '../cli/runCli.ts';
import { historiesDir, recordHistory } from '../runtime/runtimeFixture.ts';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { writeMonitoringSpec } from './exporterSpec.ts';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from './startWebhookReceiver.ts';

const historyFile = 'alert-evaluator-fired-resolved-cancelled';

const family = (name: string): MetricFamily => ({ name, type: 'gauge', help: '', labels: [] });
const sample = (name: string, labels: Record<string, string>, value: number): MetricSample => ({ family: family(name), labels, value });
const scrape = (samples: MetricSample[], overrides: Partial<TargetScrape> = {}): TargetScrape => ({
  up: true, inRecovery: false, timedOut: false, seconds: 0, samples, collectors: [{ collector: 'pg_stat_activity', ok: true, seconds: 0 }, { collector: 'pg_stat_replication', ok: true, seconds: 0 }], ...overrides,
});

describe('the built-in alert evaluator', function () {
  this.timeout(90_000);

  describe('reading the rules against one scrape', () => {
    it('reads every metric it can as the PromQL of `dbarch monitoring rules` does (same families, labels and aggregation)', () => {
      const readable = metricNames.filter((m) => instantReadings[m] !== undefined);
      expect(readable).to.include.members(['replication_lag', 'connection_count', 'lock_waits']);
      for (const metric of readable) expect(instantReadingPromql(instantReadings[metric]!), metric).to.equal(metricSources[metric]?.promql);
    });

    it('groups per label set, aggregates, compares in the PromQL unit, skips what it cannot read and says when a read was incomplete', () => {
      const connections = 'dbarch_pg_stat_activity_connections';
      const rules = [
        { name: 'many', condition: 'connection_count > 3', severity: 'warning' as const, forMs: 0 },
        { name: 'lag', condition: 'replication_lag > 10s', severity: 'critical' as const, forMs: 5000 },
        { name: 'pool', condition: 'pool_utilization > 90%', severity: 'critical' as const, forMs: 0 },
      ];
      const samples = [
        sample(connections, { cluster: 'a', server: 's1', database: 'x', state: 'active' }, 2),
        sample(connections, { cluster: 'a', server: 's1', database: 'y', state: 'idle' }, 2),
        sample(connections, { cluster: 'a', server: 's2', database: 'x', state: 'idle' }, 1),
        sample('dbarch_pg_stat_replication_replay_lag_seconds', { cluster: 'a', server: 's1', standby: 'r1' }, 4),
        sample('dbarch_pg_replica_replay_delay_seconds', { cluster: 'a', server: 's2' }, 12.5),
      ];
      const [many, lag, pool] = evaluateAlertRules(rules, ['slack', 'pagerduty'], [scrape(samples)]);
      expect(many!.outcome).to.equal('evaluated');
      expect(many!.series.map((s) => [s.labels, s.value, s.holds])).to.deep.equal([[{ cluster: 'a', server: 's1' }, 4, true], [{ cluster: 'a', server: 's2' }, 1, false]]);
      expect(many!.channels, 'a warning goes to the channels that do not page').to.deep.equal(['slack']);
      expect(lag!.series.map((s) => [s.labels, s.value, s.holds]), 'max by cluster over both ends, 10s read as 10 seconds').to.deep.equal([[{ cluster: 'a' }, 12.5, true]]);
      expect(lag!.channels).to.deep.equal(['slack', 'pagerduty']);
      expect(pool!.outcome).to.equal('skipped');
      expect(pool!.reason).to.match(/pool_utilization/);

      const down = scrape([], { up: false, collectors: [] });
      const [partial] = evaluateAlertRules(rules.slice(0, 1), ['slack'], [scrape(samples), down]);
      expect(partial!.outcome, 'a server that was not read makes the rule incomplete').to.equal('incomplete');
    });
  });

  describe('transitions, evaluation by evaluation', () => {
    const rule = (holds: boolean | undefined, outcome: RuleEvaluation['outcome'] = 'evaluated'): RuleEvaluation => ({
      name: 'lag', condition: 'replication_lag > 10s', severity: 'warning', forMs: 1000, metric: 'replication_lag', channels: ['slack'], outcome,
      series: holds === undefined ? [] : [{ labels: { cluster: 'a' }, value: holds ? 12 : 3, holds, fingerprint: 'fp' }],
    });
    const run = (steps: readonly [number, RuleEvaluation[]][]) => {
      let alerts: readonly TrackedAlert[] = [];
      return steps.map(([at, rules]) => {
        const next = alertTransitions(alerts, { at, intervalMs: 500, repeatIntervalMs: 1500, rules }, 'alerts:t');
        alerts = next.alerts;
        return [alerts.map((a) => a.state).join(',') || '-', next.notifications.map((n) => n.notification.key).join(',') || '-'];
      });
    };

    it('pending until for: has passed, firing once, repeated after the repeat interval, kept through an incomplete read, resolved once', () => {
      expect(run([
        [0, [rule(true)]],
        [500, [rule(true)]],
        [1000, [rule(true)]],
        [1500, [rule(true)]],
        [2500, [rule(true)]],
        [3000, [rule(undefined, 'incomplete')]],
        [3500, [rule(false)]],
        [4000, [rule(false)]],
      ])).to.deep.equal([
        ['pending', '-'],
        ['pending', '-'],
        ['firing', 'fp:0:firing'],
        ['firing', '-'],
        ['firing', 'fp:0:repeat-1'],
        ['firing', '-'],
        ['-', 'fp:0:resolved'],
        ['-', '-'],
      ]);
    });

    it('a condition that clears while pending notifies nothing; a rule taken out of the spec resolves its firing alert', () => {
      expect(run([[0, [rule(true)]], [500, [rule(false)]], [600, [rule(true)]], [1600, [rule(true)]], [2000, []]])).to.deep.equal([
        ['pending', '-'],
        ['-', '-'],
        ['pending', '-'],
        ['firing', 'fp:600:firing'],
        ['-', 'fp:600:resolved'],
      ]);
    });
  });

  describe('delivery', () => {
    let receiver: WebhookReceiver;
    before(async () => {
      receiver = await startWebhookReceiver();
    });
    after(() => receiver?.close());

    it('a retried delivery sends the same key: Idempotency-Key on every channel, PagerDuty dedup_key on trigger and resolve', async () => {
      const destinations = { slack: { apiUrl: `${receiver.url}/slack` }, pagerduty: { routingKey: 'rk', url: `${receiver.url}/pagerduty` }, webhook: { url: `${receiver.url}/webhook` } };
      const firing: AlertNotification = {
        evaluator: 'alerts:t', status: 'firing', rule: 'many', severity: 'critical', condition: 'connection_count > 3', metric: 'connection_count',
        labels: { cluster: 'a', server: 's1' }, fingerprint: 'f00d', value: 4, startsAt: '2026-01-01T00:00:00.000Z', key: 'f00d:1:firing',
      };
      const signal = new AbortController().signal;
      for (const channel of ['slack', 'pagerduty', 'webhook'] as const) {
        await deliverAlertNotification(firing, channel, destinations, 'docs/operations/monitoring.md', signal);
        await deliverAlertNotification(firing, channel, destinations, 'docs/operations/monitoring.md', signal); // the retry
      }
      await deliverAlertNotification({ ...firing, status: 'resolved', endsAt: '2026-01-01T00:01:00.000Z', key: 'f00d:1:resolved' }, 'pagerduty', destinations, 'docs/operations/monitoring.md', signal);
      const keys = (path: string) => receiver.received.filter((r) => r.path === path).map((r) => r.headers['idempotency-key']);
      expect(keys('/slack')).to.deep.equal(['f00d:1:firing', 'f00d:1:firing']);
      expect(keys('/webhook')).to.deep.equal(['f00d:1:firing', 'f00d:1:firing']);
      const events = receiver.received.filter((r) => r.path === '/pagerduty').map((r) => r.body as { event_action: string; dedup_key: string });
      expect(events.map((e) => [e.event_action, e.dedup_key])).to.deep.equal([['trigger', 'f00d'], ['trigger', 'f00d'], ['resolve', 'f00d']]);

      receiver.received.length = 0;
      let refused: unknown;
      try {
        await deliverAlertNotification(firing, 'slack', { slack: { apiUrl: `${receiver.url.replace(/:\d+$/, ':1')}/services/T/B/secret` } }, 'x', signal);
      } catch (error) {
        refused = error;
      }
      expect((refused as { code?: string }).code, 'an unreachable receiver is transient: the activity retries').to.equal('DBA_STEP_WEBHOOK_TRANSIENT');
      expect((refused as Error).message, 'the Slack URL (its secret) is not in the error').not.to.match(/secret/);
    });
  });

  describe('as a workflow on real PostgreSQL, with a local receiver for Slack, PagerDuty and the webhook', () => {
    let db: TestDatabase;
    let receiver: WebhookReceiver;
    let spec: string;
    const held: pg.Client[] = [];
    const children: Child[] = [];

    const hold = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        held.push(client);
      }
    };
    const release = async () => {
      await Promise.all(held.splice(0).map((c) => c.end()));
    };
    const on = (path: string, status: string): ReceivedRequest[] => receiver.received.filter((r) => {
      const body = r.body as { status?: string; event_action?: string; text?: string };
      const of = path === '/pagerduty' ? (body.event_action === 'trigger' ? 'firing' : 'resolved') : path === '/slack' ? body.text?.split(':')[0]?.toLowerCase() : body.status;
      return r.path === path && of === status;
    });

    before(async () => {
      db = await freshDatabase('alert_eval');
      receiver = await startWebhookReceiver();
      process.env.EVAL_TEST_SLACK_URL = `${receiver.url}/slack`;
      process.env.EVAL_TEST_PD_URL = `${receiver.url}/pagerduty`;
      process.env.EVAL_TEST_PD_KEY = 'test-routing-key';
      process.env.EVAL_TEST_HOOK_URL = `${receiver.url}/webhook`;
      spec = writeMonitoringSpec(
        [{ name: 'main', primary: db.url, databases: [db.name] }],
        `monitoring_config:
  alerting:
    # email has no delivery here yet: it must not stop the other channels.
    channels: [slack, pagerduty, webhook, email]
    destinations:
      slack: { webhook_url: '\${EVAL_TEST_SLACK_URL}', channel: '#db-alerts' }
      pagerduty: { routing_key: '\${EVAL_TEST_PD_KEY}', url: '\${EVAL_TEST_PD_URL}' }
      webhook: { url: '\${EVAL_TEST_HOOK_URL}' }
    rules:
      - name: too_many_connections
        condition: connection_count > 3
        severity: critical
        for: 1s
      - name: connection_pool_exhausted
        condition: pool_utilization > 90%
        severity: critical
`,
      );
    });
    after(async () => {
      for (const child of children) child.process.kill('SIGKILL');
      await release();
      await receiver?.close();
      await db?.drop();
    });

    it('goes pending → firing after for: → one notification per channel in its format → resolved with a resolve notification', async () => {
      const temporal = await sharedTemporal();
      const taskQueue = uniqueTaskQueue('alert-eval');
      await withWorker({ taskQueue }, async () => {
        const started = await startAlertEvaluator(temporal.client, { spec, name: `t-${taskQueue}`, intervalMs: 250, scrapeTimeoutMs: 2000 }, taskQueue);
        expect(started.workflowId).to.equal(`alerts:t-${taskQueue}`);
        const state = () => alertEvaluatorState(temporal.client, started.workflowId);
        const quiet = await eventually(async () => ((await state()).evaluations >= 2 ? state() : undefined), 'two evaluations');
        expect(quiet.firing).to.deep.equal([]);
        expect(quiet.rules, 'the pool rule needs the data plane\'s /metrics').to.deep.equal([{ name: 'connection_pool_exhausted', outcome: 'skipped', reason: 'pool_utilization needs a time range or the data plane\'s /metrics (Prometheus evaluates it), so the built-in evaluator cannot read it' }]);

        await hold(4);
        const pending = await eventually(async () => {
          const s = await state();
          return s.pending.length > 0 || s.firing.length > 0 ? s : undefined;
        }, 'the alert pending');
        expect(pending.pending.map((a) => a.rule), 'pending first: for: 1s has not passed').to.deep.equal(['too_many_connections']);
        expect(receiver.received, 'nothing notified while pending').to.deep.equal([]);
        const firing = await eventually(async () => ((await state()).firing.length > 0 ? state() : undefined), 'the alert firing');
        expect(firing.firing[0]!.labels).to.deep.include({ cluster: 'main' });
        expect(firing.firing[0]!.value).to.be.greaterThan(3);
        expect(Date.parse(firing.firing[0]!.firedAt!) - Date.parse(firing.firing[0]!.activeSince), 'fired once for: had passed').to.be.at.least(1000);
        await eventually(() => Promise.resolve(receiver.received.length >= 3 ? true : undefined), 'three notifications');
        expect(await firingAlertsOfEvaluator(temporal.client, started.workflowId, 5000), 'the status page reads it').to.deep.equal([
          { name: 'too_many_connections', severity: 'critical', summary: 'too_many_connections: connection_count > 3 on cluster main', startsAt: firing.firing[0]!.firedAt },
        ]);

        const [slack] = on('/slack', 'firing');
        const slackBody = slack!.body as { channel: string; attachments: { title: string; color: string; text: string }[] };
        expect(slackBody.channel).to.equal('#db-alerts');
        expect(slackBody.attachments[0]!.title).to.equal('FIRING: too_many_connections');
        expect(slackBody.attachments[0]!.color).to.equal('danger');
        expect(slackBody.attachments[0]!.text).to.match(/connection_count is \d+ on 127\.0\.0\.1:5432/);
        const [trigger] = on('/pagerduty', 'firing');
        const event = trigger!.body as { routing_key: string; dedup_key: string; payload: { severity: string; summary: string; source: string }; links: { href: string }[] };
        expect(event.routing_key).to.equal('test-routing-key');
        expect(event.payload.severity).to.equal('critical');
        expect(event.payload.source).to.equal('127.0.0.1:5432');
        expect(event.links[0]!.href).to.equal('docs/operations/monitoring.md#connection_count');
        const [hook] = on('/webhook', 'firing');
        const payload = hook!.body as { version: string; status: string; alerts: { labels: Record<string, string>; endsAt: string; fingerprint: string }[] };
        expect(payload.version).to.equal('4');
        expect(payload.alerts[0]!.labels).to.deep.include({ alertname: 'too_many_connections', severity: 'critical', cluster: 'main', server: '127.0.0.1:5432' });
        expect(payload.alerts[0]!.endsAt).to.equal('0001-01-01T00:00:00Z');
        expect(payload.alerts[0]!.fingerprint).to.equal(event.dedup_key);
        const firingKey = slack!.headers['idempotency-key'];
        expect([trigger, hook].map((r) => r!.headers['idempotency-key']), 'one key for the transition on every channel').to.deep.equal([firingKey, firingKey]);

        await release();
        await eventually(async () => ((await state()).firing.length === 0 && receiver.received.length >= 6 ? true : undefined), 'resolved and notified');
        for (const path of ['/slack', '/pagerduty', '/webhook']) {
          expect(on(path, 'firing'), `${path}: one firing notification`).to.have.length(1);
          expect(on(path, 'resolved'), `${path}: one resolve notification`).to.have.length(1);
        }
        const resolve = on('/pagerduty', 'resolved')[0]!.body as { event_action: string; dedup_key: string };
        expect(resolve).to.deep.equal({ routing_key: 'test-routing-key', event_action: 'resolve', dedup_key: event.dedup_key });
        expect((on('/webhook', 'resolved')[0]!.body as { alerts: { endsAt: string }[] }).alerts[0]!.endsAt).not.to.equal('0001-01-01T00:00:00Z');
        expect((on('/slack', 'resolved')[0]!.body as { attachments: { color: string }[] }).attachments[0]!.color).to.equal('good');

        const handle = temporal.client.workflow.getHandle<typeof alertEvaluatorWorkflow>(started.workflowId);
        await handle.cancel();
        const last: AlertEvaluatorState = await handle.result();
        expect(last.phase).to.equal('stopped');
        expect(last.notifications).to.equal(6);
        await recordHistory(handle, historyFile);
      });
    });

    it('a worker SIGKILLed mid-evaluation: the evaluation runs again on another worker and nothing is notified twice', async () => {
      receiver.received.length = 0;
      const temporal = await sharedTemporal();
      const taskQueue = uniqueTaskQueue('alert-eval-kill');
      await hold(4);
      // This worker kills itself once an evaluation is computed, before it reports back.
      const doomed = spawnTs('worker.ts', [], { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue, DBARCH_FAULT_AFTER_COMMIT: 'alert-evaluation' });
      children.push(doomed);
      await doomed.waitForLine(/worker started/);
      // Continuing as new every 4 evaluations: the alert goes pending in one run and fires in a later one.
      const started = await startAlertEvaluator(temporal.client, { spec, name: `k-${taskQueue}`, intervalMs: 250, scrapeTimeoutMs: 1000, evaluationsPerRun: 4 }, taskQueue);
      expect(await doomed.exited, 'the worker died mid-evaluation').to.equal('SIGKILL');
      // Temporal would wait out the dead worker's sticky queue (10 s) before handing the workflow to another worker.
      await temporal.client.workflowService.resetStickyTaskQueue({ namespace: temporal.namespace, execution: { workflowId: started.workflowId } });
      await withWorker({ taskQueue }, async () => {
        // The dead worker's sticky queue holds the first queries until Temporal gives up on it: ask again.
        const state = () => alertEvaluatorState(temporal.client, started.workflowId, 3000).catch(() => ({ firing: [], evaluations: 0 }));
        const fired = await eventually(async () => {
          const s = await state();
          return s.firing.length > 0 && receiver.received.length >= 3 ? s : undefined;
        }, 'the alert firing and notified');
        const handle = temporal.client.workflow.getHandle(started.workflowId);
        await eventually(async () => ((await handle.describe()).runId !== started.runId ? true : undefined), 'a continue-as-new');
        await eventually(async () => ((await state()).evaluations >= fired.evaluations + 2 ? true : undefined), 'more evaluations while firing');

        for (const path of ['/slack', '/pagerduty', '/webhook']) expect(on(path, 'firing'), `${path}: notified once`).to.have.length(1);
        expect(receiver.received).to.have.length(3);
        const history = await temporal.client.workflow.getHandle(started.workflowId, started.runId).fetchHistory();
        const attempts = (history.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 1] : []));
        expect(attempts[0], 'the first evaluation was retried after the kill').to.equal(2);
        await handle.cancel();
      });
      await release();
    });
  });

  describe('dbarch monitoring evaluate', () => {
    it('refuses a spec without alerting (coded, no stack trace), starts alerts:<name> (a second start attaches) and prints its state', async () => {
      const temporal = await sharedTemporal();
      const env = { TEMPORAL_ADDRESS: temporal.address };
      const bare = writeMonitoringSpec([{ name: 'main', primary: 'postgres://postgres@127.0.0.1:5432/postgres', databases: ['postgres'] }], 'monitoring_config: {}\n');
      // Beside the rest of the test: a CLI process is seconds of tsx start-up.
      const refusal = runCli(['monitoring', 'evaluate', bare], env);

      const taskQueue = uniqueTaskQueue('alert-eval-cli');
      const spec = writeMonitoringSpec([{ name: 'main', primary: 'postgres://postgres@127.0.0.1:5432/postgres', databases: ['postgres'] }], `monitoring_config:
  alerting:
    channels: [webhook]
    destinations: { webhook: { url: '\${EVAL_CLI_HOOK_URL}' } }
    rules: [{ name: never_fires, condition: 'connection_count > 100000', severity: warning }]
`);
      const name = `cli-${taskQueue}`;
      await withWorker({ taskQueue }, async () => {
        const cli = { ...env, DBARCH_TASK_QUEUE: taskQueue };
        const first = await runCli(['monitoring', 'evaluate', spec, '--name', name, '--interval', '1s', '--format', 'json'], cli);
        expect(first.code, first.output).to.equal(0);
        expect(JSON.parse(first.output) as object).to.deep.include({ workflowId: `alerts:${name}`, alreadyRunning: false });
        const second = await startAlertEvaluator(temporal.client, { spec, name }, taskQueue);
        expect(second.alreadyRunning, 'a second start attaches').to.equal(true);
        await eventually(async () => ((await alertEvaluatorState(temporal.client, `alerts:${name}`)).evaluations > 0 ? true : undefined), 'an evaluation');
        const status = await runCli(['monitoring', 'evaluate', spec, '--name', name, '--status', '--format', 'json'], cli);
        const state = JSON.parse(status.output) as AlertEvaluatorState;
        expect(state.phase).to.equal('evaluating');
        expect(state.intervalMs).to.equal(1000);
        expect(state.firing).to.deep.equal([]);
        await temporal.client.workflow.getHandle(`alerts:${name}`).cancel();
      });
      const refused = await refusal;
      expect(refused.code).to.equal(1);
      expect(refused.output).to.match(/DBA_MONITORING_NO_ALERTING/).and.not.to.match(stackTrace);
    });
  });

  // A suite of its own: mocha runs a suite's tests before its child suites, and this reads what the one above recorded.
  describe('replay', () => {
    it(`replays the recorded history ${historyFile}.json without nondeterminism`, async () => {
      const file = new URL(`${historyFile}.json`, historiesDir);
      const history = proto.temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
      const types = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
      expect(types.filter((t) => t === 'deliverAlertNotification'), 'the history holds the six deliveries').to.have.length(6);
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, historyFile);
    });
  });
});
