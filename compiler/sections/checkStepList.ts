import type { Step } from '../schema/stepList.ts';
import type { SectionCheckContext, SectionPath } from '../SectionDefinition.ts';
import { reportDuplicates } from './reportDuplicates.ts';
import { stepListSteps } from './stepListSteps.ts';

/** Prose must number its steps; step names must be unique (they name activities in workflow history). */
export function checkStepList(ctx: SectionCheckContext, at: readonly (string | number)[], list: string | readonly Step[]): void {
  const steps = stepListSteps(list);
  if (!steps.ok) {
    ctx.error(at, steps.code, steps.message, steps.hint);
    return;
  }
  const namePath = (i: number): SectionPath => (typeof list === 'string' ? at : [...at, i, 'name']);
  reportDuplicates(ctx, steps.value.map((s, i) => ({ value: s.name, path: namePath(i) })), 'step');
}
