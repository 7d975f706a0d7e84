import type { Context } from '@temporalio/activity';
import type { PollTarget } from './pollUntil.ts';

/**
 * The running activity as a poll target, for the replication engines that still read Temporal's activity context
 * themselves (watchGreen takes its step's execution instead, so its progress goes through the step wrapper).
 */
export function pollTarget(context: Context): PollTarget {
  return { signal: context.cancellationSignal, heartbeat: (details) => context.heartbeat(details) };
}
