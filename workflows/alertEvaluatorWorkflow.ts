import { continueAsNew, defineQuery, isCancellation, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { SupportedChannel } from '../activities/monitoring/AlertDestinations.ts';
import type { AlertNotification } from '../activities/monitoring/evaluator/AlertNotification.ts';
import type { RuleEvaluation } from '../activities/monitoring/evaluator/RuleEvaluation.ts';
import type { AlertEvaluatorActivities } from '../plugins/monitoring/alertEvaluatorActivities.ts';
import { alertTransitions } from './alertTransitions.ts';
import type { TrackedAlert } from './TrackedAlert.ts';
import { cancelledDuring } from './cancelledDuring.ts';

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

  const perRun = input.evaluationsPerRun ?? defaultEvaluationsPerRun;
  const cancelled = await cancelledDuring(async () => {
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
        const next = alertTransitions(alerts.values(), evaluation, evaluator);
        alerts.clear();
        for (const a of next.alerts) alerts.set(a.fingerprint, a);
        for (const transition of next.notifications) await deliver(transition.notification, transition.channels);
      } catch (error) {
        if (isCancellation(error)) throw error;
        setCondition('EvaluationSucceeded', 'False', 'EvaluationFailed', error instanceof Error ? error.message : String(error));
      }
      await sleep(intervalMs ?? 15_000);
    }
  });
  if (cancelled) {
    phase = 'stopped';
    return state();
  }
  return continueAsNew<typeof alertEvaluatorWorkflow>({
    ...input,
    carried: { alerts: [...alerts.values()], evaluations, notifications, failedDeliveries, lastEvaluationAt, runs: (carried?.runs ?? 0) + 1 },
  });
}
