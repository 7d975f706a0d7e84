import type { JsonValue } from './Plan.ts';

/** Where a setting comes from in the spec: a problem with it is reported there, in the user's own words. */
export interface SettingSource {
  /** Path of the field in the spec (its parent when the field is not written), e.g. deployment_config.migrations.directory. */
  readonly path: readonly (string | number)[];
  /** What to write there, when the setting is missing or wrong. */
  readonly hint?: string;
}

/**
 * What a procedure may read when it is planned, besides its own text: each capability's settings under its
 * namespace (`{{ migrations.database }}`, `{{ backup.destination }}`, `when: { env: { "backup.enabled": true } }`),
 * and `env`, the environment's deployment settings older procedures read (`{{ env.<key> }}`), filled from the
 * capabilities' aliases. Plain JSON, so the plan and its hash show exactly what was read.
 */
export interface PlanContext {
  /** Namespace → key → value. `env` is absent when the environment is not declared under deployment_config. */
  readonly settings: Readonly<Record<string, Readonly<Record<string, JsonValue>>>>;
  /** `<namespace>.<key>` → its place in the spec. */
  readonly sources: Readonly<Record<string, SettingSource>>;
}

export const emptyPlanContext: PlanContext = { settings: {}, sources: {} };

/** A reference `env.migrations` or `backup.destination`, split; a bare key means `env.<key>` (`when: { env: { key } }`). */
export function settingName(reference: string): { readonly namespace: string; readonly key: string } {
  const dot = reference.indexOf('.');
  return dot < 0 ? { namespace: 'env', key: reference } : { namespace: reference.slice(0, dot), key: reference.slice(dot + 1) };
}

/** The value of a setting, or undefined when the namespace or the key does not exist. */
export function readSetting(context: PlanContext, reference: string): { readonly found: boolean; readonly value: JsonValue | undefined } {
  const { namespace, key } = settingName(reference);
  const values = context.settings[namespace];
  return values !== undefined && Object.hasOwn(values, key) ? { found: true, value: values[key] } : { found: false, value: undefined };
}
