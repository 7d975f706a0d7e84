import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { closeActivityDeps, createActivityDeps, type ActivityDeps } from '../../activities/ActivityDeps.ts';
import { backupActivities } from '../../activities/backup/backupActivities.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { startS3Server, type S3Server } from '../support/s3Server.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { testLog } from '../support/temporal.ts';
import { runInActivity } from './runInActivity.ts';

/**
 * backup_before_migrate to the seed's kind of destination (`s3://…`): the schema dump is staged locally, then put
 * in a real S3 server (versitygw) encrypted under a data key wrapped by the master key, and restored from there.
 */
describe('backup: schema dumps in an object store (s3://), encrypted', function () {
  this.timeout(60_000);
  const marker = `plain-marker-${randomBytes(6).toString('hex')}`;
  let s3: S3Server;
  let db: TestDatabase;
  let deps: ActivityDeps;
  let activities: ReturnType<typeof backupActivities>;
  let destination: string;
  let bucket: string;
  const saved: Record<string, string | undefined> = {};

  const sql = async (text: string) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<Record<string, unknown>>(text)).rows;
    } finally {
      await client.end();
    }
  };

  before(async () => {
    s3 = await startS3Server();
    bucket = await s3.createBucket();
    destination = `s3://${bucket}/database/`;
    // The worker's environment: the SDK's standard variables, and the master key the spec references.
    const env = { ...s3.env(), DBARCH_TEST_SCHEMA_KEY: randomBytes(32).toString('base64'), DBARCH_TEST_OTHER_KEY: randomBytes(32).toString('base64') };
    for (const [key, value] of Object.entries(env)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    db = await freshDatabase('schema_dump_s3');
    await sql(`CREATE SCHEMA app; CREATE TABLE app.notes (id int PRIMARY KEY, body text); INSERT INTO app.notes SELECT g, '${marker}' FROM generate_series(1, 50) g`);
    deps = createActivityDeps(serviceUrls(), testLog);
    activities = backupActivities(deps);
  });
  after(async () => {
    await closeActivityDeps(deps);
    await db?.drop();
    await s3?.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('stores the dump encrypted (no plaintext in the bucket) with its manifest last, reuses it on a retry, and restores it', async () => {
    const input = { databaseUrl: db.url, schemas: ['app'], destination, backupId: 'pre-migrate-1', keyReference: '${DBARCH_TEST_SCHEMA_KEY}' };
    const first = await runInActivity(activities.dumpSchemas, input);
    expect(first.reused).to.equal(false);
    expect(first.manifestUrl).to.equal(`${destination}pre-migrate-1.manifest.json`);
    expect(first.manifest.encryption?.algorithm).to.equal('aes-256-gcm-chunked');

    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'database/' }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).to.deep.equal(['database/pre-migrate-1.dump', 'database/pre-migrate-1.manifest.json']);
    const stored = readFileSync(join(s3.rootDir, bucket, 'database', 'pre-migrate-1.dump'));
    expect(stored.includes(Buffer.from(marker)), 'the stored dump is ciphertext').to.equal(false);
    expect(stored.subarray(0, 4).toString()).to.equal('DBAE');

    const again = await runInActivity(activities.dumpSchemas, input);
    expect(again.reused, 'a retry finds the published dump').to.equal(true);
    expect(again.manifest.sha256).to.equal(first.manifest.sha256);

    await sql(`DELETE FROM app.notes WHERE id > 10; CREATE TABLE app.after_the_dump (x int)`);
    const restored = await runInActivity(activities.restoreSchemas, { databaseUrl: db.url, destination, backupId: 'pre-migrate-1', keyReference: '${DBARCH_TEST_SCHEMA_KEY}' });
    expect(restored.schemas).to.deep.equal(['app']);
    expect(await sql('SELECT count(*)::int AS n FROM app.notes')).to.deep.equal([{ n: 50 }]);
    expect(await sql(`SELECT to_regclass('app.after_the_dump') AS t`)).to.deep.equal([{ t: null }]);
  });

  it('refuses a restore without the key or with another one, before touching the database', async () => {
    await sql('DELETE FROM app.notes WHERE id > 40');
    const refused = async (keyReference: string | undefined) => {
      const error = await runInActivity(activities.restoreSchemas, { databaseUrl: db.url, destination, backupId: 'pre-migrate-1', ...(keyReference ? { keyReference } : {}) }).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(DbarchError);
      return (error as DbarchError).code;
    };
    expect(await refused(undefined)).to.equal('DBA_BACKUP_KEY_MISSING');
    expect(await refused('${DBARCH_TEST_OTHER_KEY}')).to.equal('DBA_BACKUP_KEY_WRONG');
    expect(await sql('SELECT count(*)::int AS n FROM app.notes'), 'nothing restored').to.deep.equal([{ n: 40 }]);
  });

  it('names a backup that is not in the bucket', async () => {
    const error = await runInActivity(activities.restoreSchemas, { databaseUrl: db.url, destination, backupId: 'never-taken' }).then(() => undefined, (e: unknown) => e);
    expect((error as DbarchError).code).to.equal('DBA_BACKUP_NOT_FOUND');
  });
});
