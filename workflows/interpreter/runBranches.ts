import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { PlanNode } from '../../plan/Plan.ts';

/**
 * Runs parallel branches to the end and returns the failure to report, if any. With `failFast` the branches run in
 * their own cancellation scope: the first branch to fail cancels its siblings (a running step is cancelled and
 * waited for, a timer or an open gate stops waiting), so the failure is reported without waiting for a person or
 * a timer, and compensation starts once every branch has settled. Without it (pre-v3) every branch runs to its end.
 */
export async function runBranches(branches: readonly PlanNode[], runNode: (node: PlanNode) => Promise<void>, failFast: boolean): Promise<unknown> {
  if (!failFast) {
    const settled = await Promise.allSettled(branches.map((branch) => runNode(branch)));
    return settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')?.reason;
  }
  const scope = new CancellationScope();
  let firstFailure: { reason: unknown } | undefined;
  await scope.run(() =>
    Promise.allSettled(
      branches.map((branch) =>
        runNode(branch).catch((error: unknown) => {
          // A sibling cancelled by us reports a cancellation: keep the failure that caused it.
          if (!firstFailure || (isCancellation(firstFailure.reason) && !isCancellation(error))) firstFailure = { reason: error };
          scope.cancel();
        }),
      ),
    ),
  );
  return firstFailure?.reason;
}
