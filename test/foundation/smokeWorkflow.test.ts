import { expect } from 'chai';
import pg from 'pg';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { smokeWorkflow } from '../../workflows/smokeWorkflow.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';

describe('smoke workflow', () => {
  it('reaches every service and records their versions once', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('smoke');
    const workflowId = `smoke-${taskQueue}`;
    const result = await withWorker({ taskQueue }, () =>
      temporal.client.workflow.execute(smokeWorkflow, { taskQueue, workflowId, args: [{}] }),
    );
    expect(result.probes.map((probe) => probe.service)).to.deep.equal(['postgres', 'redis', 'rabbitmq']);
    expect(result.versions.postgres).to.match(/^\d+\.\d+/);
    expect(result.versions.redis).to.match(/^\d+\.\d+/);
    expect(result.versions.rabbitmq).to.match(/^\d+\.\d+/);
    expect(result.inserted).to.equal(true);

    const client = new pg.Client({ connectionString: serviceUrls().postgres });
    await client.connect();
    try {
      const { rows } = await client.query<{ versions: Record<string, string> }>('SELECT versions FROM dbarch.smoke_runs WHERE workflow_id = $1', [workflowId]);
      expect(rows).to.have.length(1);
      expect(rows[0]?.versions).to.deep.equal(result.versions);
    } finally {
      await client.end();
    }
  });
});
