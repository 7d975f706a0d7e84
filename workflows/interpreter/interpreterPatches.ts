import { patched } from '@temporalio/workflow';

/**
 * Patch ids: each guards one change of interpreter behaviour, so histories recorded before it still replay
 * (`test/runtime/replay.test.ts`). Never rename or remove one while workflows that recorded it may be running.
 */
export const interpreterPatches = {
  /** v2: the memo's `progress` line is kept current after every node (v1 set the memo once at start). */
  memoProgress: 'dbarch-interpreter-memo-progress',
  /**
   * v3: a gate's first outcome is final: a decision arriving after it (e.g. an approval right behind a rejection
   * in the same workflow task) is refused with DBA_APPROVAL_DECIDED instead of overriding it.
   */
  finalDecisions: 'dbarch-interpreter-final-decisions',
  /**
   * v3: a cancelled activity counts as a workflow cancellation only while the workflow (or the enclosing parallel
   * scope) is being cancelled; otherwise (a worker shutting down) the attempt is retried like a transient failure.
   */
  cancellationOnlyWhenRequested: 'dbarch-interpreter-cancellation-only-when-requested',
  /**
   * v3: step activities wait for the running attempt to end on cancellation (WAIT_CANCELLATION_COMPLETED), and a
   * step whose outcome is unknown (cancelled mid-flight, failed after a timeout or a second attempt) is compensated.
   */
  compensateUnknownOutcomes: 'dbarch-interpreter-compensate-unknown-outcomes',
  /** v3: when a parallel branch fails, its siblings (steps, timers, gates) are cancelled before compensating. */
  parallelFailFast: 'dbarch-interpreter-parallel-fail-fast',
  /**
   * v4: a plan with `approvals` (a protected environment with security_config.approvals) accepts decisions only with
   * a token a worker verified; who decided and as which roles come from the token, refused tokens are recorded.
   */
  verifiedApprovals: 'dbarch-interpreter-verified-approvals',
} as const;

export type InterpreterPatch = keyof typeof interpreterPatches;

/**
 * Which patches this run has, decided once at the same point of every run (after the plan is known) so the
 * markers sit at a fixed place in history: true for new runs, false when replaying a run recorded before the patch.
 */
export function activePatches(): Readonly<Record<InterpreterPatch, boolean>> {
  return {
    memoProgress: patched(interpreterPatches.memoProgress),
    finalDecisions: patched(interpreterPatches.finalDecisions),
    cancellationOnlyWhenRequested: patched(interpreterPatches.cancellationOnlyWhenRequested),
    compensateUnknownOutcomes: patched(interpreterPatches.compensateUnknownOutcomes),
    parallelFailFast: patched(interpreterPatches.parallelFailFast),
    verifiedApprovals: patched(interpreterPatches.verifiedApprovals),
  };
}
