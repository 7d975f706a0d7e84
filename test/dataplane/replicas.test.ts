import { expect } from 'chai';
import pg from 'pg';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import { DatabaseClient, type DatabaseClientOptions } from '../../gateway/client/index.ts';
import { eventually } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { compileDataPlaneSpec } from './compileDataPlaneSpec.ts';
import { startStandby, type Standby } from './startStandby.ts';

describe('DatabaseClient: roles, replicas, read-your-writes and breakers (a primary with two streaming replicas)', function () {
  this.timeout(120_000);
  let primary: PgCluster;
  let heavy: Standby; // weight 75
  let light: Standby; // weight 25
  let spec: CompiledSpec;
  let nextId = 1;
  const clients: DatabaseClient[] = [];

  function client(options: Partial<DatabaseClientOptions> = {}): DatabaseClient {
    const c = new DatabaseClient({ spec, serviceName: 'postgres-primary', connection: 'postgres://postgres@127.0.0.1/app', connectionPoolSize: 5, ...options });
    clients.push(c);
    return c;
  }

  async function onPrimary(sql: string, params: unknown[] = []): Promise<void> {
    const c = new pg.Client({ connectionString: primary.urlFor('app') });
    await c.connect();
    await c.query(sql, params).finally(() => c.end());
  }

  /** Reads `SELECT inet_server_port()` n times (20 at a time) and counts answers by server port. */
  async function readPorts(c: DatabaseClient, n: number): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    for (let done = 0; done < n; done += 20) {
      const batch = await Promise.all(Array.from({ length: Math.min(20, n - done) }, () => c.query<{ port: number }>('SELECT inet_server_port() AS port', [], { readPreference: 'replica' })));
      for (const r of batch) counts.set(r.rows[0]!.port, (counts.get(r.rows[0]!.port) ?? 0) + 1);
    }
    return counts;
  }

  before(async () => {
    primary = await startPgCluster({ label: 'dataplane', walLevel: 'replica' });
    await primary.createDatabase('app');
    await onPrimary('CREATE TABLE users (id int PRIMARY KEY, name text)');
    [heavy, light] = await Promise.all([startStandby(primary, 'heavy'), startStandby(primary, 'light')]);
    // The spec lists a replica first, under the service called postgres-primary: roles come from the servers.
    spec = await compileDataPlaneSpec(`service_mesh:
  mtls: false
  database_services:
    - name: postgres-primary
      endpoints:
        - { host: 127.0.0.1, port: ${heavy.port}, weight: 75 }
        - { host: 127.0.0.1, port: ${primary.port}, weight: 100 }
      health_check: { interval: 10s, timeout: 3s }
    - name: postgres-replicas
      endpoints:
        - { host: 127.0.0.1, port: ${light.port}, weight: 25 }
      health_check: { interval: 10s, timeout: 3s }
`);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    heavy?.stop();
    light?.stop();
    await primary?.stop();
  });

  it('finds the primary by asking the servers, whatever the spec\'s order and service names', async () => {
    const c = client();
    expect(await c.getPrimary()).to.deep.equal({ host: '127.0.0.1', port: primary.port });
    const roles = Object.fromEntries(c.endpoints().map((e) => [e.port, e.role]));
    expect(roles).to.deep.equal({ [heavy.port]: 'replica', [primary.port]: 'primary', [light.port]: 'replica' });
    const write = await c.query('INSERT INTO users VALUES ($1, $2)', [nextId++, 'ada']);
    expect(write.meta).to.include({ role: 'primary', endpoint: `127.0.0.1:${primary.port}`, consistency: 'strong' });
  });

  it('the seed\'s eventual-consistency test: a row written on the primary shows on a replica read', async () => {
    const c = client();
    const id = nextId++;
    await c.query('INSERT INTO users VALUES ($1, $2)', [id, 'grace']);
    const read = await eventually(async () => {
      const r = await c.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [id], { readPreference: 'replica' });
      return r.rowCount === 1 ? r : undefined;
    }, 'the row on a replica');
    expect(read.meta.role).to.equal('replica');
    expect(read.rows).to.deep.equal([{ name: 'grace' }]);
  });

  it('read-your-writes under paused replay: a session never reads the older row; a read without a token may, and says so', async () => {
    const c = client({ readYourWritesWait: 100 });
    const id = nextId++;
    await c.query('INSERT INTO users VALUES ($1, $2)', [id, 'old']);
    await eventually(async () => ((await Promise.all([heavy, light].map((s) => s.query(`SELECT 1 FROM users WHERE id = ${id}`, 'app')))).every((rows) => rows.length === 1) ? true : undefined), 'both replicas to have the row');
    await Promise.all([heavy, light].map((s) => s.query('SELECT pg_wal_replay_pause()')));
    try {
      const session = c.session();
      await session.query('UPDATE users SET name = $2 WHERE id = $1', [id, 'new']);
      const mine = await session.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [id], { readPreference: 'replica' });
      expect(mine.rows).to.deep.equal([{ name: 'new' }]);
      expect(mine.meta).to.include({ role: 'primary', fellBackToPrimary: true, consistency: 'strong' });
      // The token carries the position to another client (another process), which keeps the promise.
      const elsewhere = client({ readYourWritesWait: 50 }).session(await session.token());
      expect((await elsewhere.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [id], { readPreference: 'replica' })).rows).to.deep.equal([{ name: 'new' }]);

      await c.refreshTopology();
      const anyone = await c.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [id], { readPreference: 'replica' });
      expect(anyone.rows).to.deep.equal([{ name: 'old' }]);
      expect(anyone.meta.role).to.equal('replica');
      expect(anyone.meta.consistency).to.equal('eventual');
      expect(anyone.meta.lagBytes).to.be.greaterThan(0);
    } finally {
      await Promise.all([heavy, light].map((s) => s.query('SELECT pg_wal_replay_resume()')));
    }
    // Once replay resumes, the session's reads are served by replicas again, still never old.
    const session = c.session();
    await session.query('UPDATE users SET name = $2 WHERE id = $1', [id, 'newer']);
    const fromReplica = await eventually(async () => {
      const r = await session.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [id], { readPreference: 'replica' });
      expect(r.rows).to.deep.equal([{ name: 'newer' }]);
      return r.meta.role === 'replica' ? r : undefined;
    }, 'a read-your-writes read served by a replica');
    expect(fromReplica.meta.consistency).to.equal('read-your-writes');
  });

  it('spreads replica reads by the spec\'s weights (75/25 within ±5 % over 10k reads)', async () => {
    const c = client({ connectionPoolSize: 10 });
    const counts = await readPorts(c, 10_000);
    expect(counts.get(primary.port) ?? 0).to.equal(0);
    expect(counts.get(heavy.port)).to.be.within(7500 * 0.95, 7500 * 1.05);
    expect(counts.get(light.port)).to.be.within(2500 * 0.95, 2500 * 1.05);
  });

  it('leaves a replica lagging beyond max_replication_lag out of reads, and takes it back once caught up', async () => {
    const c = client({ probeInterval: 100, maxReplicationLag: 300 });
    await c.refreshTopology();
    await light.query('SELECT pg_wal_replay_pause()');
    try {
      await onPrimary('INSERT INTO users VALUES ($1, $2)', [nextId++, 'lag maker']);
      await eventually(() => Promise.resolve(c.endpoints().find((e) => e.port === light.port)?.readable === false ? true : undefined), 'the paused replica to be left out');
      const counts = await readPorts(c, 200);
      expect([...counts.keys()]).to.deep.equal([heavy.port]);
    } finally {
      await light.query('SELECT pg_wal_replay_resume()');
    }
    await eventually(() => Promise.resolve(c.endpoints().find((e) => e.port === light.port)?.readable === true ? true : undefined), 'the replica to be taken back');
    expect((await readPorts(c, 200)).get(light.port)).to.be.greaterThan(0);
  });

  it('opens a killed replica\'s breaker, reads go elsewhere, and closes it once the replica is back', async () => {
    const c = client({ probeInterval: 500 });
    await readPorts(c, 40);
    light.kill();
    try {
      const counts = await readPorts(c, 100);
      expect(counts.get(light.port) ?? 0).to.equal(0);
      expect((counts.get(heavy.port) ?? 0) + (counts.get(primary.port) ?? 0)).to.equal(100);
      expect(c.endpoints().find((e) => e.port === light.port)?.breaker).to.equal('open');
    } finally {
      await light.start();
    }
    await eventually(async () => {
      const counts = await readPorts(c, 20);
      const status = c.endpoints().find((e) => e.port === light.port);
      return status?.breaker === 'closed' && (counts.get(light.port) ?? 0) > 0 ? true : undefined;
    }, 'the breaker to close and reads to reach the replica again');
  });
});
