import type { ErrorObject } from 'ajv';
import { suggestionHint } from '../didYouMean.ts';
import { isGrammarFormat, grammarFormats } from '../grammar/grammarFormats.ts';
import { jsonPointerSegments } from '../jsonPointer.ts';
import { patternDescription } from '../schema/namePatterns.ts';
import type { RawIssue } from './RawIssue.ts';

/**
 * Turns ajv's errors for one section into coded issues. Union (`anyOf`) failures are narrowed first to the
 * branch whose type fits the data, so `deployment_steps` with a typo inside a step reports the typo, not
 * "must be string".
 */
export function structuralIssues(sectionKey: string, errors: readonly ErrorObject[]): RawIssue[] {
  const issues: RawIssue[] = [];
  const seen = new Set<string>();
  for (const error of narrowUnions(errors)) {
    const issue = toIssue(sectionKey, error);
    const id = `${issue.segments.join('/')}\u0000${issue.code}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  return issues;
}

function toIssue(sectionKey: string, e: ErrorObject): RawIssue {
  const at = [sectionKey, ...jsonPointerSegments(e.instancePath)];
  const data: unknown = e.data;
  const shown = describe(data);
  const params: Record<string, unknown> = e.params;
  const issue = (code: RawIssue['code'], message: string, hint?: string, segments = at, target: RawIssue['target'] = 'value'): RawIssue => ({ segments, target, code, message, hint, severity: 'error' });
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = propertyNames(e.parentSchema);
      return issue('DBA_SPEC_UNKNOWN_KEY', `unknown key \`${key}\` in ${where(at)}`, suggestionHint(key, allowed), [...at, key], 'key');
    }
    case 'required': {
      const key = String(params.missingProperty);
      return issue('DBA_SPEC_MISSING_KEY', `missing required key \`${key}\` in ${where(at)}`, `add \`${key}:\``, [...at, key], 'key');
    }
    case 'type': {
      const expected = String(params.type).replace(',', ' or ');
      const numericString = typeof data === 'string' && /^\d+(\.\d+)?$/.test(data) && /integer|number/.test(expected);
      return issue('DBA_SPEC_TYPE', `expected ${expected}, got ${shown}`, numericString ? 'remove the quotes to write a number' : `write ${article(expected)} here`);
    }
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map(String) : [];
      return issue('DBA_SPEC_ENUM', `${shown} is not one of the accepted values`, suggestionHint(String(data), allowed));
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const below = e.keyword.toLowerCase().includes('min');
      return issue('DBA_SPEC_RANGE', `${shown} is ${below ? 'below the minimum' : 'above the maximum'} ${String(params.limit)}`, `use a value ${below ? '>=' : '<='} ${String(params.limit)}`);
    }
    case 'pattern': {
      const description = patternDescription(String(params.pattern)) ?? `a string matching ${String(params.pattern)}`;
      return issue('DBA_SPEC_PATTERN', `${shown} is not valid here: expected ${description}`);
    }
    case 'format': {
      const format = String(params.format);
      if (isGrammarFormat(format) && typeof data === 'string') {
        const result = grammarFormats[format](data);
        if (!result.ok) return issue(result.code, result.message, result.hint);
      }
      return issue('DBA_SPEC_INVALID', `${shown} is not a valid ${format}`);
    }
    case 'minItems':
      return issue('DBA_SPEC_LENGTH', Number(params.limit) === 1 ? `${where(at)} must not be empty` : `${where(at)} needs at least ${String(params.limit)} entries`);
    case 'maxItems':
      return issue('DBA_SPEC_LENGTH', `${where(at)} allows at most ${String(params.limit)} entries`);
    case 'minLength':
      return issue('DBA_SPEC_LENGTH', Number(params.limit) === 1 ? `${where(at)} must not be empty` : `${where(at)} needs at least ${String(params.limit)} characters`);
    case 'maxLength':
      return issue('DBA_SPEC_LENGTH', `${where(at)} allows at most ${String(params.limit)} characters`);
    case 'anyOf':
    case 'oneOf':
      return issue('DBA_SPEC_TYPE', `${shown} does not match any accepted form of ${where(at)}`, 'see docs/spec.md for the accepted forms');
    default:
      return issue('DBA_SPEC_INVALID', `${where(at)} ${e.message ?? 'is invalid'}`);
  }
}

/** Keeps, for every failed union, only the errors of the best-fitting branch. */
function narrowUnions(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const union of unions) {
    if (dropped.has(union)) continue;
    const prefix = union.schemaPath + '/';
    const branches = new Map<string, ErrorObject[]>();
    for (const e of errors) {
      if (dropped.has(e) || !e.schemaPath.startsWith(prefix)) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0] ?? '';
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    const fitting = [...branches.values()].filter((errs) => !errs.some((e) => e.keyword === 'type' && e.instancePath === union.instancePath));
    const best = fitting.sort((a, b) => a.length - b.length)[0];
    for (const errs of branches.values()) if (errs !== best) for (const e of errs) dropped.add(e);
    // With a fitting branch, its errors say it better than "matches no form"; without one, the union error stays.
    if (best !== undefined) dropped.add(union);
  }
  return errors.filter((e) => !dropped.has(e));
}

function propertyNames(schema: unknown): string[] {
  if (schema === null || typeof schema !== 'object' || !('properties' in schema)) return [];
  const properties = schema.properties;
  return properties !== null && typeof properties === 'object' ? Object.keys(properties) : [];
}

function where(segments: readonly string[]): string {
  const last = [...segments].reverse().find((s) => !/^\d+$/.test(s));
  return last === undefined ? 'the spec' : `\`${last}\``;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 60 ? value.slice(0, 57) + '...' : value}"`;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'a whole number', number: 'a number', boolean: '`true` or `false`' };
  return type.split(' or ').map((t) => names[t] ?? t).join(' or ');
}
