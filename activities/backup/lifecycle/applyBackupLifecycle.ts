import { PutBucketLifecycleConfigurationCommand, S3Client, S3ServiceException, type LifecycleRule } from '@aws-sdk/client-s3';
import { parseDestinationUrl } from '../../../compiler/grammar/parseDestinationUrl.ts';
import { DbarchError } from '../../../errors/DbarchError.ts';
import type { S3Settings } from '../store/S3Settings.ts';
import { backupLifecycleRules, type BackupLifecyclePolicy } from './backupLifecycleRules.ts';

export type LifecycleOutcome =
  | { readonly applied: true; readonly rules: LifecycleRule[] }
  /** The store has no lifecycle support (versitygw, file://): the warning to print, and the rules to apply by hand. */
  | { readonly applied: false; readonly warning: DbarchError; readonly rules: LifecycleRule[] };

/**
 * Puts the generated lifecycle configuration on the destination's bucket. A store without lifecycle support (a
 * file:// destination, or an S3 server answering NotImplemented, as versitygw does) is not an error: the outcome
 * carries the coded warning DBA_BACKUP_LIFECYCLE_UNSUPPORTED and the rules, for whoever runs the real bucket.
 */
export async function applyBackupLifecycle(destination: string, policy: Omit<BackupLifecyclePolicy, 'prefix'>, settings: S3Settings): Promise<LifecycleOutcome> {
  const parsed = parseDestinationUrl(destination);
  if (!parsed.ok) throw new DbarchError('DBA_BACKUP_DESTINATION_UNSUPPORTED', `backup destination ${destination} is not a destination URL`);
  const rules = backupLifecycleRules({ ...policy, prefix: parsed.value.path });
  const unsupported = (why: string, cause?: unknown) => ({
    applied: false as const,
    rules,
    warning: new DbarchError('DBA_BACKUP_LIFECYCLE_UNSUPPORTED', `lifecycle rules not applied to ${destination}: ${why}`, { cause, details: { rules } }),
  });
  if (parsed.value.scheme !== 's3') return unsupported('only S3 buckets have lifecycle rules');
  const client = new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
    ...(settings.accessKeyId && settings.secretAccessKey ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } } : {}),
  });
  try {
    await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: parsed.value.bucket, LifecycleConfiguration: { Rules: rules } }));
    return { applied: true, rules };
  } catch (error) {
    const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
    const name = (error as { name?: string }).name;
    if (status === 501 || name === 'NotImplemented') return unsupported('the server does not implement bucket lifecycle configuration', error);
    throw new DbarchError(status === 403 ? 'DBA_BACKUP_STORE_DENIED' : 'DBA_BACKUP_STORE_UNREACHABLE', `cannot put the lifecycle configuration on ${destination}: ${(error as Error).message}`, { cause: error });
  } finally {
    client.destroy();
  }
}
