import { expect } from 'chai';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import pg from 'pg';
import type { AuditEvent } from '../../activities/audit/AuditEvent.ts';
import { hecAuditTarget } from '../../activities/audit/hecAuditTarget.ts';
import { provisionCluster } from '../../activities/cluster/provisionCluster.ts';
import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import { managedClusterOfSpec } from '../../app/managedClusterOfSpec.ts';
import { specAuditInput } from '../../app/specAuditInput.ts';
import { auditWorkflowId, startAudit } from '../../app/startAudit.ts';
import type { ManagedCluster } from '../../activities/cluster/ManagedCluster.ts';
import { auditStatusQuery, type AuditStatus } from '../../workflows/auditWorkflow.ts';
import { haFixture, type HaFixture } from '../cluster/haCluster.ts';
import { recordHistory } from '../runtime/runtimeFixture.ts';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { startS3Server, type S3Server } from '../support/s3Server.ts';
import { sharedTemporal, uniqueTaskQueue } from '../support/temporal.ts';
import { testLogFile } from '../support/testLogFile.ts';
import { startVictoriaLogs, type VictoriaLogs } from '../support/victoriaLogs.ts';

/**
 * The audit trail end to end on a managed cluster that `cluster up` configured with pgaudit and jsonlog: the
 * collector workflow audit:<cluster> on a worker process, versitygw as S3, VictoriaLogs as the Splunk HEC.
 */
