import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { closeActivityDeps, createActivityDeps, type ActivityDeps } from '../../activities/ActivityDeps.ts';
import { managedCluster, type ManagedCluster } from '../../activities/cluster/ManagedCluster.ts';
import { memberPaths } from '../../activities/cluster/memberPaths.ts';
import { stopMemberServer } from '../../activities/cluster/memberServer.ts';
import { readClusterStatus } from '../../activities/cluster/readClusterStatus.ts';
import { stopCluster } from '../../activities/cluster/stopCluster.ts';
import { readTopology, readTopologyHistory } from '../../activities/topology/readTopology.ts';
import { clusterRejoin } from '../../app/clusterRejoin.ts';
import { clusterUp } from '../../app/clusterUp.ts';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { planSpec } from '../../plan/planSpec.ts';
import { createActivities } from '../../plugins/createActivities.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { failoverClusterOf } from '../../plugins/failover/failoverClusterOf.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { createDbarchWorker } from '../../worker.ts';
import type { MonitorWorkflowInput } from '../../workflows/monitorWorkflow.ts';
import { eventually } from '../support/childProcess.ts';
import { freePort } from '../support/freePort.ts';
import { createLedgerTable, startLedgerWriter, verifyLedger, type LedgerWriter } from '../support/ledgerWriter.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { sharedTemporal, testLog, uniqueTaskQueue } from '../support/temporal.ts';

const binDir = process.env.PG_BINDIR ?? '/usr/lib/postgresql/15/bin';
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/** 127.0.0.1:<port> here → target: what routes m1's spec address over the veth. close() ends every connection. */
async function startRelay(port: number, target: { host: string; port: number }): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target);
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Jepsen-style partition of a sync-mode cluster. The primary m1 runs in a network namespace of the test's own,
 * reachable only over a veth pair; the replicas, the worker and the monitor run outside. The veth is cut while a
 * writer outside (resolving the published topology) and a client on the primary's side (its unix socket, which a
 * network partition does not cut) keep writing. Claims: the majority side fails over; the isolated primary
 * acknowledges no write that is later lost (in sync mode it cannot commit without a standby); after healing the
 * old primary is fenced and rejoins as a replica, never a primary again.
 *
 * Managed members listen on and trust loopback only (activities/cluster), so m1 keeps its spec address
 * 127.0.0.1:<port> through a relay of the test's own on this side that forwards to m1's veth address in the
 * namespace: every byte to m1 crosses the veth, and cutting the veth cuts them all. Needs root (ip netns, veth).
 * One machine: the worker can signal the isolated postmaster through the shared pid namespace, so the fence stops
 * it during the partition (a real second machine would leave it running, fenced by the topology epoch and, in sync
 * mode, unable to commit). The monitor's own rejoin right after the failover meets m1's port still held by the
 * relay and fails for good (DBA_CLUSTER_TOOL_FAILED is not retried), so after healing the test takes the
 * operator's path, `dbarch cluster rejoin` (app/clusterRejoin), when m1 is not back within 20 s.
 */
/** Whether the postmaster named in the data directory's postmaster.pid is alive. */
function postmasterRunning(dataDir: string): boolean {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 0);
    return true;
  } catch {
    return false;
  }
}

