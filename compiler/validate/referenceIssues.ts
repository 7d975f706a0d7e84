import { parseInterpolation } from '../grammar/envReference.ts';
import { inlineSecretInValue, type InlineSecretProblem } from '../grammar/inlineSecret.ts';
import { parseSecretReference } from '../grammar/parseSecretReference.ts';
import { isAuthorizationKey, isSecretKey } from '../grammar/secretKey.ts';
import type { RawIssue } from './RawIssue.ts';

/**
 * Walks the whole raw spec: every `${…}` must be well formed, secret-named keys (see `isSecretKey`) must hold
 * references, and no string may carry a secret inline (see `inlineSecretInValue`: URL passwords, HTTP
 * credentials, webhook URLs; env defaults only with loopback passwords). Runs over sections that failed
 * structural validation too, so an inline secret is reported even next to a typo.
 */
export function referenceIssues(root: Readonly<Record<string, unknown>>): RawIssue[] {
  const issues: RawIssue[] = [];
  const inline = (segments: string[], problem: InlineSecretProblem) =>
    issues.push({ segments, target: 'value', code: 'DBA_SPEC_INLINE_SECRET', message: problem.message, hint: problem.hint, severity: 'error' });
  const visit = (value: unknown, segments: string[], key: string | undefined, depth: number): void => {
    if (depth > 64) return;
    // A boolean is a setting (`require_password: true`), never a secret.
    if (key !== undefined && isSecretKey(key) && value !== null && value !== undefined && typeof value !== 'object' && typeof value !== 'boolean') {
      const problem = secretValueProblem(key, value);
      if (problem !== undefined) {
        inline(segments, problem);
        return;
      }
    }
    if (typeof value === 'string') {
      if (value.includes('${')) {
        const parsed = parseInterpolation(value);
        if (!parsed.ok) issues.push({ segments, target: 'value', code: parsed.code, message: parsed.message, hint: parsed.hint, severity: 'error' });
      }
      const problem = inlineSecretInValue(value);
      if (problem !== undefined) inline(segments, problem);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...segments, String(i)], undefined, depth + 1));
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, [...segments, k], k, depth + 1);
    }
  };
  for (const [key, value] of Object.entries(root)) visit(value, [key], key, 0);
  return issues;
}

/** A secret-named key holds `${NAME}` or a provider URL; an Authorization header also `<scheme> ${NAME}`. */
function secretValueProblem(key: string, value: unknown): InlineSecretProblem | undefined {
  if (typeof value !== 'string') {
    return { message: `\`${key}\` names a secret and holds an inline ${typeof value}`, hint: 'write `${ENV_NAME}` or a secret-provider URL such as `vault://secret/data/app#key`' };
  }
  const result = parseSecretReference(value);
  if (result.ok) return undefined;
  if (isAuthorizationKey(key)) {
    const scheme = /^\s*[A-Za-z][\w-]*\s+(\$\{[^}]*\})\s*$/.exec(value);
    if (scheme !== null && parseSecretReference(scheme[1]!).ok) return undefined;
    return { message: `\`${key}\` holds an HTTP credential written inline`, hint: 'write the scheme and a reference: `Bearer ${API_TOKEN}`' };
  }
  return { message: `\`${key}\` names a secret: ${result.message}`, hint: result.hint ?? 'write `${ENV_NAME}` or a secret-provider URL' };
}
