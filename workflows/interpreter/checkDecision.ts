import type { GateNode, Plan } from '../../plan/Plan.ts';
import type { ApprovalRecord, DecisionRequest } from './InterpreterTypes.ts';

export interface DecisionProblem {
  readonly code:
    | 'DBA_APPROVAL_NO_GATE'
    | 'DBA_APPROVAL_NOT_AUTHORISED'
    | 'DBA_APPROVAL_DUPLICATE'
    | 'DBA_APPROVAL_PLAN_MISMATCH'
    | 'DBA_APPROVAL_DECIDED'
    | 'DBA_APPROVAL_TOKEN_REQUIRED'
    | 'DBA_APPROVAL_TOKEN_MALFORMED'
    | 'DBA_APPROVAL_MFA_REQUIRED';
  readonly message: string;
}

/** Who decides, as a verified token proved it: the identity and the roles its claims grant. */
export interface ProvenApprover {
  readonly identity: string;
  readonly roles: readonly string[];
}

/**
 * Why an approval or rejection must be refused, or undefined when it is acceptable. Pure: used by validators and
 * signals. `outcomes` holds the gates already decided (absent: the pre-v3 behaviour, where a later decision could
 * override the outcome). `approver`: absent, the request's identity with the roles `plan.roles` lists; a proven
 * approver (verified token), its identity with the roles of its claims; `null`, not known yet (the token is still
 * to be verified), so only the gate, outcome and plan hash are checked.
 */
export function checkDecision(
  plan: Plan | undefined,
  openGates: ReadonlyMap<string, GateNode>,
  approvals: readonly ApprovalRecord[],
  request: DecisionRequest,
  decision: 'approve' | 'reject',
  outcomes?: ReadonlyMap<string, 'approved' | 'rejected'>,
  approver?: ProvenApprover | null,
): { gate: GateNode; problem?: undefined } | { gate?: undefined; problem: DecisionProblem } {
  if (!plan || openGates.size === 0) return { problem: { code: 'DBA_APPROVAL_NO_GATE', message: 'the workflow is not waiting at an approval gate' } };
  if (approver === undefined && (typeof request?.identity !== 'string' || request.identity === '')) {
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
  if (approver === null) return { gate };
  const identity = approver ? approver.identity : String(request.identity);
  const heldRoles = gate.roles.filter((role) => (approver ? approver.roles.includes(role) : plan.roles[role]?.includes(identity)));
  if (!gate.identities.includes(identity) && heldRoles.length === 0) {
    const who = [...gate.roles.map((role) => `role ${role}`), ...gate.identities].join(', ');
    const claimed = approver ? ` (its token grants ${approver.roles.length > 0 ? `roles ${approver.roles.join(', ')}` : 'no roles'})` : '';
    return { problem: { code: 'DBA_APPROVAL_NOT_AUTHORISED', message: `${identity} may not decide gate "${gate.id}"${claimed} (accepted: ${who})` } };
  }
  if (decision === 'approve' && approvals.some((record) => record.gate === gate.id && record.decision === 'approve' && record.identity === identity)) {
    return { problem: { code: 'DBA_APPROVAL_DUPLICATE', message: `${identity} already approved gate "${gate.id}"` } };
  }
  return { gate };
}
