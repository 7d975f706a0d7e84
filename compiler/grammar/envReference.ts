import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';

/**
 * Env references inside string values: `${NAME}` or `${NAME:-default}` (the default applies when NAME is unset
 * or empty, as in the shell). `$${` writes a literal `${`. References stay in the compiled spec as written and are
 * resolved where the value is used, so the spec revision does not depend on the machine's environment.
 */
export type InterpolationPart = { readonly kind: 'text'; readonly text: string } | EnvReference;

export interface EnvReference {
  readonly kind: 'env';
  readonly name: string;
  /** undefined when no `:-` default is written. */
  readonly default: string | undefined;
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseInterpolation(text: string): GrammarResult<InterpolationPart[]> {
  const parts: InterpolationPart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      literal += text[i];
      i += 1;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    if (close < 0) return grammarFail('DBA_SPEC_REFERENCE', `unclosed reference in "${text}": \`\${\` without \`}\``);
    const body = text.slice(i + 2, close);
    const sep = body.indexOf(':-');
    const name = sep < 0 ? body : body.slice(0, sep);
    if (!namePattern.test(name)) {
      return grammarFail('DBA_SPEC_REFERENCE', `"${name}" is not a valid variable name in reference \`\${${body}}\``);
    }
    if (literal !== '') parts.push({ kind: 'text', text: literal });
    literal = '';
    parts.push({ kind: 'env', name, default: sep < 0 ? undefined : body.slice(sep + 2) });
    i = close + 1;
  }
  if (literal !== '') parts.push({ kind: 'text', text: literal });
  return grammarOk(parts);
}

/** The reference when the whole value is exactly one `${…}`, else undefined. */
export function wholeEnvReference(text: string): EnvReference | undefined {
  if (!text.startsWith('${') || !text.endsWith('}')) return undefined;
  const parsed = parseInterpolation(text);
  if (!parsed.ok || parsed.value.length !== 1) return undefined;
  const only = parsed.value[0];
  return only?.kind === 'env' ? only : undefined;
}

export function containsEnvReference(text: string): boolean {
  return text.includes('${');
}

/** Replaces references with values from env (or their defaults); fails naming the first unset variable. */
export function resolveEnvReferences(text: string, env: Readonly<Record<string, string | undefined>>): GrammarResult<string> {
  const parsed = parseInterpolation(text);
  if (!parsed.ok) return parsed;
  let out = '';
  for (const part of parsed.value) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    const value = env[part.name];
    if (value !== undefined && value !== '') out += value;
    else if (part.default !== undefined) out += part.default;
    else return grammarFail('DBA_SPEC_REFERENCE', `environment variable ${part.name} is not set and the reference has no default`, `set ${part.name}, or write \`\${${part.name}:-default}\``);
  }
  return grammarOk(out);
}
