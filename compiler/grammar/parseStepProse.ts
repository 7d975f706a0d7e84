import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';

/**
 * The seed writes procedures as numbered prose under a key (`deployment_steps:` followed by `1. Apply …` lines).
 * YAML reads those lines as one plain scalar with the line breaks folded to spaces, so the numbering is what
 * separates steps: `1. A 2. B` or, in a literal block, one step per line. A number only starts a step when it is
 * the next one expected and stands at the start or after whitespace, so `(24 hours)` or `v2.1` stay in the text.
 */
export function parseStepProse(text: string): GrammarResult<string[]> {
  const body = text.trim();
  if (!/^1\.\s/.test(body)) {
    return grammarFail('DBA_SPEC_STEPS', 'prose steps must start with `1. `', 'number the steps `1. … 2. …`, or write a list of `{ name, action }` steps');
  }
  const steps: string[] = [];
  let start = 3;
  let next = 2;
  for (;;) {
    const marker = new RegExp(`(^|\\s)${next}\\.\\s`, 'g');
    marker.lastIndex = start;
    const m = marker.exec(body);
    const end = m === null ? body.length : m.index + m[1]!.length;
    const step = body.slice(start, end).replace(/\s+/g, ' ').trim();
    if (step === '') return grammarFail('DBA_SPEC_STEPS', `step ${next - 1} is empty`);
    steps.push(step);
    if (m === null) break;
    start = marker.lastIndex;
    next += 1;
  }
  // The scan stops at the first missing number, so a gap shows up as a later number inside the last step.
  const jump = /(?:^|\s)(\d+)\.\s/.exec(steps[steps.length - 1] ?? '');
  if (jump !== null && Number(jump[1]) > steps.length + 1) {
    return grammarFail('DBA_SPEC_STEPS', `step ${steps.length + 1} is missing: the prose jumps to ${jump[1]}.`, 'number the steps 1., 2., 3. … without gaps');
  }
  return grammarOk(steps);
}
