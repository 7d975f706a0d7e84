import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Plan } from '../../plan/Plan.ts';
import { planSpec } from '../../plan/planSpec.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { query, withDatabase } from '../support/postgres.ts';
import { testLog } from '../support/temporal.ts';

export const pipelineFixtures = new URL('../fixtures/pipeline/', import.meta.url).pathname;

export interface EnvironmentSettings {
  readonly require_approval?: boolean;
  readonly backup_before_migrate?: boolean;
  readonly rollback_on_error?: boolean | 'undo' | 'restore';
}

/** A spec of uniquely named databases (never dbarch_dev/_staging/_prod) over a copy of a fixture migrations set. */
export interface PipelineSpec {
  readonly path: string;
  readonly dir: string;
  readonly migrations: string;
  readonly databases: Readonly<Record<string, string>>;
  url(environment: string): string;
  drop(): Promise<void>;
}

export async function pipelineSpec(migrationSet: string, environments: Readonly<Record<string, EnvironmentSettings>>): Promise<PipelineSpec> {
  const dir = mkdtempSync(join(tmpdir(), 'dbarch-pipeline-'));
  const migrations = join(dir, 'migrations');
  cpSync(join(pipelineFixtures, 'migrations', migrationSet), migrations, { recursive: true });
  const tag = randomBytes(4).toString('hex');
  const databases = Object.fromEntries(Object.keys(environments).map((env) => [env, `dbarch_p_${env.slice(0, 8)}_${tag}`]));
  const envYaml = Object.entries(environments)
    .map(([name, settings]) => {
      const lines = [`    - name: ${name}`, `      database: ${databases[name]}`, `      auto_migrate: false`];
      for (const [key, value] of Object.entries(settings)) lines.push(`      ${key}: ${String(value)}`);
      if (settings.backup_before_migrate === undefined) lines.push('      backup_before_migrate: false');
      return lines.join('\n');
    })
    .join('\n');
  const path = join(dir, 'spec.yaml');
  writeFileSync(
    path,
    `apiVersion: dbarch/v1
procedures:
  roles:
    migration_approvers: [dba, alice]
deployment_config:
  source_control: local
  repository: .
  migrations:
    directory: ./migrations
  environments:
${envYaml}
`,
  );
  await adminQuery(Object.values(databases).map((name) => `CREATE DATABASE ${name}`));
  return {
    path,
    dir,
    migrations,
    databases,
    url: (environment) => withDatabase(serviceUrls().postgres, databases[environment] ?? ''),
    drop: () => adminQuery(Object.values(databases).map((name) => `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function adminQuery(statements: readonly string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: serviceUrls().postgres });
  await admin.connect();
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

export async function planPipeline(specPath: string, environment: string): Promise<Plan> {
  const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog));
  const result = await planSpec({ paths: [specPath], environment, procedure: 'migration_pipeline', registry });
  if (!result.ok) throw new Error(`cannot plan: ${JSON.stringify(result)}`);
  return result.plan;
}


/** Versioned history rows per version (to prove each migration ran once). */
export async function appliedCounts(url: string): Promise<Record<string, number>> {
  const rows = await query<{ version: string; n: string }>(url, `SELECT version, count(*) AS n FROM dbarch_history.schema_history WHERE type = 'versioned' AND success GROUP BY version ORDER BY version`);
  return Object.fromEntries(rows.map((row) => [row.version, Number(row.n)]));
}
