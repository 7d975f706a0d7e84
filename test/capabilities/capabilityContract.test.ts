import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan, StepNode } from '../../plan/Plan.ts';
import { planSpec, type PlanSpecResult } from '../../plan/planSpec.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { definePlugin } from '../../plugins/definePlugin.ts';
import type { PluginEntry } from '../../plugins/loadPlugins.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { expectCodeSync } from '../migrations/expectCode.ts';
import { deploymentSection } from '../support/deploymentSection.ts';
import { testLog } from '../support/temporal.ts';

const seed = new URL('../../specs/examples/combined/seed.yaml', import.meta.url).pathname;

function registry(external: readonly PluginEntry[] = []) {
  return createPluginRegistry(createPluginDeps(serviceUrls(), testLog), external);
}

function writeSpec(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'dbarch-capability-')), 'spec.yaml');
  writeFileSync(path, text);
  return path;
}

function planned(result: PlanSpecResult): Plan {
  if (!result.ok) throw new Error(`does not plan: ${JSON.stringify([...result.specIssues, ...result.planIssues])}`);
  return result.plan;
}

const deployment = deploymentSection('dev_db');

describe('the capability contract', () => {
  it('hands a capability exactly the sections it declared, and procedures read its settings as {{ <capability>.<key> }}', async () => {
    const seen: string[][] = [];
    const probe = definePlugin({
      name: 'probe',
      version: '1.0.0',
      host: '*',
      reads: ['backup_config'],
      planning: {
        settings: (sections) => {
          seen.push(Object.keys(sections));
          return { frequency: { value: sections.backup_config?.base_backups?.frequency ?? 'never' } };
        },
      },
      steps: () => ({ echo: { input: { type: 'object', required: ['value'], properties: { value: { type: 'string' } } }, run: (input: { value: string }) => Promise.resolve(input.value) } }),
    });
    const path = writeSpec(`${deployment}backup_config:
  strategy: scheduled
  base_backups: { frequency: daily, retention: 30d, destination: "file:///tmp/b/" }
procedures:
  definitions:
    check:
      steps:
        - { id: echo, uses: probe/echo, with: { value: "every {{ probe.frequency }} on {{ migrations.database }} ({{ env.name }})" } }
`);
    const plan = planned(await planSpec({ paths: [path], environment: 'dev', procedure: 'check', registry: registry([{ plugin: probe, source: 'test' }]) }));
    const step = plan.root.nodes[0] as StepNode;
    expect(step.input).to.deep.equal({ value: 'every daily on dev_db (dev)' });
    expect(seen.at(-1)).to.deep.equal(['backup_config']);
  });

  it('refuses at registration a capability that reads a section that does not exist, or offers an env alias another one offers', () => {
    const reads = definePlugin({ name: 'reader', version: '1.0.0', host: '*', reads: ['backups_config' as 'backup_config'], steps: () => ({}) });
    expectCodeSync(() => registry([{ plugin: reads, source: 'test' }]), 'DBA_PLUGIN_SECTION_UNKNOWN');
    const clash = definePlugin({ name: 'clash', version: '1.0.0', host: '*', planning: { settings: () => ({ db: { value: 'x' } }), env: { db: 'database' } }, steps: () => ({}) });
    expectCodeSync(() => registry([{ plugin: clash, source: 'test' }]), 'DBA_PLUGIN_INVALID');
  });

  it('plans the procedures a third-party capability ships as <plugin>/<name>, and the built-in ones as dbarch/<name>', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbarch-shipped-'));
    writeFileSync(join(dir, 'tidy.yaml'), 'procedures:\n  definitions:\n    tidy:\n      steps:\n        - { id: wait, wait: 1s }\n');
    const shipper = definePlugin({ name: 'shipper', version: '1.0.0', host: '*', procedures: [new URL(`file://${dir}/tidy.yaml`)], steps: () => ({}) });
    const library = registry([{ plugin: shipper, source: 'test' }]).procedures();
    expect(Object.keys(library.definitions ?? {})).to.include.members(['shipper/tidy', 'dbarch/migration_pipeline', 'dbarch/blue_green']);
    const plan = planned(await planSpec({ paths: [writeSpec(deployment)], environment: 'dev', procedure: 'shipper/tidy', registry: registry([{ plugin: shipper, source: 'test' }]) }));
    expect(plan.root.nodes.map((node) => node.kind)).to.deep.equal(['timer']);
  });

  it('reports the seed\'s missing migrations directory once, at the user\'s own path and line, not once per step of the shipped pipeline', async () => {
    const result = await planSpec({ paths: [seed], environment: 'production', procedure: 'dbarch/migration_pipeline', registry: registry() });
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.planIssues).to.deep.equal([]);
    const unset = result.specIssues.filter((issue) => issue.code === 'DBA_PLAN_SETTING_UNSET');
    expect(unset.map((issue) => issue.path)).to.deep.equal(['/deployment_config/migrations/directory']);
    expect(unset[0]?.file).to.equal(seed);
    expect(unset[0]?.line).to.be.greaterThan(1);
    expect(unset[0]?.message).to.include('`deployment_config.migrations.directory` is not set');
    // backup_before_migrate takes the seed's s3:// destination as it is (schema dumps go to object stores too).
    expect(result.specIssues).to.have.length(1);
  });

  it('plans the seed\'s pre-migration dump to its s3:// destination, encrypted under security_config\'s aws_kms key (backup_config names none)', async () => {
    const migrations = new URL('../../specs/migrations/', import.meta.url).pathname;
    const text = readFileSync(seed, 'utf8').replace(/(\n\s*)environments:/, `$1migrations: { directory: ${migrations} }$1environments:`);
    const plan = planned(await planSpec({ paths: [writeSpec(text)], environment: 'production', procedure: 'dbarch/migration_pipeline', registry: registry() }));
    const backup = plan.root.nodes.find((node) => node.id === 'backup') as StepNode;
    expect(backup.input).to.include({ destination: 's3://backups/database/', key_reference: 'aws-kms://alias/dbarch-backups' });
  });

  it('plans the seed\'s pipeline once the directory is set and the destination is a file:// one', async () => {
    const migrations = new URL('../../specs/migrations/', import.meta.url).pathname;
    const path = writeSpec(`${deployment.replace('  environments:', `  migrations: { directory: ${migrations} }\n  environments:`)}backup_config:
  strategy: scheduled
  base_backups: { frequency: daily, retention: 30d, destination: "file:///tmp/dbarch-test-backups/" }
`);
    const plan = planned(await planSpec({ paths: [path], environment: 'dev', procedure: 'dbarch/migration_pipeline', registry: registry() }));
    const backup = plan.root.nodes.find((node) => node.id === 'backup') as StepNode;
    expect(backup.input.destination).to.equal('file:///tmp/dbarch-test-backups/');
  });
});

