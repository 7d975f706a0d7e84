import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { joseRefusal } from '../../runtime/jwt/joseRefusal.ts';
import { jwtKey, type JwtKey } from '../../runtime/jwt/jwtKey.ts';
import type { GatewayIdentity } from './GatewayIdentity.ts';

type JwtSettings = NonNullable<NonNullable<CompiledSpec['gateway_config']>['authentication']>['jwt'];

/**
 * The gateway's token check, from gateway_config.authentication.jwt: signature by the JWKS (fetched and cached by
 * jose, refetched for an unknown kid) or the one public key, then issuer, audience and expiry (a token without
 * `exp` is refused: a stolen one would otherwise work forever). Returns the
 * identity, or throws DBA_GATEWAY_UNAUTHENTICATED with the reason in details.
 */
export async function jwtVerifier(settings: JwtSettings, env: NodeJS.ProcessEnv): Promise<(token: string) => Promise<GatewayIdentity>> {
  const algorithms = [...(settings.algorithms ?? ['RS256', 'ES256', 'EdDSA'])];
  let key: JwtKey;
  const source = settings.jwks_url !== undefined ? { jwksUrl: resolve(settings.jwks_url, env) } : { publicKey: resolve(settings.public_key ?? '', env) };
  try {
    key = await jwtKey(source, algorithms[0]!);
  } catch (error) {
    throw new DbarchError('DBA_GATEWAY_CONFIG', `gateway_config.authentication.jwt.public_key is not a PEM public key for ${algorithms[0]}`, { cause: error });
  }
  const serviceClaim = settings.service_claim ?? 'sub';
  const rolesClaim = settings.roles_claim ?? 'roles';
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as JWTVerifyGetKey, { issuer: settings.issuer, audience: settings.audience, algorithms, requiredClaims: ['exp'] }));
    } catch (error) {
      const { reason, claim } = joseRefusal(error);
      throw new DbarchError('DBA_GATEWAY_UNAUTHENTICATED', `token refused: ${reason}${claim ? ` (${claim})` : ''}`, { details: { reason, ...(claim ? { claim } : {}) } });
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
