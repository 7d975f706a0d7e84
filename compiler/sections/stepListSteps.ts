import { parseStepProse } from '../grammar/parseStepProse.ts';
import type { GrammarResult } from '../grammar/GrammarResult.ts';
import type { Step } from '../schema/stepList.ts';

/** A step list in its structured form: prose becomes one manual step (no `action`) per numbered item. */
export function stepListSteps(list: string | readonly Step[]): GrammarResult<Step[]> {
  if (typeof list !== 'string') return { ok: true, value: [...list] };
  const names = parseStepProse(list);
  return names.ok ? { ok: true, value: names.value.map((name) => ({ name })) } : names;
}
