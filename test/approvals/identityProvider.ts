import { createServer, type Server } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export const issuer = 'https://login.dbarch.test/';
export const audience = 'dbarch-approvals';

export interface TokenOptions {
  readonly claims?: JWTPayload;
  /** Sign with a key the JWKS does not publish (under the published kid): a forgery. */
  readonly forged?: boolean;
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds from now; negative: already expired; null: no `exp` claim at all. */
  readonly expiresIn?: number | null;
  /** Seconds since `iat` (default 5). */
  readonly issuedAgo?: number;
}

/**
 * A real identity provider for the tests: an RS256 key pair made with jose, its public half served as a JWKS over
 * HTTP on 127.0.0.1, and tokens signed with it (or, for forgeries, with another key under the same kid).
 */
export class IdentityProvider {
  private constructor(
    private readonly server: Server,
    readonly jwksUrl: string,
    readonly publicKeyPem: string,
    private readonly signingKey: CryptoKey,
    private readonly forgerKey: CryptoKey,
    private readonly kid: string,
    /** How often the JWKS was fetched: proves verification went to the provider. */
    readonly fetches: { count: number },
  ) {}

  static async start(): Promise<IdentityProvider> {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const forger = await generateKeyPair('RS256');
    const kid = 'approvals-key-1';
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] });
    const fetches = { count: 0 };
    const server = createServer((request, response) => {
      if (request.url !== '/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      fetches.count += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('JWKS server has no address');
    return new IdentityProvider(server, `http://127.0.0.1:${address.port}/jwks.json`, await exportSPKI(publicKey), privateKey, forger.privateKey, kid, fetches);
  }

  token(subject: string, options: TokenOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ email: subject, ...options.claims })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid })
      .setSubject(`user-${subject}`)
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? audience)
      .setIssuedAt(now - (options.issuedAgo ?? 5))
      .setJti(`jti-${subject}-${now}`);
    if (options.expiresIn !== null) jwt.setExpirationTime(now + (options.expiresIn ?? 600));
    return jwt.sign(options.forged ? this.forgerKey : this.signingKey);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
