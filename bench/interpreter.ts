/**
 * Interpreter overhead: a 50-step plan of no-op activities through planInterpreterWorkflow vs a hand-written
 * workflow calling the same activity 50 times, on one embedded Temporal server, one worker, alternating runs.
 * Prints the median wall time of each and the ratio (goal: interpreter / hand-written <= 1.15).
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

async function timed(kind: 'interpreter' | 'hand-written', round: number): Promise<number> {
  const started = performance.now();
  if (kind === 'interpreter') {
    await temporal.client.workflow.execute('planInterpreterWorkflow', { taskQueue, workflowId: `bench-interp-${round}-${process.pid}`, args: [{ plan }] });
  } else {
    await temporal.client.workflow.execute('handWrittenWorkflow', { taskQueue, workflowId: `bench-hand-${round}-${process.pid}`, args: [{ steps }] });
  }
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

await worker.runUntil(async () => {
  await timed('interpreter', -1); // warm-up: workflow caches, connections
  await timed('hand-written', -1);
  const interp: number[] = [];
  const hand: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    // Alternate the order so drift on the shared machine hits both sides alike.
    if (round % 2 === 0) {
      interp.push(await timed('interpreter', round));
      hand.push(await timed('hand-written', round));
    } else {
      hand.push(await timed('hand-written', round));
      interp.push(await timed('interpreter', round));
    }
  }
  const ratio = median(interp) / median(hand);
  console.log(`${steps}-step plan of no-op activities, ${rounds} rounds, median wall time per workflow`);
  console.log(`  interpreter   ${median(interp).toFixed(0)} ms   (${interp.map((v) => v.toFixed(0)).join(', ')})`);
  console.log(`  hand-written  ${median(hand).toFixed(0)} ms   (${hand.map((v) => v.toFixed(0)).join(', ')})`);
  console.log(`  ratio interpreter/hand-written: ${ratio.toFixed(3)} (goal <= 1.15)`);
});
await temporal.close();
