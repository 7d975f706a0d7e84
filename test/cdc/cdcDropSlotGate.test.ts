import { expect } from 'chai';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cdcOptions } from '../../activities/cdc/cdcActivities.ts';
import { prepareCdc } from '../../activities/cdc/prepareCdc.ts';
import { awaitPlanRun } from '../../app/awaitPlanRun.ts';
import { cdcEnvironmentOf } from '../../app/cdcEnvironmentOf.ts';
import { cdcWorkflowInput } from '../../app/cdcWorkflowInput.ts';
import { startCdcDropSlot } from '../../app/startCdcDropSlot.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import { audience, IdentityProvider, issuer } from '../approvals/identityProvider.ts';
import { eventually, spawnTs } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { query } from '../support/postgres.ts';
import { sharedTemporal, testLog, uniqueTaskQueue, withWorker } from '../support/temporal.ts';

async function dbarch(args: string[], env: Record<string, string>): Promise<{ code: number | string; output: string; json: Record<string, unknown> }> {
  const child = spawnTs('bin/dbarch.js', args, { DBARCH_LOG_LEVEL: 'error', ...env });
  const code = await child.exited;
  const output = child.output();
  const last = output.trim().split('\n').at(-1) ?? '';
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(last) as Record<string, unknown>;
  } catch {
    // text output
  }
  return { code, output, json };
}

