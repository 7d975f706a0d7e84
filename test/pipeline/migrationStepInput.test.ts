import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { StepDefinition } from '../../plugins/definePlugin.ts';
import { migrationSteps } from '../../plugins/migrations/migrationSteps.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import type { StepContext } from '../../plugins/StepContext.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { testLog } from '../support/temporal.ts';

describe('migration step inputs', () => {
  let directory: string;
  before(() => (directory = mkdtempSync(join(tmpdir(), 'dbarch-step-input-'))));
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('refuses a lock_timeout that is not a duration instead of silently using the default wait', async () => {
    const deps = createPluginDeps(serviceUrls(), testLog);
    const apply = migrationSteps(deps).apply as StepDefinition<unknown>;
    const ctx = { stepId: 'apply', idempotencyKey: 'wf:run:apply', environment: 'dev', planHash: 'h', workflowId: 'wf', attempt: 1, signal: new AbortController().signal, heartbeat: () => undefined, log: testLog } satisfies StepContext;
    const error = await apply.run({ database: 'postgres', directory, lock_timeout: '5min' }, ctx).then(() => undefined, (caught: unknown) => caught);
    await deps.close();
    expect(error).to.be.instanceOf(DbarchError);
    expect((error as DbarchError).code).to.equal('DBA_PLAN_STEP_INPUT');
    expect((error as DbarchError).message).to.include('"5min"');
  });
});
