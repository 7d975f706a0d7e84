import { jsonPointer } from '../compiler/jsonPointer.ts';
import type { SettingSource } from './PlanContext.ts';
import type { PlanIssue } from './PlanIssue.ts';

interface Problem {
  /** The step (and field) that needed the setting, e.g. `migrations/apply (directory)`. */
  readonly step: string;
  /** Absent: the setting is unset. Else the value and what the step accepts instead. */
  readonly invalid?: { readonly value: unknown; readonly accepts: string };
  readonly source: SettingSource;
}

/**
 * Settings that a procedure's steps found unset or wrong, gathered while planning so each is reported once, at
 * its own place in the spec (`deployment_config.migrations.directory is not set`), instead of once per step
 * field inside a shipped procedure the user never wrote.
 */
export class SettingProblems {
  private readonly byReference = new Map<string, Problem[]>();

  constructor(private readonly procedure: string) {}

  add(reference: string, problem: Problem): void {
    const list = this.byReference.get(reference) ?? [];
    list.push(problem);
    this.byReference.set(reference, list);
  }

  issues(): PlanIssue[] {
    return [...this.byReference.entries()].map(([reference, problems]) => {
      const first = problems[0]!;
      const field = `\`${first.source.path.join('.')}\``;
      const steps = [...new Set(problems.map((p) => p.step))];
      const readers = `${steps.slice(0, 3).join(', ')}${steps.length > 3 ? ` and ${steps.length - 3} more` : ''}`;
      const message = first.invalid === undefined
        ? `${field} is not set, but ${this.procedure} needs it: ${readers} read${steps.length === 1 ? 's' : ''} {{ ${reference} }}`
        : `${field} is ${JSON.stringify(first.invalid.value)}, which ${first.step} cannot use (it accepts ${first.invalid.accepts}); ${this.procedure} reads it through {{ ${reference} }}`;
      return {
        code: first.invalid === undefined ? 'DBA_PLAN_SETTING_UNSET' : 'DBA_PLAN_SETTING_INVALID',
        path: jsonPointer(first.source.path),
        message,
        ...(first.source.hint ? { hint: first.source.hint } : {}),
      } satisfies PlanIssue;
    });
  }
}

/** The setting that filled a field of a step's input (the field itself, or the object it sits in). */
export function settingFilling(field: string, filledFrom: ReadonlyMap<string, string>): string | undefined {
  for (let at = field; ; at = at.slice(0, at.lastIndexOf('/'))) {
    const reference = filledFrom.get(at);
    if (reference !== undefined) return reference;
    if (at === '') return undefined;
  }
}
