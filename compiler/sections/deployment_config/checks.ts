import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { checkDatabaseReference } from '../clusters/checkDatabaseReference.ts';
import { reportDuplicates } from '../reportDuplicates.ts';
import type { DeploymentConfig } from './schema.ts';

const productionNames = new Set(['production', 'prod', 'prd']);

/** Production-like unless said otherwise: the safety rules apply by name, and `protected` overrides either way. */
export function isProtectedEnvironment(env: { name: string; protected?: boolean | undefined }): boolean {
  return env.protected ?? productionNames.has(env.name);
}

export function checkDeploymentConfig(config: DeploymentConfig, ctx: SectionCheckContext): void {
  reportDuplicates(ctx, config.environments.map((e, i) => ({ value: e.name, path: ['environments', i, 'name'] })), 'environment');
  if (config.migrations !== undefined) checkDirectory(ctx, ['migrations', 'directory'], config.migrations.directory);
  config.environments.forEach((env, i) => {
    // Rule: a protected environment may start migrations on its own only behind an approval gate.
    if (isProtectedEnvironment(env) && env.auto_migrate === true && env.require_approval !== true) {
      ctx.error(['environments', i, 'auto_migrate'], 'DBA_SPEC_UNSAFE_AUTO_MIGRATE', `environment \`${env.name}\` is protected and migrates automatically without approval`, 'add `require_approval: true`, or set `auto_migrate: false`');
    }
    if (env.migrations !== undefined) checkDirectory(ctx, ['environments', i, 'migrations'], env.migrations);
    checkDatabaseReference(ctx, env, ['environments', i, 'cluster'], ['environments', i, 'database']);
  });
}

function checkDirectory(ctx: SectionCheckContext, at: (string | number)[], dir: string): void {
  const absolute = path.resolve(ctx.baseDir, dir);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    ctx.warn(at, 'DBA_SPEC_MIGRATIONS_DIR', `migrations directory ${dir} does not exist (looked in ${absolute})`);
  }
}
