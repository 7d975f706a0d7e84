import { Type } from '@sinclair/typebox';
import semver from 'semver';
import type { SectionDefinition } from '../compiler/SectionDefinition.ts';
import { builtinSections } from '../compiler/sections/builtinSections.ts';
import { parseDuration } from '../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { CompiledSpec } from '../compiler/CompiledSpec.ts';
import type { ProcedureDefinition, ProceduresSection } from '../compiler/sections/procedures/ProceduresSection.ts';
import type { CapabilityCatalog } from '../plan/CapabilityCatalog.ts';
import type { JsonObject, JsonValue, StepRetry } from '../plan/Plan.ts';
import type { PlanContext, SettingSource } from '../plan/PlanContext.ts';
import { loadProcedureFiles, shippedPrefix } from '../plan/shippedProcedures.ts';
import { fallbackStepDefaults, type StepCatalog, type StepCatalogEntry, type StepDefaults } from '../plan/StepCatalog.ts';
import type { PluginDefinition, SectionKey, StepDefaultSettings, StepDefinition, StepRun } from './definePlugin.ts';
import type { CapabilityLiveState } from './LiveState.ts';
import type { PluginEntry } from './loadPlugins.ts';
import type { PluginDeps } from './PluginDeps.ts';
import { stepActivity } from './stepActivity.ts';

/** Also the plugin's spec section key, so snake_case like every section. */
const namePattern = /^[a-z][a-z0-9_]*$/;
// Names of built-in sections and the CLI's own words: a plugin section must not shadow them.
const reservedNames = new Set(['dbarch', 'procedures', 'clusters', 'apiVersion', 'env']);
const builtinSectionKeys = new Set(builtinSections.map((section) => section.key));

interface RegisteredStep extends StepCatalogEntry {
  readonly run: StepRun<unknown>;
}

interface RegisteredPlugin {
  readonly plugin: PluginDefinition;
  readonly source: string;
  readonly steps: ReadonlyMap<string, RegisteredStep>;
}

/** Sources of the capabilities that ship with dbarch: their procedures are `dbarch/<name>`. */
const shippedSources = new Set(['dbarch']);
const isShipped = (source: string) => shippedSources.has(source) || source.startsWith('plugins/');

/**
 * The plugins of one process. Registration checks everything that can be checked without running a step, with a
 * coded error for each; the registry is then the planner's step catalogue, the worker's activities and the
 * compiler's extra spec sections.
 */
export class PluginRegistry implements StepCatalog, CapabilityCatalog {
  private readonly plugins = new Map<string, RegisteredPlugin>();
  private library: ProceduresSection | undefined;

  constructor(
    private readonly deps: PluginDeps,
    private readonly host: string,
  ) {}

  /** Registers plugins in dependency order (a plugin after the ones it depends on). */
  registerAll(entries: readonly PluginEntry[]): void {
    const pending = [...entries];
    while (pending.length > 0) {
      const index = pending.findIndex((entry) => {
        const dependsOn = (entry.plugin as Partial<PluginDefinition> | null)?.dependsOn ?? {};
        return Object.keys(dependsOn).every((name) => this.plugins.has(name) || !pending.some((other) => (other.plugin as Partial<PluginDefinition> | null)?.name === name));
      });
      const [next] = pending.splice(index < 0 ? 0 : index, 1);
      if (next) this.register(next.plugin, next.source);
    }
  }

