import { parseInterpolation, wholeEnvReference } from '../grammar/envReference.ts';
import { parseSecretReference } from '../grammar/parseSecretReference.ts';
import type { RawIssue } from './RawIssue.ts';

/** Keys whose values are secrets, in any section (plugin sections and step inputs included). */
const secretKey = /(^|_)(password|passwd|secret|token|api_?key|access_key|private_key|encryption_key|client_secret)$/i;
/** `scheme://user:password@` in a literal URL. */
const urlWithPassword = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:[^/@\s]+@/i;

/**
 * Walks the whole raw spec: every `${…}` must be well formed, secret-named keys must hold references, and no
 * literal URL may carry a password. Runs over sections that failed structural validation too, so an inline secret
 * is reported even next to a typo.
 */
export function referenceIssues(root: Readonly<Record<string, unknown>>): RawIssue[] {
  const issues: RawIssue[] = [];
  const visit = (value: unknown, segments: string[], key: string | undefined, depth: number): void => {
    if (depth > 64) return;
    if (key !== undefined && secretKey.test(key) && value !== null && value !== undefined && typeof value !== 'object') {
      const result = typeof value === 'string' ? parseSecretReference(value) : undefined;
      if (result === undefined || !result.ok) {
        const problem = result === undefined ? { message: `\`${key}\` holds an inline secret value`, hint: undefined } : result;
        issues.push({ segments, target: 'value', code: 'DBA_SPEC_INLINE_SECRET', message: problem.message, hint: problem.hint, severity: 'error' });
        return;
      }
    }
    if (typeof value === 'string') {
      if (value.includes('${')) {
        const parsed = parseInterpolation(value);
        if (!parsed.ok) issues.push({ segments, target: 'value', code: parsed.code, message: parsed.message, hint: parsed.hint, severity: 'error' });
      }
      if (urlWithPassword.test(value) && wholeEnvReference(value) === undefined) {
        issues.push({ segments, target: 'value', code: 'DBA_SPEC_INLINE_SECRET', message: 'URL carries an inline password', hint: 'move the URL into the environment and write `${NAME:-url-without-password}`', severity: 'error' });
      }
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
