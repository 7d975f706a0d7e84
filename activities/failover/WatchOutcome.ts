import type { MemberState } from './MemberState.ts';

/** How the watch decided that the primary failed: every number the failover budget is made of. */
export interface Detection {
  readonly primary: string;
  readonly epoch: number;
  readonly timeline: number | null;
  /** Epoch ms (worker clock) of the last check the primary passed, the first failed one, and the decision. */
  readonly lastHealthyAt: number | null;
  readonly firstFailureAt: number;
  readonly detectedAt: number;
  /** From the first failed check to the decision. */
  readonly detectionMs: number;
  readonly failures: readonly { readonly at: number; readonly error: string | null; readonly latencyMs: number }[];
  readonly members: readonly MemberState[];
}

/** Why a watch returned to the monitor workflow. */
export type WatchOutcome =
  | { readonly kind: 'primary-failed'; readonly detection: Detection }
  /** A member the topology fences (a former primary) answers as a primary again: fence it and rejoin it. */
  | { readonly kind: 'fenced-primary'; readonly member: string; readonly state: MemberState }
  /** Its time is up (the workflow continues as new, so its history stays bounded). */
  | { readonly kind: 'renew'; readonly checks: number; readonly primary: string | null };
