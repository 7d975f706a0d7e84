import { expect } from 'chai';
import type { VerifiedApprover } from '../../activities/approvals/ApprovalTokenCheck.ts';
import type { ApprovalVerification } from '../../plan/ApprovalVerification.ts';
import type { GateNode } from '../../plan/Plan.ts';
import { checkApproverMfa } from '../../workflows/interpreter/checkApproverMfa.ts';

const gate: GateNode = { kind: 'gate', id: 'g', reason: 'r', roles: ['dba', 'release_manager'], identities: ['oncall@example.com'], count: 1, onTimeout: 'reject' };
const verification = (mfa: { mfaAlways?: boolean; mfaRoles?: string[] }): ApprovalVerification => ({
  kind: 'jwt', issuer: 'i', audience: 'a', jwksUrl: 'http://x', algorithms: ['RS256'], identityClaim: 'sub', rolesClaim: 'roles', mfaMethods: ['mfa', 'otp', 'hwk'],
  mfaAlways: mfa.mfaAlways ?? false, mfaRoles: mfa.mfaRoles ?? [],
});
const approver = (identity: string, roles: string[], mfa: boolean): VerifiedApprover => ({ ok: true, identity, roles, amr: mfa ? ['pwd', 'otp'] : ['pwd'], mfa, issuer: 'i' });

describe('the MFA rule of verified gates (checkApproverMfa)', () => {
  const cases: [string, { mfaAlways?: boolean; mfaRoles?: string[] }, VerifiedApprover, string[] | 'DBA_APPROVAL_MFA_REQUIRED'][] = [
    ['a dba with MFA counts as dba', { mfaRoles: ['dba'] }, approver('a', ['dba'], true), ['dba']],
    ['a dba without MFA is refused where dba requires it', { mfaRoles: ['dba'] }, approver('a', ['dba'], false), 'DBA_APPROVAL_MFA_REQUIRED'],
    ['dba and release_manager without MFA counts only as release_manager', { mfaRoles: ['dba'] }, approver('a', ['dba', 'release_manager'], false), ['release_manager']],
    ['a listed identity without MFA counts when not every approval needs it', { mfaRoles: ['dba'] }, approver('oncall@example.com', [], false), []],
    ['a listed identity without MFA is refused when every approval needs it', { mfaAlways: true }, approver('oncall@example.com', [], false), 'DBA_APPROVAL_MFA_REQUIRED'],
    ['any role without MFA is refused when every approval needs it', { mfaAlways: true }, approver('a', ['release_manager'], false), 'DBA_APPROVAL_MFA_REQUIRED'],
    ['no MFA rule: a role counts without MFA', {}, approver('a', ['dba'], false), ['dba']],
  ];
  for (const [title, mfa, who, expected] of cases) {
    it(title, () => {
      const checked = checkApproverMfa(gate, verification(mfa), who);
      if (expected === 'DBA_APPROVAL_MFA_REQUIRED') expect(checked.problem?.code).to.equal(expected);
      else expect(checked).to.deep.equal({ asRoles: expected });
    });
  }
});
