import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { GateNode, Plan, StepNode } from '../../plan/Plan.ts';
import { planSpec } from '../../plan/planSpec.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { testLog } from '../support/temporal.ts';
import { forkedProcedure, seedSteps } from './blueGreenFixture.ts';

/** The seed's blue_green block, plus an environment to deploy and who may end the rollback window. */
function seedSpec(blueGreen: Record<string, unknown> = {}, procedures: Record<string, unknown> = {}): string {
  const spec = {
    deployment_config: {
      source_control: 'github',
      repository: 'database-schemas',
      environments: [{ name: 'production', database: 'prod_db', connection: '${PROD_DATABASE_URL}' }],
    },
    blue_green: { current: 'blue_db', standby: 'green_db', deployment_steps: seedSteps, ...blueGreen },
    procedures: { roles: { blue_green_operators: ['alice'] }, ...procedures },
  };
  const path = join(mkdtempSync(join(tmpdir(), 'dbarch-bg-plan-')), 'spec.yaml');
  writeFileSync(path, stringify(spec));
  return path;
}

async function plan(path: string, procedure = 'blue_green') {
  const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog));
  return planSpec({ paths: [path], environment: 'production', procedure, registry });
}

function planned(result: Awaited<ReturnType<typeof plan>>): Plan {
  if (!result.ok) throw new Error(JSON.stringify([...result.specIssues, ...result.planIssues]));
  return result.plan;
}

describe('the shipped blue_green procedure, planned', () => {
  it('plans dbarch/blue_green from the seed\'s blue_green block: the section feeds every step, the stages name the plan lines', async () => {
    const result = await plan(seedSpec());
    const thePlan = planned(result);
    expect(thePlan.procedure).to.equal('dbarch/blue_green');
    expect(thePlan.operation).to.equal('blue-green');
    const nodes = thePlan.root.nodes;
    expect(nodes.map((node) => node.id)).to.deep.equal(['migrate_green', 'replicate', 'catch_up', 'verify', 'sync_sequences', 'switch_traffic', 'monitor', 'rollback_window', 'retire_blue']);
    const steps = nodes.filter((node): node is StepNode => node.kind === 'step');
    for (const step of steps) {
      expect(step.uses).to.match(/^blue_green\//);
      // The compiled section (defaults applied) and the environment, read when planning.
      expect(step.input).to.deep.include({ current: 'blue_db', standby: 'green_db', rollback_window: '24h', switch_method: 'gateway' });
      expect(step.input.environment).to.deep.equal({ name: 'production', database: 'prod_db', connection: '${PROD_DATABASE_URL}' });
    }
    // Without a migrations directory the key is left out (the step then takes green as migrated).
    expect(steps[0]?.input).to.not.have.property('directory');
    expect(steps.map((step) => step.reason.split(':')[0])).to.deep.equal([
      '1. Apply migrations to green_db',
      '2. Replicate data from blue_db to green_db',
      '2. Replicate data from blue_db to green_db',
      '3. Verify green_db health',
      '3. Verify green_db health',
      '4. Switch application traffic to green_db',
      '5. Monitor for errors',
      '6. Keep blue_db as rollback target (24 hours)',
    ]);
    expect(steps.find((step) => step.id === 'switch_traffic')?.reason).to.contain('route production/prod_db to green (green_db)');
    expect(steps.find((step) => step.id === 'switch_traffic')?.compensate?.uses).to.equal('blue_green/revert_routing');
    expect(steps.find((step) => step.id === 'replicate')?.compensate?.uses).to.equal('blue_green/retire_blue');
    const gate = nodes.find((node): node is GateNode => node.kind === 'gate');
    expect(gate).to.deep.include({ id: 'rollback_window', roles: ['blue_green_operators'], count: 1, timeoutMs: 24 * 3_600_000, onTimeout: 'approve' });
    expect(thePlan.roles.blue_green_operators).to.deep.equal(['alice']);
    expect(result.ok && result.warnings).to.deep.equal([]);
  });

  it('keeps blue for the section\'s rollback_window without a fork (default 24h), and for the fork\'s own timeout once forked', async () => {
    const gateOf = (thePlan: Plan) => thePlan.root.nodes.find((node): node is GateNode => node.kind === 'gate');

    const unforked = await plan(seedSpec({ rollback_window: '1h' }));
    const oneHour = planned(unforked);
    expect(oneHour.procedure).to.equal('dbarch/blue_green');
    expect(gateOf(oneHour)?.timeoutMs).to.equal(3_600_000);
    expect(gateOf(oneHour)?.reason).to.contain('(approve after 1h)');
    expect(unforked.ok && unforked.warnings).to.deep.equal([]);

    const byDefault = planned(await plan(seedSpec()));
    expect(gateOf(byDefault)?.timeoutMs).to.equal(24 * 3_600_000);
    expect(gateOf(byDefault)?.reason).to.contain('(approve after 1d)');

    const forked = await plan(seedSpec({ rollback_window: '1h' }, { definitions: { blue_green: forkedProcedure('30m') } }));
    const thePlan = planned(forked);
    expect(thePlan.procedure).to.equal('blue_green');
    expect(gateOf(thePlan)?.timeoutMs).to.equal(1_800_000);
    expect(forked.ok && forked.warnings).to.deep.equal([]);
  });

  it('refuses a typo in a step\'s input, and a spec without a blue_green section, as plan issues', async () => {
    const typo = await plan(seedSpec({}, { definitions: { blue_green: { steps: [{ id: 'verify', uses: 'blue_green/verify_green', with: { rouns: 5 } }] } } }));
    expect(typo.ok).to.equal(false);
    expect(!typo.ok && typo.planIssues.map((issue) => issue.code)).to.include('DBA_PLAN_STEP_INPUT');

    const path = join(mkdtempSync(join(tmpdir(), 'dbarch-bg-plan-')), 'spec.yaml');
    writeFileSync(path, stringify({ deployment_config: { source_control: 'git', repository: 'r', environments: [{ name: 'production', database: 'prod_db' }] } }));
    const without = await plan(path, 'dbarch/blue_green');
    expect(!without.ok && without.planIssues.map((issue) => issue.code)).to.include('DBA_PLAN_STEP_INPUT');
  });
});
