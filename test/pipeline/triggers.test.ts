import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiServer } from '../../api/createApiServer.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { eventually, spawnTs } from '../support/childProcess.ts';
import { sharedTemporal, testLog, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { appliedCounts, pipelineFixtures, pipelineSpec, type PipelineSpec } from './pipelineFixture.ts';

/** An empty git repository on branch main, and a runner for git commands in it. */
function newGitRepo(): { repo: string; sh: (...args: string[]) => string } {
  const repo = mkdtempSync(join(tmpdir(), 'dbarch-git-'));
  const sh = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
  sh('init', '-q', '-b', 'main');
  sh('config', 'user.email', 'test@example.com');
  sh('config', 'user.name', 'test');
  return { repo, sh };
}

describe('pipeline triggers: git and the HTTP API', function () {
  this.timeout(240_000);
  const specs: PipelineSpec[] = [];
  after(async () => {
    for (const spec of specs) await spec.drop();
  });

  it('git-trigger: two commits touching migrations start two pipelines (sha in the id); running it again starts none', async () => {
    const spec = await pipelineSpec('good', { production: { require_approval: true } });
    specs.push(spec);
    const { repo, sh } = newGitRepo();
    cpSync(spec.path, join(repo, 'spec.yaml'));
    mkdirSync(join(repo, 'migrations'));
    cpSync(join(pipelineFixtures, 'migrations/good/V1__create_items.sql'), join(repo, 'migrations/V1__create_items.sql'));
    sh('add', '.');
    sh('commit', '-q', '-m', 'V1');
    const first = sh('rev-parse', 'HEAD');
    cpSync(join(pipelineFixtures, 'migrations/good/V2__create_orders.sql'), join(repo, 'migrations/V2__create_orders.sql'));
    sh('add', '.');
    sh('commit', '-q', '-m', 'V2');
    const second = sh('rev-parse', 'HEAD');
    writeFileSync(join(repo, 'README.md'), 'not a migration\n');
    sh('add', '.');
    sh('commit', '-q', '-m', 'docs');

    const temporal = await sharedTemporal();
    const env = { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: uniqueTaskQueue('git'), DBARCH_STATE_DIR: mkdtempSync(join(tmpdir(), 'dbarch-git-state-')) };
    const args = ['git-trigger', '--repo', repo, '--branch', 'main', '--spec', 'spec.yaml', '--env', 'production', '--once'];
    const run1 = spawnTs('bin/dbarch.js', args, env);
    expect(await run1.exited, run1.output()).to.equal(0);
    const lines = run1.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { sha: string; workflowId: string; started: boolean });
    expect(lines.map((l) => [l.sha, l.started])).to.deep.equal([[first, true], [second, true]]);
    expect(lines.map((l) => l.workflowId)).to.deep.equal([`migrate:production:git-${first.slice(0, 12)}`, `migrate:production:git-${second.slice(0, 12)}`]);

    const run2 = spawnTs('bin/dbarch.js', args, env);
    expect(await run2.exited, run2.output()).to.equal(0);
    expect(run2.output().split('\n').filter((l) => l.startsWith('{'))).to.deep.equal([]);
    for (const line of lines) {
      const description = await temporal.client.workflow.getHandle(line.workflowId).describe();
      expect(description.status.name).to.equal('RUNNING');
      await temporal.client.workflow.getHandle(line.workflowId).terminate('test done');
    }
  });

  it('git-trigger --interval keeps going: an invalid spec at the tip is logged and retried; a commit that cannot be planned is marked failed and the next one starts', async () => {
    const spec = await pipelineSpec('good', { production: { require_approval: true } });
    specs.push(spec);
    const { repo, sh } = newGitRepo();
    writeFileSync(join(repo, 'spec.yaml'), 'apiVersion: dbarch/v1\ndeployment_config: 42\n');
    mkdirSync(join(repo, 'migrations'));
    cpSync(join(pipelineFixtures, 'migrations/good/V1__create_items.sql'), join(repo, 'migrations/V1__create_items.sql'));
    sh('add', '.');
    sh('commit', '-q', '-m', 'V1 with a broken spec');
    const broken = sh('rev-parse', 'HEAD');

    const temporal = await sharedTemporal();
    const env = { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: uniqueTaskQueue('git-keep'), DBARCH_STATE_DIR: mkdtempSync(join(tmpdir(), 'dbarch-git-state-')) };
    const watcher = spawnTs('bin/dbarch.js', ['git-trigger', '--repo', repo, '--branch', 'main', '--spec', 'spec.yaml', '--env', 'production', '--interval', '1s'], env);
    try {
      await watcher.waitForLine(/^DBA_SPEC_\w+: /, 60_000);
      // Still polling after the error: a second poll reports it again.
      await eventually(() => Promise.resolve((watcher.output().match(/this poll failed; the cursor did not move/g) ?? []).length >= 2 ? true : undefined), 'a second poll', 30_000);
      // (The spec diagnostics print `  at /deployment_config`: a stack line names a file position.)
      expect(watcher.output()).to.not.match(/\n\s+at .*:\d+:\d+/);
      expect(watcher.output()).to.not.include('DBA_INTERNAL');

      cpSync(spec.path, join(repo, 'spec.yaml'));
      cpSync(join(pipelineFixtures, 'migrations/good/V2__create_orders.sql'), join(repo, 'migrations/V2__create_orders.sql'));
      sh('add', '.');
      sh('commit', '-q', '-m', 'V2 and the spec fixed');
      const fixed = sh('rev-parse', 'HEAD');
      await watcher.waitForLine(new RegExp(`"sha":"${fixed}"`), 60_000);
      const lines = watcher.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { sha: string; workflowId?: string; started: boolean; error?: { code: string } });
      expect(lines.map((l) => [l.sha, l.started])).to.deep.equal([[broken, false], [fixed, true]]);
      expect(lines[0]?.error?.code).to.match(/^DBA_SPEC_/);
      expect(lines[1]?.workflowId).to.equal(`migrate:production:git-${fixed.slice(0, 12)}`);
      expect(await Promise.race([watcher.exited, new Promise((done) => setTimeout(() => done('running'), 3_000))])).to.equal('running');
      await temporal.client.workflow.getHandle(lines[1]!.workflowId!).terminate('test done');
    } finally {
      watcher.process.kill('SIGKILL');
    }
  });

  it('HTTP API: a gated run that fails lint before its gate answers with the failure, not 202 awaiting_approval', async () => {
    const spec = await pipelineSpec('good', { production: { require_approval: true } });
    specs.push(spec);
    writeFileSync(join(spec.migrations, 'V3__broken.sql'), 'CREAT TABLE broken (id int);\n');
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('api-lint');
    const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog));
    const server = createApiServer({ client: temporal.client, specPath: spec.path, taskQueue, registry, token: 's3cret-token', logger: testLog });
    const origin = await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      await withWorker({ taskQueue }, async () => {
        const answer = await fetch(`${origin}/api/v1/migrations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret-token' },
          body: JSON.stringify({ environment: 'production' }),
        });
        const body = (await answer.json()) as { status: string; error?: { code: string; message: string } };
        expect(answer.status, JSON.stringify(body)).to.equal(422);
        expect(body.status).to.equal('failed');
        expect(body.error?.code).to.equal('DBA_STEP_FAILED');
        expect(body.error?.message).to.match(/^step lint failed .*DBA_PIPELINE_LINT_FAILED/);
      });
    } finally {
      await server.close();
    }
  });

  it('HTTP API: 401 without or with a wrong token; a dry run; a real run answering the seed\'s fields', async () => {
    const spec = await pipelineSpec('good', { staging: {} });
    specs.push(spec);
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('api');
    const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog));
    const server = createApiServer({ client: temporal.client, specPath: spec.path, taskQueue, registry, token: 's3cret-token', logger: testLog });
    const base = `${await server.listen({ port: 0, host: '127.0.0.1' })}/api/v1`;
    const post = (body: unknown, token?: string) =>
      fetch(`${base}/migrations`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    try {
      expect((await fetch(`${base}/health`)).status).to.equal(200);
      const none = await post({ environment: 'staging' });
      expect(none.status).to.equal(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).to.equal('DBA_API_UNAUTHORISED');
      expect((await post({ environment: 'staging' }, 'wrong')).status).to.equal(401);
      const bad = await post({ environment: 'staging', migration_files: ['V9__nope.sql'] }, 's3cret-token');
      expect(bad.status).to.equal(400);
      expect(((await bad.json()) as { error: { code: string; hint: string } }).error).to.include({ code: 'DBA_API_BAD_REQUEST' });

      const dry = await post({ environment: 'staging', dry_run: true, migration_files: ['V1__create_items.sql', 'V2__create_orders.sql'] }, 's3cret-token');
      expect(dry.status).to.equal(200);
      const dryBody = (await dry.json()) as { status: string; applied_migrations: number; pending_migrations: number; migrations: { file: string; sql: string }[] };
      expect(dryBody).to.include({ status: 'dry_run', applied_migrations: 0, pending_migrations: 2 });
      expect(dryBody.migrations[1]?.sql).to.include('CREATE TABLE orders');
      expect(await appliedCounts(spec.url('staging')).catch(() => ({}))).to.deep.equal({});

      await withWorker({ taskQueue }, async () => {
        const real = await post({ environment: 'staging', dry_run: false }, 's3cret-token');
        const body = (await real.json()) as Record<string, unknown>;
        expect(real.status, JSON.stringify(body)).to.equal(200);
        expect(body).to.include({ status: 'success', applied_migrations: 2 });
        expect(body.migration_id).to.match(/^migrate:staging:/);
        expect(body.execution_time_ms).to.be.a('number');
      });
      expect(await appliedCounts(spec.url('staging'))).to.deep.equal({ '1': 1, '2': 1 });
    } finally {
      await server.close();
    }
  });
});
