import { createRemoteJWKSet, importSPKI, type CryptoKey, type JWTVerifyGetKey, type KeyObject } from 'jose';

export type JwtKey = JWTVerifyGetKey | KeyObject | CryptoKey;

/**
 * The key a JWT is verified with, for the gateway's callers and for approval tokens alike: the JWKS at `jwksUrl`
 * (fetched and cached by jose, refetched for an unknown kid, at most every 30 s) or one PEM public key (SPKI) for
 * `algorithm`. References are resolved by the caller. A PEM that does not import throws jose's error.
 */
export async function jwtKey(source: { readonly jwksUrl?: string | undefined; readonly publicKey?: string | undefined }, algorithm: string): Promise<JwtKey> {
  if (source.jwksUrl !== undefined) return createRemoteJWKSet(new URL(source.jwksUrl), { timeoutDuration: 3000, cooldownDuration: 30_000 });
  return importSPKI(source.publicKey ?? '', algorithm);
}
