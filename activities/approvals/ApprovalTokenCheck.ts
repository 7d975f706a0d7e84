/**
 * The contract between a gate and the approval-token engine. `settings` is the plan's `approvals` (the planner's
 * ApprovalVerification is a superset), so the worker checks exactly what the approvers reviewed.
 */
export interface ApprovalTokenSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl?: string;
  readonly publicKey?: string;
  readonly algorithms: readonly string[];
  readonly identityClaim: string;
  readonly rolesClaim: string;
  readonly mfaMethods: readonly string[];
  readonly maxTokenAgeMs?: number;
}

export interface ApprovalTokenCheck {
  readonly token: string;
  readonly settings: ApprovalTokenSettings;
}

/** What a token that verified says; no token text (it is a bearer credential). */
export interface VerifiedApprover {
  readonly ok: true;
  readonly identity: string;
  readonly roles: readonly string[];
  readonly amr: readonly string[];
  /** `amr` lists one of the settings' mfaMethods. */
  readonly mfa: boolean;
  readonly issuer: string;
  /** ISO times from `exp` / `iat`, when present. */
  readonly expiresAt?: string;
  readonly issuedAt?: string;
  readonly tokenId?: string;
}

/** A token that did not verify: the code to record and answer with, and why. */
export interface RefusedToken {
  readonly ok: false;
  readonly code: 'DBA_APPROVAL_TOKEN_MALFORMED' | 'DBA_APPROVAL_TOKEN_INVALID' | 'DBA_APPROVAL_TOKEN_EXPIRED' | 'DBA_APPROVAL_TOKEN_CLAIMS';
  readonly reason: string;
  readonly claim?: string;
  /** The identity the token claims (unverified, for the record of who tried), when it can be read. */
  readonly claimedIdentity?: string;
}

export type ApprovalTokenOutcome = VerifiedApprover | RefusedToken;
