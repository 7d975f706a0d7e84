import { CancelledFailure } from '@temporalio/common';
import { expect } from 'chai';
import { DbarchError } from '../../errors/DbarchError.ts';
import { createPluginDeps, type PluginDeps } from '../../plugins/PluginDeps.ts';
import type { StepContext } from '../../plugins/StepContext.ts';
import { vacuumPlugin } from '../../plugins/vacuum/vacuumPlugin.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { testLog } from '../support/temporal.ts';

interface VacuumStep {
  run(input: { database: string; tables: string[] }, ctx: StepContext): Promise<{ tables: { table: string }[] }>;
}

describe('vacuum plugin stopped part-way', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let deps: PluginDeps;
  let vacuum: VacuumStep;

  before(async () => {
    db = await freshDatabase('vacuum_abort');
    deps = createPluginDeps(serviceUrls(), testLog);
    await deps.postgres(db.url).query('CREATE TABLE a (id int); CREATE TABLE b (id int); CREATE TABLE c (id int)');
    vacuum = vacuumPlugin.steps(deps).vacuum as unknown as VacuumStep;
  });
  after(async () => {
    await deps.close();
    await db.drop();
  });

  /** Runs vacuum of a, b, c with a signal aborted with `reason` once the first table is done. */
  const runAbortedAfterFirst = async (reason: unknown): Promise<DbarchError> => {
    const controller = new AbortController();
    const ctx = {
      stepId: 'vacuum', idempotencyKey: 'k', environment: 'dev', planHash: 'h', workflowId: 'w', attempt: 1,
      signal: controller.signal,
      heartbeat: () => controller.abort(reason),
      log: testLog,
    } as unknown as StepContext;
    const error = await vacuum.run({ database: db.name, tables: ['a', 'b', 'c'] }, ctx).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error, 'the step must fail, not report success for some tables').to.be.instanceOf(DbarchError);
    return error as DbarchError;
  };

  it('on a worker shutdown fails retryably, naming the tables done and not done', async () => {
    const error = await runAbortedAfterFirst(new CancelledFailure('WORKER_SHUTDOWN'));
    expect(error.code).to.equal('DBA_STEP_INTERRUPTED');
    expect(error.retryable).to.equal(true);
    expect(error.details).to.deep.include({ tablesDone: ['a'], tablesNotDone: ['b', 'c'], workerShutdown: true });
    expect(error.message).to.contain('a').and.contain('b, c');
  });

  it('on a cancellation fails as cancelled (not retryable), naming the tables', async () => {
    const error = await runAbortedAfterFirst(new CancelledFailure('CANCELLED'));
    expect(error.code).to.equal('DBA_STEP_CANCELLED');
    expect(error.retryable).to.equal(false);
    expect(error.details).to.deep.include({ tablesDone: ['a'], tablesNotDone: ['b', 'c'], workerShutdown: false });
  });
});
