import type { CompiledSpec } from '../compiler/CompiledSpec.ts';
import type { BuiltinSection } from '../compiler/sections/builtinSections.ts';
import type { ProceduresSection } from '../compiler/sections/procedures/ProceduresSection.ts';
import type { JsonObject, JsonValue } from '../plan/Plan.ts';
import type { PlanContext, SettingSource } from '../plan/PlanContext.ts';
import type { LiveState } from './LiveState.ts';
import type { PluginDeps } from './PluginDeps.ts';
import type { StepContext } from './StepContext.ts';

/** A step's code: idempotent (it may run again after a crash), throws DbarchError for failures users can act on. */
export type StepRun<I = never, O = unknown> = (input: I, context: StepContext) => Promise<O>;

/** A step with metadata; a bare function is a step without input schema or description. */
export interface StepDefinition<I = never, O = unknown> {
  readonly run: StepRun<I, O>;
  /** JSON Schema of `with:`, checked when planning. */
  readonly input?: object;
  /** One line for `dbarch plan`: what this step will do with this input. */
  readonly describe?: (input: I) => string;
  readonly defaults?: StepDefaultSettings;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a step map holds steps of different input types
export type PluginSteps = Record<string, StepRun<any> | StepDefinition<any>>;

export interface StepDefaultSettings {
  readonly timeout?: string | number;
  /** Set for long steps so a dead worker is noticed quickly. */
  readonly heartbeatTimeout?: string | number;
  readonly retry?: {
    readonly attempts?: number;
    readonly initialInterval?: string | number;
    readonly backoff?: number;
    readonly maxInterval?: string | number;
    readonly nonRetryable?: readonly string[];
  };
}

/** The key of a built-in spec section a capability may read. */
export type SectionKey = BuiltinSection['key'];

/** Every capability's settings for one environment, by namespace (`settings.env.database`), as procedures read them. */
export type PlanSettings = PlanContext['settings'];

/** The sections a capability declared, typed, and only those: what its planning hooks receive. */
export type SectionsOf<S extends readonly SectionKey[]> = Pick<CompiledSpec, S[number]>;

/**
 * A setting: its value, and the place in the spec it comes from (so a problem with it is reported there). Always
 * this object, never a bare value, so a setting whose value is itself an object cannot be mistaken for one.
 */
export interface PlanSetting {
  readonly value: JsonValue;
  readonly source?: SettingSource;
}

/**
 * What the planner may read from a capability's sections for one environment. Procedures read the settings as
 * `{{ <capability>.<key> }}`; `env` names the keys also offered under `{{ env.<key> }}`, the environment's
 * settings older procedures read (setting key → env key).
 */
export interface CapabilityPlanning<S extends readonly SectionKey[]> {
  readonly settings?: (sections: SectionsOf<S>, environment: string) => Readonly<Record<string, PlanSetting>>;
  readonly env?: Readonly<Record<string, string>>;
  /** Defaults for the input of every step of this capability (a step's `with:` wins), from its sections. */
  readonly stepDefaults?: (sections: SectionsOf<S>, environment: string) => JsonObject | undefined;
  /**
   * Procedures a section describes itself (a step list such as `failover_procedure`), compiled into the procedure
   * language (plan/stepListProcedure.ts), with default roles. Planned by name like a spec's own procedures; a
   * definition of the same name under `procedures:` wins.
   */
  readonly procedures?: (sections: SectionsOf<S>) => ProceduresSection | undefined;
}

export interface PluginDefinition<S extends readonly SectionKey[] = readonly SectionKey[]> {
  /** Lowercase identifier; the prefix in `uses: <name>/<step>`, the namespace of its settings, and the key of its own section if it brings one. */
  readonly name: string;
  readonly version: string;
  /** semver range of dbarch versions the plugin works with, e.g. `^0.1.0`. */
  readonly host: string;
  /** Plugin name → semver range. */
  readonly dependsOn?: Readonly<Record<string, string>>;
  readonly description?: string;
  /**
   * JSON Schema of the plugin's own spec section `<name>:` (third-party capabilities; built-in sections belong to
   * the compiler). Its values are defaults for every step's input unless `planning.stepDefaults` says otherwise.
   */
  readonly configSchema?: object;
  /** Built-in spec sections this capability reads, handed to `planning` typed; checked when registered. */
  readonly reads?: S;
  readonly planning?: CapabilityPlanning<S>;
  /**
   * Procedure files this capability ships (YAML, `procedures: { roles, definitions }` as in a spec), planned as
   * `dbarch/<name>` for capabilities shipped with dbarch and `<plugin>/<name>` for others; a spec forks one by
   * defining the same name.
   */
  readonly procedures?: readonly URL[];
  readonly steps: (deps: PluginDeps) => PluginSteps;
  /**
   * Compares its sections with the live services, changing nothing: `dbarch plan` shows the result under the plan
   * (drift before apply). Undefined: nothing to compare for this spec. Runs in the CLI or API, never in a workflow.
   * `settings` are every capability's settings for the environment, as procedures read them (`env.database`, …).
   */
  readonly inspect?: (sections: SectionsOf<S>, environment: string, deps: PluginDeps, settings: PlanSettings) => Promise<LiveState | undefined>;
  /** Defaults for every step of the plugin; a step's own defaults and the spec's settings win. */
  readonly defaults?: StepDefaultSettings;
}

/**
 * Declares a capability (a plugin): the sections it reads, its steps, its shipped procedures, what the planner
 * may read. Checked when registered (name, host range, dependencies, sections, step names). The one contract for
 * built-in capabilities and third-party plugins alike: docs/architecture.md.
 */
export function definePlugin<const S extends readonly SectionKey[] = readonly []>(plugin: PluginDefinition<S>): PluginDefinition<S> {
  return Object.freeze(plugin);
}
