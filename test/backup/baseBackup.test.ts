import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listBaseBackups } from '../../activities/backup/baseBackup/listBaseBackups.ts';
import { takeBaseBackup } from '../../activities/backup/baseBackup/takeBaseBackup.ts';
import { localKeyProvider } from '../../activities/backup/crypto/localKeyProvider.ts';
import { restoreBaseBackup } from '../../activities/backup/restore/restoreBaseBackup.ts';
import type { S3Settings } from '../../activities/backup/store/S3Settings.ts';
import { openObjectStore } from '../../activities/backup/store/openObjectStore.ts';
import { verifyBaseBackup } from '../../activities/backup/verify/verifyBaseBackup.ts';
import { expectCode } from '../migrations/expectCode.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { startS3Server, type S3Server } from '../support/s3Server.ts';
import { postgresUser, startRestoredCluster } from './startRestoredCluster.ts';
import { query } from '../support/postgres.ts';
import { ordersFingerprint, type OrdersFingerprint } from './ordersFingerprint.ts';

describe('base backups: pg_basebackup streamed, zstd, AES-256-GCM, to file:// and s3://; verify; restore', function () {
  this.timeout(120_000);
  let cluster: PgCluster;
  let s3: S3Server;
  let s3Settings: S3Settings;
  let bucket: string;
  let work: string;
  let expected: OrdersFingerprint;
  const signal = new AbortController().signal;
  const master = localKeyProvider(randomBytes(32));
  const owner = postgresUser();

  before(async () => {
    [cluster, s3] = await Promise.all([startPgCluster({ label: 'basebackup', walLevel: 'replica' }), startS3Server()]);
    bucket = await s3.createBucket();
    s3Settings = { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
    work = mkdtempSync(join(tmpdir(), 'dbarch-basebackup-'));
    chmodSync(work, 0o755);
    await query(cluster.url, 'CREATE TABLE orders (id int PRIMARY KEY, payload text)');
    await query(cluster.url, "INSERT INTO orders SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 30000) g");
    expected = await ordersFingerprint(cluster.url);
  });
  after(async () => {
    await Promise.all([cluster?.stop(), s3?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const destinations = () => ({ 'file://': `file://${work}/store/`, 's3://': `s3://${bucket}/base/` });

  for (const scheme of ['file://', 's3://'] as const) {
    it(`${scheme}: backup → list → verify → restore → start gives the same data`, async () => {
      const destination = destinations()[scheme];
      const progress: number[] = [];
      const manifest = await takeBaseBackup(
        { cluster: 'main', connectionUrl: cluster.url, destination, backupId: 'b1', compression: { algorithm: 'zstd' }, keyProvider: master, s3: s3Settings },
        { signal, progress: (p) => progress.push(p.tarBytes) },
      );
      expect(manifest.encryption?.wrappedKey.keyId).to.equal(master.keyId);
      expect(manifest.fileChecksums).to.equal('backup_manifest');
      expect(manifest.startLsn).to.match(/^[0-9A-F]+\/[0-9A-F]+$/);
      expect(manifest.timeline).to.equal(1);
      expect(manifest.totals.storedBytes).to.be.lessThan(manifest.objects[0]!.tarBytes);
      expect(progress.at(-1)).to.equal(manifest.objects[0]!.tarBytes);
      expect(manifest.totals.bytes).to.be.greaterThan(20_000_000);

      const store = openObjectStore(destination, s3Settings);
      expect((await listBaseBackups(store)).map((b) => b.backupId)).to.deep.equal(['b1']);
      // Taking it again under the same id returns the complete one, without a second stream.
      expect((await takeBaseBackup({ cluster: 'main', connectionUrl: cluster.url, destination, backupId: 'b1', compression: { algorithm: 'zstd' }, keyProvider: master, s3: s3Settings }, { signal })).attempt).to.equal(manifest.attempt);

      const report = await verifyBaseBackup({ destination, backupId: 'b1', keyProvider: master, s3: s3Settings }, { signal });
      // Every file of the data directory (and the included WAL) checked against backup_manifest.
      expect(report.files).to.be.greaterThan(900);

      const target = join(work, `restored-${scheme.replace(/\W/g, '')}`);
      const restored = await restoreBaseBackup({ destination, backupId: 'b1', targetDir: target, keyProvider: master, s3: s3Settings, ...(owner ? { owner } : {}) }, { signal });
      expect(restored.files).to.equal(report.files);
      const server = await startRestoredCluster(target);
      try {
        expect(await ordersFingerprint(server.url)).to.deep.equal(expected);
      } finally {
        server.stop();
      }
    });
  }

  it('checks every file against backup_manifest: a changed byte in a file is DBA_BACKUP_CHECKSUM_MISMATCH naming it', async () => {
    // Unencrypted and uncompressed, and the object's SHA-256 in backup.json rewritten to match: only the per-file
    // check is left to notice.
    const destination = `file://${work}/plain/`;
    const manifest = await takeBaseBackup({ cluster: 'main', connectionUrl: cluster.url, destination, backupId: 'p1', compression: { algorithm: 'none' } }, { signal });
    const objectPath = join(work, 'plain', manifest.objects[0]!.key);
    const bytes = readFileSync(objectPath);
    const at = bytes.indexOf(Buffer.from('PG_VERSION'));
    // PG_VERSION's content is "15\n" in the block after its header.
    const content = bytes.indexOf(Buffer.from('15\n'), at + 512 - ((at + 512) % 512));
    bytes[content + 1] = '6'.charCodeAt(0);
    writeFileSync(objectPath, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(work, 'plain', 'p1', 'backup.json'), JSON.stringify({ ...manifest, objects: [{ ...manifest.objects[0]!, sha256 }] }));
    const error = await expectCode(verifyBaseBackup({ destination, backupId: 'p1' }, { signal }), 'DBA_BACKUP_CHECKSUM_MISMATCH');
    expect(error.details.file).to.equal('PG_VERSION');
  });

  describe('refusals (file://, encrypted): each with its code, nothing restored', () => {
    let destination: string;
    let objectPath: string;
    let pristine: Buffer;
    before(async () => {
      destination = `file://${work}/refusals/`;
      const manifest = await takeBaseBackup(
        { cluster: 'main', connectionUrl: cluster.url, destination, backupId: 'r1', compression: { algorithm: 'zstd' }, keyProvider: master, chunkSize: 64 * 1024 },
        { signal },
      );
      objectPath = join(work, 'refusals', manifest.objects[0]!.key);
      pristine = readFileSync(objectPath);
    });
    afterEach(() => writeFileSync(objectPath, pristine));

    const refused = async (code: string, keyProvider = master) => {
      await expectCode(verifyBaseBackup({ destination, backupId: 'r1', keyProvider }, { signal }), code);
      const target = join(work, `refused-${code}`);
      await expectCode(restoreBaseBackup({ destination, backupId: 'r1', targetDir: target, keyProvider }, { signal }), code);
      expect(existsSync(target), 'target directory').to.equal(false);
      expect(readdirSync(work).filter((name) => name.includes('dbarch-partial')), 'staging directories').to.deep.equal([]);
    };

    it('a tampered byte in a chunk: DBA_BACKUP_CHUNK_TAMPERED', async () => {
      const bytes = Buffer.from(pristine);
      const at = Math.floor(bytes.length * 0.6);
      bytes[at] = bytes[at]! ^ 0x40;
      writeFileSync(objectPath, bytes);
      await refused('DBA_BACKUP_CHUNK_TAMPERED');
    });

    it('a truncated object: DBA_BACKUP_TRUNCATED', async () => {
      truncateSync(objectPath, statSync(objectPath).size - 1000);
      await refused('DBA_BACKUP_TRUNCATED');
    });

    it('the wrong master key: DBA_BACKUP_KEY_WRONG', async () => {
      await refused('DBA_BACKUP_KEY_WRONG', localKeyProvider(randomBytes(32)));
    });

    it('a restore never writes into a non-empty directory: DBA_BACKUP_RESTORE_TARGET', async () => {
      const target = join(work, 'occupied');
      rmSync(target, { recursive: true, force: true });
      mkdirSync(target);
      writeFileSync(join(target, 'PG_VERSION'), '15\n');
      await expectCode(restoreBaseBackup({ destination, backupId: 'r1', targetDir: target, keyProvider: master }, { signal }), 'DBA_BACKUP_RESTORE_TARGET');
      expect(readdirSync(target)).to.deep.equal(['PG_VERSION']);
    });
  });
});
