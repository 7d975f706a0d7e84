import type { JsonValue } from './Plan.ts';

/**
 * What a procedure may read when it is planned, besides its own text: the environment's deployment settings
 * (`{{ env.<key> }}` in `with:` values and durations, `when: { env: {...} }`). Plain JSON, so the plan and its
 * hash show exactly what was read.
 */
export interface PlanContext {
  /** Absent when the spec does not declare the environment under `deployment_config`. */
  readonly env?: Readonly<Record<string, JsonValue>>;
}
