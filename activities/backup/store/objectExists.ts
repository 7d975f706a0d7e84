import { DbarchError } from '../../../errors/DbarchError.ts';

/** A put-if-absent found the key taken; the existing object is untouched. */
export function objectExists(destination: string, key: string): DbarchError {
  return new DbarchError('DBA_BACKUP_OBJECT_EXISTS', `an object already exists under ${key} in ${destination}`, { details: { destination, key } });
}
