import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { runCli, stackTrace } from '../cli/runCli.ts';
import { spawnTs, type Child } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { uniqueTaskQueue } from '../support/temporal.ts';
import { startTemporalServer, type TemporalServerProcess } from '../support/temporalServer.ts';

const dbarchAttributes = { DbarchEnvironment: 'Keyword', DbarchOperation: 'Keyword', DbarchSpecRevision: 'Keyword', DbarchAwaitingApproval: 'Bool' };

/** The custom search attributes the cluster itself reports, as `{ name: type }` in the Temporal CLI's spelling. */
async function listedAttributes(server: TemporalServerProcess): Promise<Record<string, string>> {
  const connection = await Connection.connect({ address: server.address });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    const cliName = (type: unknown) => ({ 2: 'Keyword', 5: 'Bool' } as Record<number, string>)[Number(type)] ?? `type ${String(type)}`;
    return Object.fromEntries(Object.entries(customAttributes ?? {}).map(([name, type]) => [name, cliName(type)]));
  } finally {
    await connection.close();
  }
}

/** `dbarch worker` on the external cluster, as an operator runs it; resolves once it polls. */
async function startWorker(server: TemporalServerProcess, taskQueue: string): Promise<Child> {
  const worker = spawnTs('bin/dbarch.js', ['worker'], { TEMPORAL_ADDRESS: server.address, DBARCH_TASK_QUEUE: taskQueue, DBARCH_LOG_LEVEL: 'info' });
  await worker.waitForLine(/"msg":"worker started"/, 90_000);
  return worker;
}

async function stopWorker(worker: Child): Promise<void> {
  worker.process.kill('SIGTERM');
  await worker.exited;
}

