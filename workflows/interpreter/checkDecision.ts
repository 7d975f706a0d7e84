import type { GateNode, Plan } from '../../plan/Plan.ts';
import type { ApprovalRecord, DecisionRequest } from './InterpreterTypes.ts';

export interface DecisionProblem {
  readonly code: 'DBA_APPROVAL_NO_GATE' | 'DBA_APPROVAL_NOT_AUTHORISED' | 'DBA_APPROVAL_DUPLICATE' | 'DBA_APPROVAL_PLAN_MISMATCH' | 'DBA_APPROVAL_DECIDED';
  readonly message: string;
}

/**
 * Why an approval or rejection must be refused, or undefined when it is acceptable. Pure: used by validators and
 * signals. `outcomes` holds the gates already decided (absent: the pre-v3 behaviour, where a later decision could
 * override the outcome).
 */
export function checkDecision(
  plan: Plan | undefined,
  openGates: ReadonlyMap<string, GateNode>,
  approvals: readonly ApprovalRecord[],
  request: DecisionRequest,
  decision: 'approve' | 'reject',
  outcomes?: ReadonlyMap<string, 'approved' | 'rejected'>,
): { gate: GateNode; problem?: undefined } | { gate?: undefined; problem: DecisionProblem } {
  if (!plan || openGates.size === 0) return { problem: { code: 'DBA_APPROVAL_NO_GATE', message: 'the workflow is not waiting at an approval gate' } };
  if (typeof request?.identity !== 'string' || request.identity === '') {
    return { problem: { code: 'DBA_APPROVAL_NOT_AUTHORISED', message: 'the request names no identity' } };
  }
  const gate = request.gate === undefined ? (openGates.size === 1 ? [...openGates.values()][0] : undefined) : openGates.get(request.gate);
  if (!gate) {
    const open = [...openGates.keys()].join(', ');
    return { problem: { code: 'DBA_APPROVAL_NO_GATE', message: request.gate === undefined ? `several gates are open (${open}): name one` : `gate "${request.gate}" is not open (open: ${open})` } };
  }
  const outcome = outcomes?.get(gate.id);
  if (outcome !== undefined) {
    const last = approvals.filter((record) => record.gate === gate.id).at(-1);
    return { problem: { code: 'DBA_APPROVAL_DECIDED', message: `gate "${gate.id}" is already ${outcome}${last ? ` (${last.decision} by ${last.identity})` : ''}: a decision cannot be changed` } };
  }
  if (request.planHash !== plan.hash) {
    return { problem: { code: 'DBA_APPROVAL_PLAN_MISMATCH', message: `the ${decision} names plan ${String(request.planHash).slice(0, 12)}, but this workflow runs plan ${plan.hash.slice(0, 12)}` } };
  }
  const heldRoles = gate.roles.filter((role) => plan.roles[role]?.includes(request.identity));
  if (!gate.identities.includes(request.identity) && heldRoles.length === 0) {
    const who = [...gate.roles.map((role) => `role ${role}`), ...gate.identities].join(', ');
    return { problem: { code: 'DBA_APPROVAL_NOT_AUTHORISED', message: `${request.identity} may not decide gate "${gate.id}" (accepted: ${who})` } };
  }
  if (decision === 'approve' && approvals.some((record) => record.gate === gate.id && record.decision === 'approve' && record.identity === request.identity)) {
    return { problem: { code: 'DBA_APPROVAL_DUPLICATE', message: `${request.identity} already approved gate "${gate.id}"` } };
  }
  return { gate };
}
