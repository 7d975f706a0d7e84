import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { listBaseBackups } from '../../activities/backup/baseBackup/listBaseBackups.ts';
import { localKeyProvider } from '../../activities/backup/crypto/localKeyProvider.ts';
import { openObjectStore } from '../../activities/backup/store/openObjectStore.ts';
import { verifyBaseBackup } from '../../activities/backup/verify/verifyBaseBackup.ts';
import { spawnTs } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { startS3Server, type S3Server } from '../support/s3Server.ts';

/**
 * The backup process is SIGKILLed mid-stream (objects half uploaded, no manifest): the backup is not listed at
 * all; the retry under the same id completes, verifies, and the dead attempt's leftovers are gone.
 */
describe('base backup killed mid-stream (SIGKILL), then retried', function () {
  this.timeout(120_000);
  let cluster: PgCluster;
  let s3: S3Server;
  let work: string;
  let bucket: string;
  const masterKey = randomBytes(32);

  before(async () => {
    [cluster, s3] = await Promise.all([startPgCluster({ label: 'killedbackup', walLevel: 'replica' }), startS3Server()]);
    bucket = await s3.createBucket();
    work = mkdtempSync(join(tmpdir(), 'dbarch-killed-'));
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    // Incompressible rows, so the stored object grows as the tar streams.
    await client.query("CREATE TABLE blob AS SELECT g AS id, decode(string_agg(md5(g::text || x::text), ''), 'hex') AS payload FROM generate_series(1, 2000) g, generate_series(1, 64) x GROUP BY g");
    await client.end();
  });
  after(async () => {
    await Promise.all([cluster?.stop(), s3?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  for (const scheme of ['file://', 's3://'] as const) {
    it(`${scheme}: no partial backup is listed; the retry completes and cleans up`, async () => {
      const destination = scheme === 'file://' ? `file://${work}/store/` : `s3://${bucket}/killed/`;
      const request = {
        cluster: 'main',
        connectionUrl: cluster.url,
        destination,
        backupId: 'k1',
        compression: { algorithm: 'zstd' as const, level: 1 },
        chunkSize: 64 * 1024,
        // Slow enough to be killed half way: the cluster is ~45 MB.
        maxRate: '4M',
        masterKeyHex: masterKey.toString('hex'),
        s3: { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      };
      const first = spawnTs('test/backup/runBaseBackup.ts', [JSON.stringify(request)]);
      await first.waitForLine(/^progress ([2-9]\d{6}|\d{8,})$/);
      first.process.kill('SIGKILL');
      expect(await first.exited).to.equal('SIGKILL');

      const store = openObjectStore(destination, request.s3);
      expect(await listBaseBackups(store)).to.deep.equal([]);
      expect(await store.head('k1/backup.json')).to.equal(undefined);

      const second = spawnTs('test/backup/runBaseBackup.ts', [JSON.stringify({ ...request, maxRate: undefined })]);
      const done = await second.waitForLine(/^done /);
      expect(await second.exited).to.equal(0);
      const attempt = done.slice('done '.length);
      const listed = await listBaseBackups(store);
      expect(listed.map((b) => [b.backupId, b.attempt])).to.deep.equal([['k1', attempt]]);
      // Only the winning attempt's object and the manifest remain: the killed attempt left nothing behind.
      expect((await store.list('k1/')).map((o) => o.key).sort()).to.deep.equal(['k1/backup.json', listed[0]!.objects[0]!.key].sort());
      expect(await store.removeIncomplete('k1/')).to.equal(0);
      if (scheme === 'file://') expect(readdirSync(join(work, 'store', 'k1'), { recursive: true }).map(String).filter((n) => n.includes('.dbarch-tmp-'))).to.deep.equal([]);
      await verifyBaseBackup({ destination, backupId: 'k1', keyProvider: localKeyProvider(masterKey), s3: request.s3 }, { signal: new AbortController().signal });
    });
  }
});
