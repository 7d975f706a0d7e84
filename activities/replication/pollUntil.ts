import { abortableDelay } from '../abortableDelay.ts';
import type { StepExecution } from '../StepExecution.ts';

/** What polling needs of the running step: its cancellation and a way to record progress. */
export type PollTarget = Pick<StepExecution, 'signal' | 'heartbeat'>;

export type Poll<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly progress: Record<string, unknown> };

/**
 * Asks `probe` until it reports done, heartbeating its progress after every look (which is also how a
 * cancellation reaches the activity). Waits between looks end early when the activity is cancelled.
 */
export async function pollUntil<T>(context: PollTarget, intervalMs: number, probe: () => Promise<Poll<T>>): Promise<T> {
  const signal = context.signal;
  for (;;) {
    if (signal.aborted) throw signal.reason;
    const result = await probe();
    if (result.done) return result.value;
    context.heartbeat(result.progress);
    await abortableDelay(intervalMs, signal);
  }
}