  register(candidate: unknown, source = 'inline'): void {
    const plugin = checkShape(candidate, source);
    if (plugin.configSchema !== undefined && builtinSectionKeys.has(plugin.name)) {
      // Its own section would shadow the built-in one; a capability reads built-in sections by declaring them.
      throw new DbarchError('DBA_PLUGIN_NAME', `plugin "${plugin.name}" (from ${source}) brings a configSchema, but \`${plugin.name}\` is a built-in spec section`, {
        hint: `Rename the plugin, or drop its configSchema and declare \`reads: ['${plugin.name}']\` to read the built-in section.`,
        details: { plugin: plugin.name, source },
      });
    }
    if (!namePattern.test(plugin.name) || reservedNames.has(plugin.name)) {
      throw new DbarchError('DBA_PLUGIN_NAME', `plugin name "${plugin.name}" (from ${source}) is not a lowercase identifier or is reserved`, { details: { plugin: plugin.name, source } });
    }
    const existing = this.plugins.get(plugin.name);
    if (existing) {
      throw new DbarchError('DBA_PLUGIN_DUPLICATE', `plugin "${plugin.name}" from ${source} is already registered from ${existing.source}`, { details: { plugin: plugin.name, source, existing: existing.source } });
    }
    if (semver.validRange(plugin.host) === null || !semver.satisfies(this.host, plugin.host, { includePrerelease: true })) {
      throw new DbarchError('DBA_PLUGIN_HOST_INCOMPATIBLE', `plugin "${plugin.name}" ${plugin.version} needs dbarch ${plugin.host}; this is dbarch ${this.host}`, {
        details: { plugin: plugin.name, host: plugin.host, hostVersion: this.host },
      });
    }
    for (const [dependency, range] of Object.entries(plugin.dependsOn ?? {})) {
      const found = this.plugins.get(dependency);
      if (!found || !semver.satisfies(found.plugin.version, range, { includePrerelease: true })) {
        const what = found ? `version ${found.plugin.version} is registered` : 'it is not registered';
        throw new DbarchError('DBA_PLUGIN_DEPENDENCY', `plugin "${plugin.name}" depends on "${dependency}" ${range}, but ${what}`, { details: { plugin: plugin.name, dependency, range } });
      }
    }
    for (const section of plugin.reads ?? []) {
      if (!builtinSectionKeys.has(section)) {
        throw new DbarchError('DBA_PLUGIN_SECTION_UNKNOWN', `plugin "${plugin.name}" reads section \`${String(section)}\`, which is not a spec section`, {
          hint: `Sections a capability may read: ${[...builtinSectionKeys].join(', ')}. A plugin's own section is its configSchema.`,
          details: { plugin: plugin.name, section },
        });
      }
    }
    for (const [key, alias] of Object.entries(plugin.planning?.env ?? {})) {
      const owner = [...this.plugins.values()].find((entry) => Object.values(entry.plugin.planning?.env ?? {}).includes(alias));
      if (owner) {
        throw new DbarchError('DBA_PLUGIN_INVALID', `plugin "${plugin.name}" offers its setting "${key}" as {{ env.${alias} }}, which "${owner.plugin.name}" offers already`, { details: { plugin: plugin.name, alias } });
      }
    }
    const steps = new Map<string, RegisteredStep>();
    const normalised = new Map<string, string>();
    for (const [stepName, step] of Object.entries(plugin.steps(this.deps))) {
      const key = normaliseStepName(stepName);
      const clash = normalised.get(key);
      if (clash !== undefined) {
        throw new DbarchError('DBA_PLUGIN_DUPLICATE_STEP', `plugin "${plugin.name}" defines steps "${clash}" and "${stepName}", which \`uses:\` cannot tell apart`, {
          details: { plugin: plugin.name, steps: [clash, stepName] },
        });
      }
      normalised.set(key, stepName);
      const definition: StepDefinition<unknown> = typeof step === 'function' ? { run: step as StepRun<unknown> } : (step as StepDefinition<unknown>);
      if (typeof definition.run !== 'function') {
        throw new DbarchError('DBA_PLUGIN_INVALID', `step "${plugin.name}/${stepName}" has no run function`, { details: { plugin: plugin.name, step: stepName } });
      }
      const uses = `${plugin.name}/${stepName}`;
      steps.set(key, {
        uses,
        plugin: plugin.name,
        activity: uses,
        run: definition.run,
        ...(definition.input ? { inputSchema: definition.input } : {}),
        ...(definition.describe ? { describe: definition.describe } : {}),
        defaults: mergeDefaults(uses, fallbackStepDefaults, plugin.defaults, definition.defaults),
      });
    }
    this.plugins.set(plugin.name, { plugin, source, steps });
    this.library = undefined;
  }

  lookup(uses: string): StepCatalogEntry | undefined {
    const slash = uses.indexOf('/');
    if (slash < 0) return undefined;
    return this.plugins.get(uses.slice(0, slash))?.steps.get(normaliseStepName(uses.slice(slash + 1)));
  }

  names(): string[] {
    return [...this.plugins.values()].flatMap((entry) => [...entry.steps.values()].map((step) => step.uses));
  }

