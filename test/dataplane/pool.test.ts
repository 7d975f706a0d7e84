import { expect } from 'chai';
import pg from 'pg';
import { Registry } from 'prom-client';
import { isDbarchError, type DbarchError } from '../../errors/DbarchError.ts';
import { DatabaseClient } from '../../gateway/client/index.ts';
import { eventually } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { compileDataPlaneSpec } from './compileDataPlaneSpec.ts';
import { startTcpProxy } from './tcpProxy.ts';

async function failure(promise: Promise<unknown>): Promise<DbarchError> {
  try {
    await promise;
  } catch (error) {
    if (isDbarchError(error)) return error;
    throw error;
  }
  throw new Error('expected the query to fail');
}

describe('DatabaseClient: pools, errors and transactions (the main server)', () => {
  let db: TestDatabase;
  let connection: string;
  const clients: DatabaseClient[] = [];
  const meshFor = (port: number) => `service_mesh:\n  mtls: false\n  database_services:\n    - name: postgres-primary\n      endpoints: [{ host: 127.0.0.1, port: ${port} }]\n`;

  async function client(options: Partial<ConstructorParameters<typeof DatabaseClient>[0]> = {}, port = 5432): Promise<DatabaseClient> {
    const c = new DatabaseClient({ spec: await compileDataPlaneSpec(meshFor(port)), serviceName: 'postgres-primary', connection, ...options });
    clients.push(c);
    return c;
  }

  before(async () => {
    db = await freshDatabase('dataplane_pool');
    connection = db.url;
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('CREATE TABLE items (id int PRIMARY KEY, note text)');
    await admin.end();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await db.drop();
  });

  it('runs 100 concurrent queries through a pool of 20: all succeed, on at most 20 server connections', async () => {
    const db20 = await client({ connectionPoolSize: 20, timeout: 5000 });
    const results = await Promise.all(Array.from({ length: 100 }, () => db20.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.02)')));
    expect(results).to.have.length(100);
    expect(results.every((r) => r.rowCount === 1 && r.meta.role === 'primary')).to.equal(true);
    const backends = new Set(results.map((r) => r.rows[0]!.pid));
    expect(backends.size).to.be.at.most(20);
    expect(db20.endpoints()[0]!.pool).to.include({ max: 20, waiting: 0 });
  });

  it('fails the overflow with DBA_POOL_EXHAUSTED when the acquire timeout is shorter than the work, and the pool stays usable', async () => {
    const small = await client({ connectionPoolSize: 5, acquireTimeout: 50 });
    const settled = await Promise.allSettled(Array.from({ length: 20 }, () => small.query('SELECT pg_sleep(0.5)')));
    const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(settled.filter((s) => s.status === 'fulfilled')).to.have.length(5);
    expect(failed).to.have.length(15);
    for (const f of failed) expect((f.reason as DbarchError).code).to.equal('DBA_POOL_EXHAUSTED');
    expect((await small.query<{ one: number }>('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
  });

  it('maps errors by SQLSTATE class to stable codes, with the SQLSTATE in the details', async () => {
    const c = await client({ timeout: 200 });
    const syntax = await failure(c.query('SELEC 1'));
    expect([syntax.code, syntax.details.sqlstate]).to.deep.equal(['DBA_QUERY_SYNTAX', '42601']);
    expect(syntax.details.position).to.equal(1);
    const missing = await failure(c.query('SELECT * FROM no_such_table'));
    expect([missing.code, missing.details.sqlstate]).to.deep.equal(['DBA_QUERY_UNDEFINED_OBJECT', '42P01']);
    await c.query('INSERT INTO items VALUES (1, $1)', ['first']);
    const duplicate = await failure(c.query('INSERT INTO items VALUES (1, $1)', ['again']));
    expect([duplicate.code, duplicate.details.sqlstate, duplicate.details.constraint]).to.deep.equal(['DBA_QUERY_CONSTRAINT', '23505', 'items_pkey']);
    const data = await failure(c.query('SELECT $1::int', ['not a number']));
    expect(data.code).to.equal('DBA_QUERY_DATA');
    const timeout = await failure(c.query('SELECT pg_sleep(5)'));
    expect([timeout.code, timeout.details.sqlstate]).to.deep.equal(['DBA_QUERY_TIMEOUT', '57014']);
    const readOnly = await failure(c.transaction((tx) => tx.query("INSERT INTO items VALUES (99, 'no')"), { readOnly: true }));
    expect(readOnly.code).to.equal('DBA_QUERY_READ_ONLY');
  });

  it('commits a transaction, rolls it back when fn throws, and runs named prepared statements', async () => {
    const c = await client({ connectionPoolSize: 1 });
    await c.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES ($1, $2)', [10, 'ten']);
      await tx.query('INSERT INTO items VALUES ($1, $2)', [11, 'eleven']);
    });
    const boom = new Error('boom');
    const thrown = await c.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES ($1, $2)', [12, 'twelve']);
      throw boom;
    }).catch((error: unknown) => error);
    expect(thrown).to.equal(boom);
    const { rows } = await c.query<{ id: number }>('SELECT id FROM items WHERE id >= $1 ORDER BY id', [10]);
    expect(rows.map((r) => r.id)).to.deep.equal([10, 11]);
    // One connection: the statement above was prepared on it under a name and is listed there.
    const prepared = await c.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
    expect(prepared.rows.map((r) => r.statement)).to.include('SELECT id FROM items WHERE id >= $1 ORDER BY id');
  });

  it('reports a write cut off mid-statement as DBA_CLIENT_COMMIT_UNKNOWN and does not retry it', async () => {
    const proxy = await startTcpProxy(5432);
    try {
      const c = await client({}, proxy.port);
      await c.query('SELECT 1');
      const write = c.query("INSERT INTO items SELECT 500, 'maybe' FROM pg_sleep(0.3)");
      // Cut once the statement is running on the server.
      await eventually(async () => {
        const admin = new pg.Client({ connectionString: db.url });
        await admin.connect();
        try {
          const { rows } = await admin.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'INSERT INTO items SELECT 500%' AND state = 'active'");
          return rows.length > 0 ? true : undefined;
        } finally {
          await admin.end();
        }
      }, 'the INSERT to run');
      proxy.cut();
      const error = await failure(write);
      expect(error.code).to.equal('DBA_CLIENT_COMMIT_UNKNOWN');
      // The server finished the statement on its own; a retry would have failed on the key or written twice.
      const check = await client();
      await eventually(async () => ((await check.query('SELECT 1 FROM items WHERE id = 500')).rowCount === 1 ? true : undefined), 'the cut-off INSERT to commit');
      expect(await c.metrics.registry.getSingleMetricAsString('dbarch_client_errors_total')).to.include('code="DBA_CLIENT_COMMIT_UNKNOWN"} 1');
    } finally {
      await proxy.close();
    }
  });

  it('exports pool gauges, a latency histogram and error counts through prom-client', async () => {
    const registry = new Registry();
    const c = await client({ connectionPoolSize: 7, metricsRegistry: registry });
    await c.query('SELECT 1');
    await c.query('SELEC').catch(() => undefined);
    const text = await registry.metrics();
    expect(text).to.match(/dbarch_client_pool_connections\{service="postgres-primary",endpoint="127\.0\.0\.1:5432",role="primary",state="max"\} 7/);
    expect(text).to.match(/dbarch_client_pool_connections\{[^}]*state="idle"\} 1/);
    expect(text).to.match(/dbarch_client_query_duration_seconds_count\{service="postgres-primary",role="primary"\} 1/);
    expect(text).to.include('dbarch_client_errors_total{service="postgres-primary",code="DBA_QUERY_SYNTAX"} 1');
  });

  it('is the package export dbarch/client', async () => {
    const { DatabaseClient: Exported } = await import('dbarch/client');
    const c = new Exported({ spec: await compileDataPlaneSpec(meshFor(5432)), serviceName: 'postgres-primary', connection });
    try {
      expect((await c.query<{ one: number }>('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
    } finally {
      await c.close();
    }
  });

  it('refuses a service the spec does not name, and queries after close()', async () => {
    const spec = await compileDataPlaneSpec(meshFor(5432));
    expect(() => new DatabaseClient({ spec, serviceName: 'postgres-primray' })).to.throw().with.property('code', 'DBA_CLIENT_CONFIG');
    const c = await client();
    await c.close();
    expect((await failure(c.query('SELECT 1'))).code).to.equal('DBA_CLIENT_CLOSED');
  });
});
