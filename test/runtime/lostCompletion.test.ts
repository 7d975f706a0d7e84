import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import type { ApplyStepReport } from '../../plugins/migrations/migrationSteps.ts';
import type { SqlStepOutput } from '../../activities/builtin/runSqlOnce.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { spawnTs, type Child } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue } from '../support/temporal.ts';
import { planFor, sideEffectsDatabase, writeSpec } from './runtimeFixture.ts';

/**
 * The effect commits, then the worker dies before the activity reports: Temporal never hears of the attempt's
 * completion, times it out by heartbeat and retries it on another worker. The worker dies for real, by its own
 * SIGKILL right after the commit (DBARCH_FAULT_AFTER_COMMIT, activities/faultInjection.ts).
 */
describe('a step whose effect committed but whose completion never reached Temporal', function () {
  this.timeout(180_000);
  const children: Child[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    for (const cleanup of cleanups) await cleanup();
  });

  function startWorker(taskQueue: string, address: string, env: Record<string, string> = {}): Child {
    const child = spawnTs('worker.ts', [], { TEMPORAL_ADDRESS: address, DBARCH_TASK_QUEUE: taskQueue, DBARCH_LOG_LEVEL: 'info', ...env });
    children.push(child);
    return child;
  }

  async function run(options: { faultAfterCommitOf: 'insert' | 'migrate'; transaction: boolean }) {
    const db = await sideEffectsDatabase('lost');
    cleanups.push(() => db.drop());
    const dir = mkdtempSync(join(tmpdir(), 'dbarch-lost-'));
    writeFileSync(join(dir, 'V1__create_applied_once.sql'), 'CREATE TABLE applied_once (version int NOT NULL);\nINSERT INTO applied_once VALUES (1);\n');
    writeFileSync(join(dir, 'V2__second.sql'), 'INSERT INTO applied_once VALUES (2);\n');
    const plan = await planFor(writeSpec('lost-completion.yaml', { __DB__: db.name, __TAG__: randomBytes(4).toString('hex'), __TX__: String(options.transaction), __DIR__: dir }));
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('lost-completion');

    const first = startWorker(taskQueue, temporal.address, { DBARCH_FAULT_AFTER_COMMIT: options.faultAfterCommitOf });
    await first.waitForLine(/worker started/);
    const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
    const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);
    expect(await first.exited, 'the worker died right after the commit').to.equal('SIGKILL');
    const afterKill = {
      effects: await db.effects(),
      migrations: (await db.client.query<{ version: string }>(`SELECT version FROM dbarch_history.schema_history WHERE success ORDER BY installed_rank`).catch(() => ({ rows: [] }))).rows.map((r) => r.version),
    };

    startWorker(taskQueue, temporal.address);
    const result = await handle.result();
    const status = await handle.query(interpreterMessages.status);
    const appliedOnce = (await db.client.query<{ version: number }>('SELECT version FROM applied_once ORDER BY version')).rows.map((r) => r.version);
    const history = (await db.client.query<{ version: string; n: number }>(`SELECT version, count(*)::int AS n FROM dbarch_history.schema_history GROUP BY version ORDER BY version`)).rows;
    return { result, status, afterKill, effects: await db.effects(), appliedOnce, history };
  }

  for (const transaction of [true, false]) {
    it(`builtin/sql${transaction ? '' : ' with transaction: false'}: the retry reports alreadyApplied and the row is written once`, async () => {
      const { result, status, afterKill, effects } = await run({ faultAfterCommitOf: 'insert', transaction });
      expect(afterKill.effects, 'the effect had committed when the worker died').to.deep.equal(['insert']);
      expect(result.phase).to.equal('succeeded');
      expect(effects).to.deep.equal(['insert']);
      const insert = result.steps.insert;
      expect(insert?.attempts, 'the lost attempt was retried').to.be.greaterThan(1);
      expect(insert?.lastError?.code).to.match(/^TIMEOUT_/);
      expect(insert?.output).to.include({ alreadyApplied: true, rowCount: 1 } satisfies Partial<SqlStepOutput>);
      expect(status.steps.insert?.attempts).to.equal(insert?.attempts);
      expect((result.steps.migrate?.output as ApplyStepReport).alreadyApplied).to.equal(false);
    });
  }

  it('migrations/apply: the retry applies nothing, reports alreadyApplied with the scripts the lost attempt committed', async () => {
    const { result, status, afterKill, appliedOnce, history } = await run({ faultAfterCommitOf: 'migrate', transaction: true });
    expect(afterKill.migrations, 'both migrations had committed when the worker died').to.deep.equal(['1', '2']);
    expect(result.phase).to.equal('succeeded');
    const migrate = result.steps.migrate;
    expect(migrate?.attempts, 'the lost attempt was retried').to.be.greaterThan(1);
    expect(migrate?.lastError?.code).to.match(/^TIMEOUT_/);
    expect(status.steps.migrate?.attempts).to.equal(migrate?.attempts);
    const output = migrate?.output as ApplyStepReport;
    expect(output.alreadyApplied).to.equal(true);
    expect(output.applied).to.deep.equal([]);
    expect(output.appliedByEarlierAttempts.map((a) => a.script)).to.deep.equal(['V1__create_applied_once.sql', 'V2__second.sql']);
    expect(output.currentVersion).to.equal('2');
    expect(appliedOnce, 'each migration ran once').to.deep.equal([1, 2]);
    expect(history).to.deep.equal([
      { version: '1', n: 1 },
      { version: '2', n: 1 },
    ]);
    expect((result.steps.insert?.output as SqlStepOutput).alreadyApplied).to.equal(false);
  });
});
