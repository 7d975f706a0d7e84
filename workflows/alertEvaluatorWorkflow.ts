import { CancellationScope, continueAsNew, defineQuery, isCancellation, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { SupportedChannel } from '../activities/monitoring/AlertDestinations.ts';
import type { AlertNotification } from '../activities/monitoring/evaluator/AlertNotification.ts';
import type { RuleEvaluation } from '../activities/monitoring/evaluator/RuleEvaluation.ts';
import type { AlertEvaluation, AlertEvaluatorActivities } from '../plugins/monitoring/alertEvaluatorActivities.ts';

/**
 * The evaluator's input (`alerts:<name>`), small enough for the Temporal UI's Start Workflow form:
 * `{ "spec": "specs/platform.yaml" }` (a path on the worker). `dbarch monitoring evaluate <spec>` fills it.
 */
export interface AlertEvaluatorInput {
  readonly spec: string;
  /** Overrides the spec's interval (the prometheus exporter's, else 15 s), ms. */
  readonly intervalMs?: number;
  /** Bound on one scrape of one server, ms. Default 5 s. */
  readonly scrapeTimeoutMs?: number;
  /** Evaluations before the workflow continues as new (bounds the history). Default 200. */
  readonly evaluationsPerRun?: number;
  /** Carried across continue-as-new; never set by hand. */
  readonly carried?: AlertEvaluatorCarried;
}

/** One alert the evaluator tracks: pending until its `for:` has passed, then firing until the condition clears. */
export interface TrackedAlert {
  readonly fingerprint: string;
  readonly rule: string;
  readonly severity: RuleEvaluation['severity'];
  readonly condition: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly channels: readonly SupportedChannel[];
  readonly state: 'pending' | 'firing';
  /** When the condition started to hold (the evaluation's clock, ms). */
  readonly activeSince: number;
  readonly firedAt: number | null;
  readonly lastNotifiedAt: number | null;
  readonly repeats: number;
  readonly value: number;
}

export interface AlertEvaluatorCarried {
  readonly alerts: readonly TrackedAlert[];
  readonly evaluations: number;
  readonly notifications: number;
  readonly failedDeliveries: number;
  readonly lastEvaluationAt: number | null;
  readonly runs: number;
}

export type AlertEvaluatorPhase = 'starting' | 'evaluating' | 'stopped';

export interface AlertEvaluatorCondition {
  readonly type: 'EvaluationSucceeded' | 'NotificationsDelivered';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

/** An alert as the `state` query shows it (times ISO 8601). */
export interface AlertStateEntry {
  readonly rule: string;
  readonly severity: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly activeSince: string;
  readonly firedAt: string | null;
  readonly summary: string;
}

export interface AlertEvaluatorState {
  readonly phase: AlertEvaluatorPhase;
  readonly spec: string;
  readonly intervalMs: number | null;
  readonly lastEvaluationAt: string | null;
  readonly evaluations: number;
  readonly notifications: number;
  readonly firing: readonly AlertStateEntry[];
  readonly pending: readonly AlertStateEntry[];
  /** Rules the evaluator cannot read, or could not read completely in the last evaluation, and why. */
  readonly rules: readonly { readonly name: string; readonly outcome: RuleEvaluation['outcome']; readonly reason?: string }[];
  readonly conditions: readonly AlertEvaluatorCondition[];
}

export const alertEvaluatorStateQuery = defineQuery<AlertEvaluatorState>('state');

const defaultEvaluationsPerRun = 200;

/**
 * The built-in alert evaluator, for platforms without Prometheus: on an interval, one activity scrapes every server
 * with the exporter's collectors and evaluates the spec's rules per label set; the workflow keeps each alert's
 * pending/firing state with times from the evaluation (never its own clock), so `for:` survives worker restarts
 * and continue-as-new. One notification per transition and channel (firing, resolved, and a repeat after
 * alerting.repeat_interval), each delivered by its own retried activity under a key the receiver sees on every
 * attempt; a worker that dies mid-evaluation only makes the evaluation run again, which notifies nothing twice
 * since notifications come from the state held here. A rule whose servers could not be read keeps its alerts.
 */
export async function alertEvaluatorWorkflow(input: AlertEvaluatorInput): Promise<AlertEvaluatorState> {
  const evaluator = workflowInfo().workflowId;
  const carried = input.carried;
  const alerts = new Map<string, TrackedAlert>((carried?.alerts ?? []).map((a) => [a.fingerprint, a]));
  let phase: AlertEvaluatorPhase = 'starting';
  let evaluations = carried?.evaluations ?? 0;
  let notifications = carried?.notifications ?? 0;
  let failedDeliveries = carried?.failedDeliveries ?? 0;
  let lastEvaluationAt = carried?.lastEvaluationAt ?? null;
  let intervalMs: number | null = input.intervalMs ?? null;
  let ruleOutcomes: AlertEvaluatorState['rules'] = [];
  const conditions = new Map<AlertEvaluatorCondition['type'], AlertEvaluatorCondition>();
  const setCondition = (type: AlertEvaluatorCondition['type'], status: AlertEvaluatorCondition['status'], reason: string, message: string) => {
    const previous = conditions.get(type);
    if (previous?.status === status && previous.reason === reason) return;
    conditions.set(type, { type, status, reason, message, lastTransitionTime: new Date().toISOString() });
  };

  const entry = (a: TrackedAlert): AlertStateEntry => ({
    rule: a.rule,
    severity: a.severity,
    labels: a.labels,
    value: a.value,
    activeSince: new Date(a.activeSince).toISOString(),
    firedAt: a.firedAt === null ? null : new Date(a.firedAt).toISOString(),
    summary: `${a.rule}: ${a.condition.trim()}${a.labels.cluster ? ` on cluster ${a.labels.cluster}` : ''}`,
  });
  const state = (): AlertEvaluatorState => ({
    phase,
    spec: input.spec,
    intervalMs,
    lastEvaluationAt: lastEvaluationAt === null ? null : new Date(lastEvaluationAt).toISOString(),
    evaluations,
    notifications,
    firing: [...alerts.values()].filter((a) => a.state === 'firing').map(entry),
    pending: [...alerts.values()].filter((a) => a.state === 'pending').map(entry),
    rules: ruleOutcomes,
    conditions: [...conditions.values()],
  });
  setHandler(alertEvaluatorStateQuery, state);

  const scrapeTimeoutMs = input.scrapeTimeoutMs ?? 5000;
  const { evaluateAlerts } = proxyActivities<AlertEvaluatorActivities>({
    startToCloseTimeout: scrapeTimeoutMs + 30_000,
    heartbeatTimeout: scrapeTimeoutMs + 2000,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
  });
  const { deliverAlertNotification } = proxyActivities<AlertEvaluatorActivities>({
    startToCloseTimeout: '30s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
  });

  const deliver = async (notification: AlertNotification, channels: readonly SupportedChannel[]): Promise<void> => {
    const outcomes = await Promise.all(channels.map((channel) =>
      deliverAlertNotification({ spec: input.spec, scrapeTimeoutMs, channel, notification }).then(
        () => undefined,
        (error: unknown) => {
          if (isCancellation(error)) throw error;
          return `${channel}: ${error instanceof Error ? error.message : String(error)}`;
        },
      ),
    ));
    const failures = outcomes.filter((o): o is string => o !== undefined);
    notifications += channels.length - failures.length;
    failedDeliveries += failures.length;
    if (failures.length > 0) setCondition('NotificationsDelivered', 'False', 'DeliveryFailed', `${notification.status} ${notification.rule}: ${failures.join('; ')}`);
    else if (channels.length > 0) setCondition('NotificationsDelivered', 'True', 'Delivered', `last: ${notification.status} ${notification.rule} to ${channels.join(', ')}`);
  };

  const notification = (a: TrackedAlert, status: AlertNotification['status'], transition: string, at: number): AlertNotification => ({
    evaluator,
    status,
    rule: a.rule,
    severity: a.severity,
    condition: a.condition,
    metric: a.metric,
    labels: a.labels,
    fingerprint: a.fingerprint,
    value: a.value,
    startsAt: new Date(a.activeSince).toISOString(),
    ...(status === 'resolved' ? { endsAt: new Date(at).toISOString() } : {}),
    key: `${a.fingerprint}:${a.activeSince}:${transition}`,
  });

  /** The transitions one evaluation makes, in rule order: the alerts' new state and what to notify. */
  const apply = (evaluation: AlertEvaluation): { notification: AlertNotification; channels: readonly SupportedChannel[] }[] => {
    const at = evaluation.at;
    const out: { notification: AlertNotification; channels: readonly SupportedChannel[] }[] = [];
    const known = new Set(evaluation.rules.map((r) => r.name));
    for (const rule of evaluation.rules) {
      if (rule.outcome === 'skipped') continue;
      const holding = new Set<string>();
      for (const series of rule.series) {
        if (!series.holds) continue;
        holding.add(series.fingerprint);
        const before = alerts.get(series.fingerprint);
        let a: TrackedAlert = before === undefined
          ? { fingerprint: series.fingerprint, rule: rule.name, severity: rule.severity, condition: rule.condition, metric: rule.metric, labels: series.labels, channels: rule.channels, state: 'pending', activeSince: at, firedAt: null, lastNotifiedAt: null, repeats: 0, value: series.value }
          : { ...before, value: series.value, severity: rule.severity, condition: rule.condition, channels: rule.channels };
        if (a.state === 'pending' && at - a.activeSince >= rule.forMs) {
          a = { ...a, state: 'firing', firedAt: at, lastNotifiedAt: at };
          out.push({ notification: notification(a, 'firing', 'firing', at), channels: a.channels });
        } else if (a.state === 'firing' && evaluation.repeatIntervalMs > 0 && a.lastNotifiedAt !== null && at - a.lastNotifiedAt >= evaluation.repeatIntervalMs) {
          a = { ...a, lastNotifiedAt: at, repeats: a.repeats + 1 };
          out.push({ notification: notification(a, 'firing', `repeat-${a.repeats}`, at), channels: a.channels });
        }
        alerts.set(a.fingerprint, a);
      }
      // An incomplete read says nothing about the series it could not see: those alerts stay as they are.
      if (rule.outcome !== 'evaluated') continue;
      for (const a of [...alerts.values()]) {
        if (a.rule !== rule.name || holding.has(a.fingerprint)) continue;
        alerts.delete(a.fingerprint);
        if (a.state === 'firing') out.push({ notification: notification(a, 'resolved', 'resolved', at), channels: a.channels });
      }
    }
    // A rule taken out of the spec: its firing alerts are resolved, its pending ones forgotten.
    for (const a of [...alerts.values()]) {
      if (known.has(a.rule)) continue;
      alerts.delete(a.fingerprint);
      if (a.state === 'firing') out.push({ notification: notification(a, 'resolved', 'resolved', at), channels: a.channels });
    }
    return out;
  };

  const perRun = input.evaluationsPerRun ?? defaultEvaluationsPerRun;
  try {
    for (let run = 0; run < perRun && !workflowInfo().continueAsNewSuggested; run++) {
      try {
        const evaluation = await evaluateAlerts({ spec: input.spec, scrapeTimeoutMs });
        evaluations += 1;
        lastEvaluationAt = evaluation.at;
        intervalMs = input.intervalMs ?? evaluation.intervalMs;
        ruleOutcomes = evaluation.rules.filter((r) => r.outcome !== 'evaluated').map((r) => ({ name: r.name, outcome: r.outcome, ...(r.reason === undefined ? {} : { reason: r.reason }) }));
        const incomplete = evaluation.rules.filter((r) => r.outcome === 'incomplete');
        if (incomplete.length > 0) setCondition('EvaluationSucceeded', 'False', 'ServersNotRead', incomplete.map((r) => `${r.name}: ${r.reason ?? 'incomplete'}`).join('; '));
        else setCondition('EvaluationSucceeded', 'True', 'Evaluated', `${evaluation.rules.length} rule(s) evaluated`);
        phase = 'evaluating';
        for (const transition of apply(evaluation)) await deliver(transition.notification, transition.channels);
      } catch (error) {
        if (isCancellation(error)) throw error;
        setCondition('EvaluationSucceeded', 'False', 'EvaluationFailed', error instanceof Error ? error.message : String(error));
      }
      await sleep(intervalMs ?? 15_000);
    }
  } catch (error) {
    if (!isCancellation(error)) throw error;
    phase = 'stopped';
    return state();
  }
  if (CancellationScope.current().consideredCancelled) {
    phase = 'stopped';
    return state();
  }
  return continueAsNew<typeof alertEvaluatorWorkflow>({
    ...input,
    carried: { alerts: [...alerts.values()], evaluations, notifications, failedDeliveries, lastEvaluationAt, runs: (carried?.runs ?? 0) + 1 },
  });
}
