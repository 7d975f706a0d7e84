import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, DisableKeyCommand, UpdateAliasCommand } from '@aws-sdk/client-kms';
import type { BaseBackupManifest } from '../../activities/backup/baseBackup/BaseBackupManifest.ts';
import { listBaseBackups } from '../../activities/backup/baseBackup/listBaseBackups.ts';
import { takeBaseBackup } from '../../activities/backup/baseBackup/takeBaseBackup.ts';
import type { KeyProvider } from '../../activities/backup/crypto/KeyProvider.ts';
import { keyProviderFromReference } from '../../activities/backup/crypto/keyProviderFromReference.ts';
import { localKeyProvider } from '../../activities/backup/crypto/localKeyProvider.ts';
import { restoreBaseBackup } from '../../activities/backup/restore/restoreBaseBackup.ts';
import { fileStore } from '../../activities/backup/store/fileStore.ts';
import { decodeWalObject } from '../../activities/backup/wal/WalObjectHeader.ts';
import { fetchWalFile } from '../../activities/backup/wal/fetchWalFile.ts';
import { pushWalFile } from '../../activities/backup/wal/pushWalFile.ts';
import type { WalArchive } from '../../activities/backup/wal/WalArchive.ts';
import { fetchSchemaDump, publishSchemaDump, readPublishedManifest } from '../../activities/backup/schemaDumpStore.ts';
import { rotateBackupKeys } from '../../activities/keys/rotateBackupKeys.ts';
import { postgresUser, startRestoredCluster } from '../backup/startRestoredCluster.ts';
import { expectCode } from '../migrations/expectCode.ts';
import { startLocalKms, type LocalKms } from '../support/localKms.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { ordersFingerprint, type OrdersFingerprint } from '../backup/ordersFingerprint.ts';
import { query } from '../support/postgres.ts';
const walName = '000000010000000000000007';

/**
 * Issue 14's KMS must-shows on the real backup path (file://) with a real local-kms: a base backup and a WAL file
 * whose data keys local-kms wraps restore; after the alias moves to a new key and key rotation re-wraps, they still
 * restore with the old key disabled, and the manifest names the new key; KMS down and a wrong key are coded errors
 * with nothing half-written.
 */
