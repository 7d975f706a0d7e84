import type { VerifiedApprover } from '../../activities/approvals/ApprovalTokenCheck.ts';
import type { Plan } from '../../plan/Plan.ts';

/**
 * Input of planInterpreterWorkflow, one small JSON object. From the Temporal UI give a spec reference, e.g.
 * `{"spec": {"path": "specs/platform.yaml", "environment": "dev", "procedure": "release"}}`: the first activity
 * compiles it and the plan lands in history. The CLI passes the plan it showed (`plan`).
 */
export interface InterpreterInput {
  readonly plan?: Plan;
  readonly spec?: { readonly path: string; readonly environment: string; readonly procedure?: string };
  /** Progress carried across continue-as-new; never set by hand. */
  readonly carried?: CarriedState;
  /** Continue-as-new after this many finished nodes in one run (default: when the server suggests it). */
  readonly continueAsNewAfter?: number;
}

export type Phase = 'planning' | 'running' | 'awaiting-approval' | 'compensating' | 'succeeded' | 'failed' | 'rejected' | 'cancelled';

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'compensated' | 'compensation-failed';

export interface StepError {
  readonly code: string;
  readonly message: string;
  readonly attempt: number;
}

export interface StepState {
  status: StepStatus;
  attempts: number;
  lastError?: StepError;
  output?: unknown;
  compensation?: { status: 'running' | 'succeeded' | 'failed'; attempts: number; lastError?: StepError; output?: unknown };
}

/** What approve/reject (update or signal) carry. */
export interface DecisionRequest {
  /** Who decides, for gates of unprotected environments (`--as`); where the plan verifies approvals, the token names who. */
  readonly identity?: string;
  /** A signed JWT from the plan's identity provider: required where the plan has `approvals` (protected environments). */
  readonly token?: string;
  /** The hash of the plan the approver reviewed; must equal the running plan's. */
  readonly planHash: string;
  readonly comment?: string;
  /** Which gate, when several are open at once; default the only open one. */
  readonly gate?: string;
}

export interface ApprovalRecord {
  readonly gate: string;
  readonly decision: 'approve' | 'reject';
  readonly identity: string;
  readonly comment: string;
  readonly planHash: string;
  /** Workflow time (deterministic), ISO 8601. */
  readonly at: string;
  readonly via: 'update' | 'signal' | 'timeout';
  /** Set when the gate verified a token: what it proved (identity above is the token's). */
  readonly proof?: ApprovalProof;
}

/** What a verified token proved for a decision; never the token itself. */
export interface ApprovalProof extends Omit<VerifiedApprover, 'ok' | 'identity'> {
  readonly kind: 'jwt';
  /** The gate's roles the token's claims grant (empty: admitted as one of the gate's identities). */
  readonly asRoles: readonly string[];
}

export interface RefusedDecision {
  /** Who tried: the named identity, or for a token the identity it claims (unverified when the token was refused). */
  readonly identity: string;
  readonly decision: 'approve' | 'reject';
  readonly code: string;
  readonly message: string;
  readonly at: string;
  /** Set for decisions that carried a token to verify. */
  readonly gate?: string;
  readonly via?: 'update' | 'signal';
  readonly token?: { readonly verified: boolean; readonly issuer: string; readonly reason?: string; readonly claim?: string };
}

export interface OpenGate {
  readonly gate: string;
  readonly roles: readonly string[];
  readonly identities: readonly string[];
  readonly required: number;
  readonly approvedBy: readonly string[];
  /** ISO time the gate times out, if it does. */
  readonly deadline?: string;
  readonly onTimeout: 'reject' | 'approve';
  /** Set when decisions need a token signed by this issuer (protected environment). */
  readonly tokenIssuer?: string;
}

export interface InterpreterStatus {
  readonly phase: Phase;
  readonly planHash: string | null;
  readonly procedure: string | null;
  readonly environment: string | null;
  readonly summary: string | null;
  readonly currentSteps: readonly string[];
  readonly awaitingApproval: boolean;
  readonly openGates: readonly OpenGate[];
  readonly steps: Readonly<Record<string, StepState>>;
  readonly approvals: readonly ApprovalRecord[];
  readonly refused: readonly RefusedDecision[];
}

export type InterpreterResult = Omit<InterpreterStatus, 'currentSteps' | 'openGates' | 'awaitingApproval'>;

/** Everything a run hands to the next one at continue-as-new. */
export interface CarriedState {
  readonly steps: Record<string, StepState>;
  /** Ids of finished steps with a compensation, in completion order. */
  readonly completed: readonly string[];
  readonly approvals: readonly ApprovalRecord[];
  readonly refused: readonly RefusedDecision[];
  readonly runs: number;
}
