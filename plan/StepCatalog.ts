import type { JsonObject, StepRetry } from './Plan.ts';

/** What the planner needs to know about a step a procedure `uses:`; the plugin registry implements it. */
export interface StepCatalog {
  lookup(uses: string): StepCatalogEntry | undefined;
  /** Every `<plugin>/<step>` known, for did-you-mean hints. */
  names(): readonly string[];
}

export interface StepCatalogEntry {
  readonly uses: string;
  readonly plugin: string;
  /** Activity type registered by the worker. */
  readonly activity: string;
  /** JSON Schema of the step's `with:`, when the plugin declares one. */
  readonly inputSchema?: object;
  readonly defaults: StepDefaults;
  /** One line saying what the step will do with this input, for `dbarch plan`. */
  readonly describe?: (input: JsonObject) => string;
}

export interface StepDefaults {
  readonly timeoutMs: number;
  readonly heartbeatTimeoutMs?: number;
  readonly retry: StepRetry;
}

export const fallbackStepDefaults: StepDefaults = {
  timeoutMs: 5 * 60_000,
  retry: { maximumAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 60_000, nonRetryableCodes: [] },
};
