import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listBaseBackups } from '../../activities/backup/baseBackup/listBaseBackups.ts';
import { localKeyProvider } from '../../activities/backup/crypto/localKeyProvider.ts';
import { masterKeyFromReference } from '../../activities/backup/crypto/masterKeyFromReference.ts';
import { openObjectStore } from '../../activities/backup/store/openObjectStore.ts';
import { verifyBaseBackup } from '../../activities/backup/verify/verifyBaseBackup.ts';
import { configureWalArchiving } from '../../activities/backup/wal/configureWalArchiving.ts';
import { awaitPlanRun } from '../../app/awaitPlanRun.ts';
import { pitrSettingsOfSpec } from '../../app/pitrSettingsOfSpec.ts';
import { planBaseBackup, startBaseBackup } from '../../app/startBaseBackup.ts';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { writeSpecFiles } from '../compiler/writeSpecFiles.ts';
import { repoRoot } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { query } from '../support/postgres.ts';
import { startS3Server, type S3Server } from '../support/s3Server.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';

/**
 * Issue 10's last must-show: the seed's backup_config block (specs/examples/10-backup_config.yaml), with its two S3
 * destinations replaced by env references to buckets of a local S3 server, runs as written: a zstd + AES-256 base
 * backup on a worker, verified; WAL archived by `dbarch wal-push` with gzip, encrypted, into the WAL bucket.
 */
describe("the seed's backup_config block, destinations as env references, runs as written", function () {
  this.timeout(180_000);
  let s3: S3Server;
  let cluster: PgCluster;
  let specPath: string;
  let backups: string;
  let wal: string;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    s3 = await startS3Server();
    const [backupBucket, walBucket] = [await s3.createBucket(), await s3.createBucket()];
    backups = `s3://${backupBucket}/database/`;
    wal = `s3://${walBucket}/`;
    // The worker's and the postmaster's environment (archive_command inherits it): S3, the key, the destinations.
    const env = { ...s3.env(), DBARCH_BACKUP_KEY: randomBytes(32).toString('base64'), SEED_BACKUP_DESTINATION: backups, SEED_WAL_DESTINATION: wal };
    for (const [key, value] of Object.entries(env)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    cluster = await startPgCluster({ label: 'seed-backup', walLevel: 'replica', settings: { archive_mode: 'on' } });
    const seed = readFileSync(join(repoRoot, 'specs/examples/10-backup_config.yaml'), 'utf8');
    expect(seed).to.include('s3://backups/database/').and.include('s3://wal-archive/');
    const yaml = seed.replace('s3://backups/database/', '${SEED_BACKUP_DESTINATION}').replace('s3://wal-archive/', '${SEED_WAL_DESTINATION}');
    specPath = join(writeSpecFiles({ 'spec.yaml': `${yaml}\nclusters:\n  - { name: seed, primary: "${cluster.url}", databases: [postgres] }\n` }), 'spec.yaml');
  });
  after(async () => {
    await cluster?.stop();
    await s3?.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('validates, takes a zstd + AES-256 base backup through dbarch/base_backup, verifies it, and archives WAL with gzip', async () => {
    const compiled = await compileSpec([specPath]);
    expect(compiled.errors, JSON.stringify(compiled.errors)).to.deep.equal([]);

    const settings = await pitrSettingsOfSpec([specPath], undefined);
    expect(settings).to.include({ cluster: 'seed', keyReference: '${DBARCH_BACKUP_KEY}' });
    expect(settings.wal.compression).to.equal('gzip');
    const resolved = resolveEnvReferences(settings.wal.destination, process.env);
    if (!resolved.ok) throw new Error(resolved.message);
    await configureWalArchiving(cluster.url, { ...settings.wal, destination: resolved.value, s3Endpoint: s3.endpoint });

    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('seed-backup');
    const planned = await planBaseBackup([specPath], 'seed');
    await withWorker({ taskQueue }, async () => {
      const started = await startBaseBackup(temporal.client, planned, taskQueue);
      const outcome = await awaitPlanRun(temporal.client, started.workflowId);
      if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
    });
    const listed = await listBaseBackups(openObjectStore(backups));
    expect(listed).to.have.length(1);
    expect(listed[0]!.compression.algorithm).to.equal('zstd');
    expect(listed[0]!.encryption?.algorithm).to.equal('aes-256-gcm-chunked');
    const keyProvider = localKeyProvider(await masterKeyFromReference('${DBARCH_BACKUP_KEY}'));
    await verifyBaseBackup({ destination: backups, backupId: listed[0]!.backupId, keyProvider }, { signal: new AbortController().signal });

    await query(cluster.url, 'CREATE TABLE seed_rows AS SELECT generate_series(1, 1000) AS id');
    const [switched] = await query<{ name: string }>(cluster.url, 'SELECT pg_walfile_name(pg_switch_wal()) AS name');
    const walBucket = new URL(wal).host;
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(s3.rootDir, walBucket, 'wal', switched!.name))) {
      if (Date.now() > deadline) throw new Error(`segment ${switched!.name} not archived:\n${cluster.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [archiver] = await query<{ failed: number }>(cluster.url, 'SELECT failed_count::int AS failed FROM pg_stat_archiver');
    expect(archiver!.failed).to.equal(0);
  });
});
