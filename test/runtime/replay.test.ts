import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../runtime/workflowBundle.ts';
import { historiesDir } from './runtimeFixture.ts';

/**
 * Every history recorded from the runtime tests (DBARCH_RECORD_HISTORIES=1, protobuf JSON with int64 as strings) is replayed against the current workflow
 * code: a change that would break running workflows fails here, until it is guarded with patched(). Histories
 * named v1-* were recorded before the memo-progress patch and prove the patch keeps them replayable.
 */
describe('replay of recorded interpreter histories', () => {
  const files = readdirSync(historiesDir).filter((file) => file.endsWith('.json')).sort();

  it('has recorded histories to replay, including one from before the latest patch', () => {
    expect(files.length).to.be.greaterThan(4);
    expect(files.some((file) => file.startsWith('v1-'))).to.equal(true);
  });

  for (const file of files) {
    it(`replays ${file} without nondeterminism`, async () => {
      const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(new URL(file, historiesDir), 'utf8')) as Record<string, unknown>);
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file.replace(/\.json$/, ''));
    });
  }
});
