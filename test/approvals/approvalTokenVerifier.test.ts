import { expect } from 'chai';
import { approvalTokenVerifier } from '../../activities/approvals/approvalTokenVerifier.ts';
import type { ApprovalTokenSettings } from '../../activities/approvals/ApprovalTokenCheck.ts';
import { expectCode } from '../migrations/expectCode.ts';
import { audience, IdentityProvider, issuer } from './identityProvider.ts';

describe('approval token verification (activities/approvals) against a JWKS served over HTTP', () => {
  let idp: IdentityProvider;
  let settings: ApprovalTokenSettings;
  before(async () => {
    idp = await IdentityProvider.start();
    settings = { issuer, audience, jwksUrl: idp.jwksUrl, algorithms: ['RS256'], identityClaim: 'email', rolesClaim: 'realm_access.roles', mfaMethods: ['mfa', 'otp', 'hwk'] };
  });
  after(async () => {
    await idp.stop();
  });

  it('accepts a valid token and reads identity, nested roles and amr from its claims', async () => {
    const verify = approvalTokenVerifier({});
    const fetchesBefore = idp.fetches.count;
    const outcome = await verify({ token: await idp.token('carol@example.com', { claims: { realm_access: { roles: ['dba', 'viewer'] }, amr: ['pwd', 'otp'] } }), settings });
    expect(outcome).to.deep.include({ ok: true, identity: 'carol@example.com', roles: ['dba', 'viewer'], amr: ['pwd', 'otp'], mfa: true, issuer });
    expect(idp.fetches.count).to.equal(fetchesBefore + 1);
    const noMfa = await verify({ token: await idp.token('dan@example.com', { claims: { realm_access: { roles: ['dba'] }, amr: ['pwd'] } }), settings });
    expect(noMfa).to.deep.include({ ok: true, identity: 'dan@example.com', mfa: false });
    expect(idp.fetches.count, 'the key set is cached').to.equal(fetchesBefore + 1);
  });

  const refusals: [string, () => Promise<string>, string, string][] = [
    ['forged (signed by another key under the published kid)', () => idp.token('mallory@example.com', { forged: true }), 'DBA_APPROVAL_TOKEN_INVALID', 'bad signature'],
    ['expired', () => idp.token('erin@example.com', { expiresIn: -120 }), 'DBA_APPROVAL_TOKEN_EXPIRED', 'expired'],
    // Without max_token_age nothing else bounds its life: a leaked token would approve for ever.
    ['without an expiry (no exp claim)', () => idp.token('erin@example.com', { expiresIn: null }), 'DBA_APPROVAL_TOKEN_CLAIMS', 'claim check failed'],
    ['for another issuer', () => idp.token('erin@example.com', { issuer: 'https://evil.test/' }), 'DBA_APPROVAL_TOKEN_CLAIMS', 'claim check failed'],
    ['for another audience', () => idp.token('erin@example.com', { audience: 'dbarch-gateway' }), 'DBA_APPROVAL_TOKEN_CLAIMS', 'claim check failed'],
  ];
  for (const [what, make, code, reason] of refusals) {
    it(`refuses a token ${what} with ${code}, naming who it claims to be`, async () => {
      const outcome = await approvalTokenVerifier({})({ token: await make(), settings });
      expect(outcome).to.deep.include({ ok: false, code, reason });
      expect(outcome.ok === false && outcome.claimedIdentity).to.match(/@example\.com$/);
    });
  }

  it('refuses a token without the identity claim, and one that is not a JWS', async () => {
    const verify = approvalTokenVerifier({});
    const anonymous = await verify({ token: await idp.token('x', { claims: { email: '' } }), settings });
    expect(anonymous).to.deep.include({ ok: false, code: 'DBA_APPROVAL_TOKEN_CLAIMS', claim: 'email' });
    expect(await verify({ token: 'not-a-token', settings })).to.deep.include({ ok: false, code: 'DBA_APPROVAL_TOKEN_MALFORMED' });
  });

  it('refuses a token older than max_token_age even when it has not expired', async () => {
    const token = await idp.token('frank@example.com', { issuedAgo: 3600 });
    expect(await approvalTokenVerifier({})({ token, settings: { ...settings, maxTokenAgeMs: 60_000 } })).to.deep.include({ ok: false, code: 'DBA_APPROVAL_TOKEN_EXPIRED' });
  });

  it('verifies with one public key given as an env reference', async () => {
    const verify = approvalTokenVerifier({ APPROVAL_KEY: idp.publicKeyPem });
    const { jwksUrl: _unused, ...rest } = settings;
    const outcome = await verify({ token: await idp.token('gina@example.com'), settings: { ...rest, publicKey: '${APPROVAL_KEY}' } });
    expect(outcome).to.deep.include({ ok: true, identity: 'gina@example.com', roles: [] });
  });

  it('throws the retryable DBA_APPROVAL_VERIFIER_UNAVAILABLE when the JWKS endpoint does not answer or the key reference is unset', async () => {
    const token = await idp.token('hal@example.com');
    await expectCode(approvalTokenVerifier({})({ token, settings: { ...settings, jwksUrl: 'http://127.0.0.1:1/jwks.json' } }), 'DBA_APPROVAL_VERIFIER_UNAVAILABLE');
    const { jwksUrl: _unused, ...rest } = settings;
    await expectCode(approvalTokenVerifier({})({ token, settings: { ...rest, publicKey: '${UNSET_APPROVAL_KEY}' } }), 'DBA_APPROVAL_VERIFIER_UNAVAILABLE');
  });
});
