import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';

const unitBytes: Readonly<Record<string, number>> = {
  B: 1,
  kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12,
  KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4,
};

/** Sizes: a number with a unit, decimal (`kB`, `MB`) or binary (`KiB`, `MiB`). Returns bytes. */
export function parseSize(text: string): GrammarResult<number> {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$/.exec(text);
  if (m === null) return grammarFail('DBA_SPEC_SIZE', `"${text}" is not a size`, 'write a number with a unit, e.g. `256MB` or `1GiB`');
  const factor = unitBytes[m[2]!];
  if (factor === undefined) {
    return grammarFail('DBA_SPEC_SIZE', `unknown size unit "${m[2]}" in "${text}"`, `size units: ${Object.keys(unitBytes).join(', ')}`);
  }
  return grammarOk(Math.round(Number(m[1]) * factor));
}
