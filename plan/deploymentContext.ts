import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CompiledSpec } from '../compiler/CompiledSpec.ts';
import { isProtectedEnvironment } from '../compiler/sections/deployment_config/checks.ts';
import type { JsonValue } from './Plan.ts';
import type { PlanContext } from './PlanContext.ts';

export type RollbackMode = 'undo' | 'restore' | 'none';

/**
 * The environment's deployment settings as procedures read them at plan time (`{{ env.<key> }}`, `when: { env }`),
 * defaults applied. `migration_files` (file → sha256) binds a plan, and so its approval, to the exact migration
 * files it was made for: steps refuse to run against other files.
 */
export function deploymentContext(spec: CompiledSpec, environment: string): PlanContext {
  const deployment = spec.deployment_config;
  const env = deployment?.environments.find((candidate) => candidate.name === environment);
  if (!deployment || !env) return {};
  const cluster = env.cluster === undefined ? undefined : spec.clusters?.find((candidate) => candidate.name === env.cluster);
  const migrations = env.migrations ?? deployment.migrations?.directory ?? null;
  const rollback = env.rollback_on_error;
  const settings: Record<string, JsonValue> = {
    name: env.name,
    database: env.database,
    cluster: env.cluster ?? null,
    connection: env.connection ?? cluster?.primary ?? null,
    auto_migrate: env.auto_migrate ?? false,
    backup_before_migrate: env.backup_before_migrate ?? true,
    require_approval: env.require_approval ?? false,
    rollback_on_error: rollbackMode(rollback),
    protected: isProtectedEnvironment(env),
    migrations,
    migration_files: migrations === null ? {} : migrationFileDigests(migrations),
    lock_timeout: deployment.migrations?.lock_timeout ?? '10s',
    branch: deployment.branch ?? 'main',
    backup_destination: spec.backup_config?.base_backups?.destination ?? 'file:///tmp/dbarch/backups/',
    // The spec's, not the environment's: how long blue stays the rollback target (dbarch/blue_green's gate timeout).
    rollback_window: spec.blue_green?.rollback_window ?? '24h',
  };
  return { env: settings };
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
