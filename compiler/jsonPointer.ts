/** JSON pointer helpers (RFC 6901): one escaping rule, used by every stage that names a place in the spec. */
export function jsonPointer(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) out += '/' + String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
  return out;
}

export function jsonPointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}
