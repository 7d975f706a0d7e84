import { suggestionHint } from '../../didYouMean.ts';
import { kmsScheme, parseKmsKeyReference } from '../../grammar/parseKmsKeyReference.ts';
import { parsePolicyExpression } from '../../grammar/parsePolicyExpression.ts';
import { roleRestrictions } from '../../grammar/postgresPrivileges.ts';
import { normaliseTlsVersion, supportedTlsVersions, tls12CipherSuites, tls13CipherSuites } from '../../grammar/tlsCipherSuites.ts';
import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { reportDuplicates } from '../reportDuplicates.ts';
import type { SecurityConfig } from './schema.ts';

export function checkSecurityConfig(config: SecurityConfig, ctx: SectionCheckContext): void {
  const auth = config.authentication;
  if (auth?.method === 'certificate' && auth.certificate_authority === undefined) {
    ctx.error(['authentication', 'certificate_authority'], 'DBA_SPEC_MISSING_KEY', 'certificate authentication needs `certificate_authority`');
  }
  const roles = config.authorization?.roles ?? [];
  reportDuplicates(ctx, roles.map((r, i) => ({ value: r.name, path: ['authorization', 'roles', i, 'name'] })), 'role');
  const roleNames = roles.map((r) => r.name);
  roles.forEach((role, i) => {
    const at = ['authorization', 'roles', i] as const;
    const granted = new Set<string>(role.permissions);
    const all = granted.has('ALL') || granted.has('ALL PRIVILEGES');
    if (all && granted.size > 1) ctx.warn([...at, 'permissions'], 'DBA_SPEC_ROLE_CONFLICT', `role \`${role.name}\` has ALL, which already includes the other permissions listed`);
    (role.restrictions ?? []).forEach((restriction, j) => {
      const contradicted = roleRestrictions[restriction].contradicts.filter((p: string) => granted.has(p));
      if (contradicted.length > 0) {
        ctx.error([...at, 'restrictions', j], 'DBA_SPEC_ROLE_CONFLICT', `restriction \`${restriction}\` contradicts permission ${contradicted.join(', ')} of role \`${role.name}\``, `remove ${contradicted.join(', ')} from permissions, or drop the restriction`);
      }
    });
    (role.inherits ?? []).forEach((parent, j) => {
      if (parent === role.name) ctx.error([...at, 'inherits', j], 'DBA_SPEC_UNKNOWN_REFERENCE', `role \`${role.name}\` inherits from itself`);
      else if (!roleNames.includes(parent)) ctx.error([...at, 'inherits', j], 'DBA_SPEC_UNKNOWN_REFERENCE', `no role named \`${parent}\``, suggestionHint(parent, roleNames));
    });
  });
  checkMembers(config, ctx);
  checkRowLevelSecurity(config, ctx);
  const jwt = config.approvals?.jwt;
  if (jwt !== undefined && (jwt.jwks_url === undefined) === (jwt.public_key === undefined)) {
    ctx.error(['approvals', 'jwt'], 'DBA_SPEC_APPROVALS_KEY', 'give exactly one of `jwks_url` and `public_key`', 'approval tokens are verified with the keys at `jwks_url`, or with the one `public_key`');
  }
  const atRest = config.encryption?.at_rest;
  if (atRest?.enabled === true && atRest.provider === undefined) {
    ctx.error(['encryption', 'at_rest', 'provider'], 'DBA_SPEC_MISSING_KEY', 'encryption at rest is enabled but names no key `provider`');
  }
  if (atRest?.provider === 'aws_kms' && atRest.key_id !== undefined) {
    const key = parseKmsKeyReference(`${kmsScheme}${atRest.key_id}`);
    if (!key.ok) ctx.error(['encryption', 'at_rest', 'key_id'], key.code, key.message, key.hint);
  }
  const inTransit = config.encryption?.in_transit;
  if (inTransit !== undefined) {
    const version = normaliseTlsVersion(inTransit.tls_version);
    const supported = (supportedTlsVersions as readonly string[]).includes(version);
    if (!supported) {
      ctx.error(['encryption', 'in_transit', 'tls_version'], 'DBA_SPEC_TLS_VERSION', `TLS version ${String(inTransit.tls_version)} is not supported; the minimum is 1.2`, 'use `tls_version: 1.2` or `tls_version: 1.3`');
    }
    const allowed: readonly string[] = version === '1.3' ? tls13CipherSuites : [...tls13CipherSuites, ...tls12CipherSuites];
    (inTransit.cipher_suites ?? []).forEach((suite, i) => {
      if (allowed.includes(suite)) return;
      const at = ['encryption', 'in_transit', 'cipher_suites', i];
      if (supported && (tls12CipherSuites as readonly string[]).includes(suite)) {
        ctx.error(at, 'DBA_SPEC_CIPHER_SUITE', `${suite} is a TLS 1.2 suite and cannot be used with TLS ${version}`, `TLS 1.3 suites: ${tls13CipherSuites.join(', ')}`);
      } else {
        ctx.error(at, 'DBA_SPEC_CIPHER_SUITE', `unknown or weak cipher suite "${suite}"`, suggestionHint(suite, allowed, 4));
      }
    });
  }
}

