import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// The default export: a named import fails when this file is the first to load the CommonJS package.
import proto from '@temporalio/proto';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../runtime/workflowBundle.ts';
import { interpreterPatches } from '../../workflows/interpreter/interpreterPatches.ts';
import { historiesDir } from './runtimeFixture.ts';


/** The patch ids whose markers a recorded history holds. */
function patchesIn(history: proto.temporal.api.history.v1.IHistory): Set<string> {
  const ids = new Set<string>();
  for (const event of history.events ?? []) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') continue;
    for (const payload of marker.details?.['patch-data']?.payloads ?? []) ids.add((JSON.parse(Buffer.from(payload.data ?? []).toString('utf8')) as { id: string }).id);
  }
  return ids;
}

/**
 * Every history recorded from the runtime tests (DBARCH_RECORD_HISTORIES=1, protobuf JSON with int64 as strings) is replayed against the current workflow
 * code: a change that would break running workflows fails here, until it is guarded with patched(). For every patch
 * there is a history recorded before it and one recorded with it, so both sides of each patch are replayed. Files
 * named v<n>-* are kept copies from interpreter v<n> (v1: before the memo-progress patch; v2: before the v3 patches
 * of `interpreterPatches`); re-recording overwrites only the others.
 */
describe('replay of recorded interpreter histories', () => {
  const files = readdirSync(historiesDir).filter((file) => file.endsWith('.json')).sort();
  const load = (file: string) => proto.temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(new URL(file, historiesDir), 'utf8')) as Record<string, unknown>);

  it('has recorded histories to replay, including one from before the latest patch', () => {
    expect(files.length).to.be.greaterThan(4);
    expect(files.some((file) => file.startsWith('v1-'))).to.equal(true);
  });

  it('has, for every interpreter patch, a history recorded before it and one recorded with it', () => {
    const recorded = files.map((file) => patchesIn(load(file)));
    for (const id of Object.values(interpreterPatches)) {
      expect(recorded.some((ids) => !ids.has(id)), `a history from before ${id}`).to.equal(true);
      expect(recorded.some((ids) => ids.has(id)), `a history with ${id}`).to.equal(true);
    }
  });

  it('holds no two identical histories (a copy is not a history from before a patch)', () => {
    const digests = new Map<string, string>();
    for (const file of files) {
      const digest = createHash('sha256').update(readFileSync(new URL(file, historiesDir))).digest('hex');
      expect(digests.get(digest), `${file} is a byte-identical copy`).to.equal(undefined);
      digests.set(digest, file);
    }
  });

  it('fails on a workflow change that is not guarded by a patch', async () => {
    const workflowsPath = fileURLToPath(new URL('../fixtures/replay/unpatchedChange.ts', import.meta.url));
    let caught: unknown;
    try {
      await Worker.runReplayHistory({ workflowsPath }, load('worker-killed-mid-step.json'), 'worker-killed-mid-step');
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(DeterminismViolationError);
  });

  for (const file of files) {
    it(`replays ${file} without nondeterminism`, async () => {
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, load(file), file.replace(/\.json$/, ''));
    });
  }
});
