import { errors } from 'jose';

/** Why jose refused a token, from its error codes (never its message text). */
export interface JoseRefusal {
  /** jose's code, e.g. ERR_JWT_EXPIRED; ERR_UNKNOWN for an error that is not jose's. */
  readonly code: string;
  /** A few words for people: `expired`, `bad signature`, … */
  readonly reason: string;
  /** The claim a failed claim check names (`iss`, `aud`, `exp`, `nbf`, `iat`). */
  readonly claim?: string;
  /** The claim check failed because the claim is absent (not because its value is wrong). */
  readonly missing?: true;
}

const reasons: Readonly<Record<string, string>> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad signature',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown signing key',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'ambiguous signing key',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'claim check failed',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'algorithm not supported',
  ERR_JWKS_TIMEOUT: 'JWKS endpoint timed out',
  ERR_JWKS_INVALID: 'JWKS endpoint answered no key set',
};

export function joseRefusal(error: unknown): JoseRefusal {
  const code = error instanceof errors.JOSEError ? error.code : 'ERR_UNKNOWN';
  const claimError = error instanceof errors.JWTClaimValidationFailed ? error : undefined;
  const claim = claimError?.claim;
  return { code, reason: reasons[code] ?? code, ...(claim ? { claim } : {}), ...(claimError?.reason === 'missing' ? { missing: true as const } : {}) };
}