describe('failover under a network partition (ip netns + veth, sync mode)', function () {
  this.timeout(240_000);
  const tag = randomBytes(3).toString('hex');
  const netns = `dbarch-part-${tag}`;
  const hostEnd = `dbpa${tag}`;
  const memberEnd = `dbpb${tag}`;
  // A /30 of 10.x.y.0 unlikely to meet anything else here.
  const subnet = `10.${100 + (parseInt(tag.slice(0, 2), 16) % 100)}.${parseInt(tag.slice(2, 4), 16)}`;
  const hostIp = `${subnet}.1`;
  const memberIp = `${subnet}.2`;

  let dir: string;
  let cluster: ManagedCluster;
  let control: TestDatabase;
  let controlPool: pg.Pool;
  let deps: ActivityDeps;
  let stopWorker: (() => Promise<void>) | undefined;
  let relay: { close(): Promise<void> } | undefined;
  const writers: LedgerWriter[] = [];

  before(function () {
    if (process.getuid?.() !== 0) this.skip();
  });

  after(async () => {
    for (const writer of writers) await writer.stop().catch(() => undefined);
    await stopWorker?.();
    await relay?.close();
    if (cluster) await stopCluster(cluster, { mode: 'immediate' }).catch(() => undefined);
    // The member started inside the namespace is stopped through its pid file like any other (stopCluster).
    try {
      ip('netns', 'del', netns);
    } catch {
      // not created
    }
    try {
      ip('link', 'del', hostEnd);
    } catch {
      // gone with the namespace
    }
    await controlPool?.end();
    if (deps) await closeActivityDeps(deps);
    await control?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fails over on the majority side, loses no acknowledged write, and the old primary rejoins as a replica', async () => {
    ip('netns', 'add', netns);
    ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', memberEnd);
    ip('addr', 'add', `${hostIp}/30`, 'dev', hostEnd);
    ip('link', 'set', hostEnd, 'up');
    ip('link', 'set', memberEnd, 'netns', netns);
    ip('-n', netns, 'addr', 'add', `${memberIp}/30`, 'dev', memberEnd);
    ip('-n', netns, 'link', 'set', memberEnd, 'up');
    ip('-n', netns, 'link', 'set', 'lo', 'up');

    dir = mkdtempSync(join(tmpdir(), 'dbarch-partition-'));
    chmodSync(dir, 0o755);
    const [p1, p2, p3] = await Promise.all([freePort(), freePort(), freePort()]);
    const specFile = join(dir, 'spec.yaml');
    writeFileSync(
      specFile,
      [
        'deployment_config:',
        '  source_control: github',
        '  repository: schemas',
        '  environments:',
        '    - { name: dev, database: part }',
        'clusters:',
        '  - name: part',
        '    databases: [part]',
        '    members:',
        `      - { name: m1, host: 127.0.0.1, port: ${p1} }`,
        `      - { name: m2, host: 127.0.0.1, port: ${p2} }`,
        `      - { name: m3, host: 127.0.0.1, port: ${p3} }`,
        '    replication: { mode: sync, synchronous: { method: ANY, count: 1 } }',
        `    data_directory: ${join(dir, 'data')}`,
        'service_mesh:',
        '  database_services:',
        '    - name: pg-part',
        '      role: primary',
        '      cluster: part',
        '      endpoints:',
        `        - { host: 127.0.0.1, port: ${p1} }`,
        `        - { host: 127.0.0.1, port: ${p2} }`,
        `        - { host: 127.0.0.1, port: ${p3} }`,
        '      health_check: { interval: 250ms, timeout: 200ms, unhealthy_threshold: 3 }',
        '',
      ].join('\n'),
    );
    const compiled = await compileSpec([specFile]);
    if (!compiled.valid || compiled.spec === undefined) throw new Error(JSON.stringify(compiled.errors));
    cluster = managedCluster(compiled.spec.clusters, 'part');
    const failoverCluster = failoverClusterOf(compiled.spec, 'part');
    if (failoverCluster === undefined) throw new Error('not managed');

    control = await freshDatabase('partition_control');
    controlPool = new pg.Pool({ connectionString: control.url, max: 4 });
    const up = await clusterUp({ url: control.url, pool: controlPool }, cluster);
    expect(up.topology.primary.member).to.equal('m1');

    // Move m1 into the namespace: trust the veth's far end, stop it, start it inside on its veth address, and
    // route its spec address there through the relay.
    const m1 = memberPaths(cluster, { name: 'm1' });
    appendFileSync(join(m1.data, 'pg_hba.conf'), `host all all ${hostIp}/32 trust\nhost replication all ${hostIp}/32 trust\n`);
    await stopMemberServer(m1, 'fast');
    execFileSync(
      'ip',
      ['netns', 'exec', netns, 'runuser', '-u', 'postgres', '--', join(binDir, 'pg_ctl'), 'start', '-D', m1.data, '-l', m1.logFile, '-w', '-s', '-o', `-c listen_addresses=${memberIp}`],
      { stdio: 'pipe' },
    );
    relay = await startRelay(p1, { host: memberIp, port: p1 });
    await eventually(async () => {
      const status = await readClusterStatus(cluster, 1000);
      const primary = status.members.find((m) => m.member === 'm1');
      return status.primary === 'm1' && primary?.replication.filter((peer) => peer.state === 'streaming').length === 2 ? true : undefined;
    }, 'm1 in its namespace with both standbys streaming from it', 60_000);

    // The worker's DATABASE_URL is the control database, where the failover publishes.
    deps = createActivityDeps({ ...serviceUrls(), postgres: control.url }, testLog);
    const registry = createPluginRegistry(deps);
    const planned = await planSpec({ paths: [specFile], environment: 'dev', procedure: 'dbarch/failover', registry });
    if (!planned.ok) throw new Error(JSON.stringify([...planned.specIssues, ...planned.planIssues]));
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('partition');
    const worker = await createDbarchWorker({ connection: temporal.nativeConnection, namespace: temporal.namespace, taskQueue, activities: createActivities(deps), log: testLog });
    const running = worker.run();
    const input: MonitorWorkflowInput = { cluster: failoverCluster, failoverPlan: planned.plan };
    const monitor = await temporal.client.workflow.start('monitorWorkflow', { taskQueue, workflowId: `monitor:part-${taskQueue}`, args: [input] });
    stopWorker = async () => {
      await monitor.cancel().catch(() => undefined);
      worker.shutdown();
      await running.catch(() => undefined);
    };

    const m1Url = up.topology.primary.url;
    await createLedgerTable(m1Url);
    const majority = startLedgerWriter({
      writer: 'majority',
      resolve: async () => {
        const published = await readTopology(controlPool, 'part');
        if (!published) throw new Error('no topology');
        return published.primary.url;
      },
    });
    // The client on the primary's side: m1's unix socket, which the veth cut does not touch.
    const isolated = startLedgerWriter({ writer: 'isolated', resolve: () => Promise.resolve(`postgres://postgres@/postgres?host=${encodeURIComponent(m1.socket)}&port=${p1}`) });
    writers.push(majority, isolated);
    await Promise.all([majority.waitForAcks(100), isolated.waitForAcks(100)]);

    // The partition: the host's end of the veth goes down; nothing passes between m1 and the rest.
    ip('link', 'set', hostEnd, 'down');
    const cut = isolated.now();

    const failedOver = await eventually(async () => {
      const published = await readTopology(controlPool, 'part');
      return published && published.primary.member !== 'm1' ? published : undefined;
    }, 'a new primary published on the majority side', 60_000);
    expect(failedOver.fenced).to.include('m1');
    await majority.waitForAcks(100, 60_000);
    // The isolated client kept trying while cut off.
    const duringCut = isolated.run();
    expect(duringCut.unknown.length + Object.values(duringCut.failures).reduce((a, b) => a + b, 0)).to.be.greaterThan(0);

    // The fence stopped the isolated m1 (same machine: through its pid). Its relay goes now, so that m1 can come
    // back on its own address here when it rejoins; then the veth is healed.
    await eventually(() => Promise.resolve(postmasterRunning(m1.data) ? undefined : true), 'the isolated primary stopped by the fence', 60_000);
    await relay.close();
    relay = undefined;
    ip('link', 'set', hostEnd, 'up');

    const newPrimary = failedOver.primary.member;
    const rejoined = (timeoutMs: number) =>
      eventually(async () => {
        const status = await readClusterStatus(cluster, 1000);
        const member = status.members.find((m) => m.member === 'm1');
        const primary = status.members.find((m) => m.member === newPrimary);
        return status.primary === newPrimary && member?.role === 'standby' && primary?.replication.some((peer) => peer.member === 'm1' && peer.state === 'streaming') ? true : undefined;
      }, 'm1 back as a standby of the new primary', timeoutMs);
    // The monitor rejoins it by itself; an attempt made while the relay still held m1's port fails for good
    // (DBA_CLUSTER_TOOL_FAILED is not retried), and then the operator's path, `dbarch cluster rejoin`, does it.
    let rejoinedBy = 'monitor';
    try {
      await rejoined(20_000);
    } catch {
      rejoinedBy = 'dbarch cluster rejoin';
      await clusterRejoin({ url: control.url, pool: controlPool }, cluster, 'm1');
      await rejoined(60_000);
    }
    testLog.info({ rejoinedBy }, 'partition: m1 rejoined');
    await majority.waitForAcks(50);

    const majorityRun = await majority.stop();
    const isolatedRun = await isolated.stop();
    const finalUrl = (await readTopology(controlPool, 'part'))?.primary.url ?? '';
    const majorityVerdict = await verifyLedger(finalUrl, majorityRun);
    const isolatedVerdict = await verifyLedger(finalUrl, isolatedRun);
    expect(majorityVerdict).to.deep.include({ lost: [], duplicated: [], unexpected: [] });
    // The isolated side: whatever it was told had committed is on the new primary; nothing it wrote after the
    // cut was acknowledged and then lost.
    expect(isolatedVerdict).to.deep.include({ lost: [], duplicated: [], unexpected: [] });
    testLog.info({ ackedAfterCut: isolatedRun.acknowledged.filter((ack) => ack.at > cut).length, unknown: isolatedRun.unknown.length, unknownCommitted: isolatedVerdict.unknownPresent }, 'partition: isolated client');

    // m1 never became primary again: every topology change after the failover names another primary.
    const history = await readTopologyHistory(controlPool, 'part');
    expect(history.filter((entry) => entry.epoch >= failedOver.epoch).map((entry) => entry.primary.member)).to.not.include('m1');
  });
});
