/**
 * Interpreter overhead: a 50-step plan of no-op activities through planInterpreterWorkflow vs a hand-written
 * workflow calling the same activity 50 times, on one embedded Temporal server, one worker, alternating runs.
 * Prints the median wall time of each, per step, and the ratio (goal: interpreter / hand-written <= 1.15). The
 * same calls as local activities are the floor that orchestration through the server cannot reach (goal for a
 * step: <= 20 ms).
 *
 *   node --import tsx bench/interpreter.ts [rounds]
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { Plan, StepNode } from '../plan/Plan.ts';
import { installTemporalLogging } from '../runtime/installTemporalLogging.ts';
import { createLogger } from '../runtime/logger.ts';
import { startTemporal } from '../runtime/startTemporal.ts';

const steps = 50;
const rounds = Number(process.argv[2] ?? 7);
const log = createLogger({ name: 'bench', level: 'error' });
installTemporalLogging(log);

const temporal = await startTemporal({ kind: 'embedded', namespace: 'default', ip: '127.0.0.1' });
const taskQueue = `bench-${process.pid}`;
const workflowBundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./handWrittenWorkflow.ts', import.meta.url)), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
const worker = await Worker.create({
  connection: temporal.nativeConnection,
  taskQueue,
  workflowBundle,
  activities: { 'bench/noop': (input: unknown) => Promise.resolve(input) },
});

const node = (i: number): StepNode => ({
  kind: 'step',
  id: `noop_${i}`,
  reason: 'no-op',
  uses: 'bench/noop',
  activity: 'bench/noop',
  input: { i },
  retry: { maximumAttempts: 1, initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 10_000, nonRetryableCodes: [] },
  timeoutMs: 10_000,
});
const plan: Plan = {
  apiVersion: 'dbarch.plan/v1',
  hash: 'bench',
  operation: 'bench',
  environment: 'bench',
  procedure: 'noop50',
  specRevision: 'bench',
  summary: `noop50: ${steps} steps`,
  roles: {},
  skipped: [],
  root: { kind: 'sequence', id: 'noop50', reason: 'bench', nodes: Array.from({ length: steps }, (_, i) => node(i)) },
};

const workflowTypes = { interpreter: 'planInterpreterWorkflow', 'hand-written': 'handWrittenWorkflow', 'local activities': 'handWrittenLocalWorkflow' } as const;
type Kind = keyof typeof workflowTypes;

async function timed(kind: Kind, round: number): Promise<number> {
  const started = performance.now();
  const args = kind === 'interpreter' ? [{ plan }] : [{ steps }];
  await temporal.client.workflow.execute(workflowTypes[kind], { taskQueue, workflowId: `bench-${workflowTypes[kind]}-${round}-${process.pid}`, args });
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

await worker.runUntil(async () => {
  const kinds = Object.keys(workflowTypes) as Kind[];
  for (const kind of kinds) await timed(kind, -1); // warm-up: workflow caches, connections
  const times = Object.fromEntries(kinds.map((kind) => [kind, [] as number[]])) as Record<Kind, number[]>;
  for (let round = 0; round < rounds; round += 1) {
    // Rotate the order so drift on the shared machine hits every side alike.
    for (let i = 0; i < kinds.length; i += 1) {
      const kind = kinds[(round + i) % kinds.length]!;
      times[kind].push(await timed(kind, round));
    }
  }
  const ratio = median(times.interpreter) / median(times['hand-written']);
  console.log(`${steps}-step plan of no-op activities, ${rounds} rounds, median wall time per workflow (per step)`);
  for (const kind of kinds) {
    console.log(`  ${kind.padEnd(16)} ${median(times[kind]).toFixed(0).padStart(5)} ms  (${(median(times[kind]) / steps).toFixed(1)} ms/step)   ${times[kind].map((v) => v.toFixed(0)).join(', ')}`);
  }
  console.log(`  ratio interpreter/hand-written: ${ratio.toFixed(3)} (goal <= 1.15)`);
});
await temporal.close();