  list(): readonly PluginDefinition[] {
    return [...this.plugins.values()].map((entry) => entry.plugin);
  }

  /** Activities by the name plans call them: `<plugin>/<step>`. */
  activities(): Record<string, (input: unknown, call: never) => Promise<unknown>> {
    const out: Record<string, (input: unknown, call: never) => Promise<unknown>> = {};
    for (const entry of this.plugins.values()) {
      for (const step of entry.steps.values()) out[step.activity] = stepActivity(step.activity, step.run, this.deps.log);
    }
    return out;
  }

  /**
   * Every capability's settings for one environment, by namespace, and `env` (the aliases capabilities offer
   * there) when the environment is declared under deployment_config, as it always was.
   */
  planContext(spec: CompiledSpec, environment: string): PlanContext {
    const settings: Record<string, Record<string, JsonValue>> = {};
    const sources: Record<string, SettingSource> = {};
    const declared = spec.deployment_config?.environments.some((env) => env.name === environment) ?? false;
    const env: Record<string, JsonValue> = {};
    for (const { plugin } of this.plugins.values()) {
      const offered = plugin.planning?.settings?.(sectionsFor(plugin, spec), environment);
      if (offered === undefined) continue;
      const values: Record<string, JsonValue> = {};
      for (const [key, setting] of Object.entries(offered)) {
        values[key] = setting.value;
        const alias = plugin.planning?.env?.[key];
        if (alias !== undefined) env[alias] = setting.value;
        if (setting.source) {
          sources[`${plugin.name}.${key}`] = setting.source;
          if (alias !== undefined) sources[`env.${alias}`] = setting.source;
        }
      }
      settings[plugin.name] = values;
    }
    if (declared) settings.env = env;
    return { settings, sources };
  }

  /** Plugin name → defaults for every step's input: what its capability derives, or else its own section. */
  stepDefaults(spec: CompiledSpec, environment: string): Record<string, JsonObject | undefined> {
    const out: Record<string, JsonObject | undefined> = {};
    for (const { plugin } of this.plugins.values()) {
      const derived = plugin.planning?.stepDefaults?.(sectionsFor(plugin, spec), environment);
      const own = plugin.configSchema === undefined ? undefined : (spec[plugin.name] as JsonObject | undefined);
      out[plugin.name] = derived ?? own;
    }
    return out;
  }

  /**
   * Every capability's comparison of its sections with the live services (`inspect`), all at once, each bounded
   * by `timeoutMs`: one that fails or does not answer in time is reported as unavailable, never fails the plan.
   */
  async inspect(spec: CompiledSpec, environment: string, timeoutMs: number): Promise<CapabilityLiveState[]> {
    const { settings } = this.planContext(spec, environment);
    const readings = [...this.plugins.values()].filter(({ plugin }) => plugin.inspect !== undefined).map(async ({ plugin }): Promise<CapabilityLiveState | undefined> => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)));
      try {
        const state = await Promise.race([plugin.inspect!(sectionsFor(plugin, spec), environment, this.deps, settings), late]);
        return state === undefined ? undefined : { capability: plugin.name, state };
      } catch (error) {
        return { capability: plugin.name, unavailable: error instanceof Error ? error.message : String(error) };
      } finally {
        clearTimeout(timer);
      }
    });
    return (await Promise.all(readings)).filter((reading) => reading !== undefined);
  }

  /** The procedures the spec's sections describe themselves (step lists), as the capabilities reading them compile them. */
  sectionProcedures(spec: CompiledSpec): ProceduresSection {
    const roles: Record<string, readonly string[]> = {};
    const definitions: Record<string, ProcedureDefinition> = {};
    for (const { plugin } of this.plugins.values()) {
      const derived = plugin.planning?.procedures?.(sectionsFor(plugin, spec));
      Object.assign(roles, derived?.roles ?? {});
      Object.assign(definitions, derived?.definitions ?? {});
    }
    return { roles, definitions };
  }

  /** The procedures the capabilities ship, `dbarch/<name>` (or `<plugin>/<name>`), with the roles they declare. */
  procedures(): ProceduresSection {
    if (this.library) return this.library;
    const roles: Record<string, readonly string[]> = {};
    const definitions: Record<string, ProcedureDefinition> = {};
    for (const { plugin, source } of this.plugins.values()) {
      if (!plugin.procedures || plugin.procedures.length === 0) continue;
      const loaded = loadProcedureFiles(plugin.procedures, isShipped(source) ? shippedPrefix : `${plugin.name}/`);
      Object.assign(roles, loaded.roles);
      Object.assign(definitions, loaded.definitions);
    }
    this.library = { roles, definitions };
    return this.library;
  }

  /** Plugin spec sections, for the compiler to stitch into the root schema under each plugin's name. */
  sections(): SectionDefinition[] {
    return [...this.plugins.values()]
      .filter((entry) => entry.plugin.configSchema !== undefined)
      .map(({ plugin }) => ({
        key: plugin.name,
        schema: Type.Unsafe<unknown>(plugin.configSchema as object),
        title: `${plugin.name} (plugin ${plugin.version})`,
        description: plugin.description ?? `Settings of the ${plugin.name} plugin; defaults for the input of every ${plugin.name}/* step.`,
      }));
  }
}

