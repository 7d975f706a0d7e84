import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { chromium, type Browser } from 'playwright-core';
import { takeBaseBackup } from '../../activities/backup/baseBackup/takeBaseBackup.ts';
import { ensureDbarchSchema } from '../../activities/schema/ensureDbarchSchema.ts';
import { publishTopology } from '../../activities/topology/publishTopology.ts';
import { createApiServer } from '../../api/createApiServer.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import type { TemporalHandle } from '../../runtime/startTemporal.ts';
import { writeSpecFiles } from '../compiler/writeSpecFiles.ts';
import { startStandby, type Standby } from '../dataplane/startStandby.ts';
import { startTool, type RunningTool } from '../monitoring/startTool.ts';
import { eventually, repoRoot } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { freshDatabase, query, type TestDatabase } from '../support/postgres.ts';
import { freshRabbitmq, type TestRabbitmq } from '../support/rabbitmq.ts';
import { sharedTemporal, testLog, uniqueTaskQueue } from '../support/temporal.ts';

/** Where the page's screenshot is kept for people to look at (CI keeps tmp/ as artifacts). */
const artifactDir = join(repoRoot, 'tmp', 'test-artifacts');

describe('the status page in headless Chromium: cluster, replication lag, a firing alert, running workflows', function () {
  this.timeout(120_000);
  let primary: PgCluster;
  let replica: Standby;
  let control: TestDatabase;
  let rabbit: TestRabbitmq;
  let queue: string;
  let backups: string;
  let alertmanager: RunningTool;
  let temporal: TemporalHandle;
  let api: FastifyInstance;
  let browser: Browser;
  let baseUrl: string;
  const workflowId = `status-page-${process.pid}-${Date.now()}`;

  before(async () => {
    primary = await startPgCluster({ label: 'status', walLevel: 'replica' });
    replica = await startStandby(primary, 'status');
    control = await freshDatabase('status_page');
    const pool = new pg.Pool({ connectionString: control.url, max: 1 });
    const url = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;
    await publishTopology({ url: control.url, pool }, { cluster: 'orders', expectedEpoch: 0, primary: { member: 'orders1', url: url(primary.port) }, replicas: [{ member: 'orders2', url: url(replica.port) }], kind: 'initial', reason: 'test' })
      .finally(() => pool.end());
    // A queue holding two messages, an outbox with one event waiting, and one base backup of the cluster.
    rabbit = await freshRabbitmq('status');
    queue = rabbit.name('orders');
    await rabbit.channel.assertQueue(queue, { durable: false });
    rabbit.channel.sendToQueue(queue, Buffer.from('a'));
    rabbit.channel.sendToQueue(queue, Buffer.from('b'));
    await ensureDbarchSchema('outbox', primary.url);
    backups = mkdtempSync(join(tmpdir(), 'dbarch-status-backups-'));
    await query(primary.url, "INSERT INTO dbarch.outbox_events (event_type, payload) VALUES ('order.placed', '{}')");
    const dir = writeSpecFiles({ 'spec.yaml': `apiVersion: dbarch/v1
clusters:
  - name: orders
    databases: [postgres]
    members:
      - { name: orders1, host: 127.0.0.1, port: ${primary.port} }
      - { name: orders2, host: 127.0.0.1, port: ${replica.port} }
queue_config:
  provider: rabbitmq
  exchanges:
    - name: ${rabbit.name('events')}
      type: topic
      queues:
        - { name: ${queue}, binding_key: 'order.*' }
  outbox:
    exchange: ${rabbit.name('events')}
    database: postgres
    events: [order.placed]
backup_config:
  strategy: scheduled
  cluster: orders
  base_backups: { frequency: daily, retention: 30d, destination: 'file://${backups}/' }
`, 'alertmanager.yml': 'route: { receiver: none }\nreceivers: [{ name: none }]\n' });
    await takeBaseBackup({ cluster: 'orders', connectionUrl: primary.url, destination: `file://${backups}/`, backupId: 'status1', compression: { algorithm: 'zstd' }, pgBinDir: process.env.PG_BINDIR ?? '/usr/lib/postgresql/15/bin' }, { signal: new AbortController().signal });

    alertmanager = await startTool('prometheus-alertmanager', (data, listen) => [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${data}`, `--web.listen-address=${listen}`, '--cluster.listen-address=']);
    // A firing alert as Prometheus sends one (POST /api/v2/alerts).
    const posted = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'high_replication_lag', severity: 'critical', cluster: 'orders' }, annotations: { summary: 'orders2 is 12 s behind' }, startsAt: new Date().toISOString() }]),
    });
    expect(posted.status).to.equal(200);

    temporal = await sharedTemporal();
    // No worker polls this queue, so the workflow stays running for the page to list.
    await temporal.client.workflow.start('smokeWorkflow', { workflowId, taskQueue: uniqueTaskQueue('status'), args: [{}] });

    api = createApiServer({
      client: temporal.client, specPath: join(dir, 'spec.yaml'), taskQueue: 'unused', token: 'unused-token', logger: testLog,
      registry: createPluginRegistry(createPluginDeps(serviceUrls(), testLog)),
      uiUrl: 'http://temporal-ui.test:8233', alertmanagerUrl: alertmanager.url, controlUrl: control.url,
    });
    baseUrl = await api.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    await api?.close();
    await temporal?.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
    await alertmanager?.stop();
    await control?.drop();
    await rabbit?.cleanup();
    if (backups !== undefined) rmSync(backups, { recursive: true, force: true });
    replica?.stop();
    await primary?.stop();
  });

  it('shows the published primary, a paused replica\'s growing lag, the firing alert and the running workflow with its UI link', async () => {
    // Replay paused while the primary commits: the replica falls behind by the clock (measured from the last
    // transaction it replayed, so one is replayed first).
    const writer = new pg.Client({ connectionString: primary.url });
    await writer.connect();
    try {
      await writer.query('CREATE TABLE ticks (at timestamptz)');
      await writer.query('INSERT INTO ticks VALUES (now())');
      const ticksOnReplica = () => replica.query<{ n: string }>('SELECT count(*) AS n FROM ticks').then((rows) => rows[0]?.n, () => undefined);
      await eventually(async () => ((await ticksOnReplica()) === '1' ? true : undefined), 'the first tick on the replica', 10_000);
      await replica.query('SELECT pg_wal_replay_pause()');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await writer.query('INSERT INTO ticks VALUES (now())');
    } finally {
      await writer.end();
    }

    const page = await browser.newPage();
    // Visibility is eventually consistent: reload until the workflow is listed.
    await eventually(async () => {
      await page.goto(`${baseUrl}/`);
      return (await page.locator(`#workflows a:has-text("${workflowId}")`).count()) > 0 ? true : undefined;
    }, 'the running workflow on the page', 20_000);

    const cluster = page.locator('section[data-cluster="orders"]');
    expect(await cluster.locator('[data-field="primary"]').textContent()).to.equal('orders1');
    expect(await cluster.locator('tr[data-member="orders1"]').textContent()).to.include('primary');
    const standbyRow = cluster.locator('tr[data-member="orders2"]');
    expect(await standbyRow.textContent()).to.include('standby').and.include('replay paused');
    const lagMs = Number(/(\d+) ms/.exec((await standbyRow.locator('[data-field="lag"]').textContent()) ?? '')?.[1]);
    expect(lagMs, 'replay lag shown in ms').to.be.greaterThan(0);
    expect(await page.locator('#alerts tr.firing').first().textContent()).to.include('high_replication_lag').and.include('critical').and.include('orders2 is 12 s behind');
    expect(await page.locator(`#workflows a:has-text("${workflowId}")`).getAttribute('href')).to.equal(`http://temporal-ui.test:8233/namespaces/default/workflows/${workflowId}`);
    // Backups, the queue and the outbox, read through the exporter's sources.
    const backupRow = page.locator('#backups tr[data-cluster="orders"]');
    expect(await backupRow.locator('td').nth(1).textContent()).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(await backupRow.locator('td').nth(3).textContent()).to.equal('1');
    expect(await page.locator(`#queues tr[data-queue="${queue}"] td`).nth(1).textContent()).to.equal('2');
    expect(await page.locator('#outbox tr[data-database="postgres"] td').nth(1).textContent()).to.equal('1');

    mkdirSync(artifactDir, { recursive: true });
    writeFileSync(join(artifactDir, 'status-page.png'), await page.screenshot({ fullPage: true }));
    await replica.query('SELECT pg_wal_replay_resume()');
  });

  it('renders with a source down, saying which, and the JSON report needs the token', async () => {
    await alertmanager.stop();
    const html = await (await fetch(`${baseUrl}/`)).text();
    expect(html).to.include('unavailable: Alertmanager').and.include('orders1');
    expect((await fetch(`${baseUrl}/api/v1/status`)).status).to.equal(401);
    const json = await (await fetch(`${baseUrl}/api/v1/status`, { headers: { authorization: 'Bearer unused-token' } })).json() as { clusters: { cluster: string; topology: { primary: { member: string } } }[] };
    expect(json.clusters[0]!.topology.primary.member).to.equal('orders1');
  });
});
