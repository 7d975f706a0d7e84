/**
 * How the decisions at the gates of a plan prove who decided (security_config.approvals, for a protected
 * environment): a JWT signed by this issuer, checked by a worker activity before the gate counts it. Frozen into
 * the plan (and its hash) so that what the approvers reviewed names who may approve. Key references stay as
 * written (`${ENV}`); workers resolve them.
 */
export interface ApprovalVerification {
  readonly kind: 'jwt';
  readonly issuer: string;
  readonly audience: string;
  /** Exactly one of jwksUrl and publicKey. */
  readonly jwksUrl?: string;
  readonly publicKey?: string;
  readonly algorithms: readonly string[];
  /** Claim naming the approver: recorded as who decided, matched against a gate's `identities`. */
  readonly identityClaim: string;
  /** Claim (dot path) listing the approver's roles: matched against a gate's `roles`. */
  readonly rolesClaim: string;
  /** Every approval needs a second factor. */
  readonly mfaAlways: boolean;
  /** Gate roles that count only with a second factor. */
  readonly mfaRoles: readonly string[];
  /** `amr` values that count as a second factor. */
  readonly mfaMethods: readonly string[];
  readonly maxTokenAgeMs?: number;
}
