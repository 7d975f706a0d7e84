import { defineCodes } from './ErrorCodeInfo.ts';

/**
 * Codes of verified approvals (security_config.approvals): a decision at a gate of a protected environment carries
 * a signed token (JWT/OIDC) that a worker verifies before the gate counts it. The older DBA_APPROVAL_* codes of
 * the gates themselves live in runtime.ts.
 */
export const approvalCodes = defineCodes({
  DBA_APPROVAL_TOKEN_REQUIRED: {
    summary: 'The gate belongs to a protected environment whose approvals must prove who approved, and the decision carries no token.',
    hint: 'Pass your identity provider\'s token: `dbarch approve <id> --token-file <file>` (or --token, or DBARCH_APPROVAL_TOKEN); from the Temporal UI add `"token": "<jwt>"` to the Update\'s JSON. `--as` alone is for unprotected environments.',
    retryable: false,
  },
  DBA_APPROVAL_TOKEN_MALFORMED: {
    summary: 'The approval token is not a compact JWS (three base64url parts separated by dots).',
    hint: 'Pass the raw token your identity provider issued (the id or access token), without a `Bearer ` prefix, quotes or line breaks.',
    retryable: false,
  },
  DBA_APPROVAL_TOKEN_INVALID: {
    summary: 'The approval token\'s signature does not verify against the identity provider\'s keys (forged, signed by another key, or an algorithm not accepted).',
    hint: 'Get a token from the issuer named in security_config.approvals.jwt; the decision was recorded as refused and the gate is still open.',
    retryable: false,
  },
  DBA_APPROVAL_TOKEN_EXPIRED: {
    summary: 'The approval token is expired, not yet valid, or older than security_config.approvals.max_token_age.',
    hint: 'Sign in again to get a fresh token and repeat the decision; the gate is still open.',
    retryable: false,
  },
  DBA_APPROVAL_TOKEN_CLAIMS: {
    summary: 'The approval token is signed correctly but was issued for another issuer or audience, or lacks the claim naming the approver.',
    hint: 'The details name the claim. Use a token issued for the audience in security_config.approvals.jwt.audience, carrying the identity claim (identity_claim, default `sub`).',
    retryable: false,
  },
  DBA_APPROVAL_MFA_REQUIRED: {
    summary: 'The approver qualifies for the gate only through a role that requires MFA, and the token\'s `amr` claim shows no second factor.',
    hint: 'Sign in with a second factor (the token\'s `amr` must list one of security_config.approvals.mfa_methods, default mfa, otp, hwk) and decide again.',
    retryable: false,
  },
  DBA_APPROVAL_VERIFIER_UNAVAILABLE: {
    summary: 'The worker could not verify the approval token: the JWKS endpoint did not answer or its key reference does not resolve.',
    hint: 'Check that security_config.approvals.jwt.jwks_url answers from the workers (or that the public_key reference is set in their environment), then decide again; the gate is still open.',
    retryable: true,
  },
  DBA_SPEC_APPROVALS_KEY: {
    summary: 'security_config.approvals.jwt gives both or neither of `jwks_url` and `public_key`.',
    hint: 'Give exactly one: `jwks_url` for an OIDC provider\'s published keys, or `public_key` (a reference to one PEM public key).',
    retryable: false,
  },
});
