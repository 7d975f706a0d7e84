import { expect } from 'chai';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { isDbarchError } from '../../errors/DbarchError.ts';
import { planSpec } from '../../plan/planSpec.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { definePlugin } from '../../plugins/definePlugin.ts';
import { loadPlugins, type PluginEntry } from '../../plugins/loadPlugins.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import type { PluginRegistry } from '../../plugins/PluginRegistry.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { sharedTemporal, testLog, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { sideEffectsDatabase, writeSpec } from './runtimeFixture.ts';

const fixtures = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));

/** A directory where `dbarch-plugin-greeter` is an installed package, as `npm install` would leave it. */
function installedGreeter(): string {
  const root = mkdtempSync(join(tmpdir(), 'dbarch-plugins-'));
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(join(fixtures, 'dbarch-plugin-greeter'), join(root, 'node_modules', 'dbarch-plugin-greeter'), 'dir');
  return root;
}

function registryWith(external: PluginEntry[]): PluginRegistry {
  return createPluginRegistry(createPluginDeps(serviceUrls(), testLog), external);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isDbarchError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('plugins', () => {
  let db: Awaited<ReturnType<typeof sideEffectsDatabase>>;
  before(async () => {
    db = await sideEffectsDatabase('plugins');
  });
  after(async () => {
    await db.drop();
  });

  it('loads a plugin package by name; its section is validated and its step planned and executed', async () => {
    const loaded = await loadPlugins({ packages: ['dbarch-plugin-greeter'], from: installedGreeter() });
    const registry = registryWith(loaded);
    expect(registry.names()).to.include('greeter/greet');

    const bad = writeSpec('greeter.yaml', { __GREETING__: '""', __DB__: db.name });
    const invalid = await compileSpec([bad], { sections: registry.sections() });
    expect(invalid.valid).to.equal(false);
    expect(invalid.errors.map((e) => [e.path, e.code])).to.deep.include(['/greeter/greeting', 'DBA_SPEC_LENGTH']);
    const withoutPlugin = await compileSpec([bad]);
    expect(withoutPlugin.errors.map((e) => e.code)).to.include('DBA_SPEC_UNKNOWN_KEY');

    const path = writeSpec('greeter.yaml', { __GREETING__: 'Hello', __DB__: db.name });
    const planned = await planSpec({ paths: [path], environment: 'dev', registry });
    if (!planned.ok) throw new Error(JSON.stringify(planned));
    const step = planned.plan.root.nodes[0];
    expect(step).to.include({ kind: 'step', activity: 'greeter/greet', reason: 'greet Ada with "Hello"', timeoutMs: 20_000 });
    expect(step?.kind === 'step' && step.input).to.deep.equal({ greeting: 'Hello', database: db.name, name: 'Ada' });

    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('plugin');
    const result = await withWorker({ taskQueue, plugins: loaded }, () =>
      temporal.client.workflow.execute<(input: unknown) => Promise<InterpreterResult>>('planInterpreterWorkflow', { taskQueue, workflowId: `plugin-${taskQueue}`, args: [{ plan: planned.plan }] }),
    );
    expect(result.steps.greet_ada?.output).to.deep.equal({ said: 'Hello Ada' });
    expect(await db.effects()).to.deep.equal(['Hello Ada [greet_ada]', 'Hello Bob [greet_bob]']);
  });

  it('refuses a plugin package whose host range excludes this dbarch', async () => {
    const loaded = await loadPlugins({ packages: [join(fixtures, 'dbarch-plugin-future')] });
    expect(codeOf(() => registryWith(loaded))).to.equal('DBA_PLUGIN_HOST_INCOMPATIBLE');
  });

  it('refuses a plugin package with two steps `uses:` cannot tell apart', async () => {
    const loaded = await loadPlugins({ packages: [join(fixtures, 'dbarch-plugin-twins')] });
    expect(codeOf(() => registryWith(loaded))).to.equal('DBA_PLUGIN_DUPLICATE_STEP');
  });

  it('checks names, duplicates and dependencies with coded errors', () => {
    const plugin = (fields: Record<string, unknown>) => ({ plugin: definePlugin({ name: 'extra', version: '1.0.0', host: '*', steps: () => ({}), ...fields }), source: 'test' });
    expect(codeOf(() => registryWith([plugin({ name: 'Bad-Name' })]))).to.equal('DBA_PLUGIN_NAME');
    expect(codeOf(() => registryWith([plugin({ name: 'cache_config', configSchema: { type: 'object' } })])), 'a section of its own under a built-in key').to.equal('DBA_PLUGIN_NAME');
    expect(codeOf(() => registryWith([plugin({}), plugin({})]))).to.equal('DBA_PLUGIN_DUPLICATE');
    expect(codeOf(() => registryWith([plugin({ dependsOn: { missing: '^1.0.0' } })]))).to.equal('DBA_PLUGIN_DEPENDENCY');
    expect(codeOf(() => registryWith([plugin({ dependsOn: { vacuum: '^2.0.0' } })]))).to.equal('DBA_PLUGIN_DEPENDENCY');
    expect(codeOf(() => registryWith([plugin({ dependsOn: { vacuum: '^1.0.0' } })]))).to.equal('no error');
    expect(codeOf(() => registryWith([{ plugin: { name: 'x' }, source: 'test' }]))).to.equal('DBA_PLUGIN_INVALID');
  });

  it('runs the in-tree vacuum plugin', async () => {
    await db.client.query('CREATE TABLE churn (id int); INSERT INTO churn SELECT generate_series(1, 1000); DELETE FROM churn WHERE id % 2 = 0');
    const registry = registryWith([]);
    const run = registry.activities()['vacuum/vacuum'];
    expect(run).to.be.a('function');
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('vacuum');
    const plan = {
      apiVersion: 'dbarch.plan/v1', hash: 'h', operation: 'maintain', environment: 'dev', procedure: 'vacuum', specRevision: 'r', summary: 'vacuum', roles: {}, skipped: [],
      root: { kind: 'sequence', id: 'vacuum', reason: 'vacuum', nodes: [
        { kind: 'step', id: 'vacuum_churn', reason: 'vacuum churn', uses: 'vacuum/vacuum', activity: 'vacuum/vacuum', input: { database: db.name, tables: ['churn'] },
          retry: { maximumAttempts: 1, initialIntervalMs: 100, backoffCoefficient: 2, maximumIntervalMs: 1000, nonRetryableCodes: [] }, timeoutMs: 60_000 },
      ] },
    };
    const result = await withWorker({ taskQueue }, () =>
      temporal.client.workflow.execute<(input: unknown) => Promise<InterpreterResult>>('planInterpreterWorkflow', { taskQueue, workflowId: `vacuum-${taskQueue}`, args: [{ plan }] }),
    );
    const output = result.steps.vacuum_churn?.output as { tables: { table: string; deadTuplesAfter: number | null }[] };
    expect(output.tables.map((t) => t.table)).to.deep.equal(['churn']);
    expect(output.tables[0]?.deadTuplesAfter).to.equal(0);
  });
});