describe('dbarch cdc drop-slot: dbarch/cdc_drop_slot holds the drop at its approval gate; rejected the slot stays, approved it goes', function () {
  this.timeout(120_000);
  let cluster: PgCluster;
  let dir: string;
  let spec: string;
  let url: string;
  let env: Record<string, string>;
  const slotExists = async () => (await query(url, `SELECT 1 FROM pg_replication_slots WHERE slot_name = 'drop_slot'`)).length === 1;
  const publicationExists = async () => (await query(url, `SELECT 1 FROM pg_publication WHERE pubname = 'drop_pub'`)).length === 1;
  /** The spec's slot and publication, as `dbarch cdc start` makes them, with changes not yet published. */
  const prepare = async () => {
    await prepareCdc(cdcOptions(await cdcWorkflowInput([spec]), { urls: serviceUrls() }), testLog);
    await query(url, `INSERT INTO users SELECT g, 'u' FROM generate_series((SELECT coalesce(max(id), 0) + 1 FROM users), (SELECT coalesce(max(id), 0) + 200 FROM users)) g`);
  };

  before(async () => {
    cluster = await startPgCluster({ label: 'cdcdrop', walLevel: 'logical' });
    url = await cluster.createDatabase('shop');
    await query(url, 'CREATE TABLE users (id int PRIMARY KEY, name text)');
    dir = mkdtempSync(join(tmpdir(), 'dbarch-cdc-drop-'));
    spec = join(dir, 'spec.yaml');
    // production is protected by its name; development says it is not. Both serve shop.
    writeFileSync(spec, `clusters:
  - name: main
    primary: \${CDC_DROP_URL}
    databases: [shop]
deployment_config:
  source_control: local
  repository: shop-schemas
  environments:
    - { name: development, database: shop, cluster: main, protected: false }
    - { name: production, database: shop, cluster: main }
queue_config:
  provider: rabbitmq
  exchanges: [{ name: cdc.events, type: topic }]
cdc_config:
  connector: pgoutput
  database: shop
  tables: [users]
  publish_to: rabbitmq
  slot_name: drop_slot
  publication: drop_pub
`);
    // The in-process worker resolves the cluster's reference from this process's environment, the CLI from its own.
    process.env.CDC_DROP_URL = cluster.url;
    const temporal = await sharedTemporal();
    env = { CDC_DROP_URL: cluster.url, TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: uniqueTaskQueue('cdc-drop') };
    await prepare();
  });
  after(async () => {
    delete process.env.CDC_DROP_URL;
    rmSync(dir, { recursive: true, force: true });
    await cluster?.stop();
  });

  it('a protected environment refuses --approve (DBA_CDC_DROP_PROTECTED) and keeps the slot', async () => {
    const refused = await dbarch(['cdc', 'drop-slot', spec, '--approve', '--format', 'json'], env);
    expect(refused.code, refused.output).to.equal(1);
    expect(refused.json.error).to.deep.include({ code: 'DBA_CDC_DROP_PROTECTED' });
    expect(await slotExists()).to.equal(true);
  });

  it('waits at the gate with the slot kept; rejected, the run fails and the slot stays; asked again and approved, slot and publication are dropped', async () => {
    const temporal = await sharedTemporal();
    await withWorker({ taskQueue: env.DBARCH_TASK_QUEUE ?? '' }, async () => {
      // No --env: the environment serving shop, the protected one first.
      const first = await dbarch(['cdc', 'drop-slot', spec, '--format', 'json'], env);
      expect(first.code, first.output).to.equal(0);
      expect(first.json).to.include({ environment: 'production', protected: true, gate: 'gate' });
      const workflowId = String(first.json.workflowId);
      expect(workflowId).to.match(/^cdc_drop_slot:production:shop:drop_slot:/);
      expect((first.json.slot as { lagBytes: number }).lagBytes, 'the unpublished inserts').to.be.greaterThan(0);
      const handle = temporal.client.workflow.getHandle(workflowId);
      const waiting = await handle.query(interpreterMessages.status);
      expect(waiting.openGates.map((gate) => gate.gate)).to.deep.equal(['approve']);
      expect(waiting.steps.inspect?.status).to.equal('succeeded');
      expect(waiting.steps.drop?.status ?? 'pending', 'nothing dropped before the decision').to.equal('pending');
      expect((waiting.steps.inspect?.output as { lagBytes: number }).lagBytes, 'the reviewer sees the lag').to.be.greaterThan(0);
      expect(await slotExists(), 'the gate holds the drop').to.equal(true);

      // Rejected as from the Temporal UI (the Update `reject` with the JSON the CLI prints).
      const rejected = await handle.executeUpdate(interpreterMessages.reject, { args: [{ identity: 'dba', planHash: String(first.json.planHash), comment: 'consumers still need it' }] });
      expect(rejected).to.include({ identity: 'dba' });
      const outcome = await awaitPlanRun(temporal.client, workflowId);
      expect(outcome).to.deep.include({ ok: false, code: 'DBA_APPROVAL_REJECTED' });
      expect(await slotExists(), 'rejected: the slot stays').to.equal(true);
      expect(await publicationExists()).to.equal(true);

      // Asked again (text): a new run of the same id, and the way to approve from the UI and the CLI.
      const second = await dbarch(['cdc', 'drop-slot', spec], env);
      expect(second.code, second.output).to.equal(0);
      expect(second.output).to.contain(`dbarch approve ${workflowId} --as dba --plan-hash `);
      expect(second.output).to.contain('update name: approve');
      const run = await eventually(async () => {
        const description = await handle.describe();
        return description.status.name === 'RUNNING' ? description.runId : undefined;
      }, 'a new run at the gate');
      const approved = await dbarch(['approve', workflowId, '--as', 'dba', '--yes'], env);
      expect(approved.code, approved.output).to.equal(0);
      const done = await awaitPlanRun(temporal.client, workflowId, run);
      expect(done.ok, JSON.stringify(done)).to.equal(true);
      expect(await slotExists()).to.equal(false);
      expect(await publicationExists()).to.equal(false);
    });
  });

  it('with security_config.approvals the protected gate takes only a verified token whose roles name cdc_approvers', async () => {
    await prepare();
    const idp = await IdentityProvider.start();
    const verified = join(dir, 'verified.yaml');
    writeFileSync(verified, `${readFileSync(spec, 'utf8')}security_config:
  approvals:
    jwt: { issuer: "${issuer}", audience: ${audience}, jwks_url: "${idp.jwksUrl}" }
    identity_claim: email
`);
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('cdc-drop-token');
    try {
      await withWorker({ taskQueue }, async () => {
        const input = await cdcWorkflowInput([verified]);
        const run = await startCdcDropSlot(temporal.client, [verified], input, await cdcEnvironmentOf([verified], input.database), taskQueue);
        expect(run.plan.approvals?.issuer).to.equal(issuer);
        const handle = temporal.client.workflow.getHandle(run.started?.workflowId ?? '', run.started?.runId);
        const waiting = await eventually(async () => {
          const status = await handle.query(interpreterMessages.status);
          return status.awaitingApproval ? status : undefined;
        }, 'the verified gate');
        expect(waiting.openGates[0]).to.include({ gate: 'approve', tokenIssuer: issuer });
        const refusal = async (request: { identity?: string; token?: string }) =>
          handle.executeUpdate(interpreterMessages.approve, { args: [{ planHash: run.plan.hash, ...request }] }).then(
            () => undefined,
            (error: unknown) => (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure ? error.cause.type : error),
          );
        expect(await refusal({ identity: 'dba' }), 'a named identity alone').to.equal('DBA_APPROVAL_TOKEN_REQUIRED');
        expect(await refusal({ token: await idp.token('vic@example.com', { claims: { roles: ['viewer'] } }) }), 'no gate role').to.equal('DBA_APPROVAL_NOT_AUTHORISED');
        expect(await slotExists(), 'refused decisions drop nothing').to.equal(true);
        expect(await refusal({ token: await idp.token('rita@example.com', { claims: { roles: ['cdc_approvers'] } }) })).to.equal(undefined);
        const done = await awaitPlanRun(temporal.client, handle.workflowId, run.started?.runId);
        expect(done.ok, JSON.stringify(done)).to.equal(true);
        expect(done.ok ? done.result.approvals.map((a) => a.identity) : []).to.deep.equal(['rita@example.com']);
        expect(await slotExists()).to.equal(false);
      });
    } finally {
      await idp.stop();
    }
  });

  it('an unprotected environment keeps --approve as the decision given at once: dropped without a workflow', async () => {
    await prepare();
    const dropped = await dbarch(['cdc', 'drop-slot', spec, '--env', 'development', '--approve', '--format', 'json'], env);
    expect(dropped.code, dropped.output).to.equal(0);
    expect(dropped.json).to.include({ droppedSlot: true, droppedPublication: true });
    expect(await slotExists()).to.equal(false);
  });
});
