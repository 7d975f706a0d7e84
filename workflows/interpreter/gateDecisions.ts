import type { ApplicationFailure } from '@temporalio/workflow';
import type { GateNode, Plan } from '../../plan/Plan.ts';
import { workflowFailure } from '../workflowFailure.ts';
import { checkDecision } from './checkDecision.ts';
import type { ApprovalRecord, DecisionRequest, RefusedDecision } from './InterpreterTypes.ts';

export type GateOutcome = 'approved' | 'rejected';

/**
 * The approval gates' book: which gates are open, the decisions taken (by update, signal or timeout), the ones
 * refused, and each gate's outcome. With `finalDecisions` a gate's first outcome stands: a rejection cannot be
 * turned into an approval by a decision arriving after it, even in the same workflow task.
 */
export class GateDecisions {
  readonly openGates = new Map<string, GateNode>();
  readonly outcomes = new Map<string, GateOutcome>();
  /** Set once the run knows its patches (before any gate opens). */
  finalDecisions = false;

  constructor(
    private readonly plan: () => Plan | undefined,
    readonly approvals: ApprovalRecord[],
    readonly refused: RefusedDecision[],
  ) {}

  check(request: DecisionRequest, decision: 'approve' | 'reject') {
    return checkDecision(this.plan(), this.openGates, this.approvals, request, decision, this.finalDecisions ? this.outcomes : undefined);
  }

  /** Update validator: refuses (nothing enters history) what `decide` would refuse. */
  validate(request: DecisionRequest, decision: 'approve' | 'reject'): void {
    const checked = this.check(request, decision);
    if (checked.problem) throw workflowFailure(checked.problem.code, checked.problem.message);
  }

  decide(request: DecisionRequest, decision: 'approve' | 'reject', via: 'update' | 'signal', at: string): ApprovalRecord {
    const checked = this.check(request, decision);
    if (checked.problem) throw workflowFailure(checked.problem.code, checked.problem.message);
    const gate = checked.gate;
    const record: ApprovalRecord = { gate: gate.id, decision, identity: request.identity, comment: request.comment ?? '', planHash: request.planHash, at, via };
    this.approvals.push(record);
    if (decision === 'reject') this.outcomes.set(gate.id, 'rejected');
    else if (this.approvals.filter((a) => a.gate === gate.id && a.decision === 'approve').length >= gate.count) this.outcomes.set(gate.id, 'approved');
    return record;
  }

  /** A signal cannot be answered: a refused one is recorded in `refused` (shown by status). */
  decideFromSignal(request: DecisionRequest, decision: 'approve' | 'reject', at: string): void {
    try {
      this.decide(request, decision, 'signal', at);
    } catch (error) {
      const failure = error as ApplicationFailure;
      this.refused.push({ identity: String(request?.identity ?? ''), decision, code: failure.type ?? 'DBA_APPROVAL_NO_GATE', message: failure.message, at });
    }
  }

  /** The gate timed out: its `on_timeout` decides, recorded as a decision by `timeout`. */
  timeOut(gate: GateNode, planHash: string, at: string): void {
    this.approvals.push({ gate: gate.id, decision: gate.onTimeout, identity: 'timeout', comment: `no decision within ${gate.timeoutMs} ms`, planHash, at, via: 'timeout' });
    this.outcomes.set(gate.id, gate.onTimeout === 'approve' ? 'approved' : 'rejected');
  }
}
