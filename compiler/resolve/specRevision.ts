import { createHash } from 'node:crypto';

/**
 * sha256 of the spec content in canonical JSON (keys sorted, no whitespace), so reordering keys, reformatting or
 * splitting the spec over files does not change it, while any value change does. Workflow ids use it.
 */
export function specRevision(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
