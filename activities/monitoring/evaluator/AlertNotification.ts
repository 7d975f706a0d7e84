import type { AlertRuleInput } from '../AlertRuleInput.ts';

/**
 * One transition of one alert, as the evaluator workflow decides it and the delivery activity sends it to each
 * channel. Plain JSON without secrets (it is in the workflow's history); the destinations are resolved on the
 * worker that delivers.
 */
export interface AlertNotification {
  /** The evaluator's workflow id (`alerts:<name>`), named in every payload. */
  readonly evaluator: string;
  readonly status: 'firing' | 'resolved';
  readonly rule: string;
  readonly severity: AlertRuleInput['severity'];
  readonly condition: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  /** alertFingerprint: PagerDuty's dedup_key, the webhook's fingerprint. */
  readonly fingerprint: string;
  /** The last reading, in the unit the metric's PromQL returns. */
  readonly value: number;
  /** When the condition started to hold (ISO 8601, from the evaluation's clock). */
  readonly startsAt: string;
  /** When it stopped holding; resolved notifications only. */
  readonly endsAt?: string;
  /**
   * The (alert, transition) identity: `<fingerprint>:<startsAt ms>:<firing|resolved|repeat-n>`. Every attempt of a
   * delivery sends it (Idempotency-Key header), so a receiver sees a retried delivery as the same notification.
   */
  readonly key: string;
}
