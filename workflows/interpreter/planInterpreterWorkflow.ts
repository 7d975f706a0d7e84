import {
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ApprovalTokenCheck, ApprovalTokenOutcome } from '../../activities/approvals/ApprovalTokenCheck.ts';
import type { GateNode, Plan, PlanNode, RuntimeCondition } from '../../plan/Plan.ts';
import type { StepCall } from '../../plugins/StepContext.ts';
import { dbarchSearchAttributes } from '../searchAttributes.ts';
import { workflowFailure, workflowFailureFrom } from '../workflowFailure.ts';
import { GateDecisions } from './gateDecisions.ts';
import { activePatches, type InterpreterPatch } from './interpreterPatches.ts';
import { interpreterMessageDescriptions, interpreterMessages } from './interpreterMessages.ts';
import { planFromSpecActivity } from './planFromSpecActivity.ts';
import { runBranches } from './runBranches.ts';
import { describeFailure, outcomeUnknown, runAttempts, type AttemptTarget } from './stepAttempts.ts';
import { verifyApprovalTokenActivity } from './verifyApprovalTokenActivity.ts';
import type { ApprovalRecord, CarriedState, DecisionRequest, InterpreterInput, InterpreterResult, InterpreterStatus, Phase, RefusedDecision, StepError, StepState } from './InterpreterTypes.ts';

export { interpreterPatches } from './interpreterPatches.ts';

/**
 * Runs any plan, deterministically: steps as activities with their own timeouts and retry policy (retried here, so
 * status shows attempts and the last error live), sequences, parallel branches, approval gates, timers and child
 * procedures. On a failed step, a rejection or a cancellation it runs the compensations of completed steps in
 * reverse order. Long plans continue as new between top-level nodes.
 */
