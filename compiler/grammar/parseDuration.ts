import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';

const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Durations: a bare number is seconds (`3600`, as the seed writes TTLs); otherwise number-unit pairs with units
 * ms, s, m, h, d, w, combinable without spaces (`1h30m`). Months and years are refused: their length varies.
 * Returns milliseconds.
 */
export function parseDuration(input: string | number): GrammarResult<number> {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return grammarFail('DBA_SPEC_DURATION', `duration ${input} is negative or not finite`);
    return grammarOk(input * 1000);
  }
  const text = input.trim();
  if (text === '') return grammarFail('DBA_SPEC_DURATION', 'duration is empty');
  if (/^\d+(\.\d+)?$/.test(text)) return grammarOk(Number(text) * 1000);
  if (text.startsWith('-')) return grammarFail('DBA_SPEC_DURATION', `duration "${text}" is negative`);
  const part = /(\d+(?:\.\d+)?)([a-zA-Z]+)/y;
  let total = 0;
  let offset = 0;
  const seen = new Set<string>();
  while (offset < text.length) {
    part.lastIndex = offset;
    const m = part.exec(text);
    if (m === null) {
      return grammarFail('DBA_SPEC_DURATION', `"${text}" is not a duration (unexpected "${text.slice(offset)}")`);
    }
    const unit = m[2]!;
    const factor = unitMs[unit];
    if (factor === undefined) {
      const monthsOrYears = /^(mo|mon|month|months|y|yr|year|years|M)$/.test(unit);
      return grammarFail(
        'DBA_SPEC_DURATION',
        `unknown duration unit "${unit}" in "${text}"`,
        monthsOrYears ? 'months and years vary in length; write days instead (e.g. `30d`, `365d`)' : 'units: ms, s, m, h, d, w (e.g. `10s`, `1h`, `7d`)',
      );
    }
    if (seen.has(unit)) return grammarFail('DBA_SPEC_DURATION', `unit "${unit}" appears twice in "${text}"`);
    seen.add(unit);
    total += Number(m[1]) * factor;
    offset = part.lastIndex;
  }
  return grammarOk(total);
}

/** Human form of milliseconds for messages: `7d`, `90s`, `1500ms`. */
export function formatDuration(ms: number): string {
  for (const [unit, factor] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= factor && ms % factor === 0) return `${ms / factor}${unit}`;
  }
  return `${ms}ms`;
}
