import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { ApprovalTokenCheck, ApprovalTokenOutcome } from '../../activities/approvals/ApprovalTokenCheck.ts';
import type { ErrorCode } from '../../errors/registry.ts';
import type { ApprovalVerification } from '../../plan/ApprovalVerification.ts';
import type { GateNode, Plan } from '../../plan/Plan.ts';
import { workflowFailure } from '../workflowFailure.ts';
import { checkApproverMfa } from './checkApproverMfa.ts';
import { checkDecision, type DecisionProblem, type ProvenApprover } from './checkDecision.ts';
import type { ApprovalProof, ApprovalRecord, DecisionRequest, RefusedDecision } from './InterpreterTypes.ts';

export type GateOutcome = 'approved' | 'rejected';

/** A compact JWS: three base64url parts (the signature part may not be empty). */
const compactJws = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * The approval gates' book: which gates are open, the decisions taken (by update, signal or timeout), the ones
 * refused, and each gate's outcome. With `finalDecisions` a gate's first outcome stands: a rejection cannot be
 * turned into an approval by a decision arriving after it, even in the same workflow task. With `verification`
 * (a protected environment's plan) a decision counts only once a worker verified its token; who decided and as
 * which roles come from the token, and a refused token is recorded in `refused` while the gate stays open.
 */
export class GateDecisions {
  readonly openGates = new Map<string, GateNode>();
  readonly outcomes = new Map<string, GateOutcome>();
  /** Set once the run knows its patches (before any gate opens). */
  finalDecisions = false;
  /** Set once the run knows its patches, from the plan's `approvals`. */
  verification: ApprovalVerification | undefined;

  constructor(
    private readonly plan: () => Plan | undefined,
    readonly approvals: ApprovalRecord[],
    readonly refused: RefusedDecision[],
    private readonly verifyToken?: (check: ApprovalTokenCheck) => Promise<ApprovalTokenOutcome>,
  ) {}

  check(request: DecisionRequest, decision: 'approve' | 'reject', approver?: ProvenApprover | null) {
    return checkDecision(this.plan(), this.openGates, this.approvals, request, decision, this.finalDecisions ? this.outcomes : undefined, approver);
  }

  /** Update validator: refuses (nothing enters history) what `decide` would refuse, or for a verified gate what is known before the token is checked. */
  validate(request: DecisionRequest, decision: 'approve' | 'reject'): void {
    const problem = this.verification ? this.earlyProblem(request, decision) : this.check(request, decision).problem ?? this.unverifiable(decision);
    if (problem) throw workflowFailure(problem.code, problem.message);
  }

  /**
   * A plan that asks for verified approvals in a run without the patch (begun on a worker from before it): its
   * handler cannot verify without changing history, so the validator (never replayed) refuses every Update instead.
   */
  private unverifiable(decision: 'approve' | 'reject'): DecisionProblem | undefined {
    const approvals = this.plan()?.approvals;
    if (approvals === undefined) return undefined;
    return { code: 'DBA_APPROVAL_TOKEN_REQUIRED', message: `this plan accepts a ${decision} only with a token signed by ${approvals.issuer}, but this run began on a worker that could not verify one: cancel it and apply again` };
  }

  decide(request: DecisionRequest, decision: 'approve' | 'reject', via: 'update' | 'signal', at: string): ApprovalRecord {
    const checked = this.check(request, decision);
    if (checked.problem) throw workflowFailure(checked.problem.code, checked.problem.message);
    return this.record(checked.gate, decision, String(request.identity), request, via, at);
  }

  /**
   * A decision at a verified gate: the token goes to a worker (signature, issuer, audience, expiry on its clock),
   * then the decision is checked again with who the token proved, since the gate may have moved meanwhile.
   */
  async decideVerified(request: DecisionRequest, decision: 'approve' | 'reject', via: 'update' | 'signal', now: () => string): Promise<ApprovalRecord> {
    const verification = this.verification!;
    const issuer = verification.issuer;
    const refuse = (problem: { readonly code: ErrorCode; readonly message: string }, identity: string, token?: RefusedDecision['token']) => {
      const gate = this.check(request, decision, null).gate?.id;
      this.refused.push({ identity, decision, code: problem.code, message: problem.message, at: now(), ...(gate ? { gate } : {}), via, ...(token ? { token } : {}) });
      return workflowFailure(problem.code, problem.message);
    };
    const early = this.earlyProblem(request, decision);
    if (early) throw refuse(early, String(request?.identity ?? ''));
    let outcome: ApprovalTokenOutcome;
    try {
      outcome = await this.verifyToken!({ token: request.token!, settings: verification });
    } catch (error) {
      const cause = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : undefined;
      const message = `the approval token could not be verified: ${cause?.message ?? (error instanceof Error ? error.message : String(error))}`;
      throw refuse({ code: 'DBA_APPROVAL_VERIFIER_UNAVAILABLE', message }, String(request.identity ?? ''), { verified: false, issuer, reason: 'verifier unavailable' });
    }
    if (!outcome.ok) {
      const message = `approval token refused: ${outcome.reason}${outcome.claim ? ` (${outcome.claim})` : ''}`;
      throw refuse({ code: outcome.code, message }, outcome.claimedIdentity ?? String(request.identity ?? ''), { verified: false, issuer, reason: outcome.reason, ...(outcome.claim ? { claim: outcome.claim } : {}) });
    }
    const checked = this.check(request, decision, { identity: outcome.identity, roles: outcome.roles });
    if (checked.problem) throw refuse(checked.problem, outcome.identity, { verified: true, issuer });
    const mfa = checkApproverMfa(checked.gate, verification, outcome);
    if (mfa.problem) throw refuse(mfa.problem, outcome.identity, { verified: true, issuer, reason: 'no second factor' });
    const { ok: _ok, identity, ...claims } = outcome;
    const proof: ApprovalProof = { kind: 'jwt', ...claims, asRoles: mfa.asRoles };
    return this.record(checked.gate, decision, identity, request, via, now(), proof);
  }

  /** A signal cannot be answered: a refused one is recorded in `refused` (shown by status). */
  async decideFromSignal(request: DecisionRequest, decision: 'approve' | 'reject', now: () => string): Promise<void> {
    if (this.verification) {
      await this.decideVerified(request, decision, 'signal', now).catch(() => undefined); // refusals are in `refused`
      return;
    }
    const at = now();
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

  /** What a verified gate refuses before the token is checked: no token, not a JWS, or the gate/plan checks. */
  private earlyProblem(request: DecisionRequest, decision: 'approve' | 'reject'): DecisionProblem | undefined {
    const gateProblem = this.check(request, decision, null).problem;
    if (gateProblem) return gateProblem;
    if (typeof request.token !== 'string' || request.token === '') {
      return { code: 'DBA_APPROVAL_TOKEN_REQUIRED', message: `this plan (a protected environment) accepts a ${decision} only with a token signed by ${this.verification?.issuer ?? '?'}; a named identity alone is not enough` };
    }
    if (!compactJws.test(request.token)) return { code: 'DBA_APPROVAL_TOKEN_MALFORMED', message: `the token is not a compact JWS (header.payload.signature, base64url): ${request.token.length} characters` };
    return undefined;
  }

  private record(gate: GateNode, decision: 'approve' | 'reject', identity: string, request: DecisionRequest, via: 'update' | 'signal', at: string, proof?: ApprovalProof): ApprovalRecord {
    const record: ApprovalRecord = { gate: gate.id, decision, identity, comment: request.comment ?? '', planHash: request.planHash, at, via, ...(proof ? { proof } : {}) };
    this.approvals.push(record);
    if (decision === 'reject') this.outcomes.set(gate.id, 'rejected');
    else if (this.approvals.filter((a) => a.gate === gate.id && a.decision === 'approve').length >= gate.count) this.outcomes.set(gate.id, 'approved');
    return record;
  }
}
