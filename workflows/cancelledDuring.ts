import { CancellationScope, isCancellation } from '@temporalio/workflow';

/**
 * Runs a long-running workflow's work and says whether the workflow was cancelled meanwhile: the work ended by the
 * cancellation, or a cancel that arrived as it completed (which must not be lost by running again or continuing
 * as new). Any other failure is thrown.
 */
export async function cancelledDuring(work: () => Promise<void>): Promise<boolean> {
  try {
    await work();
  } catch (error) {
    if (!isCancellation(error)) throw error;
    return true;
  }
  return CancellationScope.current().consideredCancelled;
}
