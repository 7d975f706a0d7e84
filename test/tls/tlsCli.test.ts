import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { rotateClusterTls, type TlsRotation } from '../../activities/tls/rotateClusterTls.ts';
import { applyTlsRotationSchedule, planTlsRotation } from '../../app/startTlsRotation.ts';
import { tlsTargetOfSpec } from '../../app/tlsTargetOfSpec.ts';
import { eventually, spawnTs } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { tlsFixture, type TlsFixture } from './tlsFixture.ts';

interface Run { code: number | string; output: string; json: Record<string, unknown> | undefined }

describe('dbarch tls (CLI), cluster up with TLS, validate, and the tls-rotate Schedule on a worker', function () {
  this.timeout(180_000);
  let f: TlsFixture;
  let db: TestDatabase;
  let scheduleId: string | undefined;
  const dbarch = async (...args: string[]): Promise<Run> => {
    const child = spawnTs('bin/dbarch.js', args, { DATABASE_URL: db.url, DBARCH_LOG_LEVEL: 'warn' });
    const code = await child.exited;
    const output = child.output();
    const line = output.split('\n').find((l) => l.startsWith('{') && l.endsWith('}'));
    return { code, output, json: line === undefined ? undefined : (JSON.parse(line) as Record<string, unknown>) };
  };

  before(async () => {
    f = await tlsFixture();
    db = await freshDatabase('tls_cli');
  });
  after(async () => {
    if (scheduleId) await (await sharedTemporal()).client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    await f?.cleanup();
    await db?.drop();
  });

  it('validate refuses a cipher suite TLS 1.3 does not have, with its code and place', async () => {
    const bad = path.join(f.dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(f.specFile, 'utf8').replace('cipher_suites: [TLS_AES_256_GCM_SHA384]', 'cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]'));
    const run = await dbarch('validate', bad, '--format', 'json');
    expect(run.code, run.output).to.equal(1);
    expect(run.output).to.include('DBA_SPEC_CIPHER_SUITE').and.include('/security_config/encryption/in_transit/cipher_suites/0');
  });

  it('cluster up starts the members with TLS on; tls status, rotate --force and client-cert; a spec without a CA is DBA_TLS_NOT_CONFIGURED', async () => {
    const up = await dbarch('cluster', 'up', f.specFile, '--cluster', 'ha', '--format', 'json');
    expect(up.code, up.output).to.equal(0);
    const status = await dbarch('tls', 'status', f.specFile, '--cluster', 'ha', '--format', 'json');
    expect(status.code, status.output).to.equal(0);
    const members = status.json?.members as { member: string; certificate: { due: boolean }; served: { current: boolean; protocol: string; cipher: string } }[];
    expect(members.map((m) => [m.member, m.certificate.due, m.served.current, m.served.protocol, m.served.cipher])).to.deep.equal([
      ['ha1', false, true, 'TLSv1.3', 'TLS_AES_256_GCM_SHA384'],
      ['ha2', false, true, 'TLSv1.3', 'TLS_AES_256_GCM_SHA384'],
    ]);
    const rotate = await dbarch('tls', 'rotate', f.specFile, '--cluster', 'ha', '--force', '--format', 'json');
    expect(rotate.code, rotate.output).to.equal(0);
    expect((rotate.json?.members as { action: string; reloaded: boolean }[]).map((m) => [m.action, m.reloaded])).to.deep.equal([['issued', true], ['issued', true]]);

    const out = path.join(f.dir, 'client');
    const issued = await dbarch('tls', 'client-cert', f.specFile, '--cluster', 'ha', '--role', 'orders_service', '--out', out, '--format', 'json');
    expect(issued.code, issued.output).to.equal(0);
    const primary = f.cluster.members[0]!;
    const admin = new pg.Client({ host: primary.host, port: primary.port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    await admin.query('CREATE ROLE orders_service LOGIN');
    await admin.end();
    const ssl = { ca: readFileSync(path.join(out, 'ca.crt'), 'utf8'), cert: readFileSync(path.join(out, 'orders_service.crt'), 'utf8'), key: readFileSync(path.join(out, 'orders_service.key'), 'utf8') };
    const client = new pg.Client({ host: primary.host, port: primary.port, user: 'orders_service', database: 'postgres', ssl });
    await client.connect();
    expect((await client.query<{ dn: string }>('SELECT client_dn AS dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0]?.dn).to.equal('/CN=orders_service');
    await client.end();

    const plain = path.join(f.dir, 'plain.yaml');
    writeFileSync(plain, readFileSync(f.specFile, 'utf8').replace(/\n {6}internal_ca: .*\n/, '\n'));
    const refused = await tlsTargetOfSpec([plain], 'ha').then(() => undefined, (error: { code: string }) => error.code);
    expect(refused).to.equal('DBA_TLS_NOT_CONFIGURED');
  });

  it('the Schedule tls-rotate:<env> runs dbarch/tls_rotate on a worker: due certificates reissued and reloaded, then nothing', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('tls-rotate');
    const plan = await planTlsRotation([f.specFile]);
    const created = await applyTlsRotationSchedule(temporal.client, plan, taskQueue);
    scheduleId = created.scheduleId;
    expect(created).to.include({ scheduleId: 'tls-rotate:default', action: 'created', cron: '17 3 * * *' });
    // Certificates issued 91 days ago: the next run finds them due.
    await rotateClusterTls(f.cluster, f.tls, { force: true, now: new Date(Date.now() - 91 * 86_400_000) });
    const handle = temporal.client.schedule.getHandle(created.scheduleId);
    const runs = async (count: number) => eventually(async () => {
      const recent = (await handle.describe()).info.recentActions;
      return recent.length >= count ? recent : undefined;
    }, `run ${count} of the schedule`);
    type Result = { phase: string; steps: Record<string, { output?: { clusters: TlsRotation[] } }> };
    await withWorker({ taskQueue }, async () => {
      await handle.trigger();
      const first = (await runs(1))[0]!.action.workflow.workflowId;
      expect(first).to.match(/^tls-rotate:default-/);
      const result = (await temporal.client.workflow.getHandle(first).result()) as Result;
      expect(result.phase).to.equal('succeeded');
      expect(result.steps.rotate?.output?.clusters[0]?.members.map((m) => [m.reason, m.reloaded])).to.deep.equal([['due', true], ['due', true]]);
      await handle.trigger();
      const second = (await runs(2))[1]!.action.workflow.workflowId;
      const again = (await temporal.client.workflow.getHandle(second).result()) as Result;
      expect(again.steps.rotate?.output?.clusters[0]?.members.map((m) => [m.action, m.reloaded])).to.deep.equal([['kept', false], ['kept', false]]);
    });
  });
});
