import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeActivityDeps, createActivityDeps } from '../../activities/ActivityDeps.ts';
import { createActivities } from '../../plugins/createActivities.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { startTemporal } from '../../runtime/startTemporal.ts';
import type { EmbeddedTemporal } from '../../runtime/temporalSettings.ts';
import { createDbarchWorker } from '../../worker.ts';
import { smokeWorkflow } from '../../workflows/smokeWorkflow.ts';
import { freePort } from '../support/freePort.ts';
import { testLog, uniqueTaskQueue } from '../support/temporal.ts';

describe('the embedded Temporal server', function () {
  this.timeout(120_000);
  let state: string;
  before(() => (state = mkdtempSync(join(tmpdir(), 'dbarch-restart-'))));
  after(() => rmSync(state, { recursive: true, force: true }));

  it('restarted on the same state file completes a workflow started before the restart', async () => {
    const settings: EmbeddedTemporal = { kind: 'embedded', namespace: 'default', ip: '127.0.0.1', port: await freePort(), dbFile: join(state, 'temporal.sqlite') };
    const taskQueue = uniqueTaskQueue('restart');
    const workflowId = `smoke-${taskQueue}`;

    const before = await startTemporal(settings);
    // No worker polls yet: the workflow exists only in the server's SQLite file when the server stops.
    await before.client.workflow.start(smokeWorkflow, { taskQueue, workflowId, args: [{}] });
    await before.close();

    const after = await startTemporal(settings);
    const deps = createActivityDeps(serviceUrls(), testLog);
    try {
      const worker = await createDbarchWorker({ connection: after.nativeConnection, namespace: after.namespace, taskQueue, activities: createActivities(deps), log: testLog });
      const result = await worker.runUntil(after.client.workflow.getHandle<typeof smokeWorkflow>(workflowId).result());
      expect(result.inserted).to.equal(true);
      expect((await after.client.workflow.getHandle(workflowId).describe()).status.name).to.equal('COMPLETED');
    } finally {
      await closeActivityDeps(deps);
      await after.close();
    }
  });
});