export async function planInterpreterWorkflow(input: InterpreterInput): Promise<InterpreterResult> {
  const info = workflowInfo();
  const carried: CarriedState = input.carried ?? { steps: {}, completed: [], approvals: [], refused: [], runs: 0 };
  const steps: Record<string, StepState> = { ...carried.steps };
  const completed: string[] = [...carried.completed];
  const approvals: ApprovalRecord[] = [...carried.approvals];
  const refused: RefusedDecision[] = [...carried.refused];
  const current = new Set<string>();
  let plan: Plan | undefined = input.plan;
  let phase: Phase = plan ? 'running' : 'planning';
  let finishedThisRun = 0;
  // Verified gates (protected environments) check each decision's token in an activity: a worker's clock and network.
  const { [verifyApprovalTokenActivity]: verifyToken } = proxyActivities<Record<string, (check: ApprovalTokenCheck) => Promise<ApprovalTokenOutcome>>>({
    startToCloseTimeout: '20s',
    retry: { maximumAttempts: 3, initialInterval: '1s' },
  });
  const gates = new GateDecisions(() => plan, approvals, refused, verifyToken);
  const openGates = gates.openGates;

  const status = (): InterpreterStatus => ({
    phase,
    planHash: plan?.hash ?? null,
    procedure: plan?.procedure ?? null,
    environment: plan?.environment ?? null,
    summary: plan?.summary ?? null,
    currentSteps: [...current],
    awaitingApproval: openGates.size > 0,
    openGates: [...openGates.values()].map((gate) => ({
      gate: gate.id,
      roles: gate.roles,
      identities: gate.identities,
      required: gate.count,
      approvedBy: approvals.filter((a) => a.gate === gate.id && a.decision === 'approve').map((a) => a.identity),
      onTimeout: gate.onTimeout,
      ...(gates.verification ? { tokenIssuer: gates.verification.issuer } : {}),
      ...(gate.timeoutMs !== undefined && steps[gate.id]?.output ? { deadline: (steps[gate.id]?.output as { deadline: string }).deadline } : {}),
    })),
    steps,
    approvals,
    refused,
  });
  const result = (): InterpreterResult => {
    const { currentSteps: _c, openGates: _o, awaitingApproval: _a, ...rest } = status();
    return rest;
  };

  const now = () => new Date().toISOString(); // workflow time: deterministic
  const d = interpreterMessageDescriptions;
  setHandler(interpreterMessages.status, status, { description: d.status });
  const decide = (request: DecisionRequest, decision: 'approve' | 'reject'): ApprovalRecord | Promise<ApprovalRecord> =>
    gates.verification ? gates.decideVerified(request, decision, 'update', now) : gates.decide(request, decision, 'update', now());
  setHandler(interpreterMessages.approve, (request) => decide(request, 'approve'), { validator: (request: DecisionRequest) => gates.validate(request, 'approve'), description: d.approve });
  setHandler(interpreterMessages.reject, (request) => decide(request, 'reject'), { validator: (request: DecisionRequest) => gates.validate(request, 'reject'), description: d.reject });
  setHandler(interpreterMessages.approveSignal, (request) => gates.decideFromSignal(request, 'approve', now), { description: d.approveSignal });
  setHandler(interpreterMessages.rejectSignal, (request) => gates.decideFromSignal(request, 'reject', now), { description: d.rejectSignal });

  if (!plan) {
    if (!input.spec) throw workflowFailure('DBA_PLAN_INVALID', 'input needs `plan` or `spec: {path, environment}`');
    const { [planFromSpecActivity]: planFromSpec } = proxyActivities<Record<string, (spec: InterpreterInput['spec']) => Promise<Plan>>>({
      startToCloseTimeout: '2m',
      retry: { maximumAttempts: 3 },
    });
    plan = await planFromSpec!(input.spec);
    phase = 'running';
  }
  if (plan.apiVersion !== 'dbarch.plan/v1' || plan.root?.kind !== 'sequence') {
    throw workflowFailure('DBA_PLAN_INVALID', `not a dbarch.plan/v1 plan (apiVersion ${String(plan.apiVersion)})`);
  }
  const thePlan: Plan = plan;
  const nodesById = new Map<string, PlanNode>();
  const index = (node: PlanNode): void => {
    nodesById.set(node.id, node);
    if (node.kind === 'sequence') node.nodes.forEach(index);
    if (node.kind === 'parallel') node.branches.forEach(index);
  };
  index(thePlan.root);

  const setAwaiting = (awaiting: boolean) => upsertSearchAttributes([{ key: dbarchSearchAttributes.awaitingApproval, value: awaiting }]);
  upsertSearchAttributes([
    { key: dbarchSearchAttributes.environment, value: thePlan.environment },
    { key: dbarchSearchAttributes.operation, value: thePlan.operation },
    { key: dbarchSearchAttributes.specRevision, value: thePlan.specRevision },
    { key: dbarchSearchAttributes.awaitingApproval, value: false },
  ]);
  upsertMemo({ summary: thePlan.summary, planHash: thePlan.hash, procedure: thePlan.procedure });
  const patches: Readonly<Record<InterpreterPatch, boolean>> = activePatches();
  gates.finalDecisions = patches.finalDecisions;
  gates.verification = patches.verifiedApprovals ? thePlan.approvals : undefined;
  const progress = () => {
    if (!patches.memoProgress) return;
    const done = Object.values(steps).filter((s) => s.status === 'succeeded' || s.status === 'skipped').length;
    upsertMemo({ progress: `${phase}: ${done}/${nodesById.size - 1} nodes done` });
  };

  const stepState = (id: string): StepState => (steps[id] ??= { status: 'pending', attempts: 0 });
  const call = (stepId: string): StepCall => ({
    stepId,
    idempotencyKey: `${info.workflowId}:${info.firstExecutionRunId}:${stepId}`,
    environment: thePlan.environment,
    planHash: thePlan.hash,
  });

  /** One step or compensation as activity attempts with its own policy (stepAttempts.ts). */
  const attempt = (target: AttemptTarget, stepCall: StepCall, record: { attempts: number; lastError?: StepError }): Promise<unknown> =>
    runAttempts(target, stepCall, record, { waitForCancelledAttempt: patches.compensateUnknownOutcomes, cancellationOnlyWhenRequested: patches.cancellationOnlyWhenRequested });

  const conditionHolds = (when: RuntimeCondition): boolean => {
    const source = steps[when.step];
    if (when.output === undefined) return source?.status === when.equals;
    let value: unknown = source?.output;
    for (const key of when.output.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    return JSON.stringify(value ?? null) === JSON.stringify(when.equals);
  };

  const runGate = async (gate: GateNode): Promise<void> => {
    const state = stepState(gate.id);
    state.status = 'running';
    const deadline = gate.timeoutMs === undefined ? undefined : new Date(Date.now() + gate.timeoutMs).toISOString();
    if (deadline) state.output = { deadline };
    openGates.set(gate.id, gate);
    phase = 'awaiting-approval';
    setAwaiting(true);
    try {
      const decided = () => gates.outcomes.has(gate.id);
      const inTime = gate.timeoutMs === undefined ? (await condition(decided), true) : await condition(decided, gate.timeoutMs);
      if (!inTime) gates.timeOut(gate, thePlan.hash, now());
    } catch (error) {
      if (isCancellation(error)) state.status = 'cancelled'; // the workflow or a failed sibling branch stopped the wait
      throw error;
    } finally {
      openGates.delete(gate.id);
      if (openGates.size === 0) {
        setAwaiting(false);
        if (phase === 'awaiting-approval') phase = 'running';
      }
    }
    if (gates.outcomes.get(gate.id) === 'approved') {
      state.status = 'succeeded';
      return;
    }
    state.status = 'failed';
    const last = approvals.filter((a) => a.gate === gate.id).at(-1);
    const timedOut = last?.via === 'timeout';
    throw timedOut
      ? workflowFailure('DBA_APPROVAL_TIMEOUT', `gate ${gate.id} timed out`)
      : workflowFailure('DBA_APPROVAL_REJECTED', `gate ${gate.id} rejected by ${last?.identity ?? '?'}: ${last?.comment ?? ''}`);
  };

  const runNode = async (node: PlanNode): Promise<void> => {
    const existing = steps[node.id];
    if (existing && (existing.status === 'succeeded' || existing.status === 'skipped')) return; // done in an earlier run
    if (node.when && !conditionHolds(node.when)) {
      stepState(node.id).status = 'skipped';
      return;
    }
    switch (node.kind) {
      case 'sequence':
        for (const child of node.nodes) {
          await runNode(child);
          if (node === thePlan.root) await maybeContinueAsNew();
        }
        if (node !== thePlan.root) stepState(node.id).status = 'succeeded';
        return;
      case 'parallel': {
        const state = stepState(node.id);
        state.status = 'running';
        const failure = await runBranches(node.branches, runNode, patches.parallelFailFast);
        state.status = failure === undefined ? 'succeeded' : 'failed';
        if (failure !== undefined) throw failure as Error; // a branch's rejection: a Temporal failure
        return;
      }
      case 'gate':
        return runGate(node);
      case 'timer': {
        const state = stepState(node.id);
        state.status = 'running';
        current.add(node.id);
        try {
          await sleep(node.durationMs);
        } catch (error) {
          if (isCancellation(error)) state.status = 'cancelled';
          throw error;
        } finally {
          current.delete(node.id);
        }
        state.status = 'succeeded';
        finishedThisRun += 1;
        progress();
        return;
      }
      case 'child': {
        const state = stepState(node.id);
        state.status = 'running';
        state.attempts += 1;
        current.add(node.id);
        try {
          state.output = await executeChild<typeof planInterpreterWorkflow>(node.workflowType, {
            args: [node.input],
            workflowId: `${info.workflowId}/${node.id}`,
          });
          state.status = 'succeeded';
        } catch (error) {
          state.status = isCancellation(error) ? 'cancelled' : 'failed';
          if (!isCancellation(error)) state.lastError = { ...describeFailure(error), attempt: state.attempts };
          throw error;
        } finally {
          current.delete(node.id);
        }
        finishedThisRun += 1;
        progress();
        return;
      }
      case 'step': {
        const state = stepState(node.id);
        state.status = 'running';
        current.add(node.id);
        try {
          state.output = await attempt(node, call(node.id), state);
          state.status = 'succeeded';
          if (node.compensate) completed.push(node.id);
        } catch (error) {
          state.status = isCancellation(error) ? 'cancelled' : 'failed';
          // It may have taken effect (cancelled mid-flight, or an attempt whose answer was lost): compensate it too.
          if (node.compensate && patches.compensateUnknownOutcomes && outcomeUnknown(state)) completed.push(node.id);
          // Only plans that ask for it carry the flag, so recorded histories replay unchanged without a patch.
          if (node.continueOnError !== true || isCancellation(error)) throw error;
        } finally {
          current.delete(node.id);
        }
        finishedThisRun += 1;
        progress();
        return;
      }
    }
  };

  const maybeContinueAsNew = async (): Promise<void> => {
    const limit = input.continueAsNewAfter;
    if (!(limit !== undefined && finishedThisRun >= limit) && !workflowInfo().continueAsNewSuggested) return;
    await condition(allHandlersFinished);
    await continueAsNew<typeof planInterpreterWorkflow>({
      plan: thePlan,
      carried: { steps, completed, approvals, refused, runs: carried.runs + 1 },
      ...(limit !== undefined ? { continueAsNewAfter: limit } : {}),
    });
  };

  /** Compensations of completed steps, newest first; a failing one is recorded and the others still run. */
  const compensate = async (): Promise<void> => {
    phase = 'compensating';
    for (const id of [...completed].reverse()) {
      const node = nodesById.get(id);
      if (node?.kind !== 'step' || !node.compensate) continue;
      const state = stepState(id);
      const record: NonNullable<StepState['compensation']> = (state.compensation = { status: 'running', attempts: 0 });
      current.add(`${id}.compensate`);
      try {
        // Kept in status and the result (e.g. what a rollback did); state only, no new commands: replay-safe.
        record.output = await attempt(node.compensate, call(`${id}.compensate`), record);
        record.status = 'succeeded';
        state.status = 'compensated';
      } catch {
        record.status = 'failed';
        state.status = 'compensation-failed';
      } finally {
        current.delete(`${id}.compensate`);
      }
    }
    completed.length = 0;
  };

  try {
    await runNode(thePlan.root);
    phase = 'succeeded';
    progress();
    await condition(allHandlersFinished);
    return result();
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    // A cancellation that reaches here is the workflow's own, unless a child or activity was cancelled from outside.
    const cancelled = isCancellation(error) && (!patches.cancellationOnlyWhenRequested || CancellationScope.current().consideredCancelled);
    await CancellationScope.nonCancellable(compensate);
    const failure = error instanceof ApplicationFailure ? error : undefined;
    phase = cancelled ? 'cancelled' : failure?.type === 'DBA_APPROVAL_REJECTED' || failure?.type === 'DBA_APPROVAL_TIMEOUT' ? 'rejected' : 'failed';
    progress();
    if (cancelled) throw error;
    // The failure keeps the code it was raised with (a step's, a gate's): each was typed where it was thrown.
    throw workflowFailureFrom(error, 'DBA_STEP_FAILED', failure?.message ?? String(error), { details: [result()] });
  }
}
