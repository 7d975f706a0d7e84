import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTs } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { sharedTemporal, uniqueTaskQueue } from '../support/temporal.ts';
import { query } from '../support/postgres.ts';

/** Runs `dbarch <args>` against the test's cluster; resolves with the exit code and stdout/stderr. */
async function dbarch(args: string[], env: Record<string, string>): Promise<{ code: number | string; output: string }> {
  const child = spawnTs('bin/dbarch.js', args, { DBARCH_LOG_LEVEL: 'error', ...env });
  const code = await child.exited;
  return { code, output: child.output() };
}

describe('dbarch cdc: bad input is a coded error with nothing made; drop-slot --approve drops in an unprotected environment', function () {
  this.timeout(90_000);
  let cluster: PgCluster;
  let dir: string;
  let env: Record<string, string>;
  const spec = (tables: string) => {
    const path = join(dir, `spec-${Math.random().toString(36).slice(2, 8)}.yaml`);
    writeFileSync(path, `queue_config:\n  provider: rabbitmq\n  exchanges:\n    - name: cdc.events\n      type: topic\ncdc_config:\n  connector: pgoutput\n  database: shop\n  tables: [${tables}]\n  publish_to: rabbitmq\n  slot_name: cli_slot\n  publication: cli_pub\n`);
    return path;
  };

  before(async () => {
    cluster = await startPgCluster({ label: 'cdccli', walLevel: 'logical' });
    const url = await cluster.createDatabase('shop');
    await query(url, 'CREATE TABLE users (id int PRIMARY KEY, name text)');
    dir = mkdtempSync(join(tmpdir(), 'dbarch-cdc-cli-'));
    // The CLI prepares against DATABASE_URL with the spec's database; the workflow goes to a task queue no worker polls.
    const temporal = await sharedTemporal();
    env = { DATABASE_URL: cluster.url, TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: uniqueTaskQueue('cdc-cli') };
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await cluster?.stop();
  });

  it('start with a table that does not exist: exit 1, DBA_CDC_TABLE_MISSING, no slot, no publication', async () => {
    const { code, output } = await dbarch(['cdc', 'start', spec('users, no_such'), '--format', 'json'], env);
    expect(code).to.equal(1);
    expect((JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { error: { code: string; message: string } }).error).to.deep.include({ code: 'DBA_CDC_TABLE_MISSING' });
    const url = cluster.urlFor('shop');
    expect(await query(url, `SELECT 1 FROM pg_replication_slots WHERE slot_name = 'cli_slot'`)).to.deep.equal([]);
    expect(await query(url, `SELECT 1 FROM pg_publication WHERE pubname = 'cli_pub'`)).to.deep.equal([]);
  });

  it('a slot name in use by someone else: exit 1, DBA_CDC_SLOT_FOREIGN, their slot untouched and not dropped', async () => {
    const url = cluster.urlFor('shop');
    await query(url, `SELECT pg_create_logical_replication_slot('cli_slot', 'test_decoding')`);
    const started = await dbarch(['cdc', 'start', spec('users'), '--format', 'json'], env);
    expect(started.code).to.equal(1);
    expect(started.output).to.contain('"code":"DBA_CDC_SLOT_FOREIGN"');
    const dropped = await dbarch(['cdc', 'drop-slot', spec('users'), '--approve', '--format', 'json'], env);
    expect(dropped.code).to.equal(1);
    expect(dropped.output).to.contain('"code":"DBA_CDC_SLOT_FOREIGN"');
    expect(await query<{ plugin: string }>(url, `SELECT plugin FROM pg_replication_slots WHERE slot_name = 'cli_slot'`)).to.deep.equal([{ plugin: 'test_decoding' }]);
    await query(url, `SELECT pg_drop_replication_slot('cli_slot')`);
  });

  it('status shows the slot and its lag; drop-slot without --approve starts the gated procedure, with it the slot and publication go', async () => {
    const path = spec('users');
    const started = await dbarch(['cdc', 'start', path, '--format', 'json'], env);
    expect(started.code, started.output).to.equal(0);
    const result = JSON.parse(started.output.trim().split('\n').at(-1) ?? '{}') as { workflowId: string; alreadyRunning: boolean; prepared: { createdSlot: boolean } };
    expect(result).to.deep.include({ workflowId: 'cdc:shop', alreadyRunning: false, prepared: result.prepared });
    expect(result.prepared.createdSlot).to.equal(true);
    // No worker polls the queue: end the workflow, the slot stays.
    await (await sharedTemporal()).client.workflow.getHandle('cdc:shop').terminate('test');
    const url = cluster.urlFor('shop');
    expect(await query(url, `SELECT slot_name FROM pg_replication_slots WHERE slot_name = 'cli_slot'`)).to.have.length(1);
    await query(url, `INSERT INTO users SELECT g, 'u' FROM generate_series(1, 1000) g`);
    const status = await dbarch(['cdc', 'status', path, '--format', 'json'], env);
    expect(status.code, status.output).to.equal(0);
    const report = JSON.parse(status.output.trim().split('\n').at(-1) ?? '{}') as { workflow: string; slot: { exists: boolean; active: boolean; lagBytes: number } };
    expect(report.workflow).to.equal('TERMINATED');
    expect(report.slot).to.include({ exists: true, active: false });
    expect(report.slot.lagBytes, 'the unpublished inserts').to.be.greaterThan(0);
    // Without --approve the drop waits at the gate of dbarch/cdc_drop_slot (test/cdc/cdcDropSlotGate.test.ts): here
    // no worker runs it, so it is started, not dropped.
    const gated = await dbarch(['cdc', 'drop-slot', path, '--gate-wait', '0', '--format', 'json'], env);
    expect(gated.code, gated.output).to.equal(0);
    const gatedRun = JSON.parse(gated.output.trim().split('\n').at(-1) ?? '{}') as { workflowId: string; environment: string; protected: boolean };
    expect(gatedRun).to.include({ environment: 'default', protected: false });
    expect(gatedRun.workflowId).to.match(/^cdc_drop_slot:default:shop:cli_slot:/);
    await (await sharedTemporal()).client.workflow.getHandle(gatedRun.workflowId).terminate('test');
    expect(await query(url, `SELECT 1 FROM pg_replication_slots WHERE slot_name = 'cli_slot'`)).to.have.length(1);
    const approved = await dbarch(['cdc', 'drop-slot', path, '--approve', '--format', 'json'], env);
    expect(approved.code, approved.output).to.equal(0);
    expect(await query(url, `SELECT 1 FROM pg_replication_slots WHERE slot_name = 'cli_slot'`)).to.deep.equal([]);
    expect(await query(url, `SELECT 1 FROM pg_publication WHERE pubname = 'cli_pub'`)).to.deep.equal([]);
    const missing = await dbarch(['cdc', 'status', path], env);
    expect(missing.code).to.equal(1);
    expect(missing.output).to.contain('slot cli_slot: missing');
  });

  it('an unknown action is a usage error (exit 2)', async () => {
    expect((await dbarch(['cdc', 'frob', 'x'], env)).code).to.equal(2);
  });
});
