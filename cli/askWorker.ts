import { isGrpcCancelledError, isGrpcDeadlineError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { DbarchError } from '../errors/DbarchError.ts';
import { grpcCause, grpcStatus } from '../runtime/grpcCause.ts';

/** How long a verb waits for a worker to answer a query or an Update before saying none is there. */
export const workerWaitMs = 10_000;

/** temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW (the proto package is CommonJS: no named import). */
const workflowTaskQueueType = 1;

/**
 * Runs calls that a worker must answer (queries, Updates) with a deadline: a workflow's queries and Updates are
 * handled by a worker polling its task queue, and without one the server holds the call (a query for about 30 s,
 * an Update indefinitely). When the deadline passes, or the server says no poller was seen, this throws
 * DBA_WORKER_UNAVAILABLE naming the task queue and whether any worker polled it lately. Every verb that asks a
 * worker goes through here. Other errors pass unchanged (reportError classifies a wrong id).
 */
export async function askWorker<T>(client: Client, workflowId: string, call: () => Promise<T>, waitMs: number = workerWaitMs): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + waitMs, call);
  } catch (error) {
    if (!noWorkerAnswered(error)) throw error;
    const taskQueue = await client.workflow
      .getHandle(workflowId)
      .describe()
      .then((d) => d.taskQueue)
      .catch(() => undefined);
    const polled = taskQueue === undefined ? undefined : await lastPoll(client, taskQueue);
    const queue = taskQueue === undefined ? 'the workflow\'s task queue' : `task queue "${taskQueue}"`;
    const why = polled === null ? `no worker is polling ${queue}` : `no worker on ${queue} answered within ${Math.round(waitMs / 1000)} s${polled ? ` (last poll ${polled})` : ''}`;
    throw new DbarchError('DBA_WORKER_UNAVAILABLE', `${why}, so workflow "${workflowId}" cannot answer`, {
      hint: `Start a worker with \`dbarch worker\` (DBARCH_TASK_QUEUE=${taskQueue ?? '<queue>'}) or \`dbarch dev\`, then run the command again.${
        error instanceof WorkflowUpdateRPCTimeoutOrCancelledError ? ` The Update was sent and may still be applied when a worker starts: check \`dbarch status ${workflowId}\` first.` : ''
      }`,
      details: { workflowId, ...(taskQueue ? { taskQueue } : {}) },
      cause: error,
    });
  }
}

function noWorkerAnswered(error: unknown): boolean {
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(error) || isGrpcCancelledError(error)) return true;
  const grpc = grpcCause(error);
  // "No poller seen for task queue recently, worker may be down."
  return grpc?.code === grpcStatus.failedPrecondition && /poller/i.test(grpc.details ?? grpc.message ?? '');
}

/** When a worker last polled the queue's workflow tasks (ISO time), null when none did lately, undefined if unknown. */
async function lastPoll(client: Client, taskQueue: string): Promise<string | null | undefined> {
  try {
    const response = await client.withDeadline(Date.now() + 2_000, () =>
      client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: taskQueue },
        taskQueueType: workflowTaskQueueType,
      }),
    );
    const seconds = (response.pollers ?? []).map((p) => Number(p.lastAccessTime?.seconds ?? 0)).filter((s) => s > 0);
    return seconds.length === 0 ? null : new Date(Math.max(...seconds) * 1000).toISOString();
  } catch {
    return undefined;
  }
}
