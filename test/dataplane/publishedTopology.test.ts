import { expect } from 'chai';
import pg from 'pg';
import { publishTopology, type ControlDatabase } from '../../activities/topology/publishTopology.ts';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import { DatabaseClient } from '../../gateway/client/index.ts';
import { eventually } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { compileDataPlaneSpec } from './compileDataPlaneSpec.ts';
import { startStandby, type Standby } from './startStandby.ts';

/**
 * A managed cluster's data plane follows the published topology (activities/topology/), not the servers' own
 * answers: after a failover both old and new primary may say "primary" (split brain); only the published one
 * takes writes, and the fenced one takes nothing.
 */
describe('DatabaseClient: a managed cluster follows the published topology (split brain)', function () {
  this.timeout(120_000);
  let first: PgCluster;
  let second: Standby;
  let control: TestDatabase;
  let controlDb: ControlDatabase;
  let spec: CompiledSpec;
  const clients: DatabaseClient[] = [];
  const member = (name: string, port: number) => ({ member: name, url: `postgres://postgres@127.0.0.1:${port}/postgres` });

  function client(controlUrl: string | null): DatabaseClient {
    const c = new DatabaseClient({ spec, serviceName: 'ha-db', connection: 'postgres://postgres@127.0.0.1/app', connectionPoolSize: 3, controlUrl });
    clients.push(c);
    return c;
  }

  async function writePorts(c: DatabaseClient, n: number): Promise<Set<number>> {
    const ports = new Set<number>();
    for (let i = 0; i < n; i++) ports.add((await c.query<{ port: number }>('INSERT INTO ledger (port) VALUES (inet_server_port()) RETURNING port')).rows[0]!.port);
    return ports;
  }

  before(async () => {
    first = await startPgCluster({ label: 'published', walLevel: 'replica' });
    await first.createDatabase('app');
    const c = new pg.Client({ connectionString: first.urlFor('app') });
    await c.connect();
    await c.query('CREATE TABLE ledger (id bigserial PRIMARY KEY, port int NOT NULL)').finally(() => c.end());
    second = await startStandby(first, 'published');
    control = await freshDatabase('published_topology');
    controlDb = { url: control.url, pool: new pg.Pool({ connectionString: control.url, max: 2 }) };
    spec = await compileDataPlaneSpec(`clusters:
  - name: ha
    databases: [app]
    members:
      - { name: m1, host: 127.0.0.1, port: ${first.port} }
      - { name: m2, host: 127.0.0.1, port: ${second.port} }
service_mesh:
  mtls: false
  database_services:
    - name: ha-db
      cluster: ha
      endpoints:
        - { host: 127.0.0.1, port: ${first.port} }
        - { host: 127.0.0.1, port: ${second.port} }
      health_check: { interval: 10s, timeout: 3s }
`);
    await publishTopology(controlDb, { cluster: 'ha', expectedEpoch: 0, primary: member('m1', first.port), replicas: [member('m2', second.port)], kind: 'initial', reason: 'test' });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await controlDb?.pool.end();
    await control?.drop();
    second?.stop();
    await first?.stop();
  });

  it('writes to the published primary; after a failover is published, only to the new one, never to the fenced old one', async () => {
    const following = client(control.url);
    const unaware = client(null);
    expect(await writePorts(following, 5)).to.deep.equal(new Set([first.port]));

    // The standby is promoted while the old primary still runs: both now say they are the primary.
    await second.query('SELECT pg_promote(true, 30)');
    await following.refreshTopology();
    await unaware.refreshTopology();
    expect(await writePorts(following, 5), 'nothing published yet: the published primary keeps the writes').to.deep.equal(new Set([first.port]));

    await publishTopology(controlDb, { cluster: 'ha', expectedEpoch: 1, primary: member('m2', second.port), replicas: [], fenced: ['m1'], kind: 'failover', reason: 'test' });
    // The NOTIFY triggers a probe round at once; no waiting for the 10 s health interval.
    await eventually(async () => ((await following.query<{ port: number }>('SELECT inet_server_port() AS port')).rows[0]!.port === second.port ? true : undefined), 'writes to move to the new primary', 10_000);
    expect(await writePorts(following, 20), 'after the publication: the new primary only').to.deep.equal(new Set([second.port]));
    const reads = new Set<number>();
    for (let i = 0; i < 10; i++) reads.add((await following.query<{ port: number }>('SELECT inet_server_port() AS port', [], { readPreference: 'replica' })).rows[0]!.port);
    expect(reads.has(first.port), 'the fenced member takes no reads either').to.equal(false);
    expect(following.endpoints().find((e) => e.port === first.port)?.readable).to.equal(false);

    // Without the published topology a client cannot tell the two primaries apart and keeps the old one.
    expect(await writePorts(unaware, 3), 'a client ignoring the topology writes to the split-brained old primary').to.deep.equal(new Set([first.port]));
  });
});
