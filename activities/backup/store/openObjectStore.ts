import { parseDestinationUrl } from '../../../compiler/grammar/parseDestinationUrl.ts';
import { DbarchError } from '../../../errors/DbarchError.ts';
import type { ObjectStore } from './ObjectStore.ts';
import { s3SettingsFromEnv, type S3Settings } from './S3Settings.ts';
import { fileStore } from './fileStore.ts';
import { lazyObjectStore } from './lazyObjectStore.ts';

/**
 * The store for a resolved destination URL: `file:///abs/dir/` or `s3://bucket/prefix/` (endpoint and credentials
 * from `s3`, by default from the environment: see s3SettingsFromEnv). An unresolved `${ENV}` reference or another
 * scheme is DBA_BACKUP_DESTINATION_UNSUPPORTED.
 */
export function openObjectStore(destination: string, s3: S3Settings = s3SettingsFromEnv()): ObjectStore {
  const parsed = parseDestinationUrl(destination);
  if (!parsed.ok) {
    throw new DbarchError('DBA_BACKUP_DESTINATION_UNSUPPORTED', `backup destination ${JSON.stringify(destination)} is not a destination URL`);
  }
  const url = parsed.value;
  if (url.scheme === 'file') return fileStore(destination, url.path);
  if (url.scheme === 's3') {
    const { bucket, path } = url;
    return lazyObjectStore(destination, async () => (await import('./s3Store.ts')).s3Store(destination, bucket, path, s3));
  }
  throw new DbarchError('DBA_BACKUP_DESTINATION_UNSUPPORTED', `backup destination ${destination} is not a file:// or s3:// URL`, {
    hint: url.scheme === 'env' ? 'resolve the env reference before opening the store' : 'use file:///absolute/dir/ or s3://bucket/prefix/',
  });
}
