import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GateNode, StepNode, TimerNode } from '../../plan/Plan.ts';
import { planSpec } from '../../plan/planSpec.ts';
import { renderPlan } from '../../plan/renderPlan.ts';
import { shippedProcedures } from '../../plan/shippedProcedures.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { testLog } from '../support/temporal.ts';

const fixtureLibrary = shippedProcedures(new URL('../fixtures/pipeline/shipped', import.meta.url).pathname);

const deployment = `deployment_config:
  source_control: local
  repository: .
  environments:
    - { name: dev, database: demo_dev, backup_before_migrate: false }
    - { name: production, database: demo_prod, require_approval: true, rollback_on_error: restore }
`;

function writeSpec(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dbarch-shipped-'));
  const path = join(dir, 'spec.yaml');
  writeFileSync(path, `apiVersion: dbarch/v1\n${body}`);
  return path;
}

async function plan(path: string, environment: string, procedure: string) {
  const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog));
  return planSpec({ paths: [path], environment, procedure, registry, shipped: fixtureLibrary });
}

describe('shipped procedures (dbarch/<name>) and plan-time deployment settings', () => {
  it('plans a shipped procedure for a spec without procedures, reading the environment at plan time', async () => {
    const spec = writeSpec(deployment);
    const prod = await plan(spec, 'production', 'demo');
    if (!prod.ok) throw new Error(JSON.stringify(prod));
    expect(prod.plan.procedure).to.equal('dbarch/demo');
    const touch = prod.plan.root.nodes[0] as StepNode;
    expect(touch.input).to.deep.equal({ database: 'demo_prod', sql: "SELECT 'production'" });
    expect(touch.compensate, 'rollback_on_error: restore keeps the compensation').to.not.equal(undefined);
    expect(prod.plan.root.nodes.map((node) => node.kind)).to.deep.equal(['step', 'gate']);
    expect(prod.plan.roles).to.deep.equal({ demo_approvers: ['dba'] });

    const dev = await plan(spec, 'dev', 'dbarch/demo');
    if (!dev.ok) throw new Error(JSON.stringify(dev));
    expect(dev.plan.root.nodes.map((node) => node.id)).to.deep.equal(['touch']);
    expect((dev.plan.root.nodes[0] as StepNode).compensate).to.equal(undefined);
    expect(dev.plan.skipped.map((s) => s.id)).to.deep.equal(['touch.compensate', 'approve']);
    expect(dev.plan.skipped[1]?.reason).to.include('require_approval');
  });

  it("takes the spec's own definition of the same name (a fork), and its roles over the shipped defaults", async () => {
    const spec = writeSpec(`${deployment}procedures:
  roles: { demo_approvers: [alice] }
  definitions:
    demo:
      steps:
        - { id: mine, uses: builtin/sql, with: { sql: SELECT 2 } }
        - { id: shipped, call: dbarch/demo }
`);
    const result = await plan(spec, 'production', 'demo');
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.plan.procedure).to.equal('demo');
    expect(result.plan.root.nodes.map((node) => node.kind)).to.deep.equal(['step', 'child']);
    expect(result.plan.roles).to.deep.equal({ demo_approvers: ['alice'] });
  });

  it('reports a setting the environment lacks as DBA_PLAN_ENV_SETTING, and refuses an undeclared environment outright', async () => {
    const spec = writeSpec(`${deployment}procedures:
  definitions:
    typo:
      steps:
        - { id: one, uses: builtin/sql, with: { database: "{{ env.databse }}", sql: SELECT 1 } }
`);
    const typo = await plan(spec, 'dev', 'typo');
    expect(typo.ok).to.equal(false);
    if (typo.ok) return;
    expect(typo.planIssues.map((i) => i.code)).to.deep.equal(['DBA_PLAN_ENV_SETTING']);
    expect(typo.planIssues[0]?.hint).to.include('database');
    const undeclared = await plan(spec, 'qa', 'demo');
    expect(undeclared.ok).to.equal(false);
    // A typo in --env must not plan anything (a gate `when: { environments: [production] }` would be dropped).
    if (!undeclared.ok) expect(undeclared.planIssues.map((i) => [i.code, i.path])).to.deep.equal([['DBA_PLAN_ENVIRONMENT_UNKNOWN', '/deployment_config/environments']]);
  });

  it('reads a whole-value `{{ env.<key> }}` in durations: a gate\'s timeout, a wait, a step\'s timeout and retry interval', async () => {
    const spec = writeSpec(`${deployment}blue_green: { current: blue_db, standby: green_db, rollback_window: 90m, deployment_steps: "1. Switch" }
procedures:
  roles: { ops: [alice] }
  definitions:
    timed:
      steps:
        - { id: pause, wait: "{{ env.lock_timeout }}" }
        - id: one
          uses: builtin/sql
          timeout: "{{ env.rollback_window }}"
          retry: { initial_interval: "{{env.lock_timeout}}" }
          with: { database: "{{ env.database }}", sql: SELECT 1 }
        - { id: window, approval: { roles: [ops], timeout: "{{ env.rollback_window }}", on_timeout: approve } }
`);
    const result = await plan(spec, 'production', 'timed');
    if (!result.ok) throw new Error(JSON.stringify(result));
    const [pause, one, window] = result.plan.root.nodes as [TimerNode, StepNode, GateNode];
    expect(pause).to.deep.include({ kind: 'timer', durationMs: 10_000, reason: 'wait 10s' });
    expect(one.timeoutMs).to.equal(5_400_000);
    expect(one.retry.initialIntervalMs).to.equal(10_000);
    expect(window).to.deep.include({ kind: 'gate', timeoutMs: 5_400_000, onTimeout: 'approve' });
    // What people approve shows the resolved durations, not the references.
    const rendered = renderPlan(result.plan);
    expect(rendered).to.contain('wait  wait 10s').and.to.contain('(approve after 90m)').and.to.contain('timeout 90m');
    expect(rendered).to.not.contain('{{');
  });

  it('reports a duration read from a setting that is unknown or unset as DBA_PLAN_ENV_SETTING, and one that is not a duration as DBA_SPEC_DURATION, at its path', async () => {
    const spec = writeSpec(`${deployment}procedures:
  definitions:
    bad:
      steps:
        - { id: typo, wait: "{{ env.rollbak_window }}" }
        - { id: text, wait: "{{ env.branch }}" }
        - { id: flag, wait: "{{ env.require_approval }}" }
        - { id: unset, wait: "{{ env.cluster }}" }
        - { id: gate, approval: { identities: [alice], timeout: "{{ env.nope }}" } }
        - { id: embedded, wait: "1{{ env.lock_timeout }}" }
`);
    const result = await plan(spec, 'dev', 'bad');
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    const at = '/procedures/definitions/bad/steps';
    expect(result.planIssues.map((i) => [i.code, i.path])).to.deep.equal([
      ['DBA_PLAN_ENV_SETTING', `${at}/0/wait`],
      ['DBA_SPEC_DURATION', `${at}/1/wait`],
      ['DBA_SPEC_DURATION', `${at}/2/wait`],
      ['DBA_PLAN_ENV_SETTING', `${at}/3/wait`],
      ['DBA_PLAN_ENV_SETTING', `${at}/4/approval/timeout`],
      ['DBA_SPEC_DURATION', `${at}/5/wait`],
    ]);
    const [typo, text, flag, unset, , embedded] = result.planIssues;
    expect(typo?.hint).to.include('rollback_window');
    expect(text?.message).to.include('"main"').and.to.include('{{ env.branch }}');
    expect(flag?.message).to.include('false is not a duration');
    expect(unset?.message).to.include('"cluster"').and.to.include('unset');
    expect(embedded?.hint).to.include('whole value');
  });
});
