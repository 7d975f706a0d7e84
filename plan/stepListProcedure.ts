import type { Step } from '../compiler/schema/stepList.ts';
import type { ProcedureDefinition, ProcedureStep } from '../compiler/sections/procedures/ProceduresSection.ts';

export interface StepListOptions {
  readonly description: string;
  readonly operation: string;
  /** The role whose members confirm manual steps and approve `approval: true` steps. */
  readonly role: string;
  /** Where the list is in the spec, e.g. `['failover_procedure', 'steps']`: plan errors point at the user's step. */
  readonly at: readonly (string | number)[];
}

/**
 * A section's step list (the seed's numbered prose, or `{ name, action, with, … }` steps) in the procedure
 * language the interpreter runs, so every step language means the same thing:
 * - a step with `action: <capability>.<step>` runs `uses: <capability>/<step>` with its `with`, timeout and
 *   `retries` (attempts after the first);
 * - a step without one (every prose step) is manual: an approval gate that a person of `role` passes once the
 *   step is done (`dbarch approve`, or the UI's `approve` Update), or rejects to stop the procedure;
 * - `approval: true` puts such a gate before the step;
 * - `on_error: continue` records the failure and goes on; `abort` (the default) and `rollback` stop the
 *   procedure and run the compensations of the steps done so far (steps of a list bring none of their own).
 */
export function stepListProcedure(steps: readonly Step[], options: StepListOptions): ProcedureDefinition {
  const ids = new Set<string>();
  const idFor = (name: string): string => {
    const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 50) || 'step';
    let id = /^[a-z]/.test(base) ? base : `s_${base}`;
    for (let n = 2; ids.has(id); n += 1) id = `${base}_${n}`;
    ids.add(id);
    return id;
  };
  const out: ProcedureStep[] = [];
  steps.forEach((step, index) => {
    const at = [...options.at, index];
    const id = idFor(step.name);
    if (step.action === undefined) {
      out.push({ id, at, description: `Confirm when done: ${step.name}`, approval: { roles: [options.role] } });
      return;
    }
    if (step.approval === true) out.push({ id: idFor(`approve ${step.name}`), at, description: `Approve before running: ${step.name}`, approval: { roles: [options.role] } });
    out.push({
      id,
      at,
      description: step.name,
      uses: usesOf(step.action),
      ...(step.with !== undefined ? { with: step.with } : {}),
      ...(step.timeout !== undefined ? { timeout: step.timeout } : {}),
      ...(step.retries !== undefined ? { retry: { attempts: step.retries + 1 } } : {}),
      ...(step.on_error === 'continue' ? { continue_on_error: true } : {}),
    });
  });
  return { description: options.description, operation: options.operation, steps: out };
}

/** `migrations.apply` (the step list's spelling) → `migrations/apply` (the procedure language's). */
export function usesOf(action: string): string {
  return action.includes('/') ? action : action.replace('.', '/');
}
