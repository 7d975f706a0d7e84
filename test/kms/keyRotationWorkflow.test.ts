import { expect } from 'chai';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, UpdateAliasCommand } from '@aws-sdk/client-kms';
import type { BaseBackupManifest } from '../../activities/backup/baseBackup/BaseBackupManifest.ts';
import { takeBaseBackup } from '../../activities/backup/baseBackup/takeBaseBackup.ts';
import { keyProviderFromReference } from '../../activities/backup/crypto/keyProviderFromReference.ts';
import type { RewrapReport } from '../../activities/keys/rewrapStoredKeys.ts';
import { applyKeyRotationSchedule } from '../../app/applyKeyRotationSchedule.ts';
import { planKeyRotation } from '../../app/startKeyRotation.ts';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { backupKeyReference } from '../../compiler/sections/backup_config/backupKeyReference.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { runCli } from '../cli/runCli.ts';
import { eventually } from '../support/childProcess.ts';
import { startLocalKms, type LocalKms } from '../support/localKms.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';

/**
 * key_rotation from the spec: security_config's aws_kms key (endpoint an env reference resolved on the worker)
 * wraps the backups; `dbarch keys rotate` runs dbarch/key_rotation on a worker and re-wraps under the key the alias
 * names now; the Schedule key-rotation:<cluster> every at_rest.key_rotation runs the same when triggered.
 */
describe('key rotation as a workflow: dbarch keys rotate and the key-rotation Schedule', function () {
  this.timeout(120_000);
  let kms: LocalKms;
  let cluster: PgCluster;
  let work: string;
  let specPath: string;
  let keyB: string;
  let scheduleId: string | undefined;
  const name = `kr${Date.now().toString(36)}`;
  const manifest = () => JSON.parse(readFileSync(join(work, 'base', 'r1', 'backup.json'), 'utf8')) as BaseBackupManifest;
  const spec = (keyId: string) => `clusters:
  - { name: ${name}, primary: "${cluster.url}", databases: [postgres] }
backup_config:
  strategy: scheduled
  base_backups: { frequency: daily, retention: 30d, destination: "file://${work}/base/", encryption: aes-256 }
security_config:
  encryption:
    at_rest: { enabled: true, provider: aws_kms, key_id: "${keyId}", region: ${kms.region}, endpoint: "\${KMS_TEST_ENDPOINT}", key_rotation: 90d }
`;

  before(async () => {
    [kms, cluster] = await Promise.all([startLocalKms(), startPgCluster({ label: 'keyrotation', walLevel: 'replica' })]);
    work = mkdtempSync(join(tmpdir(), 'dbarch-keyrotation-'));
    chmodSync(work, 0o755);
    // The worker (in this process) and the CLI resolve the endpoint reference from their environment.
    Object.assign(process.env, { KMS_TEST_ENDPOINT: kms.endpoint, AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local', AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local' });
    const keyA = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/dbarch-backups', TargetKeyId: keyA }));
    specPath = join(work, 'platform.yaml');
    writeFileSync(specPath, spec('alias/dbarch-backups'));
  });
  after(async () => {
    if (scheduleId) await (await sharedTemporal()).client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    await Promise.all([cluster?.stop(), kms?.close()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the spec\'s at_rest key is the backups\' key reference; a key_id that is no KMS key is DBA_KMS_REFERENCE_INVALID at its path', async () => {
    const compiled = await compileSpec([specPath]);
    expect(compiled.valid).to.equal(true);
    expect(backupKeyReference(compiled.spec!)).to.equal(`aws-kms://alias/dbarch-backups?region=${kms.region}&endpoint=%24%7BKMS_TEST_ENDPOINT%7D`);
    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, spec('not a key'));
    const refused = await compileSpec([bad]);
    expect(refused.errors.map((e) => [e.code, e.path])).to.deep.include(['DBA_KMS_REFERENCE_INVALID', '/security_config/encryption/at_rest/key_id']);
  });

  it('dbarch keys rotate re-wraps on a worker under the key the alias names now; the Schedule every 90d runs the same', async () => {
    const planned = await planKeyRotation([specPath]);
    const keys = await keyProviderFromReference(backupKeyReference((await compileSpec([specPath])).spec!)!);
    await takeBaseBackup({ cluster: name, connectionUrl: cluster.url, destination: `file://${work}/base/`, backupId: 'r1', compression: { algorithm: 'lz4' }, keyProvider: keys }, { signal: new AbortController().signal });
    keyB = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    await kms.client.send(new UpdateAliasCommand({ AliasName: 'alias/dbarch-backups', TargetKeyId: keyB }));

    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('key-rotation');
    await withWorker({ taskQueue }, async () => {
      const run = await runCli(['keys', 'rotate', specPath, '--format', 'json'], { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue });
      expect(run.code, run.output).to.equal(0);
      const out = JSON.parse(run.output.trim().split('\n').at(-1) ?? '{}') as { workflowId: string; result: { ok: boolean; result: InterpreterResult } };
      expect(out.workflowId).to.match(new RegExp(`^key-rotation:${name}:`));
      const report = out.result.result.steps.rewrap?.output as RewrapReport;
      expect(report).to.deep.include({ keyId: keyB, rewrapped: { baseBackups: 1, schemaDumps: 0, walFiles: 0 } });
      expect(manifest().encryption?.wrappedKey.keyId).to.equal(keyB);
      const firstWrap = manifest().encryption!.wrappedKey.wrappedAt!;

      const applied = await applyKeyRotationSchedule(temporal.client, [specPath], taskQueue);
      scheduleId = applied?.scheduleId;
      expect(applied).to.include({ scheduleId: `key-rotation:${name}`, cron: '@every 2160h', action: 'created' });
      expect(Date.parse(applied!.nextRuns[0]!) - Date.now()).to.be.within(0, 90 * 86_400_000);
      const handle = temporal.client.schedule.getHandle(`key-rotation:${name}`);
      await handle.trigger();
      const runs = await eventually(async () => {
        const recent = (await handle.describe()).info.recentActions;
        return recent.length > 0 ? recent : undefined;
      }, 'the triggered rotation to start');
      const result = (await temporal.client.workflow.getHandle(runs[0]!.action.workflow.workflowId).result()) as InterpreterResult;
      expect(result.phase).to.equal('succeeded');
      // A KMS key has versions under one ARN: each period re-wraps under the newest, so the scheduled run re-wraps again.
      expect((result.steps.rewrap?.output as RewrapReport).rewrapped.baseBackups).to.equal(1);
      expect(manifest().encryption!.wrappedKey.wrappedAt! > firstWrap).to.equal(true);
    });
    expect(planned.every).to.equal('90d');
  });
});
