import { parseDuration } from '../compiler/grammar/parseDuration.ts';
import type { CompiledSpec } from '../compiler/CompiledSpec.ts';
import { isProtectedEnvironment } from '../compiler/sections/deployment_config/checks.ts';
import type { ApprovalVerification } from './ApprovalVerification.ts';

/**
 * The approval verification a plan for `environment` carries: security_config.approvals when the environment is
 * one it covers (its `environments`, else the protected ones: deployment_config's `protected`, or production by
 * name). Undefined otherwise: the gate takes the identity a decision names, as before (`--as`).
 */
export function approvalVerificationOf(spec: CompiledSpec, environment: string): ApprovalVerification | undefined {
  const approvals = spec.security_config?.approvals;
  if (approvals === undefined) return undefined;
  const declared = spec.deployment_config?.environments.find((env) => env.name === environment);
  const covered = approvals.environments !== undefined ? approvals.environments.includes(environment) : isProtectedEnvironment(declared ?? { name: environment });
  if (!covered) return undefined;
  const requireMfa = approvals.require_mfa ?? false;
  // The seed's `admin` role with require_mfa: a gate role of that name needs a second factor as well.
  const mfaByAuthorization = (spec.security_config?.authorization?.roles ?? []).filter((role) => role.require_mfa === true).map((role) => role.name);
  const maxAge = approvals.max_token_age === undefined ? undefined : parseDuration(approvals.max_token_age);
  const { jwt } = approvals;
  return {
    kind: 'jwt',
    issuer: jwt.issuer,
    audience: jwt.audience,
    ...(jwt.jwks_url !== undefined ? { jwksUrl: jwt.jwks_url } : {}),
    ...(jwt.public_key !== undefined ? { publicKey: jwt.public_key } : {}),
    algorithms: [...(jwt.algorithms ?? ['RS256', 'ES256', 'EdDSA'])],
    identityClaim: approvals.identity_claim ?? 'sub',
    rolesClaim: approvals.roles_claim ?? 'roles',
    mfaAlways: requireMfa === true,
    mfaRoles: [...new Set([...(typeof requireMfa === 'boolean' ? [] : requireMfa), ...mfaByAuthorization])].sort(),
    mfaMethods: [...(approvals.mfa_methods ?? ['mfa', 'otp', 'hwk'])],
    ...(maxAge !== undefined && maxAge.ok ? { maxTokenAgeMs: maxAge.value } : {}),
  };
}
