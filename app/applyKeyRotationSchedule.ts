import type { Client } from '@temporalio/client';
import { parseDuration } from '../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { planScheduleAction } from './planScheduleAction.ts';
import { planKeyRotation } from './startKeyRotation.ts';
import { upsertSchedule, type UpsertedSchedule } from './upsertSchedule.ts';

/**
 * The Temporal Schedule `key-rotation:<cluster>` that runs dbarch/key_rotation every
 * security_config.encryption.at_rest.key_rotation (an interval, `@every <hours>h`, since 90d is no calendar cron).
 * Undefined when the spec sets no key_rotation or its backups are not encrypted.
 */
export async function applyKeyRotationSchedule(client: Client, paths: readonly string[], taskQueue: string, environment?: string): Promise<UpsertedSchedule | undefined> {
  let planned;
  try {
    planned = await planKeyRotation(paths, environment);
  } catch (error) {
    if (error instanceof DbarchError && error.code === 'DBA_USAGE') return undefined;
    throw error;
  }
  if (planned.every === undefined) return undefined;
  const every = parseDuration(planned.every);
  if (!every.ok) throw new DbarchError(every.code, every.message);
  const hours = Math.max(1, Math.round(every.value / 3_600_000));
  const scheduleId = `key-rotation:${planned.cluster}`;
  return upsertSchedule(client, scheduleId, `@every ${hours}h`, planScheduleAction(planned.plan, scheduleId, taskQueue), {
    cluster: planned.cluster,
    keyRotation: planned.every,
    planHash: planned.plan.hash,
  });
}
