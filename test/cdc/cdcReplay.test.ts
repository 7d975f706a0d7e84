import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// The default export: a named import fails when this file is the first to load the CommonJS package.
import proto from '@temporalio/proto';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../runtime/workflowBundle.ts';
import { historiesDir } from '../runtime/runtimeFixture.ts';

type History = proto.temporal.api.history.v1.History;

/** Recorded by test/cdc/cdcWorkflow.test.ts with DBARCH_RECORD_HISTORIES=1; test/runtime/replay.test.ts replays them too. */
const recorded = {
  'cdc-streamed-then-cancelled': { activities: ['prepareCdc', 'streamCdc'], ends: 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED', prepared: false },
  'cdc-stream-continued-as-new': { activities: ['prepareCdc', 'streamCdc'], ends: 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW', prepared: false },
  'cdc-continued-run-cancelled': { activities: ['streamCdc'], ends: 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED', prepared: true },
} as const;

function load(name: string): History {
  return proto.temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(new URL(`${name}.json`, historiesDir), 'utf8')) as Record<string, unknown>);
}

const eventType = (event: proto.temporal.api.history.v1.IHistoryEvent) => proto.temporal.api.enums.v1.EventType[event.eventType ?? 0];

describe('replay of recorded cdc:<database> histories (prepare → stream → cancel, continue-as-new, the continued run)', () => {
  for (const [name, expected] of Object.entries(recorded)) {
    it(`${name}: the path it claims, replayed without nondeterminism`, async () => {
      const history = load(name);
      const events = history.events ?? [];
      expect(events.flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []))).to.deep.equal([...expected.activities]);
      expect(eventType(events.at(-1) ?? {})).to.equal(expected.ends);
      const input = JSON.parse(Buffer.from(events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data ?? []).toString('utf8')) as { prepared?: boolean };
      expect(input.prepared === true, 'started by continue-as-new').to.equal(expected.prepared);
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, name);
    });
  }

  it('fails on a cdcWorkflow change that is not guarded by a patch', async () => {
    const workflowsPath = fileURLToPath(new URL('./fixtures/unguardedCdcWorkflow.ts', import.meta.url));
    const caught = await Worker.runReplayHistory({ workflowsPath }, load('cdc-streamed-then-cancelled'), 'cdc-unguarded').then(() => undefined, (error: unknown) => error);
    expect(caught).to.be.instanceOf(DeterminismViolationError);
  });
});
