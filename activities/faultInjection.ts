/**
 * Test-only fault injection, read in this one place. `DBARCH_FAULT_AFTER_COMMIT=<step id>` makes the worker process
 * SIGKILL itself right after that step's effect has committed and before the step returns: the effect is durable
 * but Temporal never hears that the attempt completed, so a test can check that the retry does nothing twice.
 * Unset, it does nothing.
 */
export function faultAfterCommit(stepId: string): void {
  if (process.env.DBARCH_FAULT_AFTER_COMMIT === stepId) process.kill(process.pid, 'SIGKILL');
}
