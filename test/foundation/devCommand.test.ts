import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
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

  before(async () => {
    state = mkdtempSync(join(tmpdir(), 'dbarch-dev-'));
    port = await freePort();
    uiPort = await freePort();
    env = { DBARCH_STATE_DIR: state, DBARCH_TEMPORAL_PORT: String(port), DBARCH_TEMPORAL_UI_PORT: String(uiPort), TEMPORAL_ADDRESS: '' };
  });
  after(() => {
    for (const child of children) child.process.kill('SIGKILL');
    rmSync(state, { recursive: true, force: true });
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

  it('brings the stack up, runs the smoke workflow, serves the UI, and keeps history across restarts', async () => {
    const first = dev(['specs/platform.yaml']);
    await first.waitForLine(/dbarch dev is ready/, 150_000);
    const workflowId = /workflow (dev-smoke-\d+)/.exec(first.output())?.[1];
    expect(workflowId, first.output()).to.be.a('string');

    const ui = await fetch(`http://127.0.0.1:${uiPort}/`);
    expect(ui.status).to.equal(200);
    expect(first.output()).to.include(`http://127.0.0.1:${uiPort}/namespaces/default/workflows/${workflowId}`);

    const description = await withClient((client) => client.workflow.getHandle(workflowId!).describe());
    expect(description.status.name).to.equal('COMPLETED');
    expect(description.type).to.equal('smokeWorkflow');

    first.process.kill('SIGINT');
    expect(await first.exited, first.output()).to.equal(0);

    const second = dev(['specs/platform.yaml', '--once']);
    expect(await second.exited, second.output()).to.equal(0);
    expect(second.output()).to.match(/dev-smoke-\d+ completed/);
    // --once stopped the server with the job; a third start reads history back from the same state file.
    const third = dev(['specs/platform.yaml']);
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
