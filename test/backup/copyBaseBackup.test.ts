import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { listBaseBackups } from '../../activities/backup/baseBackup/listBaseBackups.ts';
import { takeBaseBackup } from '../../activities/backup/baseBackup/takeBaseBackup.ts';
import { copyBaseBackup } from '../../activities/backup/copy/copyBaseBackup.ts';
import { localKeyProvider } from '../../activities/backup/crypto/localKeyProvider.ts';
import { openObjectStore } from '../../activities/backup/store/openObjectStore.ts';
import { copyS3SettingsFromEnv, s3SettingsFromEnv } from '../../activities/backup/store/S3Settings.ts';
import { verifyBaseBackup } from '../../activities/backup/verify/verifyBaseBackup.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { startS3Server, type S3Server } from '../support/s3Server.ts';
import { expectCode } from '../migrations/expectCode.ts';

/** Cross-region copy between two buckets (standing in for two regions): listed only once complete, resumable. */
describe('cross-region copy of a base backup (S3 bucket to S3 bucket)', function () {
  this.timeout(60_000);
  let cluster: PgCluster;
  let s3: S3Server;
  before(async () => {
    [cluster, s3] = await Promise.all([startPgCluster({ label: 'backupcopy', walLevel: 'replica' }), startS3Server()]);
  });
  after(async () => {
    await Promise.all([cluster?.stop(), s3?.stop()]);
  });

  it('copies as stored (still encrypted), verifies at the copy, resumes a cut object, is idempotent', async () => {
    const settings = { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
    const [east, west] = [await s3.createBucket(), await s3.createBucket()];
    const master = localKeyProvider(randomBytes(32));
    const signal = new AbortController().signal;
    const manifest = await takeBaseBackup(
      { cluster: 'main', connectionUrl: cluster.url, destination: `s3://${east}/db/`, backupId: 'c1', compression: { algorithm: 'zstd' }, keyProvider: master, s3: settings },
      { signal },
    );
    const source = openObjectStore(`s3://${east}/db/`, settings);
    const target = openObjectStore(`s3://${west}/db/`, settings);
    // A copy cut short earlier: part of the object, no manifest. Not listed; the copy replaces it.
    const object = manifest.objects[0]!;
    await target.put(object.key, (await source.getBytes(object.key)).subarray(0, 1000));
    expect(await listBaseBackups(target)).to.deep.equal([]);

    const progress: number[] = [];
    const copied = await copyBaseBackup(source, target, 'c1', { signal, progress: (p) => progress.push(p.copiedBytes) });
    expect(copied).to.include({ backupId: 'c1', alreadyCopied: false, copiedBytes: object.storedBytes });
    expect(copied.lagSeconds).to.be.at.least(0);
    expect(progress.at(-1)).to.equal(object.storedBytes);
    expect((await listBaseBackups(target)).map((b) => b.backupId)).to.deep.equal(['c1']);
    await verifyBaseBackup({ destination: `s3://${west}/db/`, backupId: 'c1', keyProvider: master, s3: settings }, { signal });
    expect(await copyBaseBackup(source, target, 'c1', { signal })).to.include({ alreadyCopied: true, copiedBytes: 0 });
  });

  it('copies to another endpoint with other keys, from DBARCH_COPY_* (unset ones are the primary store\'s)', async () => {
    const other = await startS3Server();
    try {
      const [east, west] = [await s3.createBucket(), await other.createBucket()];
      const env = {
        ...s3.env(),
        DBARCH_COPY_AWS_ENDPOINT_URL_S3: other.endpoint,
        DBARCH_COPY_AWS_ACCESS_KEY_ID: other.accessKeyId,
        DBARCH_COPY_AWS_SECRET_ACCESS_KEY: other.secretAccessKey,
      };
      const copySettings = copyS3SettingsFromEnv(env);
      expect(copySettings).to.deep.equal({ endpoint: other.endpoint, region: s3.region, accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey });
      // Nothing set for the copy: the primary's settings, whole.
      expect(copyS3SettingsFromEnv(s3.env())).to.deep.equal(s3SettingsFromEnv(s3.env()));
      const signal = new AbortController().signal;
      const primary = s3SettingsFromEnv(env);
      await takeBaseBackup({ cluster: 'main', connectionUrl: cluster.url, destination: `s3://${east}/db/`, backupId: 'x1', compression: { algorithm: 'zstd' }, s3: primary }, { signal });
      // The primary's keys do not open the other server: only the copy's settings reach it.
      await expectCode(openObjectStore(`s3://${west}/db/`, primary).list(''), 'DBA_BACKUP_STORE_DENIED');
      const copied = await copyBaseBackup(openObjectStore(`s3://${east}/db/`, primary), openObjectStore(`s3://${west}/db/`, copySettings), 'x1', { signal });
      expect(copied).to.include({ backupId: 'x1', alreadyCopied: false });
      await verifyBaseBackup({ destination: `s3://${west}/db/`, backupId: 'x1', s3: copySettings }, { signal });
    } finally {
      await other.stop();
    }
  });
});
