import { expect } from 'chai';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import pg from 'pg';
import { closeActivityDeps, createActivityDeps } from '../../activities/ActivityDeps.ts';
import { applyMigrations } from '../../activities/migrations/applyMigrations.ts';
import { lintMigrations } from '../../activities/migrations/lint/lintMigrations.ts';
import { schemaFingerprint } from '../../activities/migrations/schemaFingerprint.ts';
import { applyRoutingChange } from '../../activities/replication/applyRoutingChange.ts';
import { dbarchSchemaParts, ensureDbarchSchema } from '../../activities/schema/ensureDbarchSchema.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { eventually, repoRoot, spawnTs } from '../support/childProcess.ts';
import { freshDatabase, query, type TestDatabase } from '../support/postgres.ts';
import { testLog } from '../support/temporal.ts';

const controlTables = ['cluster_topology', 'cluster_topology_history', 'environment_leases', 'migration_pipeline_steps', 'routing', 'routing_history', 'schema_registry', 'smoke_runs'];


async function dbarchTables(url: string): Promise<string[]> {
  return (await query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'dbarch' ORDER BY tablename`)).map((r) => r.tablename);
}

async function history(url: string, table: string): Promise<[string | null, string, boolean][]> {
  const rows = await query<{ version: string | null; script: string; success: boolean }>(url, `SELECT version, script, success FROM dbarch.${table} ORDER BY installed_rank`);
  return rows.map((r) => [r.version, r.script, r.success]);
}

describe("dbarch's own tables, from its own versioned migrations", function () {
  this.timeout(120_000);
  const databases: TestDatabase[] = [];
  const fresh = async (label: string) => {
    const db = await freshDatabase(label);
    databases.push(db);
    return db;
  };
  after(async () => {
    for (const db of databases) await db.drop();
  });

  it('gives a fresh control database every table through the control migrations, recorded in a history of their own', async () => {
    const db = await fresh('schema_control');
    const report = await ensureDbarchSchema('control', db.url, testLog);
    expect(report.applied).to.deep.equal(['V1__smoke_runs.sql', 'V2__routing.sql', 'V3__migration_pipeline.sql', 'V4__environment_leases.sql', 'V5__cluster_topology.sql']);
    expect(report.currentVersion).to.equal('5');
    expect(await dbarchTables(db.url)).to.deep.equal(['control_schema_history', ...controlTables].sort());
    expect(await history(db.url, 'control_schema_history')).to.deep.equal([
      ['1', 'V1__smoke_runs.sql', true],
      ['2', 'V2__routing.sql', true],
      ['3', 'V3__migration_pipeline.sql', true],
      ['4', 'V4__environment_leases.sql', true],
      ['5', 'V5__cluster_topology.sql', true],
    ]);
    expect(await query(db.url, `SELECT 1 FROM pg_namespace WHERE nspname = 'dbarch_history'`), "the user's history schema is not touched").to.have.length(0);
    // Called again in this process: the same run, nothing new; another process finds nothing pending.
    expect(await ensureDbarchSchema('control', db.url)).to.equal(report);
    const again = await applyMigrations({ source: { dir: dbarchSchemaParts.control.dir }, historySchema: 'dbarch', historyTable: 'control_schema_history' }, { db: db.url });
    expect(again.applied).to.deep.equal([]);
  });

  it('gives a target database the step ledger only; a database that is both keeps two separate histories', async () => {
    const target = await fresh('schema_target');
    expect((await ensureDbarchSchema('target', target.url)).applied).to.deep.equal(['V1__step_ledger.sql']);
    expect(await dbarchTables(target.url)).to.deep.equal(['step_ledger', 'target_schema_history']);

    const both = await fresh('schema_both');
    await ensureDbarchSchema('target', both.url);
    expect((await ensureDbarchSchema('control', both.url)).applied, 'the target history does not hide the control set').to.have.length(5);
    expect(await dbarchTables(both.url)).to.deep.equal(['control_schema_history', ...controlTables, 'step_ledger', 'target_schema_history'].sort());
    expect((await history(both.url, 'target_schema_history')).map(([, script]) => script)).to.deep.equal(['V1__step_ledger.sql']);
    expect(await history(both.url, 'control_schema_history')).to.have.length(5);
  });

  it('upgrades a database whose tables the old ad-hoc code made: rows kept, the hand-patched column added, the same as a fresh one', async () => {
    const old = await fresh('schema_upgrade');
    await query(old.url, readFileSync(new URL('./preMigrationTables.sql', import.meta.url), 'utf8'));
    expect((await ensureDbarchSchema('control', old.url)).applied).to.have.length(5);
    expect((await ensureDbarchSchema('target', old.url)).applied).to.deep.equal(['V1__step_ledger.sql']);

    expect(await query(old.url, 'SELECT workflow_id, versions FROM dbarch.smoke_runs')).to.deep.equal([{ workflow_id: 'smoke-old', versions: { postgres: '15' } }]);
    expect(await query(old.url, 'SELECT idempotency_key FROM dbarch.step_ledger')).to.deep.equal([{ idempotency_key: 'wf:run:seed' }]);
    expect(await query(old.url, 'SELECT environment, version FROM dbarch.schema_registry')).to.deep.equal([{ environment: 'staging', version: '2' }]);
    expect(await query(old.url, 'SELECT version::int, to_color, origin FROM dbarch.routing_history')).to.deep.equal([{ version: 1, to_color: 'green', origin: null }]);

    // The next routing change writes `origin`, the column the old code patched in by hand.
    const deps = createActivityDeps({ ...serviceUrls(), postgres: old.url }, testLog);
    try {
      const result = await applyRoutingChange(deps, { service: 'checkout', database: 'shop' }, (row) => ({
        from: row?.active_color ?? 'blue',
        to: 'blue',
        reason: 'back to blue',
        blueRef: row?.blue_ref ?? null,
        greenRef: row?.green_ref ?? null,
        origin: 'wf:run:switch',
      }));
      expect(result).to.include({ version: 2, activeColor: 'blue', changed: true });
    } finally {
      await closeActivityDeps(deps);
    }
    expect(await query(old.url, 'SELECT version::int, origin FROM dbarch.routing_history ORDER BY version')).to.deep.equal([
      { version: 1, origin: null },
      { version: 2, origin: 'wf:run:switch' },
    ]);

    const reference = await fresh('schema_reference');
    await ensureDbarchSchema('control', reference.url);
    await ensureDbarchSchema('target', reference.url);
    const print = async (url: string) => (await schemaFingerprint({ schemas: ['dbarch'], includeCatalog: true }, { db: url })).catalog;
    expect(await print(old.url), 'columns, order, types, defaults, constraints and indexes as in a fresh database').to.deep.equal(await print(reference.url));
  });

  it('starts four processes at once: each migration is applied once, by one of them, and all of them succeed', async () => {
    const db = await fresh('schema_race');
    const barrier = 73_001;
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query('SELECT pg_advisory_lock($1)', [barrier]);
      const children = Array.from({ length: 4 }, () => spawnTs('test/schema/ensureSchemaChild.ts', [db.url, String(barrier)]));
      await eventually(async () => {
        const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`, [barrier]);
        return rows[0]?.n === children.length ? true : undefined;
      }, 'four processes at the start line', 60_000);
      await admin.query('SELECT pg_advisory_unlock($1)', [barrier]);
      const codes = await Promise.all(children.map((child) => child.exited));
      const outputs = children.map((child) => JSON.parse(child.output().trim().split('\n').at(-1) ?? 'null') as { ok: boolean; control: string[]; target: string[] });
      expect(codes, children.map((child) => child.output()).join('\n')).to.deep.equal([0, 0, 0, 0]);
      expect(outputs.map((o) => o.control.length).sort()).to.deep.equal([0, 0, 0, 5]);
      expect(outputs.map((o) => o.target.length).sort()).to.deep.equal([0, 0, 0, 1]);
    } finally {
      await admin.end();
    }
    const counts = await query<{ script: string; n: number }>(db.url, 'SELECT script, count(*)::int AS n FROM dbarch.control_schema_history GROUP BY script ORDER BY script');
    expect(counts.map((r) => r.n)).to.deep.equal([1, 1, 1, 1, 1]);
  });

  it("keeps dbarch's own migrations clean by its own linter", async () => {
    for (const part of Object.values(dbarchSchemaParts)) {
      const report = await lintMigrations({ source: { dir: part.dir } });
      expect(report.findings, part.dir).to.deep.equal([]);
      expect(report.ok).to.equal(true);
    }
  });

  it('has no other CREATE TABLE or CREATE SCHEMA in product code than the engine creating its own history table', () => {
    const allowed = new Set([
      'activities/migrations/historyTable.ts',
      // security_config's desired state, not dbarch's tables: the schema holding the no_ddl and owner-guard event
      // trigger functions is made in the same apply transaction as the triggers and the roles they name.
      'activities/security/noDdlTriggerSql.ts',
      'activities/security/ownerGuardTriggerSql.ts',
    ]);
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts') && /\bCREATE\s+(?:UNLOGGED\s+)?(?:TABLE|SCHEMA)\b/i.test(readFileSync(path, 'utf8'))) found.push(relative(repoRoot, path));
      }
    };
    for (const top of ['activities', 'plugins', 'workflows', 'runtime', 'app', 'api', 'cli', 'gateway']) {
      try {
        walk(join(repoRoot, top));
      } catch (error) {
        if ((error as { code?: string }).code !== 'ENOENT') throw error;
      }
    }
    expect(found.filter((path) => !allowed.has(path))).to.deep.equal([]);
  });
});
