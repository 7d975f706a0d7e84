import { expect } from 'chai';
import { ApplicationFailure } from '@temporalio/common';
import type { Plan } from '../../plan/Plan.ts';
import { GateDecisions } from '../../workflows/interpreter/gateDecisions.ts';
import { planRelease, protectedSpec } from './protectedSpec.ts';

function refusal(fn: () => void): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApplicationFailure) return error.type ?? undefined;
    throw error;
  }
  return undefined;
}

describe('the Update validator of a plan that verifies approvals', () => {
  let plan: Plan;
  before(async () => {
    plan = await planRelease(protectedSpec({ jwks_url: 'http://127.0.0.1:1/jwks.json' }), 'production');
  });

  const open = (gates: GateDecisions) => {
    const gate = plan.root.nodes.find((node) => node.kind === 'gate');
    if (gate?.kind !== 'gate') throw new Error('the test plan has a gate');
    gates.openGates.set(gate.id, gate);
  };

  it('refuses a decision without a token, or with a token that is no JWS, before anything enters history', () => {
    const gates = new GateDecisions(() => plan, [], []);
    gates.verification = plan.approvals;
    open(gates);
    expect(refusal(() => gates.validate({ identity: 'alice', planHash: plan.hash }, 'approve'))).to.equal('DBA_APPROVAL_TOKEN_REQUIRED');
    expect(refusal(() => gates.validate({ token: 'Bearer x.y', planHash: plan.hash }, 'reject'))).to.equal('DBA_APPROVAL_TOKEN_MALFORMED');
    expect(refusal(() => gates.validate({ token: 'a.b.c', planHash: 'f'.repeat(64) }, 'approve'))).to.equal('DBA_APPROVAL_PLAN_MISMATCH');
    expect(refusal(() => gates.validate({ token: 'a.b.c', planHash: plan.hash }, 'approve'))).to.equal(undefined);
  });

  it('in a run without the verified-approvals patch (begun on an older worker) refuses an Update even from an identity the plan lists', () => {
    const gates = new GateDecisions(() => plan, [], []);
    gates.verification = undefined; // what activePatches() gives a run recorded before the patch
    open(gates);
    expect(refusal(() => gates.validate({ identity: 'mallory', planHash: plan.hash }, 'approve'))).to.equal('DBA_APPROVAL_NOT_AUTHORISED');
    expect(refusal(() => gates.validate({ identity: 'alice', planHash: plan.hash, token: 'a.b.c' }, 'approve'))).to.equal('DBA_APPROVAL_NOT_AUTHORISED');
    const unverified = { ...plan, roles: { dba: ['alice'] } };
    const older = new GateDecisions(() => unverified, [], []);
    open(older);
    expect(refusal(() => older.validate({ identity: 'alice', planHash: plan.hash }, 'approve'))).to.equal('DBA_APPROVAL_TOKEN_REQUIRED');
  });
});
