import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/index.js';

export interface RunningStepProgress {
  /** The activity type of the pending step, e.g. `backup/base_backup`. */
  readonly activity: string;
  readonly attempt: number;
  /** Its last heartbeat details, decoded (through the client's codec). */
  readonly details: unknown;
}

/**
 * What the running steps of a workflow last reported: the heartbeat details of its pending activities, as the
 * Temporal UI shows them. Long steps (a base backup) heartbeat their progress, so this is their progress line.
 */
export async function runningStepProgress(client: Client, workflowId: string): Promise<{ status: string; pending: RunningStepProgress[] }> {
  const description = await client.workflow.getHandle(workflowId).describe();
  const pending: RunningStepProgress[] = [];
  for (const activity of description.raw.pendingActivities ?? []) {
    const payloads = activity.heartbeatDetails?.payloads;
    const details = payloads && payloads.length > 0 ? await decodeFromPayloadsAtIndex(client.options.loadedDataConverter, 0, payloads) : undefined;
    pending.push({ activity: activity.activityType?.name ?? '?', attempt: activity.attempt ?? 1, details });
  }
  return { status: description.status.name, pending };
}