describe('KMS envelope keys: backups wrapped by local-kms, key rotation re-wraps them', function () {
  this.timeout(120_000);
  let kms: LocalKms;
  let cluster: PgCluster;
  let work: string;
  let reference: string;
  let keys: KeyProvider;
  let keyA: string;
  let keyB: string;
  let expected: OrdersFingerprint;
  let wal: WalArchive;
  let walFile: Buffer;
  const signal = new AbortController().signal;
  const owner = postgresUser();
  const destination = () => `file://${work}/base/`;
  const walDestination = () => `file://${work}/wal/`;
  const manifestOf = (id: string) => JSON.parse(readFileSync(join(work, 'base', id, 'backup.json'), 'utf8')) as BaseBackupManifest;
  const rotate = (cutoff = new Date().toISOString()) =>
    rotateBackupKeys({ keyReference: reference, backupDestinations: [destination()], walDestinations: [walDestination()], cutoff });

  async function restoresWithSameData(backupId: string, provider: KeyProvider): Promise<void> {
    const target = join(work, `restored-${backupId}-${randomBytes(3).toString('hex')}`);
    await restoreBaseBackup({ destination: destination(), backupId, targetDir: target, keyProvider: provider, ...(owner ? { owner } : {}) }, { signal });
    const server = await startRestoredCluster(target);
    try {
      expect(await ordersFingerprint(server.url)).to.deep.equal(expected);
    } finally {
      server.stop();
    }
  }

  before(async () => {
    [kms, cluster] = await Promise.all([startLocalKms(), startPgCluster({ label: 'kms', walLevel: 'replica' })]);
    work = mkdtempSync(join(tmpdir(), 'dbarch-kms-'));
    chmodSync(work, 0o755);
    keyA = (await kms.client.send(new CreateKeyCommand({ Description: 'dbarch backups A' }))).KeyMetadata!.Arn!;
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/dbarch-backups', TargetKeyId: keyA }));
    // The reference as backupKeyReference writes it from security_config (key_id, region, endpoint).
    reference = `aws-kms://alias/dbarch-backups?region=${kms.region}&endpoint=${encodeURIComponent(kms.endpoint)}`;
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local', AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local' });
    keys = await keyProviderFromReference(reference);
    await query(cluster.url, 'CREATE TABLE orders (id int PRIMARY KEY, payload text)');
    await query(cluster.url, "INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 5000) g");
    expected = await ordersFingerprint(cluster.url);
    wal = { store: fileStore(walDestination(), join(work, 'wal')), config: { destination: walDestination(), compression: 'gzip' }, keys };
    walFile = Buffer.alloc(16 << 20);
    randomBytes(4096).copy(walFile, 1000);
    writeFileSync(join(work, walName), walFile);
  });
  after(async () => {
    await Promise.all([cluster?.stop(), kms?.close()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('a base backup and a WAL file whose data keys local-kms wraps restore (the manifest names the key ARN)', async () => {
    const manifest = await takeBaseBackup({ cluster: 'main', connectionUrl: cluster.url, destination: destination(), backupId: 'k1', compression: { algorithm: 'zstd' }, keyProvider: keys }, { signal });
    expect(manifest.encryption?.wrappedKey).to.include({ keyId: keyA, algorithm: 'aws-kms' });
    expect(manifestOf('k1').encryption?.wrappedKey.keyId).to.equal(keyA);
    await restoresWithSameData('k1', keys);

    await pushWalFile(wal, join(work, walName));
    expect(decodeWalObject(readFileSync(join(work, 'wal', 'wal', walName)), walName).header.wrappedKey?.keyId).to.equal(keyA);
    await fetchWalFile(wal, walName, join(work, 'fetched-1'));
    expect(readFileSync(join(work, 'fetched-1')).equals(walFile)).to.equal(true);
  });

  it('after the alias moves to a new key, rotation re-wraps manifest and WAL header; they restore with the old key disabled; a second run changes nothing', async () => {
    const before = readFileSync(join(work, 'base', manifestOf('k1').objects[0]!.key));
    keyB = (await kms.client.send(new CreateKeyCommand({ Description: 'dbarch backups B' }))).KeyMetadata!.Arn!;
    await kms.client.send(new UpdateAliasCommand({ AliasName: 'alias/dbarch-backups', TargetKeyId: keyB }));

    const report = await rotate();
    expect(report.keyId).to.equal(keyB);
    expect(report.rewrapped).to.deep.equal({ baseBackups: 1, schemaDumps: 0, walFiles: 1 });
    expect(manifestOf('k1').encryption?.wrappedKey.keyId).to.equal(keyB);
    expect(decodeWalObject(readFileSync(join(work, 'wal', 'wal', walName)), walName).header.wrappedKey?.keyId).to.equal(keyB);
    // The data was not re-encrypted: the backup's object is byte for byte what it was.
    expect(readFileSync(join(work, 'base', manifestOf('k1').objects[0]!.key)).equals(before)).to.equal(true);

    // Key A can no longer decrypt anything: what restores now is under B.
    await kms.client.send(new DisableKeyCommand({ KeyId: keyA }));
    await restoresWithSameData('k1', keys);
    await fetchWalFile(wal, walName, join(work, 'fetched-2'));
    expect(readFileSync(join(work, 'fetched-2')).equals(walFile)).to.equal(true);

    // Resumed with the same cutoff (a retried step), everything is already current.
    const again = await rotate(report.cutoff);
    expect(again.rewrapped).to.deep.equal({ baseBackups: 0, schemaDumps: 0, walFiles: 0 });
    expect(again.skipped).to.equal(2);
  });

  it('a wrong key is a coded error before anything is read: a local master key for a KMS backup, a ciphertext named under another key, a missing alias', async () => {
    await expectCode(restoreBaseBackup({ destination: destination(), backupId: 'k1', targetDir: join(work, 'wrong-1'), keyProvider: localKeyProvider(randomBytes(32)) }, { signal }), 'DBA_BACKUP_KEY_WRONG');
    const wrapped = manifestOf('k1').encryption!.wrappedKey;
    await expectCode(keys.unwrapKey({ ...wrapped, keyId: keyA }), 'DBA_KMS_KEY_UNUSABLE');
    const other = (await kms.client.send(new CreateKeyCommand({ Description: 'unrelated' }))).KeyMetadata!.Arn!;
    await expectCode(keys.unwrapKey({ ...wrapped, keyId: other }), 'DBA_BACKUP_KEY_WRONG');
    const missing = await keyProviderFromReference(`aws-kms://alias/no-such-key?region=${kms.region}&endpoint=${encodeURIComponent(kms.endpoint)}`);
    await expectCode(missing.wrapKey(randomBytes(32)), 'DBA_KMS_KEY_NOT_FOUND');
    await expectCode(keyProviderFromReference('aws-kms://not a key'), 'DBA_KMS_REFERENCE_INVALID');
  });

  it('leaving a local master key: rotation with the previous key re-wraps a locally wrapped WAL file under KMS', async () => {
    const local = randomBytes(32).toString('hex');
    process.env.DBARCH_TEST_OLD_KEY = local;
    const localDestination = `file://${work}/wal-local/`;
    const localArchive: WalArchive = { store: fileStore(localDestination, join(work, 'wal-local')), config: { destination: localDestination, compression: 'gzip' }, keys: localKeyProvider(Buffer.from(local, 'hex')) };
    await pushWalFile(localArchive, join(work, walName));
    const report = await rotateBackupKeys(
      { keyReference: reference, previousKeyReference: '${DBARCH_TEST_OLD_KEY}', backupDestinations: [], walDestinations: [localDestination], cutoff: new Date().toISOString() },
      {},
    ).finally(() => delete process.env.DBARCH_TEST_OLD_KEY);
    expect(report.rewrapped.walFiles).to.equal(1);
    await fetchWalFile({ ...localArchive, keys }, walName, join(work, 'fetched-3'));
    expect(readFileSync(join(work, 'fetched-3')).equals(walFile)).to.equal(true);
  });

  it('KMS down: a base backup fails with DBA_KMS_UNREACHABLE and leaves no manifest; rotation fails the same and leaves the manifest as it was', async () => {
    const manifestBefore = readFileSync(join(work, 'base', 'k1', 'backup.json'));
    await kms.stop();
    try {
      await expectCode(takeBaseBackup({ cluster: 'main', connectionUrl: cluster.url, destination: destination(), backupId: 'k2', compression: { algorithm: 'zstd' }, keyProvider: keys }, { signal }), 'DBA_KMS_UNREACHABLE');
      expect((await listBaseBackups(fileStore(destination(), join(work, 'base')))).map((b) => b.backupId)).to.deep.equal(['k1']);
      expect(await fileStore(destination(), join(work, 'base')).list('k2/')).to.deep.equal([]);
      await expectCode(rotate(), 'DBA_KMS_UNREACHABLE');
      expect(readFileSync(join(work, 'base', 'k1', 'backup.json')).equals(manifestBefore)).to.equal(true);
    } finally {
      await kms.start();
    }
    // Back up, the same backup id goes through.
    const manifest = await takeBaseBackup({ cluster: 'main', connectionUrl: cluster.url, destination: destination(), backupId: 'k2', compression: { algorithm: 'zstd' }, keyProvider: keys }, { signal });
    expect(manifest.encryption?.wrappedKey.keyId).to.equal(keyB);
  });

  it('a rotation stopped between records resumes with the same cutoff and re-wraps only what is left', async () => {
    const keyC = (await kms.client.send(new CreateKeyCommand({ Description: 'dbarch backups C' }))).KeyMetadata!.Arn!;
    await kms.client.send(new UpdateAliasCommand({ AliasName: 'alias/dbarch-backups', TargetKeyId: keyC }));
    const cutoff = new Date().toISOString();
    const request = { keyReference: reference, backupDestinations: [destination()], walDestinations: [walDestination()], cutoff };
    const stop = new AbortController();
    // Stopped (a worker shutting down) once the first record is re-wrapped.
    await rotateBackupKeys(request, { signal: stop.signal, progress: (p) => p.rewrapped === 1 && stop.abort() }).then(
      () => expect.fail('the rotation should have stopped'),
      (error: unknown) => expect((error as Error).name).to.equal('AbortError'),
    );
    expect([manifestOf('k1'), manifestOf('k2')].map((m) => m.encryption?.wrappedKey.keyId)).to.deep.equal([keyC, keyB]);
    const resumed = await rotateBackupKeys(request);
    expect(resumed.rewrapped).to.deep.equal({ baseBackups: 1, schemaDumps: 0, walFiles: 1 });
    expect(resumed.skipped).to.equal(1);
    expect(manifestOf('k2').encryption?.wrappedKey.keyId).to.equal(keyC);
    await restoresWithSameData('k2', keys);
  });

  it('schema dump manifests are re-wrapped too, and the dump still fetches', async () => {
    const local = join(work, 'dump-src');
    mkdirSync(local);
    const dump = randomBytes(100_000);
    writeFileSync(join(local, 's1.dump'), dump);
    const dumpManifest = { formatVersion: 1, backupId: 's1', kind: 'schemas', format: 'custom', database: 'app', schemas: ['public'], dumpFile: 's1.dump', sizeBytes: dump.length, sha256: '', serverVersion: '15', serverVersionNum: 150000, pgDumpVersion: '15', lsn: '0/0', snapshotTime: '', startedAt: '', finishedAt: '' } as const;
    const store = fileStore(destination(), join(work, 'base'));
    await publishSchemaDump(store, local, dumpManifest, reference);
    const keyD = (await kms.client.send(new CreateKeyCommand({ Description: 'dbarch backups D' }))).KeyMetadata!.Arn!;
    await kms.client.send(new UpdateAliasCommand({ AliasName: 'alias/dbarch-backups', TargetKeyId: keyD }));
    expect((await rotate()).rewrapped).to.deep.equal({ baseBackups: 2, schemaDumps: 1, walFiles: 1 });
    expect((await readPublishedManifest(store, 's1'))?.encryption?.wrappedKey.keyId).to.equal(keyD);
    await fetchSchemaDump(store, 's1', join(work, 'dump-fetched'), reference);
    expect(readFileSync(join(work, 'dump-fetched', 's1.dump')).equals(dump)).to.equal(true);
  });
});
