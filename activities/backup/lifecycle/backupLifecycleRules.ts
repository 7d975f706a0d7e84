import type { LifecycleRule } from '@aws-sdk/client-s3';

export interface BackupLifecyclePolicy {
  /** Key prefix of the backups in the bucket (the destination's path). */
  readonly prefix: string;
  /** base_backups.retention in days: dbarch's retention deletes expired backups; this is not duplicated here. */
  readonly retentionDays: number;
  /** Days before objects move to Glacier (the seed: 30); only when retention keeps them longer than that. */
  readonly glacierAfterDays?: number;
}

/**
 * The S3 lifecycle rules for a backup destination: unfinished multipart uploads (a worker killed mid-upload) are
 * aborted after a day, and backups kept longer than `glacierAfterDays` move to GLACIER then. Expiry stays dbarch's
 * (retention knows which WAL a kept backup needs; a bucket rule does not).
 */
export function backupLifecycleRules(policy: BackupLifecyclePolicy): LifecycleRule[] {
  const glacier = policy.glacierAfterDays ?? 30;
  const rules: LifecycleRule[] = [
    {
      ID: 'dbarch-abort-incomplete-uploads',
      Status: 'Enabled',
      Filter: { Prefix: policy.prefix },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    },
  ];
  if (policy.retentionDays > glacier) {
    rules.push({ ID: 'dbarch-backups-to-glacier', Status: 'Enabled', Filter: { Prefix: policy.prefix }, Transitions: [{ Days: glacier, StorageClass: 'GLACIER' }] });
  }
  return rules;
}
