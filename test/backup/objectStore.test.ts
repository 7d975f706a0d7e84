import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ObjectStore } from '../../activities/backup/store/ObjectStore.ts';
import { openObjectStore } from '../../activities/backup/store/openObjectStore.ts';
import { expectCode } from '../migrations/expectCode.ts';
import { startS3Server, type S3Server } from '../support/s3Server.ts';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The same contract on both stores: what the engines above rely on, whichever destination the spec names. */
describe('backup object stores (file:// and s3:// on versitygw)', function () {
  this.timeout(60_000);
  let s3: S3Server;
  let dir: string;
  const stores: Record<string, () => ObjectStore> = {};

  before(async () => {
    s3 = await startS3Server();
    const bucket = await s3.createBucket();
    dir = mkdtempSync(join(tmpdir(), 'dbarch-store-'));
    stores['file://'] = () => openObjectStore(`file://${dir}/backups/`);
    stores['s3://'] = () =>
      openObjectStore(`s3://${bucket}/backups/`, { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
  });
  after(async () => {
    await s3?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const scheme of ['file://', 's3://']) {
    describe(scheme, () => {
      it('streams a multi-part object up and reads it back whole and by range', async () => {
        const store = stores[scheme]!();
        // 40 MiB in 1 MiB pieces: more than two S3 parts, so the multipart path is the one tested.
        const piece = (i: number) => Buffer.alloc(1 << 20, i % 251);
        const expected = Buffer.concat(Array.from({ length: 40 }, (_, i) => piece(i)));
        let progress = 0;
        const info = await store.put('b1/data.bin', Readable.from((function* () { for (let i = 0; i < 40; i++) yield piece(i); })()), {
          onProgress: (n) => (progress = n),
        });
        expect(info.size).to.equal(expected.length);
        expect(progress).to.be.greaterThan(0);
        expect((await readAll(await store.get('b1/data.bin'))).equals(expected)).to.equal(true);
        const range = await store.getBytes('b1/data.bin', { range: { start: (5 << 20) + 3, end: (6 << 20) + 10 } });
        expect(range.equals(expected.subarray((5 << 20) + 3, (6 << 20) + 10))).to.equal(true);
        expect((await store.head('b1/data.bin'))?.size).to.equal(expected.length);
      });

      it('puts if absent exactly once and leaves the first object as it was', async () => {
        const store = stores[scheme]!();
        await store.put('b2/backup.json', '{"first":true}', { ifAbsent: true });
        await expectCode(store.put('b2/backup.json', '{"second":true}', { ifAbsent: true }), 'DBA_BACKUP_OBJECT_EXISTS');
        const racing = await Promise.allSettled([1, 2, 3].map((n) => store.put('b2/race.json', `{"n":${n}}`, { ifAbsent: true })));
        expect(racing.filter((r) => r.status === 'fulfilled')).to.have.length(1);
        expect((await store.getBytes('b2/backup.json')).toString()).to.equal('{"first":true}');
      });

      it('lists by prefix, sorted, and deletes idempotently; a missing object is named', async () => {
        const store = stores[scheme]!();
        for (const key of ['l/b/2', 'l/a/1', 'l/a/3', 'lx/9']) await store.put(key, key);
        expect((await store.list('l/')).map((o) => o.key)).to.deep.equal(['l/a/1', 'l/a/3', 'l/b/2']);
        expect((await store.list('l/a')).map((o) => o.key)).to.deep.equal(['l/a/1', 'l/a/3']);
        await store.delete('l/a/1');
        await store.delete('l/a/1');
        expect(await store.head('l/a/1')).to.equal(undefined);
        await expectCode(store.get('l/a/1'), 'DBA_BACKUP_OBJECT_MISSING');
        await expectCode(store.getBytes('nothing/here'), 'DBA_BACKUP_OBJECT_MISSING');
      });

      it('keeps nothing under the key when the source stream fails half way', async () => {
        const store = stores[scheme]!();
        const failing = new Readable({ read() {} });
        failing.push(Buffer.alloc(20 << 20, 1));
        setImmediate(() => failing.destroy(new Error('source died')));
        let failed = false;
        await store.put('b3/partial.bin', failing).catch(() => (failed = true));
        expect(failed).to.equal(true);
        expect(await store.head('b3/partial.bin')).to.equal(undefined);
        expect((await store.list('b3/')).map((o) => o.key)).to.deep.equal([]);
        if (scheme === 'file://') {
          // Nor a temporary file beside it, from this or any earlier write.
          const names = readdirSync(join(dir, 'backups'), { recursive: true }).map(String);
          expect(names.filter((n) => n.includes('.dbarch-tmp-'))).to.deep.equal([]);
        }
      });
    });
  }

  it('refuses keys that leave the destination, wrong credentials and unsupported schemes', async () => {
    const store = stores['file://']!();
    await expectCode(store.put('../escape', 'x'), 'DBA_BACKUP_ID_INVALID');
    const bad = openObjectStore('s3://nosuch-bucket-x/p/', { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: 'wrong' });
    await expectCode(bad.put('k', 'x'), 'DBA_BACKUP_STORE_DENIED');
    expect(() => openObjectStore('gs://bucket/x/')).to.throw().with.property('code', 'DBA_BACKUP_DESTINATION_UNSUPPORTED');
  });
});
