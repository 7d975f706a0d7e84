import { expect } from 'chai';
import pg from 'pg';
import { applySecurity } from '../../activities/security/applySecurity.ts';
import { diffSecurityLive } from '../../activities/security/diffSecurityLive.ts';
import type { SecurityConfig } from '../../compiler/sections/security_config/schema.ts';
import { securityModel } from '../../plugins/security/securityModel.ts';
import { expectCode } from '../migrations/expectCode.ts';
import { freshDatabase, query, type TestDatabase } from '../support/postgres.ts';
import { asRole, dropRoles, outcome, rolePrefix } from './securityRoles.ts';

describe('security: roles and grants as desired state', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  const p = rolePrefix();
  const config: SecurityConfig = {
    authorization: {
      model: 'RBAC',
      roles: [
        { name: `${p}read_only`, permissions: ['SELECT'], members: [`${p}reporting`] },
        { name: `${p}application`, permissions: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], restrictions: ['no_ddl', 'no_truncate'], members: [{ name: `${p}orders_service`, password: '${DBARCH_TEST_APP_PASSWORD}' }] },
      ],
    },
  };
  const model = securityModel(config);
  const connect = async (role: string) => {
    const client = new pg.Client({ connectionString: asRole(db.url, role) });
    await client.connect();
    return client;
  };

  before(async () => {
    process.env.DBARCH_TEST_APP_PASSWORD = 's3cret-app-password';
    db = await freshDatabase('security_roles');
    await query(db.url, 'CREATE TABLE orders (id serial PRIMARY KEY, note text NOT NULL)');
    await query(db.url, `INSERT INTO orders (note) VALUES ('first')`);
  });
  after(async () => {
    await db?.drop();
    await dropRoles(p);
  });

  it('plans the roles, members, grants, default privileges, the no_ddl trigger and the ownership guard without changing anything', async () => {
    const report = await diffSecurityLive(db.url, model);
    const sql = report.changes.map((c) => c.sql);
    expect(sql).to.include(`CREATE ROLE "${p}application" NOLOGIN`);
    expect(sql).to.include(`CREATE ROLE "${p}orders_service" LOGIN PASSWORD <secret>`);
    expect(sql).to.include(`GRANT "${p}application" TO "${p}orders_service"`);
    expect(sql).to.include(`GRANT DELETE, INSERT, SELECT, UPDATE ON TABLE "public"."orders" TO "${p}application"`);
    expect(sql).to.include(`GRANT SELECT ON TABLE "public"."orders" TO "${p}read_only"`);
    expect(sql.filter((s) => s.startsWith('GRANT') || s.startsWith('ALTER DEFAULT')).some((s) => s.includes('TRUNCATE')), 'TRUNCATE is never granted').to.equal(false);
    expect(sql.some((s) => s.includes('CREATE EVENT TRIGGER dbarch_no_ddl'))).to.equal(true);
    expect(sql.some((s) => s.includes('CREATE EVENT TRIGGER dbarch_no_truncate_owner'))).to.equal(true);
    expect(JSON.stringify(report)).to.not.include('s3cret-app-password');
    expect(report.drift).to.equal(0);
    const roles = await query(db.url, 'SELECT 1 FROM pg_roles WHERE starts_with(rolname, $1)', [p]);
    expect(roles).to.have.length(0);
  });

  it('applies once; a second apply finds nothing to do', async () => {
    // A server hashing passwords to md5 stores SCRAM only if the statement carried a verifier, not the password
    // (which would then be in the statement text: server log, pgaudit's ROLE class, pg_stat_statements).
    await query(db.url, `ALTER DATABASE ${pg.escapeIdentifier(new URL(db.url).pathname.slice(1))} SET password_encryption = 'md5'`);
    const applied = await applySecurity(db.url, model);
    expect(applied.applied).to.equal(true);
    expect(applied.changes.length).to.be.greaterThan(5);
    const roles = await query<{ rolname: string; rolcanlogin: boolean }>(db.url, 'SELECT rolname, rolcanlogin FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY 1', [p]);
    expect(roles).to.deep.equal([
      { rolname: `${p}application`, rolcanlogin: false },
      { rolname: `${p}orders_service`, rolcanlogin: true },
      { rolname: `${p}read_only`, rolcanlogin: false },
      { rolname: `${p}reporting`, rolcanlogin: true },
    ]);
    const [secret] = await query<{ scram: boolean }>(db.url, `SELECT rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = $1`, [`${p}orders_service`]);
    expect(secret?.scram, 'the member\'s password was set from its reference, as a SCRAM verifier').to.equal(true);
    expect((await diffSecurityLive(db.url, model)).changes).to.deep.equal([]);
    expect((await applySecurity(db.url, model)).changes).to.deep.equal([]);
  });

  it('lets the application role SELECT/INSERT/UPDATE/DELETE and refuses CREATE, ALTER, DROP and TRUNCATE', async () => {
    const app = await connect(`${p}orders_service`);
    try {
      expect(await outcome(app, `INSERT INTO orders (note) VALUES ('by app')`)).to.equal('ok');
      expect(await outcome(app, 'SELECT count(*) FROM orders')).to.equal('ok');
      expect(await outcome(app, `UPDATE orders SET note = 'changed' WHERE note = 'by app'`)).to.equal('ok');
      expect(await outcome(app, `DELETE FROM orders WHERE note = 'changed'`)).to.equal('ok');
      expect(await outcome(app, 'CREATE TABLE public.sneaky (id int)')).to.equal('42501');
      // PUBLIC may create temporary tables by default: only the event trigger refuses this one.
      expect(await outcome(app, 'CREATE TEMP TABLE scratch (id int)')).to.equal('42501');
      expect(await outcome(app, 'ALTER TABLE orders ADD COLUMN extra int')).to.equal('42501');
      expect(await outcome(app, 'DROP TABLE orders')).to.equal('42501');
      expect(await outcome(app, 'TRUNCATE orders')).to.equal('42501');
    } finally {
      await app.end();
    }
    // The migration user (a superuser) is not a member: its DDL still runs.
    await query(db.url, 'CREATE TEMP TABLE allowed (id int)');
  });

  it('lets read_only only read', async () => {
    const reader = await connect(`${p}reporting`);
    try {
      expect(await outcome(reader, 'SELECT count(*) FROM orders')).to.equal('ok');
      expect(await outcome(reader, `INSERT INTO orders (note) VALUES ('no')`)).to.equal('42501');
      expect(await outcome(reader, `UPDATE orders SET note = 'no'`)).to.equal('42501');
      expect(await outcome(reader, 'DELETE FROM orders')).to.equal('42501');
      expect(await outcome(reader, 'TRUNCATE orders')).to.equal('42501');
      expect(await outcome(reader, 'CREATE TABLE public.mine (id int)')).to.equal('42501');
      // Not a member of a no_ddl role: the event trigger lets its DDL through (PUBLIC's TEMPORARY allows this one).
      expect(await outcome(reader, 'CREATE TEMP TABLE scratch (id int)')).to.equal('ok');
    } finally {
      await reader.end();
    }
  });

  it('gives tables created later the same privileges (default privileges)', async () => {
    await query(db.url, 'CREATE TABLE invoices (id bigserial PRIMARY KEY, total int)');
    const app = await connect(`${p}orders_service`);
    try {
      expect(await outcome(app, 'INSERT INTO invoices (total) VALUES (1)')).to.equal('ok');
      expect(await outcome(app, 'TRUNCATE invoices')).to.equal('42501');
    } finally {
      await app.end();
    }
  });

  it('lists a hand-granted privilege and membership as drift, and apply revokes them', async () => {
    await query(db.url, `GRANT INSERT, TRUNCATE ON orders TO "${p}read_only"`);
    await query(db.url, `GRANT TRUNCATE ON orders TO "${p}application"`);
    await query(db.url, `CREATE ROLE "${p}intruder" LOGIN`);
    await query(db.url, `GRANT "${p}application" TO "${p}intruder"`);
    const report = await diffSecurityLive(db.url, model);
    const drift = report.changes.filter((c) => c.drift).map((c) => c.sql);
    expect(drift).to.have.members([
      `REVOKE INSERT, TRUNCATE ON TABLE "public"."orders" FROM "${p}read_only"`,
      `REVOKE TRUNCATE ON TABLE "public"."orders" FROM "${p}application"`,
      `REVOKE "${p}application" FROM "${p}intruder"`,
    ]);
    expect(report.drift).to.equal(3);
    const applied = await applySecurity(db.url, model);
    expect(applied.drift).to.equal(3);
    const reader = await connect(`${p}reporting`);
    try {
      expect(await outcome(reader, `INSERT INTO orders (note) VALUES ('no')`)).to.equal('42501');
    } finally {
      await reader.end();
    }
    const members = await query(db.url, `SELECT 1 FROM pg_auth_members WHERE member = '${p}intruder'::regrole`);
    expect(members).to.have.length(0);
    expect((await diffSecurityLive(db.url, model)).changes).to.deep.equal([]);
  });

  it('guards against ownership paths of a no_truncate role (trigger, then plan), and refuses a privilege this server lacks, applying nothing', async () => {
    await query(db.url, `CREATE TABLE owned (id int)`);
    // The guard trigger refuses to hand a table to a member of a no_truncate role…
    const refused = await query(db.url, `ALTER TABLE owned OWNER TO "${p}orders_service"`).then(() => 'ok', (e: { code?: string }) => e.code);
    expect(refused).to.equal('42501');
    // …and a path it cannot see (membership of a role that owns a table) stops plan and apply.
    await query(db.url, `CREATE ROLE "${p}legacy_owner" NOLOGIN`);
    await query(db.url, `ALTER TABLE owned OWNER TO "${p}legacy_owner"`);
    await query(db.url, `GRANT "${p}legacy_owner" TO "${p}orders_service"`);
    const error = await expectCode(applySecurity(db.url, model), 'DBA_SECURITY_OWNERSHIP_PATH');
    expect(error.message).to.include('"public"."owned"');
    await query(db.url, `REVOKE "${p}legacy_owner" FROM "${p}orders_service"`);
    await query(db.url, 'DROP TABLE owned');
    expect((await diffSecurityLive(db.url, model)).changes).to.deep.equal([]);

    const maintain = securityModel({ authorization: { model: 'RBAC', roles: [{ name: `${p}maint`, permissions: ['MAINTAIN'] }] } });
    await expectCode(applySecurity(db.url, maintain), 'DBA_SECURITY_PRIVILEGE_UNSUPPORTED');
    expect(await query(db.url, `SELECT 1 FROM pg_roles WHERE rolname = '${p}maint'`)).to.have.length(0);
  });

  it('installs the no_ddl and ownership triggers for a role whose name holds their dollar-quote tag (`$` is an identifier character)', async () => {
    const tagged = `${p}app$dbarch$x`;
    const model$ = securityModel({ authorization: { model: 'RBAC', roles: [{ name: tagged, permissions: ['SELECT'], restrictions: ['no_ddl', 'no_truncate'], members: [`${p}tagged_member`] }] } });
    await applySecurity(db.url, model$);
    const member = await connect(`${p}tagged_member`);
    try {
      expect(await outcome(member, 'CREATE TABLE tagged_ddl (id int)')).to.equal('42501');
    } finally {
      await member.end();
    }
    expect((await diffSecurityLive(db.url, model$)).changes.filter((c) => c.kind === 'restriction')).to.deep.equal([]);
  });
});
