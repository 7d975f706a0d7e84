import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { closeActivityDeps, createActivityDeps } from '../../activities/ActivityDeps.ts';
import { managedCluster } from '../../activities/cluster/ManagedCluster.ts';
import { readClusterStatus } from '../../activities/cluster/readClusterStatus.ts';
import { stopCluster } from '../../activities/cluster/stopCluster.ts';
import { readTopology } from '../../activities/topology/readTopology.ts';
import { clusterUp } from '../../app/clusterUp.ts';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { planSpec } from '../../plan/planSpec.ts';
import { createActivities } from '../../plugins/createActivities.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { failoverClusterOf } from '../../plugins/failover/failoverClusterOf.ts';
import { createLogger } from '../../runtime/logger.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { freePort } from '../../test/support/freePort.ts';
import { freshDatabase } from '../../test/support/postgres.ts';
import { sharedTemporal, uniqueTaskQueue } from '../../test/support/temporal.ts';
import { createDbarchWorker } from '../../worker.ts';
import type { MonitorWorkflowInput } from '../../workflows/monitorWorkflow.ts';
import type { FailoverSubject, SubjectFactory } from './FailoverSubject.ts';

/** The health check the bench's spec gives the cluster's service (the monitor decides by it). */
export interface DbarchHealth {
  readonly interval: string;
  readonly timeout: string;
  readonly unhealthyThreshold: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * dbarch as a bench subject: a spec with one managed cluster (primary + 2 replicas on free ports), `cluster up`,
 * a worker in this process and the monitor workflow `monitor:<cluster>` on the embedded Temporal server; the
 * writer finds the primary in the published topology (dbarch.cluster_topology in a control database of its own),
 * as the data plane does. The monitor rejoins the old primary itself (pg_rewind); waitHealthy waits for that.
 */
export function dbarchSubject(label: string, synchronous: boolean, health: DbarchHealth): SubjectFactory {
  return {
    label,
    synchronous,
    async start(): Promise<FailoverSubject> {
      // Failover workflow ids are failover:<cluster>:<timeline> and a fresh cluster starts again at timeline 1, so
      // each subject's cluster has a name of its own on the shared Temporal server.
      const name = `bench_${randomBytes(3).toString('hex')}`;
      const dir = mkdtempSync(join(tmpdir(), 'dbarch-bench-ha-'));
      chmodSync(dir, 0o755);
      const ports = await Promise.all([freePort(), freePort(), freePort()]);
      const control = await freshDatabase('bench_failover_control');
      const specFile = join(dir, 'spec.yaml');
      writeFileSync(
        specFile,
        [
          'deployment_config:',
          '  source_control: github',
          '  repository: schemas',
          '  environments:',
          '    - { name: bench, database: bench }',
          'clusters:',
          `  - name: ${name}`,
          '    databases: [bench]',
          '    members:',
          ...ports.map((port, i) => `      - { name: m${i + 1}, host: 127.0.0.1, port: ${port} }`),
          `    replication: { mode: ${synchronous ? 'sync, synchronous: { method: ANY, count: 1 }' : 'async'} }`,
          `    data_directory: ${join(dir, 'data')}`,
          'service_mesh:',
          '  database_services:',
          '    - name: pg-bench',
          '      role: primary',
          `      cluster: ${name}`,
          '      endpoints:',
          ...ports.map((port) => `        - { host: 127.0.0.1, port: ${port} }`),
          `      health_check: { interval: ${health.interval}, timeout: ${health.timeout}, unhealthy_threshold: ${health.unhealthyThreshold} }`,
          '',
        ].join('\n'),
      );
      const compiled = await compileSpec([specFile]);
      if (!compiled.valid || compiled.spec === undefined) throw new Error(`bench spec invalid: ${JSON.stringify(compiled.errors)}`);
      const cluster = managedCluster(compiled.spec.clusters, name);
      const failoverCluster = failoverClusterOf(compiled.spec, name);
      if (failoverCluster === undefined) throw new Error('bench cluster is not managed');

      const log = createLogger({ name: 'bench-failover', level: 'warn', destination: pino.destination({ dest: join(dir, 'worker.log'), sync: false }) });
      // The worker's DATABASE_URL is the control database: the failover steps publish there.
      const urls = { ...serviceUrls(), postgres: control.url };
      const deps = createActivityDeps(urls, log);
      const controlPool = new pg.Pool({ connectionString: control.url, max: 4 });
      const controlDb = { url: control.url, pool: controlPool };
      await clusterUp(controlDb, cluster);

      const registry = createPluginRegistry(deps);
      const planned = await planSpec({ paths: [specFile], environment: 'bench', procedure: 'dbarch/failover', registry });
      if (!planned.ok) throw new Error(`dbarch/failover does not plan: ${JSON.stringify([...planned.specIssues, ...planned.planIssues])}`);

      const temporal = await sharedTemporal();
      const taskQueue = uniqueTaskQueue('bench-failover');
      const worker = await createDbarchWorker({ connection: temporal.nativeConnection, namespace: temporal.namespace, taskQueue, activities: createActivities(deps), log });
      const running = worker.run();
      const input: MonitorWorkflowInput = { cluster: failoverCluster, failoverPlan: planned.plan };
      const monitor = await temporal.client.workflow.start('monitorWorkflow', { taskQueue, workflowId: `monitor:${name}`, args: [input] });

      const topology = async () => {
        const published = await readTopology(controlPool, name);
        if (!published) throw new Error('no published topology');
        return published;
      };
      const dataDirOf = (member: string) => failoverCluster.members.find((m) => m.name === member)?.dataDir ?? '';

      return {
        resolve: async () => (await topology()).primary.url,
        async killPrimary() {
          const { primary } = await topology();
          const pid = Number(readFileSync(join(dataDirOf(primary.member), 'postmaster.pid'), 'utf8').split('\n')[0]);
          process.kill(pid, 'SIGKILL');
          return primary.member;
        },
        primaryName: async () => (await topology()).primary.member,
        async waitHealthy(timeoutMs = 120_000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            try {
              const published = await topology();
              const status = await readClusterStatus(cluster, 1000);
              const primary = status.members.find((m) => m.member === status.primary);
              // Every standby streams from the published primary (the primary lists it in pg_stat_replication).
              const streaming = primary?.replication.filter((peer) => peer.state === 'streaming').length ?? 0;
              if (status.primary === published.primary.member && streaming === cluster.members.length - 1) return;
            } catch {
              // a member between states: ask again
            }
            if (Date.now() > deadline) throw new Error(`dbarch cluster not back at full strength within ${timeoutMs} ms; worker log ${dir}/worker.log`);
            await sleep(200);
          }
        },
        async stop() {
          // The members first, so an interrupted bench leaves no server behind; then the monitor, which must
          // end while the worker still runs (else it stays open on the server), then the worker.
          await stopCluster(cluster, { mode: 'immediate' }).catch(() => undefined);
          await monitor.cancel().catch(() => undefined);
          await Promise.race([monitor.result().catch(() => undefined), sleep(10_000)]);
          worker.shutdown();
          await running.catch(() => undefined);
          await controlPool.end();
          await closeActivityDeps(deps);
          await control.drop();
          if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}