describe('audit trails: pgaudit → collector → S3 and Splunk HEC', function () {
  this.timeout(180_000);
  let ha: HaFixture;
  let cluster: ManagedCluster;
  let s3: S3Server;
  let bucket: string;
  let hec: VictoriaLogs;
  let stateDir: string;
  let taskQueue: string;
  const workers: Child[] = [];
  const allWorkers: Child[] = [];
  const hecToken = 'audit-test-token';

  const workerEnv = () => ({
    DBARCH_TASK_QUEUE: taskQueue,
    DBARCH_STATE_DIR: stateDir,
    AUDIT_HEC_URL: `${hec.endpoint}/insert/splunk`,
    AUDIT_HEC_TOKEN: hecToken,
    AUDIT_S3: `s3://${bucket}/trail/`,
    ...s3.env(),
  });
  async function startWorker(): Promise<Child> {
    const temporal = await sharedTemporal();
    const child = spawnTs('worker.ts', [], { TEMPORAL_ADDRESS: temporal.address, ...workerEnv() });
    workers.push(child);
    allWorkers.push(child);
    await child.waitForLine(/worker started/);
    return child;
  }
  const primaryUrl = () => memberUrl(cluster.members[0]!, 'postgres');
  async function sql(text: string, user = 'postgres'): Promise<void> {
    const client = new pg.Client({ connectionString: primaryUrl().replace('postgres@', `${user}@`) });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  }

  /** Every event in the bucket (the objects below trail/audit/YYYY/MM/DD/ha/), with the keys they came in. */
  async function s3Events(): Promise<{ keys: string[]; events: AuditEvent[] }> {
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'trail/audit/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!).sort();
    const bodies = await Promise.all(keys.map(async (key) => (await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString()));
    const events = bodies.flatMap((body) => body.split('\n').filter((l) => l !== '').map((line) => JSON.parse(line) as AuditEvent));
    return { keys, events };
  }
  const hecEvents = () => hec.query('sourcetype:"dbarch:audit"', 100_000);
  const status = async (): Promise<AuditStatus> => (await sharedTemporal()).client.workflow.getHandle(auditWorkflowId('ha')).query(auditStatusQuery);
  /** Statements that mention `marker` among the events. */
  const withMarker = (statements: (string | null | undefined)[], marker: string) => statements.filter((s) => s?.includes(marker) === true).length;

  before(async () => {
    [s3, hec] = await Promise.all([startS3Server(), startVictoriaLogs()]);
    bucket = await s3.createBucket();
    stateDir = mkdtempSync(path.join(tmpdir(), 'dbarch-audit-'));
    taskQueue = uniqueTaskQueue('audit');
    ha = await haFixture({
      members: 1,
      mode: 'async',
      extra: () =>
        [
          'security_config:',
          '  audit_logging:',
          '    enabled: true',
          '    log_targets: [splunk, s3]',
          '    events: [DDL_COMMANDS, PRIVILEGE_CHANGES, FAILED_LOGINS, DATA_EXPORT]',
          '    s3: { destination: "${AUDIT_S3}" }',
          '    splunk: { url: "${AUDIT_HEC_URL}", token: "${AUDIT_HEC_TOKEN}", index: postgres_audit }',
        ].join('\n'),
    });
    cluster = (await managedClusterOfSpec([ha.specFile], 'ha')).cluster;
    await Promise.all([provisionCluster(cluster, { checkTimeoutMs: 1000 }), startWorker()]);
  });
  after(async () => {
    // The workers' own logs, for whoever reads a failure.
    for (const w of allWorkers) appendFileSync(testLogFile(), w.output());
    for (const w of workers) w.process.kill('SIGKILL');
    const temporal = await sharedTemporal();
    await temporal.client.workflow.getHandle(auditWorkflowId('ha')).terminate('test over').catch(() => undefined);
    await ha?.cleanup();
    await Promise.all([s3?.stop(), hec?.stop()]);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('sends HEC batches as Splunk expects: POST /services/collector/event, Authorization: Splunk <token>, event objects with epoch time', async () => {
    const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body });
        res.writeHead(received.length === 1 ? 503 : 200, { 'content-type': 'application/json' }).end(received.length === 1 ? '{"text":"Server is busy","code":9}' : '{"text":"Success","code":0}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const target = hecAuditTarget({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, token: 't0k', index: 'idx' });
      const event = { id: 'm1/a.json:0', class: 'ddl', time: '2026-12-02T03:00:00.250Z', cluster: 'c', member: 'm1' } as AuditEvent;
      const batch = { seq: 0, cluster: 'c', member: 'm1', file: 'a.json', offset: 0, events: [event, { ...event, id: 'm1/a.json:9' }] };
      const refused = await target.send(batch, new AbortController().signal).then(() => 'sent', (error: { code?: string }) => error.code);
      expect(refused, 'a 503 is a failed delivery').to.equal('DBA_AUDIT_TARGET_FAILED');
      await target.send(batch, new AbortController().signal);
      const last = received[1]!;
      expect(last.url).to.equal('/services/collector/event');
      expect(last.headers.authorization).to.equal('Splunk t0k');
      const objects = last.body.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(objects.map((o) => (o.fields as { audit_id: string }).audit_id)).to.deep.equal(['m1/a.json:0', 'm1/a.json:9']);
      expect(objects[0]).to.include({ time: Date.parse('2026-12-02T03:00:00.250Z') / 1000, host: 'm1', sourcetype: 'dbarch:audit', index: 'idx' });
    } finally {
      server.close();
    }
  });

  it('ships DDL, a privilege change, a failed login and a COPY export from the managed cluster to S3 (dated objects) and HEC', async () => {
    const settings = new pg.Client({ connectionString: primaryUrl() });
    await settings.connect();
    const loaded = (await settings.query<{ preload: string; destination: string }>("SELECT current_setting('shared_preload_libraries') AS preload, current_setting('log_destination') AS destination")).rows[0];
    await settings.end();
    expect(loaded).to.deep.equal({ preload: 'pgaudit', destination: 'jsonlog' });

    const input = await specAuditInput([ha.specFile], 'ha');
    expect(input.classes).to.deep.equal(['data_export', 'ddl', 'failed_login', 'privilege_change']);
    expect(input.hec?.token, 'the token stays a reference until the worker').to.equal('${AUDIT_HEC_TOKEN}');
    const temporal = await sharedTemporal();
    await startAudit(temporal.client, { ...input, runForMs: 2000, heartbeatTimeoutMs: 2000, pollIntervalMs: 100, retryInitialMs: 200, retryMaxMs: 1000 }, taskQueue);
    // dbarch audit attaches to the running collector (checked below, while the events are made).
    const cli = spawnTs('bin/dbarch.js', ['audit', ha.specFile, '--cluster', 'ha', '--format', 'json'], { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue });

    await sql('CREATE TABLE audit_orders_m1 (id int, note text)');
    await sql("INSERT INTO audit_orders_m1 VALUES (1, 'a, \"quoted\" note')");
    await sql('CREATE ROLE audit_reader_m1');
    await sql('GRANT SELECT ON audit_orders_m1 TO audit_reader_m1');
    await sql('SELECT * FROM audit_orders_m1'); // a plain read: not an export, not shipped
    await sql('COPY audit_orders_m1 TO STDOUT');
    const failed = await sql('SELECT 1', 'nobody_m1').then(() => 'connected', (error: { code?: string }) => error.code);
    expect(failed).to.equal('28000');
    expect(await cli.exited).to.equal(0);
    expect(JSON.parse(cli.output().trim().split('\n').at(-1)!)).to.include({ workflowId: 'audit:ha', alreadyRunning: true });

    const wanted = (events: { class?: string; statement?: string | null; user?: string | null }[]) => ({
      ddl: events.filter((e) => e.class === 'ddl' && e.statement?.includes('audit_orders_m1')).length,
      privilege_change: events.filter((e) => e.class === 'privilege_change' && e.statement?.includes('audit_reader_m1')).length,
      failed_login: events.filter((e) => e.class === 'failed_login' && e.user === 'nobody_m1').length,
      data_export: events.filter((e) => e.class === 'data_export' && e.statement?.includes('audit_orders_m1')).length,
    });
    const all = { ddl: 1, privilege_change: 2, failed_login: 1, data_export: 1 };
    const inS3 = await eventually(async () => {
      const found = await s3Events();
      return JSON.stringify(wanted(found.events)) === JSON.stringify(all) ? found : undefined;
    }, 'the four classes in S3');
    const today = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
    expect(inS3.keys.every((key) => key.startsWith(`trail/audit/${today}/ha/ha1-audit-`) && key.endsWith('.ndjson')), inS3.keys.join(', ')).to.equal(true);
    expect(inS3.events.filter((e) => e.statement?.startsWith('SELECT * FROM audit_orders_m1') === true), 'plain reads are not exports').to.have.length(0);
    expect(inS3.events.find((e) => e.class === 'failed_login')).to.include({ sqlstate: '28000', database: 'postgres' });

    await eventually(async () => {
      const events = (await hecEvents()).map((r) => ({ class: r['event.class'], statement: r['event.statement'], user: r['event.user'] }));
      return JSON.stringify(wanted(events)) === JSON.stringify(all) ? true : undefined;
    }, 'the four classes at HEC');
    const counted = await eventually(async () => {
      const s = await status();
      return (s.progress?.targets.hec?.shippedEvents ?? 0) >= 5 ? s : undefined;
    }, 'the counters in the status query');
    expect(counted.phase).to.equal('collecting');
    expect(counted.progress?.events.ddl).to.be.at.least(1);
    const cliStatus = spawnTs('bin/dbarch.js', ['audit', '--cluster', 'ha', '--status', '--format', 'json'], { TEMPORAL_ADDRESS: temporal.address });
    expect(await cliStatus.exited, cliStatus.output()).to.equal(0);
    const printed = JSON.parse(cliStatus.output().trim().split('\n').at(-1)!) as AuditStatus & { workflowId: string };
    expect(printed.workflowId).to.equal('audit:ha');
    expect(printed.progress?.targets.s3?.shippedEvents).to.be.at.least(5);
  });

  it('keeps events for a HEC that is down in its spool and delivers them when it is back; S3 goes on meanwhile; nothing lost or doubled', async () => {
    await hec.down();
    for (let i = 0; i < 5; i++) await sql(`CREATE TABLE audit_down_${i} ()`);
    await eventually(async () => (withMarker((await s3Events()).events.map((e) => e.statement), 'audit_down_') === 5 ? true : undefined), 'S3 receiving while HEC is down');
    const spooled = await eventually(async () => {
      const s = await status();
      const target = s.progress?.targets.hec;
      return target !== undefined && target.failures > 0 && target.spooledBatches > 0 ? target : undefined;
    }, 'HEC failures and a spool in the status');
    expect(spooled.lastError).to.be.a('string');
    await hec.up();
    await eventually(async () => (withMarker((await hecEvents()).map((r) => r['event.statement']), 'audit_down_') === 5 ? true : undefined), 'the spooled events at HEC');
    const after = await eventually(async () => ((await status()).progress?.targets.hec?.spooledBatches === 0 ? (await status()).progress : undefined), 'an empty HEC spool');
    expect(after?.targets.hec?.lastError).to.equal(null);
  });

  it('resumes after its worker is SIGKILLed while shipping: nothing lost, every event once in S3, at HEC only the batch in flight at the kill twice', async () => {
    // The replacement polls already, so the retry after the heartbeat timeout lands at once.
    const replacement = startWorker();
    const writer = (async () => {
      for (let i = 0; i < 100; i++) {
        await sql(`CREATE TABLE audit_kill_${i} ()`);
        // A new log file midway: the collector moves on to it once the old one is read to its end.
        if (i === 60) await sql('SELECT pg_rotate_logfile()');
      }
    })();
    await eventually(async () => (withMarker((await s3Events()).events.map((e) => e.statement), 'audit_kill_') >= 20 ? true : undefined), 'shipping under way', 60_000);
    workers.shift()?.process.kill('SIGKILL');
    await Promise.all([writer, replacement]);
    await eventually(async () => (withMarker((await s3Events()).events.map((e) => e.statement), 'audit_kill_') >= 100 ? true : undefined), 'all 100 in S3', 60_000);
    await eventually(async () => (withMarker((await hecEvents()).map((r) => r['event.statement']), 'audit_kill_') >= 100 ? true : undefined), 'all 100 at HEC', 60_000);
    const s3Ids = (await s3Events()).events.map((e) => e.id);
    expect(s3Ids.length, 'no duplicate in S3').to.equal(new Set(s3Ids).size);
    // HEC cannot write idempotently: a batch whose POST was in flight at the kill is sent again, whole, once.
    const hecRecords = await hecEvents();
    const seen = new Map<string, number>();
    for (const r of hecRecords) seen.set(r['fields.audit_id']!, (seen.get(r['fields.audit_id']!) ?? 0) + 1);
    const twice = hecRecords.filter((r) => seen.get(r['fields.audit_id']!) !== 1);
    expect([...seen.values()].every((n) => n <= 2), 'no event more than twice at HEC').to.equal(true);
    expect(new Set(twice.map((r) => r['fields.audit_batch'])).size, 'duplicates at HEC come from one batch at most').to.be.at.most(1);
    expect(new Set(hecRecords.map((r) => r['fields.audit_id'])), 'every S3 event at HEC').to.deep.equal(new Set(s3Ids));
    expect(new Set(s3Ids.map((id) => id.split(':')[0])).size, 'events from both log files').to.be.at.least(2);
    // The counters live in the collector's state file with its positions, so the kill did not lose them either.
    const counters = await eventually(async () => {
      const progress = (await status()).progress;
      return (progress?.targets.hec?.shippedEvents ?? 0) >= 106 ? progress : undefined;
    }, 'the counters after the kill', 60_000);
    expect(counters?.events.ddl).to.be.at.least(106);
    const handle = (await sharedTemporal()).client.workflow.getHandle(auditWorkflowId('ha'));
    await handle.cancel();
    expect(((await handle.result()) as AuditStatus).phase, 'cancelling stops the collector').to.equal('stopped');
    await recordHistory(handle, 'audit-collector-killed-then-cancelled');
  });

  it('refuses a spec whose audit targets lack their settings or are not shipped (DBA_AUDIT_INPUT), before anything starts', async () => {
    const variant = async (audit: string) => {
      const fx = await haFixture({ members: 1, mode: 'async', extra: () => `security_config:\n  audit_logging:\n${audit}` });
      try {
        return await specAuditInput([fx.specFile], 'ha').then(() => 'accepted', (error: { code?: string; message: string }) => `${error.code}: ${error.message}`);
      } finally {
        await fx.cleanup();
      }
    };
    const events = '    events: [DDL_COMMANDS]\n';
    expect(await variant(`    enabled: true\n    log_targets: [splunk]\n${events}`)).to.match(/^DBA_AUDIT_INPUT: .*splunk/);
    expect(await variant(`    enabled: true\n    log_targets: [s3, elasticsearch]\n${events}    s3: { destination: "s3://audit-bucket/" }\n`)).to.match(/^DBA_AUDIT_INPUT: .*elasticsearch/);
    expect(await variant(`    enabled: false\n    log_targets: [s3]\n${events}`)).to.match(/^DBA_AUDIT_INPUT: .*does not enable/);
  });

  it('refuses to provision an audited cluster where pgaudit is not installed (DBA_AUDIT_PGAUDIT_MISSING), creating nothing', async () => {
    const fx = await haFixture({ members: 1, mode: 'async' });
    try {
      const saved = process.env.DBARCH_PG_BINDIR;
      process.env.DBARCH_PG_BINDIR = path.join(fx.dir, 'no-postgres', 'bin');
      // The check runs before provisionCluster's first await, so the variable is back before anything else reads it.
      const provisioning = provisionCluster({ ...fx.cluster, audit: { classes: ['ddl'] } });
      if (saved === undefined) delete process.env.DBARCH_PG_BINDIR;
      else process.env.DBARCH_PG_BINDIR = saved;
      expect(await provisioning.then(() => 'provisioned', (error: { code?: string }) => error.code)).to.equal('DBA_AUDIT_PGAUDIT_MISSING');
      expect(existsSync(path.join(fx.dir, 'data')), 'no member directory was made').to.equal(false);
    } finally {
      await fx.cleanup();
    }
  });
});