describe('an external Temporal cluster without dbarch\'s search attributes', function () {
  this.timeout(180_000);
  let server: TemporalServerProcess;
  let db: TestDatabase;
  let spec: string;
  let tag: string;
  const env = () => ({ TEMPORAL_ADDRESS: server.address });

  beforeEach(async () => {
    server = await startTemporalServer();
    db = await freshDatabase('external_temporal');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE TABLE applied (tag text NOT NULL)');
    await client.end();
    tag = randomBytes(4).toString('hex');
    spec = join(mkdtempSync(join(tmpdir(), 'dbarch-spec-')), 'record-apply.yaml');
    writeFileSync(spec, readFileSync(new URL('./specs/record-apply.yaml', import.meta.url), 'utf8').replaceAll('__DB__', db.name).replaceAll('__TAG__', tag));
  });
  afterEach(async () => {
    await server.stop();
    await db.drop();
  });

  async function appliedTags(): Promise<string[]> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<{ tag: string }>('SELECT tag FROM applied')).rows.map((row) => row.tag);
    } finally {
      await client.end();
    }
  }

  it('gets them from `dbarch temporal setup`, which adds only what is missing, and an apply then succeeds', async () => {
    expect(await listedAttributes(server)).to.deep.equal({});

    const setup = await runCli(['temporal', 'setup', '--format', 'json'], env());
    expect(setup.code, setup.output).to.equal(0);
    const first = JSON.parse(setup.output.trim().split('\n').at(-1) ?? '{}') as { added: string[]; present: string[] };
    expect(first.added).to.have.members(Object.keys(dbarchAttributes));
    expect(first.present).to.deep.equal([]);
    expect(await listedAttributes(server)).to.deep.equal(dbarchAttributes);

    const again = await runCli(['temporal', 'setup'], env());
    expect(again.code, again.output).to.equal(0);
    expect(again.output).to.match(/present\s+DbarchEnvironment, DbarchOperation, DbarchSpecRevision, DbarchAwaitingApproval/);
    expect(again.output).not.to.match(/added/);

    const taskQueue = uniqueTaskQueue('external');
    const worker = await startWorker(server, taskQueue);
    try {
      const applied = await runCli(['apply', spec, '--env', 'dev', '--wait'], { ...env(), DBARCH_TASK_QUEUE: taskQueue });
      expect(applied.code, applied.output).to.equal(0);
      expect(await appliedTags()).to.deep.equal([tag]);
    } finally {
      await stopWorker(worker);
    }
  });

  it('gets them from a worker at its start, and an apply then succeeds', async () => {
    const taskQueue = uniqueTaskQueue('external-worker');
    const worker = await startWorker(server, taskQueue);
    try {
      expect(worker.output()).to.match(/"msg":"registered search attributes"/);
      expect(await listedAttributes(server)).to.deep.equal(dbarchAttributes);
      const applied = await runCli(['apply', spec, '--env', 'dev', '--wait'], { ...env(), DBARCH_TASK_QUEUE: taskQueue });
      expect(applied.code, applied.output).to.equal(0);
      expect(await appliedTags()).to.deep.equal([tag]);
    } finally {
      await stopWorker(worker);
    }
  });

  it('refuses an apply with DBA_TEMPORAL_SEARCH_ATTRIBUTES_MISSING when nothing registered them', async () => {
    const applied = await runCli(['apply', spec, '--env', 'dev'], env());
    expect(applied.code, applied.output).to.equal(1);
    expect(applied.output).to.match(/^DBA_TEMPORAL_SEARCH_ATTRIBUTES_MISSING: Temporal namespace "default" lacks dbarch's search attributes DbarchEnvironment \(Keyword\), DbarchOperation \(Keyword\), DbarchSpecRevision \(Keyword\), DbarchAwaitingApproval \(Bool\)/m);
    expect(applied.output).to.include('dbarch temporal setup');
    expect(applied.output).to.include(
      'temporal operator search-attribute create --namespace default --name DbarchEnvironment --type Keyword --name DbarchOperation --type Keyword --name DbarchSpecRevision --type Keyword --name DbarchAwaitingApproval --type Bool',
    );
    expect(applied.output).not.to.include('DBA_INTERNAL');
    expect(applied.output).not.to.match(stackTrace);
    expect(await appliedTags()).to.deep.equal([]);
  });

  it('names what is missing and how to add it when the cluster refuses to add them, from setup and from a worker', async () => {
    // The dev server's SQL visibility has three Bool slots: taken, the cluster refuses a fourth Bool attribute.
    server.cli(['operator', 'search-attribute', 'create', '--namespace', 'default', ...['OtherFlagA', 'OtherFlagB', 'OtherFlagC'].flatMap((name) => ['--name', name, '--type', 'Bool'])]);
    expect(await listedAttributes(server)).to.deep.equal({ OtherFlagA: 'Bool', OtherFlagB: 'Bool', OtherFlagC: 'Bool' });

    const setup = await runCli(['temporal', 'setup'], env());
    expect(setup.code, setup.output).to.equal(1);
    expect(setup.output).to.match(/^DBA_TEMPORAL_SEARCH_ATTRIBUTES_MISSING: Temporal namespace "default" lacks dbarch's search attributes .*DbarchAwaitingApproval \(Bool\): adding them failed \(INVALID_ARGUMENT: /m);
    expect(setup.output).to.include('--name DbarchAwaitingApproval --type Bool');
    expect(await listedAttributes(server)).not.to.have.property('DbarchAwaitingApproval');
    expect(setup.output).not.to.match(stackTrace);

    const worker = spawnTs('bin/dbarch.js', ['worker'], { TEMPORAL_ADDRESS: server.address, DBARCH_TASK_QUEUE: uniqueTaskQueue('refused') });
    expect(await worker.exited, worker.output()).to.equal(1);
    expect(worker.output()).to.match(/^DBA_TEMPORAL_SEARCH_ATTRIBUTES_MISSING: /m);
    expect(worker.output()).not.to.include('DBA_INTERNAL');
  });
});