/** A member is a login role: not one of the group roles, and listed once per group. */
function checkMembers(config: SecurityConfig, ctx: SectionCheckContext): void {
  const roles = config.authorization?.roles ?? [];
  const groups = roles.map((r) => r.name);
  roles.forEach((role, i) => {
    const members = (role.members ?? []).map((m, j) => ({ value: typeof m === 'string' ? m : m.name, path: ['authorization', 'roles', i, 'members', j] }));
    reportDuplicates(ctx, members, 'member');
    if (role.password !== undefined && members.length === 0) {
      ctx.warn(['authorization', 'roles', i, 'password'], 'DBA_SPEC_ROLE_CONFLICT', `role \`${role.name}\` is a NOLOGIN group role: its password is used only for login \`members\`, and it has none`, `list the service login roles under \`members\`, e.g. \`members: [${role.name}_service]\``);
    }
    for (const member of members) {
      if (groups.includes(member.value)) ctx.error(member.path, 'DBA_SPEC_ROLE_CONFLICT', `\`${member.value}\` is a group role of authorization.roles, not a login member`, `list the login role, or use \`inherits\` for a group in a group`);
    }
  });
}

/** Policies: parseable expressions for the commands that take them, and roles the spec knows (or public). */
function checkRowLevelSecurity(config: SecurityConfig, ctx: SectionCheckContext): void {
  const rls = config.row_level_security;
  if (rls === undefined) return;
  const roles = config.authorization?.roles ?? [];
  const known = ['public', ...roles.map((r) => r.name), ...roles.flatMap((r) => (r.members ?? []).map((m) => (typeof m === 'string' ? m : m.name)))];
  const qualified = (table: string) => (table.includes('.') ? table : `public.${table}`);
  reportDuplicates(ctx, rls.tables.map((t, i) => ({ value: qualified(t.table), path: ['row_level_security', 'tables', i, 'table'] })), 'table');
  rls.tables.forEach((table, i) => {
    const at = ['row_level_security', 'tables', i, 'policies'] as const;
    reportDuplicates(ctx, table.policies.map((p, j) => ({ value: p.name, path: [...at, j, 'name'] })), 'policy');
    table.policies.forEach((policy, j) => {
      const command = policy.command ?? 'ALL';
      if (policy.using === undefined && policy.with_check === undefined) {
        ctx.error([...at, j], 'DBA_SPEC_MISSING_KEY', `policy \`${policy.name}\` has neither \`using\` nor \`with_check\``, 'e.g. `using: user_id = current_user_id()`');
      }
      if (policy.using !== undefined && command === 'INSERT') ctx.error([...at, j, 'using'], 'DBA_SPEC_POLICY_SQL', 'an INSERT policy takes only `with_check`', 'move the expression to `with_check`');
      if (policy.with_check !== undefined && (command === 'SELECT' || command === 'DELETE')) ctx.error([...at, j, 'with_check'], 'DBA_SPEC_POLICY_SQL', `a ${command} policy takes only \`using\``, 'move the expression to `using`');
      for (const [key, clause] of [['using', 'USING'], ['with_check', 'WITH CHECK']] as const) {
        const expression = policy[key];
        if (expression === undefined) continue;
        const parsed = parsePolicyExpression(expression, clause);
        if (!parsed.ok) ctx.error([...at, j, key], parsed.code, parsed.message, parsed.hint);
      }
      (policy.roles ?? []).forEach((role, k) => {
        if (!known.includes(role)) ctx.error([...at, j, 'roles', k], 'DBA_SPEC_UNKNOWN_REFERENCE', `no role named \`${role}\` in authorization.roles`, suggestionHint(role, known));
      });
    });
  });
}
