import { expect } from 'chai';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { renderPlan } from '../../plan/renderPlan.ts';
import { audience, issuer } from './identityProvider.ts';
import { planRelease, protectedSpec } from './protectedSpec.ts';

describe('planning verified approvals (security_config.approvals)', () => {
  it('freezes the identity provider into the plan of a protected environment, with the MFA roles, and nowhere else', async () => {
    const path = protectedSpec({ jwks_url: 'http://127.0.0.1:1/jwks.json' }, { max_token_age: '15m' });
    const production = await planRelease(path, 'production');
    expect(production.approvals).to.deep.equal({
      kind: 'jwt',
      issuer,
      audience,
      jwksUrl: 'http://127.0.0.1:1/jwks.json',
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      identityClaim: 'email',
      rolesClaim: 'roles',
      mfaAlways: false,
      // require_mfa: [dba], and the authorization role admin with require_mfa: true.
      mfaRoles: ['admin', 'dba'],
      mfaMethods: ['mfa', 'otp', 'hwk'],
      maxTokenAgeMs: 900_000,
    });
    expect(production.roles, 'roles come from the token: no member list').to.deep.equal({ dba: [], release_manager: [], admin: [] });
    expect(renderPlan(production)).to.contain(`approvals need a token signed by ${issuer} (roles from claim roles; MFA for admin, dba)`);
    const dev = await planRelease(path, 'dev');
    expect(dev.approvals).to.equal(undefined);
    expect(renderPlan(dev)).to.not.contain('approvals need a token');
    expect(dev.roles.dba).to.deep.equal(['alice']);
    // The settings are part of what approvers review: the hash covers them.
    const other = await planRelease(protectedSpec({ jwks_url: 'http://127.0.0.1:2/jwks.json' }, { max_token_age: '15m' }), 'production');
    expect(other.hash).to.not.equal(production.hash);
  });

  it('covers the environments listed under approvals.environments instead of the protected ones', async () => {
    const path = protectedSpec({ public_key: '${APPROVAL_KEY}' }, { environments: ['staging'], require_mfa: true });
    expect((await planRelease(path, 'production')).approvals).to.equal(undefined);
    const staging = await planRelease(path, 'staging');
    expect(staging.approvals).to.include({ publicKey: '${APPROVAL_KEY}', mfaAlways: true });
  });

  it('refuses both or neither of jwks_url and public_key with DBA_SPEC_APPROVALS_KEY at the jwt block', async () => {
    for (const key of [{ jwks_url: 'https://idp/jwks', public_key: '${K}' }, {}]) {
      const path = protectedSpec(key as { jwks_url: string });
      const result = await compileSpec([path]);
      expect(result.valid).to.equal(false);
      expect(result.errors.map((e) => [e.code, e.path])).to.deep.equal([['DBA_SPEC_APPROVALS_KEY', '/security_config/approvals/jwt']]);
    }
  });

  it('refuses an inline public key (references only) and an unknown field', async () => {
    const path = protectedSpec({ public_key: '-----BEGIN PUBLIC KEY-----' }, { roles_clam: 'roles' });
    const result = await compileSpec([path]);
    expect(result.valid).to.equal(false);
    const paths = result.errors.map((e) => e.path);
    expect(paths).to.include('/security_config/approvals/jwt/public_key');
    expect(paths.some((p) => p.startsWith('/security_config/approvals'))).to.equal(true);
  });
});
