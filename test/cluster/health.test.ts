import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { memberPaths } from '../../activities/cluster/memberPaths.ts';
import { stopMemberServer } from '../../activities/cluster/memberServer.ts';
import { createApiServer } from '../../api/createApiServer.ts';
import { ClusterHealth, type SeedHealth } from '../../app/clusterHealth.ts';
import { clusterUp } from '../../app/clusterUp.ts';
import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { eventually } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { testLog } from '../support/temporal.ts';
import { haFixture, type HaFixture } from './haCluster.ts';

const mesh = (ports: readonly number[]) => `service_mesh:
  database_services:
    - name: pg-ha
      cluster: ha
      endpoints:
${ports.map((p) => `        - { host: 127.0.0.1, port: ${p} }`).join('\n')}
      health_check: { interval: 1s, timeout: 500ms, max_replication_lag: 1s }`;

interface RoleAnswer { status: string; member: string | null; primary?: string | null; lag_bytes?: number | null; replication_lag_ms?: number | null }

describe('health endpoints on a real 1+2 cluster (seed shape, Patroni-style role checks, real lag)', function () {
  this.timeout(120_000);
  let ha: HaFixture;
  let db: TestDatabase;
  let app: FastifyInstance;
  let health: ClusterHealth;
  let writer: pg.Client | undefined;
  let writing = false;
  const get = async <T>(url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json<T>() };
  };
  const member = (name: string) => ha.cluster.members.find((m) => m.name === name) ?? ha.cluster.members[0]!;

  before(async () => {
    ha = await haFixture({ extra: mesh });
    db = await freshDatabase('cluster_health');
    health = new ClusterHealth({ specPath: ha.specFile, controlUrl: db.url });
    await clusterUp({ url: db.url, pool: health.pool }, ha.cluster);
    const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog));
    // Temporal is not running for this test: the lazy client points at a closed port.
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    app = createApiServer({ client, specPath: ha.specFile, taskQueue: 'unused', registry, token: 't', logger: testLog, health });
  });
  after(async () => {
    writing = false;
    await writer?.end().catch(() => undefined);
    await app.close();
    await health.close();
    await ha.cleanup();
    await db.drop();
  });

  it('GET /health is liveness: 200 without a token', async () => {
    expect(await get('/health')).to.deep.equal({ status: 200, body: { status: 'ok' } });
  });

  it('GET /api/v1/health answers in the seed shape: primary, replicas with replication_lag_ms, the API\'s own pool', async () => {
    const { status, body } = await get<SeedHealth>('/api/v1/health');
    expect(status).to.equal(200);
    expect(body.status).to.equal('healthy');
    expect(body.checks.map((c) => [c.name, c.status])).to.deep.equal([['primary_database', 'up'], ['replica_1', 'up'], ['replica_2', 'up'], ['connection_pool', 'healthy']]);
    for (const check of body.checks.slice(0, 3)) expect((check as { latency_ms: number }).latency_ms).to.be.a('number').and.at.least(0);
    // Idle and caught up: no lag (a checkpoint record in flight may make one briefly unknown, null, never large).
    for (const check of body.checks.slice(1, 3)) expect((check as { replication_lag_ms: number | null }).replication_lag_ms ?? 0).to.be.within(0, 1000);
    const pool = body.checks[3] as { active: number; idle: number; max: number };
    expect(pool.max).to.equal(4);
    expect(pool.active + pool.idle).to.equal(health.pool.totalCount);
  });

  it('GET /primary and /replica answer 200/503 per member, as Patroni does', async () => {
    expect((await get<RoleAnswer>('/primary')).status).to.equal(200);
    expect((await get<RoleAnswer>('/primary')).body.primary).to.equal('ha1');
    expect((await get<RoleAnswer>('/primary?member=ha2')).status).to.equal(503);
    expect((await get<RoleAnswer>('/replica')).status).to.equal(200);
    expect((await get<RoleAnswer>('/replica?member=ha2&lag=16MB')).status).to.equal(200);
    expect((await get<RoleAnswer>('/replica?member=ha1')).status).to.equal(503);
    expect((await get('/replica?lag=soon')).status).to.equal(400);
  });

  it('a replica paused with pg_wal_replay_pause() while the primary writes shows growing lag and fails /replica?lag=', async () => {
    await sqlOn(memberUrl(member('ha1')), 'CREATE TABLE IF NOT EXISTS ticks (id bigserial PRIMARY KEY, pad text)');
    // The lag in time is measured from the last replayed commit: pausing a fresh standby before it replays one
    // leaves that lag unknown however far it falls behind.
    const primaryLsn = await valueOn(memberUrl(member('ha1')), 'pg_current_wal_lsn()');
    await eventually(async () => ((await valueOn(memberUrl(member('ha2')), `pg_last_wal_replay_lsn() >= '${primaryLsn}'::pg_lsn`)) === 'true' ? true : undefined), 'ha2 to replay the CREATE TABLE');
    await sqlOn(memberUrl(member('ha2')), 'SELECT pg_wal_replay_pause()');
    writer = new pg.Client({ connectionString: memberUrl(member('ha1')) });
    writer.on('error', () => undefined);
    await writer.connect();
    writing = true;
    const loop = (async () => {
      while (writing) await writer?.query("INSERT INTO ticks (pad) SELECT repeat('x', 2000) FROM generate_series(1, 20)");
    })();
    try {
      const first = await eventually(async () => {
        const r = await get<RoleAnswer>('/replica?member=ha2&lag=100kB');
        return r.status === 503 ? r.body : undefined;
      }, '/replica?member=ha2&lag=100kB to fail');
      expect(first.lag_bytes).to.be.greaterThan(100_000);
      const grown = await eventually(async () => {
        const r = await get<RoleAnswer>('/replica?member=ha2');
        return (r.body.lag_bytes ?? 0) > (first.lag_bytes ?? 0) && (r.body.replication_lag_ms ?? 0) > 1000 ? r.body : undefined;
      }, 'the byte lag to grow and the time lag to pass 1 s');
      expect(grown.replication_lag_ms).to.be.greaterThan(1000);
      // The other standby keeps up, so it still qualifies, and the seed answer says which replica lags.
      expect((await get('/replica?member=ha3&lag=16MB')).status).to.equal(200);
      const seed = await get<SeedHealth>('/api/v1/health');
      expect(seed.status).to.equal(200);
      expect(seed.body.status).to.equal('degraded');
      expect(seed.body.checks.map((c) => c.status)).to.include('lagging');
    } finally {
      writing = false;
      await loop;
      await sqlOn(memberUrl(member('ha2')), 'SELECT pg_wal_replay_resume()');
    }
    await eventually(async () => ((await get('/replica?member=ha2&lag=100kB')).status === 200 ? true : undefined), 'ha2 to catch up after resume');
  });

  it('GET /ready says what is not ready (Temporal here) with 503; a dead primary makes /api/v1/health 503 and /primary 503', async () => {
    const ready = await get<{ status: string; checks: { name: string; status: string }[] }>('/ready');
    expect(ready.status).to.equal(503);
    expect(ready.body.checks.map((c) => [c.name, c.status])).to.deep.equal([['control_database', 'up'], ['temporal', 'down']]);
    await stopMemberServer(memberPaths(ha.cluster, member('ha1')), 'immediate');
    const seed = await eventually(async () => {
      const r = await get<SeedHealth>('/api/v1/health');
      return r.status === 503 ? r.body : undefined;
    }, '/api/v1/health to report the primary down');
    expect(seed.status).to.equal('unhealthy');
    expect(seed.checks[0]).to.include({ name: 'primary_database', status: 'down' });
    expect((await get('/primary')).status).to.equal(503);
  });
});

/** Runs `text` on the server at `url` in a connection of its own; its rows. */
async function sqlOn(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(text)).rows;
  } finally {
    await client.end();
  }
}

/** One value of `expression` on the server at `url`, as text. */
async function valueOn(url: string, expression: string): Promise<string> {
  return String((await sqlOn(url, `SELECT (${expression})::text AS v`))[0]?.v);
}
