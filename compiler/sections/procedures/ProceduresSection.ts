/**
 * The `procedures:` section as written in YAML (after schema validation): user-defined procedures whose steps
 * name plugin steps, and the roles approval gates accept. The seed's own procedures (migration pipeline,
 * blue-green, failover) are meant to ship as definitions in this same language.
 */
export interface ProceduresSection {
  /** Role name → identities holding it. */
  readonly roles?: Readonly<Record<string, readonly string[]>>;
  /** May be left out when the spec only runs shipped procedures (`dbarch/…`) and names roles for them. */
  readonly definitions?: Readonly<Record<string, ProcedureDefinition>>;
}

export interface ProcedureDefinition {
  readonly description?: string;
  /** What the search attribute DbarchOperation shows; default `apply`. */
  readonly operation?: string;
  readonly steps: readonly ProcedureStep[];
}

export type DurationText = string | number;

interface StepCommon {
  readonly id: string;
  readonly description?: string;
  readonly when?: StepCondition;
  /**
   * Where the step is written when it was compiled from another section's step list (e.g.
   * `failover_procedure.steps[2]`): plan errors point there. Never written in a `procedures:` section.
   */
  readonly at?: readonly (string | number)[];
}

export type StepCondition =
  /** Decided when planning: the step is in the plan only for these environments. */
  | { readonly environments: readonly string[] }
  /**
   * Decided when planning, from the environment's deployment settings (`deployment_config.environments[]`):
   * every key must equal the setting (or be one of a list). See docs/procedures.md for the keys.
   */
  | { readonly env: Readonly<Record<string, unknown>> }
  /** Decided when running: compares an earlier step's output (or status) with a value. */
  | { readonly step: string; readonly output?: string; readonly equals: unknown };

export interface RetrySettings {
  readonly attempts?: number;
  readonly initial_interval?: DurationText;
  readonly backoff?: number;
  readonly max_interval?: DurationText;
  readonly non_retryable?: readonly string[];
}

export interface ActivityCall {
  readonly uses: string;
  readonly with?: Readonly<Record<string, unknown>>;
  readonly retry?: RetrySettings;
  readonly timeout?: DurationText;
  readonly heartbeat_timeout?: DurationText;
}

export interface UsesStep extends StepCommon, ActivityCall {
  /** A failure is recorded in status and the procedure goes on with the next step (step lists' `on_error: continue`). */
  readonly continue_on_error?: boolean;
  /** `when` here is plan-time only (`environments` or `env`): the compensation is left out otherwise. */
  readonly compensate?: ActivityCall & { readonly description?: string; readonly when?: PlanTimeCondition };
}

export type PlanTimeCondition = Exclude<StepCondition, { readonly step: string }>;

export interface ApprovalStep extends StepCommon {
  readonly approval: {
    readonly roles?: readonly string[];
    readonly identities?: readonly string[];
    readonly count?: number;
    readonly timeout?: DurationText;
    readonly on_timeout?: 'reject' | 'approve';
  };
}

export interface WaitStep extends StepCommon {
  readonly wait: DurationText;
}

export interface ParallelStep extends StepCommon {
  readonly parallel: readonly (ProcedureStep | BranchSequence)[];
}

export interface BranchSequence extends StepCommon {
  readonly steps: readonly ProcedureStep[];
}

/** Runs another procedure of the same spec, or a shipped one (`dbarch/<name>`), as a child workflow. */
export interface CallStep extends StepCommon {
  readonly call: string;
}

export type ProcedureStep = UsesStep | ApprovalStep | WaitStep | ParallelStep | CallStep;
