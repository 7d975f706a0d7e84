/**
 * What a capability finds when it compares its sections with the live services (`inspect` in the contract):
 * shown by `dbarch plan` under the plan, so drift is seen before `apply` fixes it. Never part of the frozen plan:
 * the plan stays a pure function of the spec, and this is a reading of the world at one moment.
 */
export interface LiveState {
  /** One line for people: `2 of 9 items differ from queue_config`. */
  readonly summary: string;
  readonly inSync: boolean;
  readonly items: readonly LiveItem[];
}

export interface LiveItem {
  readonly kind: string;
  readonly name: string;
  /** ok; missing (apply creates it); drifted (apply fixes it); extra (apply removes it); unverified (cannot be read). */
  readonly state: 'ok' | 'missing' | 'drifted' | 'extra' | 'unverified';
  readonly detail?: string;
}

/** One capability's reading, or why it could not be read (an unreachable broker does not stop a plan). */
export type CapabilityLiveState = { readonly capability: string; readonly state: LiveState } | { readonly capability: string; readonly unavailable: string };
