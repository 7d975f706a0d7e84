// Bench-only workflow bundle: the interpreter and its hand-written peers, side by side in one bundle.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';

export { planInterpreterWorkflow } from '../workflows/interpreter/planInterpreterWorkflow.ts';

type NoopActivities = Record<string, (input: unknown) => Promise<unknown>>;

const { 'bench/noop': noop } = proxyActivities<NoopActivities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 1 },
});

const { 'bench/noop': localNoop } = proxyLocalActivities<NoopActivities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 1 },
});

/** What a person would write by hand for the same plan: N activity calls in a row. */
export async function handWrittenWorkflow(input: { steps: number }): Promise<number> {
  for (let i = 0; i < input.steps; i += 1) await noop!({ i });
  return input.steps;
}

/** The same N calls as local activities: the floor of what the interpreter could reach with them. */
export async function handWrittenLocalWorkflow(input: { steps: number }): Promise<number> {
  for (let i = 0; i < input.steps; i += 1) await localNoop!({ i });
  return input.steps;
}
