import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';

export interface UpsertedSchedule {
  readonly scheduleId: string;
  readonly cron: string;
  readonly action: 'created' | 'updated';
  /** The next few run times (ISO), as Temporal computes them. */
  readonly nextRuns: readonly string[];
}

/**
 * Creates dbarch's Temporal Schedule `scheduleId` on `cron` (UTC), or updates it when it exists (so applying a spec
 * again changes the time and the action, never makes a second one). A run is skipped while the previous one still
 * runs, and missed runs are caught up within an hour. Every dbarch schedule (backups, drills) goes through here.
 */
export async function upsertSchedule(client: Client, scheduleId: string, cron: string, action: ScheduleOptions['action'], memo: Record<string, unknown>): Promise<UpsertedSchedule> {
  const options: ScheduleOptions = {
    scheduleId,
    spec: { cronExpressions: [cron], timezone: 'UTC' },
    action,
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    memo,
  };
  let outcome: UpsertedSchedule['action'] = 'created';
  try {
    await client.schedule.create(options);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    outcome = 'updated';
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: options.policies }));
  }
  const description = await client.schedule.getHandle(scheduleId).describe();
  return { scheduleId, cron, action: outcome, nextRuns: description.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()) };
}
