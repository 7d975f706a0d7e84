import { DbarchError } from '../../../errors/DbarchError.ts';

/** The one wording of "no such object", whichever store. */
export function objectMissing(destination: string, key: string): DbarchError {
  return new DbarchError('DBA_BACKUP_OBJECT_MISSING', `no object ${key} in ${destination}`, { details: { destination, key } });
}
