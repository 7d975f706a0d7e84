import type { ErrorObject } from 'ajv';
import { jsonPointerSegments } from '../jsonPointer.ts';

/**
 * A copy of a structurally invalid section without the mapping keys ajv complained about (unknown keys, and
 * optional keys with bad values), so the semantic checks can still run on the rest: a typo in one route must not
 * hide a pool bound error in the next. List items are never removed, since that would shift the indices in the
 * paths the checks report. The caller re-validates the copy; if it still fails, no semantic check runs.
 */
export function withoutInvalidProperties(value: unknown, errors: readonly ErrorObject[]): unknown {
  const copy: unknown = structuredClone(value);
  for (const error of errors) {
    const segments = jsonPointerSegments(error.instancePath);
    if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
    const key = segments.pop();
    if (key === undefined) continue;
    let parent: unknown = copy;
    for (const segment of segments) parent = parent !== null && typeof parent === 'object' ? Reflect.get(parent, segment) : undefined;
    if (parent !== null && typeof parent === 'object' && !Array.isArray(parent)) Reflect.deleteProperty(parent, key);
  }
  return copy;
}
