import type { StepCall } from '../StepContext.ts';

/**
 * The part of an idempotency key shared by every step of one pipeline run (`<workflowId>:<firstRunId>`): steps
 * find each other's recorded outputs by it. A compensation's step id is `<step>.compensate`, so it finds the
 * step it compensates with `stepKey(call, stepOf(call))`.
 */
export function pipelineRunKey(call: Pick<StepCall, 'idempotencyKey' | 'stepId'>): string {
  const suffix = `:${call.stepId}`;
  return call.idempotencyKey.endsWith(suffix) ? call.idempotencyKey.slice(0, -suffix.length) : call.idempotencyKey;
}

export function stepKey(call: Pick<StepCall, 'idempotencyKey' | 'stepId'>, stepId: string): string {
  return `${pipelineRunKey(call)}:${stepId}`;
}

/** The step a compensation belongs to (`apply.compensate` → `apply`). */
export function compensatedStep(call: Pick<StepCall, 'stepId'>): string {
  return call.stepId.endsWith('.compensate') ? call.stepId.slice(0, -'.compensate'.length) : call.stepId;
}
