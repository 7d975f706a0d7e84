import { expect } from 'chai';
import { applySecurity } from '../../activities/security/applySecurity.ts';
import { DatabaseClient } from '../../gateway/client/index.ts';
import { securityModel } from '../../plugins/security/securityModel.ts';
import { compileDataPlaneSpec } from '../dataplane/compileDataPlaneSpec.ts';
import { freshDatabase, query, type TestDatabase } from '../support/postgres.ts';
import { asRole, dropRoles, rolePrefix } from './securityRoles.ts';

/** The data-plane client sets `dbarch.user_id` per request, so `current_user_id()` policies see the caller. */
describe('security: the data-plane client sets the RLS user per request', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let client: DatabaseClient;
  const p = rolePrefix();

  before(async () => {
    db = await freshDatabase('security_rls_client');
    await query(db.url, 'CREATE TABLE notes (id serial PRIMARY KEY, user_id bigint NOT NULL, body text)');
    await query(db.url, `INSERT INTO notes (user_id, body) VALUES (1, 'one'), (1, 'uno'), (2, 'two')`);
    await applySecurity(db.url, securityModel({
      authorization: { model: 'RBAC', roles: [{ name: `${p}application`, permissions: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], members: [`${p}svc`] }] },
      row_level_security: { user_id_type: 'bigint', tables: [{ table: 'notes', policies: [{ name: 'user_isolation', using: 'user_id = current_user_id()' }] }] },
    }));
    const spec = await compileDataPlaneSpec('service_mesh:\n  mtls: false\n  database_services:\n    - name: postgres-primary\n      endpoints: [{ host: 127.0.0.1, port: 5432 }]\n');
    // One pooled connection: a user id left on it would show in the next request.
    client = new DatabaseClient({ spec, serviceName: 'postgres-primary', connection: asRole(db.url, `${p}svc`), connectionPoolSize: 1 });
  });
  after(async () => {
    await client?.close();
    await db?.drop();
    await dropRoles(p);
  });

  it('shows each request only its user\'s rows, and nothing once no user is given', async () => {
    const mine = await client.query<{ body: string }>('SELECT body FROM notes ORDER BY body', [], { userId: '1' });
    expect(mine.rows.map((r) => r.body)).to.deep.equal(['one', 'uno']);
    const theirs = await client.query<{ body: string }>('SELECT body FROM notes ORDER BY body', [], { userId: '2' });
    expect(theirs.rows.map((r) => r.body)).to.deep.equal(['two']);
    // The id is a value, never SQL: this one is not a bigint, so current_user_id() fails to cast it.
    const forged = await client.query('SELECT body FROM notes', [], { userId: "1' OR '1'='1" }).then(() => undefined, (e: unknown) => e);
    expect(forged).to.have.property('code', 'DBA_QUERY_DATA');
    const nobody = await client.query('SELECT body FROM notes');
    expect(nobody.rows, 'the setting is local to the request\'s transaction').to.deep.equal([]);
  });

  it('sets the user for a transaction: its writes must pass the policy', async () => {
    await client.transaction(async (tx) => {
      await tx.query(`INSERT INTO notes (user_id, body) VALUES (2, 'deux')`);
    }, { userId: '2' });
    const error = await client.transaction(async (tx) => tx.query(`INSERT INTO notes (user_id, body) VALUES (1, 'forged')`), { userId: '2' }).then(() => undefined, (e: unknown) => e);
    expect(error, 'new row violates row-level security policy (42501)').to.have.property('code', 'DBA_QUERY_PRIVILEGE');
    const rows = await query<{ body: string }>(db.url, 'SELECT body FROM notes WHERE user_id = 2 ORDER BY body');
    expect(rows.map((r) => r.body)).to.deep.equal(['deux', 'two']);
  });
});
