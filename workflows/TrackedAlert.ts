import type { SupportedChannel } from '../activities/monitoring/AlertDestinations.ts';
import type { RuleEvaluation } from '../activities/monitoring/evaluator/RuleEvaluation.ts';

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
