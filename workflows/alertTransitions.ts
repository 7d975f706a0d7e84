import type { SupportedChannel } from '../activities/monitoring/AlertDestinations.ts';
import type { AlertNotification } from '../activities/monitoring/evaluator/AlertNotification.ts';
import type { AlertEvaluation } from '../plugins/monitoring/alertEvaluatorActivities.ts';
import type { TrackedAlert } from './TrackedAlert.ts';

export interface AlertTransitions {
  /** Every alert still pending or firing after the evaluation. */
  readonly alerts: readonly TrackedAlert[];
  /** What to notify, in rule order: one entry per transition, for all of its channels. */
  readonly notifications: readonly { readonly notification: AlertNotification; readonly channels: readonly SupportedChannel[] }[];
}

/**
 * What one evaluation changes, with its own clock (`evaluation.at`) as the only time: a series that starts to
 * hold is pending, and firing once it has held for the rule's `for:`; a firing alert is notified again after the
 * repeat interval; an alert whose series stopped holding (or vanished) in a complete read is dropped, with a
 * resolve notification when it was firing. An incomplete read leaves the series it could not see as they were,
 * and a rule taken out of the spec resolves its firing alerts. Pure (no I/O, no clock): the workflow's replay
 * makes the same decisions, and a test can drive it evaluation by evaluation.
 */
export function alertTransitions(before: Iterable<TrackedAlert>, evaluation: AlertEvaluation, evaluator: string): AlertTransitions {
  const at = evaluation.at;
  const alerts = new Map<string, TrackedAlert>([...before].map((a) => [a.fingerprint, a]));
  const notifications: { notification: AlertNotification; channels: readonly SupportedChannel[] }[] = [];
  const notify = (a: TrackedAlert, status: AlertNotification['status'], transition: string) =>
    notifications.push({
      channels: a.channels,
      notification: {
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
      },
    });
  const known = new Set(evaluation.rules.map((r) => r.name));
  for (const rule of evaluation.rules) {
    if (rule.outcome === 'skipped') continue;
    const holding = new Set<string>();
    for (const series of rule.series) {
      if (!series.holds) continue;
      holding.add(series.fingerprint);
      const previous = alerts.get(series.fingerprint);
      let a: TrackedAlert = previous === undefined
        ? { fingerprint: series.fingerprint, rule: rule.name, severity: rule.severity, condition: rule.condition, metric: rule.metric, labels: series.labels, channels: rule.channels, state: 'pending', activeSince: at, firedAt: null, lastNotifiedAt: null, repeats: 0, value: series.value }
        : { ...previous, value: series.value, severity: rule.severity, condition: rule.condition, channels: rule.channels };
      if (a.state === 'pending' && at - a.activeSince >= rule.forMs) {
        a = { ...a, state: 'firing', firedAt: at, lastNotifiedAt: at };
        notify(a, 'firing', 'firing');
      } else if (a.state === 'firing' && evaluation.repeatIntervalMs > 0 && a.lastNotifiedAt !== null && at - a.lastNotifiedAt >= evaluation.repeatIntervalMs) {
        a = { ...a, lastNotifiedAt: at, repeats: a.repeats + 1 };
        notify(a, 'firing', `repeat-${a.repeats}`);
      }
      alerts.set(a.fingerprint, a);
    }
    // An incomplete read says nothing about the series it could not see: those alerts stay as they are.
    if (rule.outcome !== 'evaluated') continue;
    for (const a of [...alerts.values()]) {
      if (a.rule !== rule.name || holding.has(a.fingerprint)) continue;
      alerts.delete(a.fingerprint);
      if (a.state === 'firing') notify(a, 'resolved', 'resolved');
    }
  }
  for (const a of [...alerts.values()]) {
    if (known.has(a.rule)) continue;
    alerts.delete(a.fingerprint);
    if (a.state === 'firing') notify(a, 'resolved', 'resolved');
  }
  return { alerts: [...alerts.values()], notifications };
}
