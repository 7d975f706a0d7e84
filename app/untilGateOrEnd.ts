import type { WorkflowHandle } from '@temporalio/client';
import { interpreterMessages } from '../workflows/interpreter/interpreterMessages.ts';

/**
 * Polls a plan run until its gate is open (`status.awaitingApproval`) or it has closed, at most `waitMs`: 'gate',
 * 'ended' (read the result), or 'timeout'. A query that no worker answers (5 s) counts as not there yet.
 */
export async function untilGateOrEnd(handle: WorkflowHandle, waitMs: number): Promise<'gate' | 'ended' | 'timeout'> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if ((await handle.describe()).status.name !== 'RUNNING') return 'ended';
    const left = deadline - Date.now();
    if (left <= 0) return 'timeout';
    const status = await handle.client.withDeadline(Date.now() + Math.min(left, 5_000), () => handle.query(interpreterMessages.status)).catch(() => undefined);
    if (status?.awaitingApproval) return 'gate';
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
