import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { livePostmaster } from '../../activities/cluster/inspectMember.ts';
import { managedCluster, type ManagedCluster } from '../../activities/cluster/ManagedCluster.ts';
import { memberPaths } from '../../activities/cluster/memberPaths.ts';
import { stopCluster } from '../../activities/cluster/stopCluster.ts';
import type { FailoverCluster } from '../../activities/failover/FailoverCluster.ts';
import type { ControlDatabase } from '../../activities/topology/publishTopology.ts';
import type { ClusterTopology } from '../../activities/topology/ClusterTopology.ts';
import { readTopology } from '../../activities/topology/readTopology.ts';
import { clusterUp } from '../../app/clusterUp.ts';
import { planClusterProcedure } from '../../app/planClusterProcedure.ts';
import { compileSpec } from '../../compiler/compileSpec.ts';
import type { Plan } from '../../plan/Plan.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { freePort } from '../support/freePort.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { testLog } from '../support/temporal.ts';

export interface FailoverFixture {
  /** A cluster name of its own, so workflow ids (monitor:<name>, failover:<name>:<tl>) never meet another test's. */
  readonly name: string;
  readonly specFile: string;
  readonly managed: ManagedCluster;
  /** The failover engine's view, with the topology in this fixture's own control database. */
  readonly cluster: FailoverCluster;
  readonly control: ControlDatabase;
  /** Plans a failover-capability procedure for this cluster (dbarch/failover by default). */
  plan(procedure?: string, to?: string): Promise<Plan>;
  topology(): Promise<ClusterTopology>;
  /** kill -9 of a member's postmaster (children are left to notice, as after a real crash). */
  kill9(member: string): number;
  cleanup(): Promise<void>;
}

/**
 * A managed cluster provisioned by the cluster engine (`clusterUp`: primary + standbys streaming through slots,
 * the initial topology published) with a fast health check (200 ms, 150 ms timeout, 2 failures), its topology in a
 * fresh control database. `members: 1` gives a cluster without replicas.
 */
export async function failoverFixture(options: { members?: number; mode?: 'async' | 'sync' | 'strict'; extraYaml?: string } = {}): Promise<FailoverFixture> {
  const name = `fo${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'dbarch-failover-'));
  chmodSync(dir, 0o755);
  const ports = await Promise.all(Array.from({ length: options.members ?? 3 }, () => freePort()));
  const mode = options.mode ?? 'sync';
  const replication = ports.length > 1 && mode !== 'async' ? `{ mode: ${mode}, synchronous: { method: ANY, count: 1 } }` : '{ mode: async }';
  const yaml = `clusters:
  - name: ${name}
    databases: [app]
    members:
${ports.map((port, i) => `      - { name: m${i + 1}, host: 127.0.0.1, port: ${port} }`).join('\n')}
    replication: ${replication}
    data_directory: ${path.join(dir, 'data')}
service_mesh:
  mtls: false
  database_services:
    - name: ${name}-primary
      role: primary
      cluster: ${name}
      endpoints:
${ports.map((port) => `        - { host: 127.0.0.1, port: ${port} }`).join('\n')}
      health_check: { interval: 200ms, timeout: 150ms, unhealthy_threshold: 2 }
${options.extraYaml ?? ''}`;
  const specFile = path.join(dir, 'spec.yaml');
  writeFileSync(specFile, yaml);
  const compiled = await compileSpec([specFile]);
  if (!compiled.valid || compiled.spec === undefined) throw new Error(`fixture spec invalid: ${JSON.stringify(compiled.errors)}`);
  const managed = managedCluster(compiled.spec.clusters, name);
  const db: TestDatabase = await freshDatabase(`failover_${name}`);
  const pool = new pg.Pool({ connectionString: db.url, max: 3 });
  pool.on('error', () => undefined);
  const control: ControlDatabase = { url: db.url, pool };
  await clusterUp(control, managed, { checkTimeoutMs: 2000 });
  const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog), []);
  const plan = async (procedure = 'dbarch/failover', to?: string) =>
    (await planClusterProcedure({ paths: [specFile], cluster: name, procedure, registry, controlUrl: db.url, ...(to === undefined ? {} : { to }) })).plan;
  const { cluster } = await planClusterProcedure({ paths: [specFile], cluster: name, registry, controlUrl: db.url });
  return {
    name,
    specFile,
    managed,
    cluster,
    control,
    plan,
    async topology() {
      const topology = await readTopology(pool, name);
      if (topology === undefined) throw new Error(`no topology published for ${name}`);
      return topology;
    },
    kill9(member) {
      const m = managed.members.find((x) => x.name === member);
      if (m === undefined) throw new Error(`no member ${member}`);
      const pid = livePostmaster(memberPaths(managed, m).data);
      if (pid === undefined) throw new Error(`${member} is not running`);
      process.kill(pid, 'SIGKILL');
      return pid;
    },
    async cleanup() {
      await stopCluster(managed, { mode: 'immediate' }).catch(() => undefined);
      await pool.end().catch(() => undefined);
      await db.drop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Queries a member (or any URL) once. */
export async function sql<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}
