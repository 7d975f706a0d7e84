import { decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { joseRefusal } from '../../runtime/jwt/joseRefusal.ts';
import { jwtKey, type JwtKey } from '../../runtime/jwt/jwtKey.ts';
import type { ApprovalTokenCheck, ApprovalTokenOutcome, RefusedToken } from './ApprovalTokenCheck.ts';

/** jose codes of a token that can never verify (answered as a refusal, not retried). */
const refusedAs: Readonly<Record<string, RefusedToken['code']>> = {
  ERR_JWS_INVALID: 'DBA_APPROVAL_TOKEN_MALFORMED',
  ERR_JWT_INVALID: 'DBA_APPROVAL_TOKEN_MALFORMED',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'DBA_APPROVAL_TOKEN_INVALID',
  ERR_JWKS_NO_MATCHING_KEY: 'DBA_APPROVAL_TOKEN_INVALID',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'DBA_APPROVAL_TOKEN_INVALID',
  ERR_JOSE_ALG_NOT_ALLOWED: 'DBA_APPROVAL_TOKEN_INVALID',
  ERR_JOSE_NOT_SUPPORTED: 'DBA_APPROVAL_TOKEN_INVALID',
  ERR_JWT_EXPIRED: 'DBA_APPROVAL_TOKEN_EXPIRED',
};
/** Time claims: a failed check of these means "not valid now", the others "not issued for us". */
const timeClaims: ReadonlySet<string> = new Set(['exp', 'nbf', 'iat']);

/**
 * The approval-token engine: verifies a JWT against the plan's identity provider (signature by its JWKS or public
 * key, `iss`, `aud`, `exp` (required)/`nbf` with 30 s of clock tolerance, `iat` within max_token_age) on this worker's clock,
 * and reads the approver's identity, roles and `amr` from the claims the plan names. A token that cannot verify
 * is an answer (RefusedToken), so the gate records it; a key source that cannot be reached or resolved throws
 * DBA_APPROVAL_VERIFIER_UNAVAILABLE (retryable). Keys are cached per source for the life of the worker.
 */
export function approvalTokenVerifier(env: NodeJS.ProcessEnv): (check: ApprovalTokenCheck) => Promise<ApprovalTokenOutcome> {
  const keys = new Map<string, Promise<JwtKey>>();
  const keyFor = (check: ApprovalTokenCheck): Promise<JwtKey> => {
    const { jwksUrl, publicKey, algorithms } = check.settings;
    const source = jwksUrl !== undefined ? { jwksUrl: resolve(jwksUrl, env, 'jwks_url') } : { publicKey: resolve(publicKey ?? '', env, 'public_key') };
    const cacheKey = JSON.stringify([source, algorithms[0]]);
    let key = keys.get(cacheKey);
    if (!key) {
      key = jwtKey(source, algorithms[0] ?? 'RS256').catch((error: unknown) => {
        keys.delete(cacheKey);
        throw new DbarchError('DBA_APPROVAL_VERIFIER_UNAVAILABLE', `security_config.approvals.jwt.public_key is not a PEM public key for ${algorithms[0] ?? 'RS256'}`, { cause: error });
      });
      keys.set(cacheKey, key);
    }
    return key;
  };

  return async function verifyApprovalToken(check) {
    const { settings } = check;
    const claimedIdentity = unverifiedClaim(check.token, settings.identityClaim);
    const refuse = (code: RefusedToken['code'], reason: string, claim?: string): RefusedToken => ({ ok: false, code, reason, ...(claim ? { claim } : {}), ...(claimedIdentity ? { claimedIdentity } : {}) });
    if (typeof check.token !== 'string' || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(check.token)) return refuse('DBA_APPROVAL_TOKEN_MALFORMED', 'not a compact JWS');
    const key = await keyFor(check);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(check.token, key as Parameters<typeof jwtVerify>[1], {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: [...settings.algorithms],
        clockTolerance: 30,
        // jose checks exp only when present; a token without one (and no max_token_age) would approve for ever.
        requiredClaims: ['exp'],
        ...(settings.maxTokenAgeMs !== undefined ? { maxTokenAge: Math.floor(settings.maxTokenAgeMs / 1000) } : {}),
      }));
    } catch (error) {
      const refusal = joseRefusal(error);
      const code = refusedAs[refusal.code] ?? (refusal.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? (timeClaims.has(refusal.claim ?? '') && refusal.missing !== true ? 'DBA_APPROVAL_TOKEN_EXPIRED' : 'DBA_APPROVAL_TOKEN_CLAIMS') : undefined);
      if (code === undefined) {
        // Not the token's fault (the JWKS endpoint is down, answers garbage): retried, then reported as such.
        throw new DbarchError('DBA_APPROVAL_VERIFIER_UNAVAILABLE', `approval token not verified: ${refusal.reason}`, { cause: error, details: { reason: refusal.reason } });
      }
      return refuse(code, refusal.reason, refusal.claim);
    }
    const identity = claimAt(payload, settings.identityClaim);
    if (typeof identity !== 'string' || identity === '') return refuse('DBA_APPROVAL_TOKEN_CLAIMS', `no \`${settings.identityClaim}\` claim naming the approver`, settings.identityClaim);
    const roles = claimAt(payload, settings.rolesClaim);
    const amr = Array.isArray(payload.amr) ? payload.amr.filter((m): m is string => typeof m === 'string') : [];
    return {
      ok: true,
      identity,
      roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : typeof roles === 'string' ? roles.split(' ').filter(Boolean) : [],
      amr,
      mfa: amr.some((method) => settings.mfaMethods.includes(method)),
      issuer: String(payload.iss),
      ...(typeof payload.exp === 'number' ? { expiresAt: new Date(payload.exp * 1000).toISOString() } : {}),
      ...(typeof payload.iat === 'number' ? { issuedAt: new Date(payload.iat * 1000).toISOString() } : {}),
      ...(typeof payload.jti === 'string' ? { tokenId: payload.jti } : {}),
    };
  };
}

/** A claim by dot path (`realm_access.roles`), or the claim literally named so. */
function claimAt(payload: JWTPayload, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let value: unknown = payload;
  for (const part of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

/** Who the token says it is, before verification: only for the record of a refused attempt. */
function unverifiedClaim(token: unknown, path: string): string | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const value = claimAt(decodeJwt(token), path);
    return typeof value === 'string' && value !== '' ? value.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

function resolve(reference: string, env: NodeJS.ProcessEnv, field: string): string {
  const resolved = resolveEnvReferences(reference, env);
  if (!resolved.ok) throw new DbarchError('DBA_APPROVAL_VERIFIER_UNAVAILABLE', `security_config.approvals.jwt.${field}: ${resolved.message}`, resolved.hint ? { hint: resolved.hint } : {});
  return resolved.value;
}
