import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';

export interface Rate {
  readonly count: number;
  readonly per: 's' | 'min' | 'h';
  readonly perSecond: number;
}

const perUnit: Readonly<Record<string, Rate['per']>> = {
  s: 's', sec: 's', second: 's',
  min: 'min', minute: 'min',
  h: 'h', hr: 'h', hour: 'h',
};
const seconds: Readonly<Record<Rate['per'], number>> = { s: 1, min: 60, h: 3600 };

/** Rates: `<count>req/<unit>` (`1000req/min`, `50req/s`); `ops` is accepted for `req`. */
export function parseRate(text: string): GrammarResult<Rate> {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(req|ops)?\s*\/\s*([a-z]+)\s*$/.exec(text);
  if (m === null) return grammarFail('DBA_SPEC_RATE', `"${text}" is not a rate`, 'write `<count>req/<unit>`, e.g. `1000req/min` or `50req/s`');
  const per = perUnit[m[3]!];
  if (per === undefined) return grammarFail('DBA_SPEC_RATE', `unknown rate unit "${m[3]}" in "${text}"`, 'rate units: s, min, h (e.g. `50req/s`)');
  const count = Number(m[1]);
  if (count <= 0) return grammarFail('DBA_SPEC_RATE', `rate "${text}" must be positive`);
  return grammarOk({ count, per, perSecond: count / seconds[per] });
}
