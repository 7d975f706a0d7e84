import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';

/** Percentages: `0%` to `100%`, decimals allowed. Returns the number (90 for `90%`). */
export function parsePercent(text: string): GrammarResult<number> {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  if (m === null) return grammarFail('DBA_SPEC_PERCENT', `"${text}" is not a percentage`, 'write a number followed by `%`, e.g. `90%`');
  const value = Number(m[1]);
  if (value > 100) return grammarFail('DBA_SPEC_PERCENT', `percentage ${text} is above 100%`);
  return grammarOk(value);
}
