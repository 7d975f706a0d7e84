import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { applySecurity } from '../../activities/security/applySecurity.ts';
import { diffSecurityLive } from '../../activities/security/diffSecurityLive.ts';
import { compileSpec } from '../../compiler/compileSpec.ts';
import type { SecurityConfig } from '../../compiler/sections/security_config/schema.ts';
import { securityModel } from '../../plugins/security/securityModel.ts';
import { expectCode } from '../migrations/expectCode.ts';
import { freshDatabase, query, type TestDatabase } from '../support/postgres.ts';
import { asRole, dropRoles, outcome, rolePrefix } from './securityRoles.ts';

describe('security: row-level security as code', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  const p = rolePrefix();
  const config: SecurityConfig = {
    authorization: {
      model: 'RBAC',
      roles: [
        { name: `${p}application`, permissions: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], restrictions: ['no_ddl', 'no_truncate'], members: [`${p}orders_service`] },
        { name: `${p}admin`, permissions: ['ALL'], require_mfa: true, members: [`${p}dba`] },
      ],
    },
    row_level_security: {
      tables: [{
        table: 'users',
        policies: [
          // The seed's two policies, verbatim but for the prefixed role name.
          { name: 'user_isolation', using: 'user_id = current_user_id()' },
          { name: 'admin_access', using: `current_role = '${p}admin'` },
        ],
      }],
    },
  };
  const model = securityModel(config);

  /** The user ids a role sees, with `dbarch.user_id` set for the transaction as the data-plane client does. */
  async function visible(role: string, userId: string | null, setRole?: string): Promise<string[]> {
    const client = new pg.Client({ connectionString: asRole(db.url, role) });
    await client.connect();
    try {
      await client.query('BEGIN');
      if (userId !== null) await client.query(`SELECT set_config('dbarch.user_id', $1, true)`, [userId]);
      if (setRole) await client.query(`SET LOCAL ROLE "${setRole}"`);
      const { rows } = await client.query<{ user_id: string }>('SELECT user_id FROM users ORDER BY user_id');
      await client.query('COMMIT');
      return rows.map((r) => r.user_id);
    } finally {
      await client.end();
    }
  }

  before(async () => {
    db = await freshDatabase('security_rls');
    await query(db.url, `CREATE ROLE "${p}owner" LOGIN`);
    await query(db.url, 'CREATE TABLE users (id serial PRIMARY KEY, user_id text NOT NULL, body text)');
    await query(db.url, `INSERT INTO users (user_id, body) VALUES ('alice', 'a1'), ('alice', 'a2'), ('bob', 'b1')`);
    await query(db.url, `ALTER TABLE users OWNER TO "${p}owner"`);
  });
  after(async () => {
    await db?.drop();
    await dropRoles(p);
  });

  it('refuses a policy PostgreSQL rejects (unknown column) and a missing table, applying nothing', async () => {
    const bad = securityModel({ ...config, row_level_security: { tables: [{ table: 'users', policies: [{ name: 'p', using: 'owner_id = current_user_id()' }] }] } });
    const error = await expectCode(applySecurity(db.url, bad), 'DBA_SECURITY_POLICY_INVALID');
    expect(error.details.problems).to.have.length(1);
    const missing = securityModel({ ...config, row_level_security: { tables: [{ table: 'nosuch', policies: [{ name: 'p', using: 'true' }] }] } });
    await expectCode(diffSecurityLive(db.url, missing), 'DBA_SECURITY_TABLE_MISSING');
    expect(await query(db.url, 'SELECT 1 FROM pg_roles WHERE starts_with(rolname, $1) AND rolname <> $2', [p, `${p}owner`])).to.have.length(0);
    expect(await query(db.url, `SELECT 1 FROM pg_class WHERE relname = 'users' AND relrowsecurity`)).to.have.length(0);
    expect(await query(db.url, `SELECT 1 FROM pg_proc WHERE proname = 'current_user_id'`)).to.have.length(0);
  });

  it('reports invalid policy SQL and an unknown privilege from validate', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dbarch-rls-'));
    const file = path.join(dir, 'spec.yaml');
    writeFileSync(file, [
      'security_config:',
      '  authorization:',
      '    model: RBAC',
      '    roles:',
      '      - { name: app, permissions: [SELECT] }',
      '  row_level_security:',
      '    tables:',
      '      - table: users',
      '        policies:',
      '          - { name: broken, using: "user_id = = current_user_id()" }',
      '          - { name: smuggled, using: "true); DROP TABLE users; --" }',
      '',
    ].join('\n'));
    const result = await compileSpec([file]);
    expect(result.valid).to.equal(false);
    expect(result.errors.map((e) => [e.code, e.path, e.line])).to.deep.equal([
      ['DBA_SPEC_POLICY_SQL', '/security_config/row_level_security/tables/0/policies/0/using', 10],
      ['DBA_SPEC_POLICY_SQL', '/security_config/row_level_security/tables/0/policies/1/using', 11],
    ]);
    writeFileSync(file, 'security_config:\n  authorization:\n    model: RBAC\n    roles:\n      - { name: app, permissions: [SELECT, SELEKT] }\n');
    const privilege = await compileSpec([file]);
    expect(privilege.errors.map((e) => [e.code, e.path])).to.deep.equal([['DBA_SPEC_ENUM', '/security_config/authorization/roles/0/permissions/1']]);
  });

  it('enables and forces RLS with the policies and the current_user_id() helper; a second diff is empty', async () => {
    const planned = await diffSecurityLive(db.url, model);
    const sql = planned.changes.map((c) => c.sql);
    expect(sql).to.include('ALTER TABLE "public"."users" ENABLE ROW LEVEL SECURITY');
    expect(sql).to.include('ALTER TABLE "public"."users" FORCE ROW LEVEL SECURITY');
    expect(sql.filter((s) => s.startsWith('CREATE POLICY'))).to.have.length(2);
    await applySecurity(db.url, model);
    const [table] = await query<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(db.url, `SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'users'`);
    expect(table).to.deep.equal({ relrowsecurity: true, relforcerowsecurity: true });
    expect((await diffSecurityLive(db.url, model)).changes).to.deep.equal([]);
  });

  it('shows a user only their rows, the admin all rows, and binds the table owner too (FORCE)', async () => {
    expect(await visible(`${p}orders_service`, 'alice')).to.deep.equal(['alice', 'alice']);
    expect(await visible(`${p}orders_service`, 'bob')).to.deep.equal(['bob']);
    expect(await visible(`${p}orders_service`, null)).to.deep.equal([]);
    expect(await visible(`${p}dba`, null, `${p}admin`)).to.deep.equal(['alice', 'alice', 'bob']);
    expect(await visible(`${p}owner`, 'bob')).to.deep.equal(['bob']);
    expect(await visible(`${p}owner`, null)).to.deep.equal([]);
  });

  it('drops a hand-made policy as drift and restores a policy changed by hand', async () => {
    await query(db.url, 'CREATE POLICY open_door ON users USING (true)');
    await query(db.url, 'ALTER POLICY user_isolation ON users USING (true)');
    const report = await diffSecurityLive(db.url, model);
    expect(report.changes.filter((c) => c.drift).map((c) => c.sql)).to.deep.equal(['DROP POLICY IF EXISTS "open_door" ON "public"."users"']);
    expect(report.changes.map((c) => c.sql)).to.include('DROP POLICY IF EXISTS "user_isolation" ON "public"."users"');
    expect(await visible(`${p}orders_service`, 'bob')).to.have.length(3);
    await applySecurity(db.url, model);
    expect(await visible(`${p}orders_service`, 'bob')).to.deep.equal(['bob']);
    expect((await diffSecurityLive(db.url, model)).changes).to.deep.equal([]);
  });

  it('lets the application insert only rows that pass the policy', async () => {
    const app = new pg.Client({ connectionString: asRole(db.url, `${p}orders_service`) });
    await app.connect();
    try {
      await app.query('BEGIN');
      await app.query(`SELECT set_config('dbarch.user_id', 'carol', true)`);
      expect(await outcome(app, `INSERT INTO users (user_id, body) VALUES ('carol', 'c1')`)).to.equal('ok');
      await app.query('COMMIT');
      await app.query('BEGIN');
      await app.query(`SELECT set_config('dbarch.user_id', 'carol', true)`);
      expect(await outcome(app, `INSERT INTO users (user_id, body) VALUES ('dave', 'd1')`)).to.equal('42501');
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
  });
});