function normaliseStepName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

function checkShape(candidate: unknown, source: string): PluginDefinition {
  const plugin = candidate as Partial<PluginDefinition> | null;
  const problems: string[] = [];
  if (plugin === null || typeof plugin !== 'object') problems.push('it is not an object');
  else {
    if (typeof plugin.name !== 'string') problems.push('`name` is not a string');
    if (typeof plugin.version !== 'string' || semver.valid(plugin.version) === null) problems.push('`version` is not a semver version');
    if (typeof plugin.host !== 'string') problems.push('`host` is not a semver range');
    if (typeof plugin.steps !== 'function') problems.push('`steps` is not a function of the injected dependencies');
    if (plugin.dependsOn !== undefined && (typeof plugin.dependsOn !== 'object' || plugin.dependsOn === null)) problems.push('`dependsOn` is not a map of plugin names to ranges');
    if (plugin.configSchema !== undefined && (typeof plugin.configSchema !== 'object' || plugin.configSchema === null)) problems.push('`configSchema` is not a JSON Schema object');
  }
  if (problems.length > 0) {
    throw new DbarchError('DBA_PLUGIN_INVALID', `${source} is not a valid plugin: ${problems.join('; ')}`, { details: { source, problems } });
  }
  return plugin as PluginDefinition;
}

function mergeDefaults(uses: string, base: StepDefaults, ...layers: (StepDefaultSettings | undefined)[]): StepDefaults {
  let { timeoutMs, heartbeatTimeoutMs } = base;
  let retry: StepRetry = base.retry;
  const ms = (value: string | number, what: string): number => {
    const parsed = parseDuration(value);
    if (!parsed.ok) throw new DbarchError('DBA_PLUGIN_INVALID', `${uses}: default ${what}: ${parsed.message}`);
    return parsed.value;
  };
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.timeout !== undefined) timeoutMs = ms(layer.timeout, 'timeout');
    if (layer.heartbeatTimeout !== undefined) heartbeatTimeoutMs = ms(layer.heartbeatTimeout, 'heartbeatTimeout');
    const r = layer.retry;
    if (r) {
      retry = {
        maximumAttempts: r.attempts ?? retry.maximumAttempts,
        initialIntervalMs: r.initialInterval === undefined ? retry.initialIntervalMs : ms(r.initialInterval, 'retry.initialInterval'),
        backoffCoefficient: r.backoff ?? retry.backoffCoefficient,
        maximumIntervalMs: r.maxInterval === undefined ? retry.maximumIntervalMs : ms(r.maxInterval, 'retry.maxInterval'),
        nonRetryableCodes: [...new Set([...retry.nonRetryableCodes, ...(r.nonRetryable ?? [])])],
      };
    }
  }
  return { timeoutMs, ...(heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs } : {}), retry };
}

/** Only the sections the capability declared: what it reads is what it said it reads. */
function sectionsFor(plugin: PluginDefinition, spec: CompiledSpec): Pick<CompiledSpec, SectionKey> {
  const out: Record<string, unknown> = {};
  for (const key of plugin.reads ?? []) if (spec[key] !== undefined) out[key] = spec[key];
  return out;
}
