import { createRemoteJWKSet, errors, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type KeyObject, type CryptoKey } from 'jose';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { GatewayIdentity } from './GatewayIdentity.ts';

type JwtSettings = NonNullable<NonNullable<CompiledSpec['gateway_config']>['authentication']>['jwt'];

/** Why a token was refused, from jose's error codes (never its message text). */
const reasons: Record<string, string> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad signature',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown signing key',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'claim check failed',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm not allowed',
};

/**
 * The gateway's token check, from gateway_config.authentication.jwt: signature by the JWKS (fetched and cached by
 * jose, refetched for an unknown kid) or the one public key, then issuer, audience and expiry. Returns the
 * identity, or throws DBA_GATEWAY_UNAUTHENTICATED with the reason in details.
 */
export async function jwtVerifier(settings: JwtSettings, env: NodeJS.ProcessEnv): Promise<(token: string) => Promise<GatewayIdentity>> {
  const algorithms = [...(settings.algorithms ?? ['RS256', 'ES256', 'EdDSA'])];
  let key: JWTVerifyGetKey | KeyObject | CryptoKey;
  if (settings.jwks_url !== undefined) {
    key = createRemoteJWKSet(new URL(resolve(settings.jwks_url, env)), { timeoutDuration: 3000, cooldownDuration: 30_000 });
  } else {
    const pem = resolve(settings.public_key ?? '', env);
    try {
      key = await importSPKI(pem, algorithms[0]!);
    } catch (error) {
      throw new DbarchError('DBA_GATEWAY_CONFIG', `gateway_config.authentication.jwt.public_key is not a PEM public key for ${algorithms[0]}`, { cause: error });
    }
  }
  const serviceClaim = settings.service_claim ?? 'sub';
  const rolesClaim = settings.roles_claim ?? 'roles';
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as JWTVerifyGetKey, { issuer: settings.issuer, audience: settings.audience, algorithms }));
    } catch (error) {
      const code = error instanceof errors.JOSEError ? error.code : 'ERR_UNKNOWN';
      const claim = error instanceof errors.JWTClaimValidationFailed ? error.claim : undefined;
      throw new DbarchError('DBA_GATEWAY_UNAUTHENTICATED', `token refused: ${reasons[code] ?? code}${claim ? ` (${claim})` : ''}`, { details: { reason: reasons[code] ?? code, ...(claim ? { claim } : {}) } });
    }
    const service = payload[serviceClaim];
    if (typeof service !== 'string' || service === '') {
      throw new DbarchError('DBA_GATEWAY_UNAUTHENTICATED', `token refused: no \`${serviceClaim}\` claim naming the service`, { details: { reason: 'no service claim' } });
    }
    const roles = payload[rolesClaim];
    return { service, roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [], subject: payload.sub };
  };
}

function resolve(reference: string, env: NodeJS.ProcessEnv): string {
  const resolved = resolveEnvReferences(reference, env);
  if (!resolved.ok) throw new DbarchError('DBA_GATEWAY_CONFIG', `gateway_config.authentication.jwt: ${resolved.message}`, resolved.hint ? { hint: resolved.hint } : {});
  return resolved.value;
}
