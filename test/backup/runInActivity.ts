import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Info } from '@temporalio/activity';

export interface TestActivityEnvironment {
  readonly env: MockActivityEnvironment;
  /** Heartbeat details in the order reported. */
  readonly heartbeats: unknown[];
  readonly run: <I, R>(fn: (input: I) => Promise<R>, input: I) => Promise<R>;
}

/**
 * A real activity Context (heartbeats, cancellation, info) around a direct call of the activity function:
 * what a worker gives an activity, without a workflow.
 */
export function activityEnvironment(info: Partial<Info> = {}): TestActivityEnvironment {
  const env = new MockActivityEnvironment(info, { logger: new DefaultLogger('WARN', () => undefined) });
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  return { env, heartbeats, run: (fn, input) => env.run(fn, input) };
}

/** Runs one activity call in a fresh environment. */
export function runInActivity<I, R>(fn: (input: I) => Promise<R>, input: I): Promise<R> {
  return activityEnvironment().run(fn, input);
}
