import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import { isProtectedEnvironment } from '../../compiler/sections/deployment_config/checks.ts';
import type { JsonValue } from '../../plan/Plan.ts';
import type { PlanSetting } from '../definePlugin.ts';

export type RollbackMode = 'undo' | 'restore' | 'none';

/** The keys every migration step and the blue-green migrate step read, also offered as `{{ env.<key> }}`. */
export const deploymentSettingKeys = [
  'name', 'database', 'cluster', 'connection', 'auto_migrate', 'backup_before_migrate', 'require_approval',
  'rollback_on_error', 'protected', 'migrations', 'migration_files', 'lock_timeout', 'branch',
] as const;

/**
 * The environment's deployment settings as procedures read them at plan time (`{{ migrations.<key> }}`, and as
 * `{{ env.<key> }}` for older procedures), defaults applied, each with its place in the spec so a missing or wrong
 * one is reported there. `migration_files` (file → sha256) binds a plan, and so its approval, to the exact
 * migration files it was made for: steps refuse to run against other files. Empty when the environment is not
 * declared.
 */
export function deploymentSettings(spec: Pick<CompiledSpec, 'deployment_config' | 'clusters'>, environment: string): Record<string, PlanSetting> {
  const deployment = spec.deployment_config;
  const index = deployment?.environments.findIndex((candidate) => candidate.name === environment) ?? -1;
  const env = deployment?.environments[index];
  if (!deployment || !env) return {};
  const at = (...field: string[]) => ['deployment_config', 'environments', index, ...field];
  const cluster = env.cluster === undefined ? undefined : spec.clusters?.find((candidate) => candidate.name === env.cluster);
  const migrations = env.migrations ?? deployment.migrations?.directory ?? null;
  const value = (v: JsonValue, source?: PlanSetting['source']): PlanSetting => (source ? { value: v, source } : { value: v });
  return {
    name: value(env.name, { path: at('name') }),
    database: value(env.database, { path: at('database') }),
    cluster: value(env.cluster ?? null, { path: at('cluster') }),
    connection: value(env.connection ?? cluster?.primary ?? null, { path: at('connection'), hint: 'set the environment\'s `connection` (a `${ENV}` reference) or its `cluster`' }),
    auto_migrate: value(env.auto_migrate ?? false),
    backup_before_migrate: value(env.backup_before_migrate ?? true),
    require_approval: value(env.require_approval ?? false),
    rollback_on_error: value(rollbackMode(env.rollback_on_error)),
    protected: value(isProtectedEnvironment(env)),
    migrations: value(migrations, env.migrations !== undefined
      ? { path: at('migrations') }
      : { path: ['deployment_config', 'migrations', 'directory'], hint: 'set `deployment_config.migrations.directory` to the folder holding your V<version>__<name>.sql files (relative to the spec file)' }),
    migration_files: value(migrations === null ? {} : migrationFileDigests(migrations)),
    lock_timeout: value(deployment.migrations?.lock_timeout ?? '10s', { path: ['deployment_config', 'migrations', 'lock_timeout'] }),
    branch: value(deployment.branch ?? 'main', { path: ['deployment_config', 'branch'] }),
  };
}

/** The same settings as plain values, for callers outside planning (the CLI's dry run, repair, baseline). */
export function deploymentValues(spec: Pick<CompiledSpec, 'deployment_config' | 'clusters'>, environment: string): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(deploymentSettings(spec, environment)).map(([key, setting]) => [key, setting.value]));
}

export function rollbackMode(setting: boolean | 'undo' | 'restore' | undefined): RollbackMode {
  if (setting === true) return 'undo';
  if (setting === 'undo' || setting === 'restore') return setting;
  return 'none';
}

/** sha256 of every `.sql` file under the directory (relative path → hex), sorted; {} when it does not exist. */
export function migrationFileDigests(directory: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.sql')) out[path.relative(directory, full).split(path.sep).join('/')] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(directory);
  return out;
}
