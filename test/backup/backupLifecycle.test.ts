import { expect } from 'chai';
import { applyBackupLifecycle } from '../../activities/backup/lifecycle/applyBackupLifecycle.ts';
import { backupLifecycleRules } from '../../activities/backup/lifecycle/backupLifecycleRules.ts';
import { startS3Server, type S3Server } from '../support/s3Server.ts';

describe('backup lifecycle configuration (Glacier, unfinished uploads)', function () {
  this.timeout(60_000);
  let s3: S3Server;
  before(async () => {
    s3 = await startS3Server();
  });
  after(async () => {
    await s3?.stop();
  });

  it('generates the rules: abort unfinished uploads after a day; Glacier after 30 days only when kept longer', () => {
    expect(backupLifecycleRules({ prefix: 'database/', retentionDays: 30 })).to.deep.equal([
      { ID: 'dbarch-abort-incomplete-uploads', Status: 'Enabled', Filter: { Prefix: 'database/' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ]);
    const rules = backupLifecycleRules({ prefix: 'database/', retentionDays: 90 });
    expect(rules[1]).to.deep.equal({ ID: 'dbarch-backups-to-glacier', Status: 'Enabled', Filter: { Prefix: 'database/' }, Transitions: [{ Days: 30, StorageClass: 'GLACIER' }] });
  });

  it('versitygw does not implement lifecycle: the coded warning DBA_BACKUP_LIFECYCLE_UNSUPPORTED with the rules; file:// the same', async () => {
    const bucket = await s3.createBucket();
    const settings = { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
    const outcome = await applyBackupLifecycle(`s3://${bucket}/database/`, { retentionDays: 90 }, settings);
    expect(outcome.applied).to.equal(false);
    if (outcome.applied) return;
    expect(outcome.warning.code).to.equal('DBA_BACKUP_LIFECYCLE_UNSUPPORTED');
    expect(outcome.rules).to.have.length(2);
    const local = await applyBackupLifecycle('file:///var/backups/dbarch/', { retentionDays: 30 }, settings);
    expect(local.applied === false && local.warning.code).to.equal('DBA_BACKUP_LIFECYCLE_UNSUPPORTED');
  });
});