describe('step lists compile into procedures', () => {
  it('plans the seed\'s failover prose as the spec\'s procedure `failover`: one manual step an operator confirms per line', async () => {
    const plan = planned(await planSpec({ paths: [seed], environment: 'production', procedure: 'failover', registry: registry() }));
    expect(plan.operation).to.equal('failover');
    expect(plan.root.nodes.map((node) => node.kind)).to.deep.equal(['gate', 'gate', 'gate', 'gate', 'gate', 'gate']);
    expect(plan.root.nodes[1]?.reason).to.include('Promote standby in secondary region to primary');
    expect(plan.roles.failover_operators).to.deep.equal(['dba']);
  });

  it('turns `action:` steps into plugin steps with their retries, timeout, approval and on_error', async () => {
    const path = writeSpec(`${deployment}failover_procedure:
  steps:
    - name: Check the primary
      action: builtin.sql
      with: { sql: "SELECT 1" }
      retries: 4
      timeout: 30s
      on_error: continue
    - name: Promote the standby
      action: builtin.notify
      with: { message: promote }
      approval: true
    - name: Tell the team
`);
    const plan = planned(await planSpec({ paths: [path], environment: 'dev', procedure: 'failover', registry: registry() }));
    const [check, approve, promote, tell] = plan.root.nodes as [StepNode, PlanNode, StepNode, PlanNode];
    expect([check.kind, approve.kind, promote.kind, tell.kind]).to.deep.equal(['step', 'gate', 'step', 'gate']);
    expect(check.uses).to.equal('builtin/sql');
    expect(check.retry.maximumAttempts).to.equal(5);
    expect(check.timeoutMs).to.equal(30_000);
    expect(check.continueOnError).to.equal(true);
    expect(promote.uses).to.equal('builtin/notify');
    expect(promote.continueOnError).to.equal(undefined);
  });

  it('reports an unknown action at the step the user wrote', async () => {
    const path = writeSpec(`${deployment}failover_procedure:
  steps:
    - { name: Fence, action: fencing.stonith }
`);
    const result = await planSpec({ paths: [path], environment: 'dev', procedure: 'failover', registry: registry() });
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.planIssues.map((issue) => [issue.code, issue.path])).to.deep.equal([['DBA_PLAN_STEP_UNKNOWN', '/failover_procedure/steps/0/uses']]);
  });

  it('runs blue_green.deployment_steps with actions as the spec\'s own `blue_green`; prose names the stages of dbarch/blue_green', async () => {
    const withActions = writeSpec(`${deployment}blue_green:
  current: blue_db
  standby: green_db
  deployment_steps:
    - { name: Announce, action: builtin.notify, with: { message: switching } }
    - { name: Switch by hand }
`);
    const own = planned(await planSpec({ paths: [withActions], environment: 'dev', procedure: 'blue_green', registry: registry() }));
    expect(own.procedure).to.equal('blue_green');
    expect(own.root.nodes.map((node) => node.kind)).to.deep.equal(['step', 'gate']);
    const shipped = planned(await planSpec({ paths: [seed], environment: 'production', procedure: 'blue_green', registry: registry() }));
    expect(shipped.procedure).to.equal('dbarch/blue_green');
    expect(shipped.root.nodes[0]?.reason).to.match(/^1\. Apply migrations to green_db/);
  });
});

type PlanNode = Plan['root']['nodes'][number];
