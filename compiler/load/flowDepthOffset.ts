/**
 * The offset where flow collections (`[`/`{`) nest deeper than `limit`, or -1. The yaml parser builds a regular
 * expression per flow level and a few thousand levels exhaust V8's regexp compiler, which aborts the process
 * instead of throwing, so the depth has to be checked before parsing. Quotes and comments are skipped; a bracket
 * counts only where a flow collection can start, so `a[1]` inside a plain scalar does not.
 */
export function flowDepthOffset(text: string, limit: number): number {
  let depth = 0;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      const eol = text.indexOf('\n', i);
      if (eol < 0) break;
      i = eol;
      continue;
    }
    if (c === '"' || c === "'") {
      if (i === 0 || /[\s:,[{-]/.test(text[i - 1] ?? '')) quote = c;
      continue;
    }
    if (c === '[' || c === '{') {
      if (depth > 0 || i === 0 || /[\s:,[{-]/.test(text[i - 1] ?? '')) {
        depth++;
        if (depth > limit) return i;
      }
      continue;
    }
    if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return -1;
}
