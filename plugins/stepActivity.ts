import { Context } from '@temporalio/activity';
import type { Logger } from '../runtime/logger.ts';
import type { StepRun } from './definePlugin.ts';
import type { StepCall } from './StepContext.ts';

/**
 * Turns a plugin step into an activity: builds its StepContext and heartbeats while it runs, so a worker that
 * dies mid-step is noticed within the step's heartbeat timeout and a cancellation reaches the step.
 */
export function stepActivity(name: string, run: StepRun<unknown>, log: Logger) {
  const activity = async (input: unknown, call: StepCall): Promise<unknown> => {
    const context = Context.current();
    const info = context.info;
    const workflowId = info.workflowExecution?.workflowId ?? 'none';
    const heartbeatMs = info.heartbeatTimeoutMs ? Math.max(200, Math.floor(info.heartbeatTimeoutMs / 3)) : undefined;
    const timer = heartbeatMs === undefined ? undefined : setInterval(() => context.heartbeat(), heartbeatMs);
    try {
      return await run(input, {
        ...call,
        workflowId,
        attempt: info.attempt,
        signal: context.cancellationSignal,
        heartbeat: (details) => context.heartbeat(details),
        log: log.child({ step: call.stepId, activity: name, workflowId, attempt: info.attempt }),
      });
    } finally {
      if (timer) clearInterval(timer);
    }
  };
  Object.defineProperty(activity, 'name', { value: name });
  return activity;
}
