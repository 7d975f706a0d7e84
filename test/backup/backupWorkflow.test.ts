import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { listBaseBackups } from '../../activities/backup/baseBackup/listBaseBackups.ts';
import { openObjectStore } from '../../activities/backup/store/openObjectStore.ts';
import { runningStepProgress } from '../../app/runningStepProgress.ts';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { startS3Server, type S3Server } from '../support/s3Server.ts';
import { sharedTemporal, uniqueTaskQueue } from '../support/temporal.ts';

/**
 * `dbarch backup <spec> --cluster main` end to end: the CLI starts backup:main:<time> on a worker process, which is
 * SIGKILLed mid-stream; a second worker retries the step, the backup completes, is verified by the procedure's
 * second step, and exactly one backup is listed. The spec forks dbarch/base_backup only to cap the read rate (so
 * there is a middle to kill in) and shorten the heartbeat timeout (so the retry comes quickly).
 */
describe('dbarch backup: the workflow, with its worker SIGKILLed mid-backup', function () {
  this.timeout(180_000);
  let cluster: PgCluster;
  let s3: S3Server;
  let work: string;
  const children: Child[] = [];

  before(async () => {
    [cluster, s3] = await Promise.all([startPgCluster({ label: 'backupworkflow', walLevel: 'replica' }), startS3Server()]);
    work = mkdtempSync(join(tmpdir(), 'dbarch-backupwf-'));
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    await client.query("CREATE TABLE blob AS SELECT g AS id, decode(string_agg(md5(g::text || x::text), ''), 'hex') AS payload FROM generate_series(1, 2000) g, generate_series(1, 64) x GROUP BY g");
    await client.end();
  });
  after(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    await Promise.all([cluster?.stop(), s3?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('retries on another worker; one complete, verified backup is listed', async () => {
    const bucket = await s3.createBucket();
    const specPath = join(work, 'platform.yaml');
    writeFileSync(
      specPath,
      `clusters:
  - name: main
    primary: \${TEST_PRIMARY_URL}
    databases: [postgres]
backup_config:
  strategy: scheduled
  cluster: main
  base_backups:
    frequency: daily
    retention: 30d
    destination: \${TEST_BACKUP_DESTINATION}
    compression: zstd
    encryption: aes-256
    encryption_key: \${TEST_BACKUP_KEY}
procedures:
  definitions:
    base_backup:
      description: Base backup, rate-capped for the test
      operation: backup
      steps:
        - id: base_backup
          uses: backup/base_backup
          heartbeat_timeout: 3s
          with:
            cluster: "{{ backup.cluster }}"
            connection: "{{ backup.connection }}"
            destination: "{{ backup.destination }}"
            compression: "{{ backup.compression }}"
            encryption: "{{ backup.encryption }}"
            key_reference: "{{ backup.encryption_key }}"
            max_rate: 6M
        - id: verify
          uses: backup/verify_base_backup
          with:
            destination: "{{ backup.destination }}"
            key_reference: "{{ backup.encryption_key }}"
`,
    );
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('backup-kill');
    const env = {
      ...s3.env(),
      TEMPORAL_ADDRESS: temporal.address,
      DBARCH_TASK_QUEUE: taskQueue,
      TEST_PRIMARY_URL: cluster.url,
      TEST_BACKUP_DESTINATION: `s3://${bucket}/base/`,
      TEST_BACKUP_KEY: randomBytes(32).toString('base64'),
    };
    const startWorker = () => {
      const child = spawnTs('worker.ts', [], env);
      children.push(child);
      return child;
    };
    const first = startWorker();
    await first.waitForLine(/worker started/);
    const cli = spawnTs('bin/dbarch.js', ['backup', specPath, '--cluster', 'main'], env);
    children.push(cli);
    const workflowId = (await cli.waitForLine(/^Backing up cluster main: workflow /)).split(' ')[5]!;
    expect(workflowId).to.match(/^backup:main:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    await eventually(async () => {
      const { pending } = await runningStepProgress(temporal.client, workflowId);
      const tarBytes = (pending[0]?.details as { tarBytes?: number } | undefined)?.tarBytes ?? 0;
      return tarBytes > 4_000_000 ? true : undefined;
    }, 'the backup to stream a few MB', 60_000);
    first.process.kill('SIGKILL');
    expect(await first.exited).to.equal('SIGKILL');
    const store = openObjectStore(env.TEST_BACKUP_DESTINATION, { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
    expect(await listBaseBackups(store), 'nothing listed while the killed attempt is incomplete').to.deep.equal([]);

    startWorker();
    expect(await cli.exited, cli.output()).to.equal(0);
    expect(cli.output()).to.match(/streaming: [\d.]+ MiB .*read/);
    expect(cli.output()).to.match(/backup main-\d{8}T\d{6}Z complete and verified/);
    const result = await temporal.client.workflow.getHandle(workflowId).result() as { phase: string; steps: Record<string, { attempts: number; output?: { backupId?: string } }> };
    expect(result.phase).to.equal('succeeded');
    expect(result.steps.base_backup!.attempts, 'the step was retried after the kill').to.be.greaterThan(1);
    const listed = await listBaseBackups(store);
    expect(listed.map((b) => b.backupId)).to.deep.equal([result.steps.base_backup!.output!.backupId]);
    expect((await store.list(`${listed[0]!.backupId}/`)).map((o) => o.key).sort()).to.deep.equal([`${listed[0]!.backupId}/backup.json`, listed[0]!.objects[0]!.key].sort());
  });
});
