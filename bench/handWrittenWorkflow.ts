// Bench-only workflow bundle: the interpreter and its hand-written peer, side by side in one bundle.
import { proxyActivities } from '@temporalio/workflow';

export { planInterpreterWorkflow } from '../workflows/interpreter/planInterpreterWorkflow.ts';

const { 'bench/noop': noop } = proxyActivities<Record<string, (input: unknown) => Promise<unknown>>>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 1 },
});

/** What a person would write by hand for the same plan: N activity calls in a row. */
export async function handWrittenWorkflow(input: { steps: number }): Promise<number> {
  for (let i = 0; i < input.steps; i += 1) await noop!({ i });
  return input.steps;
}
