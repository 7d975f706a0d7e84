import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import type { InterpreterStatus } from '../../workflows/interpreter/InterpreterTypes.ts';
import { spawnTs, type Child } from '../support/childProcess.ts';
import { freePort } from '../support/freePort.ts';

/** The README's first command, as a new user runs it: `dbarch dev` on the example spec. */
describe('dbarch dev', function () {
  this.timeout(180_000);
  const children: Child[] = [];
  let state: string;
  let env: Record<string, string>;
  let port: number;
  let uiPort: number;
  let apiPort: number;
  let exporterPort: number;
  let spec: string;
  const tag = randomBytes(4).toString('hex');
  const databases = ['dev', 'staging', 'prod'].map((env) => `dbarch_${env}_${tag}`);

  before(async () => {
    state = mkdtempSync(join(tmpdir(), 'dbarch-dev-'));
    // The example spec with its own database names, so the test never touches dbarch_dev/_staging/_prod.
    spec = join(state, 'platform.yaml');
    writeFileSync(spec, readFileSync('specs/platform.yaml', 'utf8').replace(/\bdbarch_(dev|staging|prod)\b/g, `dbarch_$1_${tag}`));
    cpSync('specs/migrations', join(state, 'migrations'), { recursive: true });
    port = await freePort();
    uiPort = await freePort();
    apiPort = await freePort();
    exporterPort = await freePort();
    env = { DBARCH_STATE_DIR: state, DBARCH_TEMPORAL_PORT: String(port), DBARCH_TEMPORAL_UI_PORT: String(uiPort), DBARCH_API_PORT: String(apiPort), DBARCH_EXPORTER_PORT: String(exporterPort), TEMPORAL_ADDRESS: '' };
  });
  after(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    rmSync(state, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: serviceUrls().postgres });
    await admin.connect();
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  function dev(args: string[], extraEnv: Record<string, string> = {}): Child {
    const child = spawnTs('bin/dbarch.js', ['dev', ...args], { ...env, ...extraEnv });
    children.push(child);
    return child;
  }

  async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    try {
      return await fn(new Client({ connection }));
    } finally {
      await connection.close();
    }
  }

  it('brings the stack up, runs the smoke check and the pipelines (production waits for an approval given as the UI does), and keeps history across restarts', async () => {
    const first = dev([spec]);
    await first.waitForLine(/dbarch dev is ready/, 170_000);
    const output = first.output();
    const workflowId = /workflow (dev-smoke-\d+)/.exec(output)?.[1];
    expect(workflowId, output).to.be.a('string');
    expect(output).to.include(`database ${databases[0]} for development created`);
    expect(output).to.match(/pipelines: development, staging completed; production awaiting approval/);

    const ui = await fetch(`http://127.0.0.1:${uiPort}/`);
    expect(ui.status).to.equal(200);
    // Beside the worker: the status page and the exporter, on the ports asked for.
    const page = await fetch(`http://127.0.0.1:${apiPort}/`);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include('<h1>dbarch status</h1>');
    const metrics = await fetch(`http://127.0.0.1:${exporterPort}/metrics`);
    expect(metrics.status).to.equal(200);
    expect(await metrics.text()).to.include('dbarch_pg_up');
    expect(output).to.include(`http://127.0.0.1:${uiPort}/namespaces/default/workflows/${workflowId}`);
    const prodId = /dbarch approve (migrate:production:\S+) --as dba/.exec(output)?.[1];
    expect(prodId, output).to.be.a('string');
    expect(output).to.include('update name: approve, input: {"identity":"dba","planHash":"');

    await withClient(async (client) => {
      const description = await client.workflow.getHandle(workflowId!).describe();
      expect(description.status.name).to.equal('COMPLETED');
      expect(description.type).to.equal('smokeWorkflow');
      const ids: string[] = [];
      for await (const execution of client.workflow.list({ query: `WorkflowType = 'planInterpreterWorkflow' AND ExecutionStatus = 'Completed'` })) ids.push(execution.workflowId);
      expect(ids.filter((id) => id.startsWith('migrate:development:') || id.startsWith('migrate:staging:'))).to.have.length(2);

      // What a person types into the UI's "Send Update" form: name `approve`, the JSON printed above.
      const prod = client.workflow.getHandle(prodId!);
      const status = await prod.query<InterpreterStatus>('status');
      expect(status.awaitingApproval).to.equal(true);
      const json = JSON.parse(/input: (\{.*\})/.exec(output)?.[1] ?? '{}') as object;
      await prod.executeUpdate('approve', { args: [json] });
      await prod.result();
    });
    const prodDb = new pg.Client({ connectionString: serviceUrls().postgres.replace(/\/[^/]*$/, `/${databases[2]}`) });
    await prodDb.connect();
    const { rows } = await prodDb.query<{ n: string }>(`SELECT count(*) AS n FROM dbarch_history.schema_history WHERE type = 'versioned' AND success`);
    await prodDb.end();
    expect(Number(rows[0]?.n)).to.equal(3);

    first.process.kill('SIGINT');
    expect(await first.exited, first.output()).to.equal(0);

    const second = dev([spec, '--once']);
    expect(await second.exited, second.output()).to.equal(0);
    expect(second.output()).to.match(/dev-smoke-\d+ completed/);
    expect(second.output()).to.match(/pipelines: development, staging, production completed/);
    // --once stopped the server with the job; a third start reads history back from the same state file.
    const third = dev([spec]);
    await third.waitForLine(/dbarch dev is ready/, 150_000);
    const ids = await withClient(async (client) => {
      const found: string[] = [];
      for await (const execution of client.workflow.list({ query: `WorkflowType = 'smokeWorkflow'` })) found.push(execution.workflowId);
      return found;
    });
    expect(ids, 'history from before the restarts is still there').to.include(workflowId);
    expect(ids.length, 'one smoke run per start').to.be.at.least(3);
    third.process.kill('SIGTERM');
    expect(await third.exited).to.equal(0);
  });

  it('with --once exits 0 once development and staging completed and production is awaiting approval', async () => {
    const other = join(state, 'once.yaml');
    const onceTag = randomBytes(4).toString('hex');
    writeFileSync(other, readFileSync(spec, 'utf8').replaceAll(`_${tag}`, `_${onceTag}`));
    databases.push(...['dev', 'staging', 'prod'].map((env) => `dbarch_${env}_${onceTag}`));
    const child = dev([other, '--once']);
    expect(await child.exited, child.output()).to.equal(0);
    expect(child.output()).to.match(/pipelines: development, staging completed; production awaiting approval/);
    expect(child.output()).to.include('--once: not waiting for the approval of production');
  });

  it('names a service that does not answer, with the URL tried and how to start it, and exits 1', async () => {
    const child = dev(['specs/platform.yaml'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(await child.exited).to.equal(1);
    const output = child.output();
    expect(output).to.include('DBA_SERVICE_UNREACHABLE: redis at redis://127.0.0.1:1');
    expect(output).to.include('redis-server --daemonize yes');
    expect(output).to.include('REDIS_URL');
    expect(output, 'no stack trace for a user-side problem').to.not.match(/\n\s+at /);
  });

  it('refuses an invalid spec with compiler-style errors before starting anything (exit 1)', async () => {
    const spec = join(state, 'bad.yaml');
    writeFileSync(spec, 'gateway_config:\n  database_routing:\n    - service: a\n      database: b\n      connection_pool: {min: 5, max: 2}\n');
    const child = dev([spec]);
    expect(await child.exited).to.equal(1);
    expect(child.output()).to.include(`${spec}:5:30 error DBA_SPEC_POOL_BOUNDS`);
    expect(child.output()).to.not.include('Starting the embedded Temporal server');
  });

  it('refuses an unknown flag with a usage error (exit 2)', async () => {
    const child = dev(['--bogus']);
    expect(await child.exited).to.equal(2);
    expect(child.output()).to.include('DBA_USAGE');
  });
});
