/** One replaced `${name}`: where it was in the file and where its value landed in the result. */
export interface PlaceholderSpan {
  readonly name: string;
  readonly sourceStart: number;
  readonly sourceEnd: number;
  readonly resultStart: number;
  readonly resultEnd: number;
}

export interface SubstitutedSql {
  readonly sql: string;
  readonly spans: readonly PlaceholderSpan[];
  /** Placeholders without a value (left as a neutral identifier when `unknown` is 'neutral'). */
  readonly unknown: readonly { readonly name: string; readonly offset: number }[];
}

const placeholder = /\$\{([A-Za-z0-9_.:-]+)\}/g;

/**
 * Replaces `${name}` with its value, as Flyway does (plain text substitution: values come from the
 * reviewed spec). Unknown names are collected; with `unknown: 'neutral'` they become an identifier so
 * lint can still parse a file when no environment is chosen.
 */
export function substitutePlaceholders(
  sql: string,
  values: Readonly<Record<string, string>>,
  unknown: 'keep' | 'neutral' = 'keep',
): SubstitutedSql {
  const spans: PlaceholderSpan[] = [];
  const missing: { name: string; offset: number }[] = [];
  let result = '';
  let last = 0;
  for (const match of sql.matchAll(placeholder)) {
    const name = match[1] ?? '';
    const start = match.index;
    const end = start + match[0].length;
    let value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) {
      missing.push({ name, offset: start });
      if (unknown === 'keep') continue;
      value = `placeholder_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    }
    result += sql.slice(last, start);
    spans.push({ name, sourceStart: start, sourceEnd: end, resultStart: result.length, resultEnd: result.length + value.length });
    result += value;
    last = end;
  }
  result += sql.slice(last);
  return { sql: result, spans, unknown: missing };
}

/** Maps an offset in the substituted text back to the file, so errors point at what the author wrote. */
export function sourceOffset(spans: readonly PlaceholderSpan[], resultOffset: number): number {
  let shift = 0;
  for (const span of spans) {
    if (resultOffset < span.resultStart) break;
    if (resultOffset < span.resultEnd) return span.sourceStart;
    shift = span.sourceEnd - span.resultEnd;
  }
  return resultOffset + shift;
}
