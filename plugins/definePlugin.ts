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

export interface PluginDefinition {
  /** Lowercase identifier; also the key of its spec section and the prefix in `uses: <name>/<step>`. */
  readonly name: string;
  readonly version: string;
  /** semver range of dbarch versions the plugin works with, e.g. `^0.1.0`. */
  readonly host: string;
  /** Plugin name → semver range. */
  readonly dependsOn?: Readonly<Record<string, string>>;
  readonly description?: string;
  /** JSON Schema of the plugin's own spec section `<name>:`; its values are defaults for every step's input. */
  readonly configSchema?: object;
  readonly steps: (deps: PluginDeps) => PluginSteps;
  /** Defaults for every step of the plugin; a step's own defaults and the spec's settings win. */
  readonly defaults?: StepDefaultSettings;
}

/** Declares a plugin; checked when registered (name, host range, dependencies, step names). */
export function definePlugin<const P extends PluginDefinition>(plugin: P): P {
  return Object.freeze(plugin);
}
