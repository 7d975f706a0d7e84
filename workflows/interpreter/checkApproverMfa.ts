import type { VerifiedApprover } from '../../activities/approvals/ApprovalTokenCheck.ts';
import type { ApprovalVerification } from '../../plan/ApprovalVerification.ts';
import type { GateNode } from '../../plan/Plan.ts';
import type { DecisionProblem } from './checkDecision.ts';

/**
 * The MFA rule for a verified approver (after checkDecision admitted it): with a second factor in `amr` every way
 * it qualifies counts; without one, only gate roles that do not require MFA, or being one of the gate's
 * identities unless every approval requires MFA. Returns the gate roles it decides as, or the problem. Pure.
 */
export function checkApproverMfa(gate: GateNode, verification: ApprovalVerification, approver: VerifiedApprover): { asRoles: readonly string[]; problem?: undefined } | { asRoles?: undefined; problem: DecisionProblem } {
  const held = gate.roles.filter((role) => approver.roles.includes(role));
  if (approver.mfa) return { asRoles: held };
  const withoutMfa = verification.mfaAlways ? [] : held.filter((role) => !verification.mfaRoles.includes(role));
  if (withoutMfa.length > 0 || (!verification.mfaAlways && gate.identities.includes(approver.identity))) return { asRoles: withoutMfa };
  const needs = verification.mfaAlways ? 'every approval here requires MFA' : `role${held.length === 1 ? '' : 's'} ${held.join(', ')} require${held.length === 1 ? 's' : ''} MFA`;
  const shown = approver.amr.length > 0 ? `amr ${approver.amr.join(', ')}` : 'no amr claim';
  return { problem: { code: 'DBA_APPROVAL_MFA_REQUIRED', message: `${approver.identity} may decide gate "${gate.id}" only with a second factor: ${needs}, and the token shows ${shown} (accepted: ${verification.mfaMethods.join(', ')})` } };
}
