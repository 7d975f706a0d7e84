import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Info } from '@temporalio/activity';

/**
 * A real activity Context (heartbeats, cancellation, info) around a direct call of the activity function:
 * what a worker gives an activity, without a workflow. `heartbeats` collects the details reported.
 */
export function activityEnvironment(info: Partial<Info> = {}): { env: MockActivityEnvironment; heartbeats: unknown[] } {
  const env = new MockActivityEnvironment(info, { logger: new DefaultLogger('WARN', () => undefined) });
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  return { env, heartbeats };
}

/** Runs one activity call in a fresh environment. */
export function runInActivity<I, R>(fn: (input: I) => Promise<R>, input: I): Promise<R> {
  return activityEnvironment().env.run(fn, input);
}
