import { DbarchError } from '../../../errors/DbarchError.ts';

/**
 * Checks a key before it reaches a path or a URL: relative, `/`-separated, no empty, `.` or `..` segment, so a key
 * can never leave its destination (a file:// root or an S3 prefix).
 */
export function objectKey(key: string): string {
  const segments = key.split('/');
  if (key === '' || key.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..') || key.includes('\0')) {
    throw new DbarchError('DBA_BACKUP_ID_INVALID', `object key ${JSON.stringify(key)} is not a relative path of non-empty segments`);
  }
  return key;
}
