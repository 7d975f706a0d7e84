import { createHash } from 'node:crypto';
import type { Info } from '@temporalio/activity';
import { DbarchError } from '../../errors/DbarchError.ts';

const validId = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The given id, checked; otherwise one derived from the workflow run and activity id, which every retry of
 * the same activity shares (so a retry finds the previous attempt's dump) and no other run does.
 */
export function resolveBackupId(given: string | undefined, info: Info): string {
  if (given !== undefined) {
    if (!validId.test(given)) {
      throw new DbarchError('DBA_BACKUP_ID_INVALID', `backup id ${JSON.stringify(given)} is not usable as a file name`, { details: { backupId: given } });
    }
    return given;
  }
  const run = info.workflowExecution;
  const key = `${run?.workflowId ?? ''}/${run?.runId ?? ''}/${info.activityId}`;
  const readable = (run?.workflowId ?? 'activity').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 80) || 'backup';
  return `${readable}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}
