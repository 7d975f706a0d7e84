import { DbarchError } from '../../errors/DbarchError.ts';

/**
 * The id of the base backup a run takes: from its workflow id (`backup:<cluster>:<time>` from the CLI, or the
 * Schedule's `backup:<cluster>-<scheduled time>`), so every step and every retry of one run names the same backup
 * and ids sort by time: `<cluster>-20261201T030000Z`.
 */
export function baseBackupId(workflowId: string): string {
  const match = /^backup:([^:]+?)[:-](\d{4}-\d\d-\d\dT[\d:.]+Z)$/.exec(workflowId);
  if (match === null) {
    // Any other run (a spec's own procedure): its workflow id, made file-name safe.
    const safe = workflowId.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 120);
    if (safe === '') throw new DbarchError('DBA_BACKUP_ID_INVALID', `no backup id can be derived from workflow id ${workflowId}`);
    return safe;
  }
  const time = match[2]!.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${match[1]!.replace(/[^A-Za-z0-9._-]+/g, '-')}-${time}`;
}
