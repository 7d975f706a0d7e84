import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DbarchError } from '../../errors/DbarchError.ts';

/** The local directory a `file:///…` destination names; other schemes (s3://) are not supported yet. */
export function backupDirectory(destination: string): string {
  let url: URL;
  try {
    url = new URL(destination);
  } catch (cause) {
    throw new DbarchError('DBA_BACKUP_DESTINATION_UNSUPPORTED', `backup destination ${JSON.stringify(destination)} is not a URL`, { cause });
  }
  if (url.protocol !== 'file:' || (url.host !== '' && url.host !== 'localhost')) {
    throw new DbarchError('DBA_BACKUP_DESTINATION_UNSUPPORTED', `backup destination ${destination} is not a local file:// URL`, {
      details: { destination },
    });
  }
  const path = fileURLToPath(url);
  if (!isAbsolute(path)) throw new DbarchError('DBA_BACKUP_DESTINATION_UNSUPPORTED', `backup destination ${destination} is not absolute`);
  return path;
}
