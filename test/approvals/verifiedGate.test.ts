import { expect } from 'chai';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { DecisionRequest, InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { eventually, spawnTs } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { recordHistory } from '../runtime/runtimeFixture.ts';
import { IdentityProvider, issuer } from './identityProvider.ts';
import { planRelease, protectedSpec } from './protectedSpec.ts';

async function updateRefusal(handle: WorkflowHandle, request: DecisionRequest): Promise<string | undefined> {
  try {
    await handle.executeUpdate(interpreterMessages.approve, { args: [request] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) return error.cause.type ?? undefined;
    throw error;
  }
  return undefined;
}

describe('a gate of a protected environment with security_config.approvals', () => {
  let idp: IdentityProvider;
  before(async () => {
    idp = await IdentityProvider.start();
  });
  after(async () => {
    await idp.stop();
  });

  it('refuses a missing, malformed, forged, expired, wrong-audience, MFA-less or role-less token, records each refusal, and accepts a valid one from the CLI', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('verified-approval');
    const plan = await planRelease(protectedSpec({ jwks_url: idp.jwksUrl }), 'production');
    expect(plan.approvals?.jwksUrl).to.equal(idp.jwksUrl);
    await withWorker({ taskQueue }, async () => {
      const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
      const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);
      const waiting = await eventually(async () => {
        const status = await handle.query(interpreterMessages.status);
        return status.awaitingApproval ? status : undefined;
      }, 'the workflow to wait at the gate');
      expect(waiting.openGates[0]).to.include({ gate: 'prod_approval', tokenIssuer: issuer });
      const planHash = plan.hash;
      const cliEnv = { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue, DBARCH_LOG_LEVEL: 'warn' };

      const status = spawnTs('bin/dbarch.js', ['status', workflowId], cliEnv);
      expect(await status.exited, status.output()).to.equal(0);
      expect(status.output()).to.contain(`needs a token from ${issuer}`);
      // `--as` alone, even for alice whom the spec's procedures.roles lists as a dba: refused by the validator.
      const asAlice = spawnTs('bin/dbarch.js', ['approve', workflowId, '--as', 'alice', '--yes'], cliEnv);
      expect(await asAlice.exited, asAlice.output()).to.equal(1);
      expect(asAlice.output()).to.contain('DBA_APPROVAL_TOKEN_REQUIRED');
      expect(await updateRefusal(handle, { planHash, token: 'abc.def' })).to.equal('DBA_APPROVAL_TOKEN_MALFORMED');

      const roles = { roles: ['dba'] };
      const attempts: [string, Promise<string>, string][] = [
        ['forged', idp.token('mallory@example.com', { forged: true, claims: { ...roles, amr: ['pwd', 'otp'] } }), 'DBA_APPROVAL_TOKEN_INVALID'],
        ['expired', idp.token('erin@example.com', { expiresIn: -120, claims: { ...roles, amr: ['otp'] } }), 'DBA_APPROVAL_TOKEN_EXPIRED'],
        ['wrong audience', idp.token('erin@example.com', { audience: 'dbarch-gateway', claims: { ...roles, amr: ['otp'] } }), 'DBA_APPROVAL_TOKEN_CLAIMS'],
        ['MFA-less dba', idp.token('dan@example.com', { claims: { ...roles, amr: ['pwd'] } }), 'DBA_APPROVAL_MFA_REQUIRED'],
        ['no gate role', idp.token('vic@example.com', { claims: { roles: ['viewer'], amr: ['otp'] } }), 'DBA_APPROVAL_NOT_AUTHORISED'],
      ];
      for (const [what, token, code] of attempts) expect(await updateRefusal(handle, { planHash, token: await token }), what).to.equal(code);
      // A signal cannot be answered: its forged token is only recorded.
      await handle.signal(interpreterMessages.approveSignal, { planHash, token: await idp.token('sig@example.com', { forged: true }) });

      const refused = await eventually(async () => {
        const status = await handle.query(interpreterMessages.status);
        return status.refused.length === 6 ? status : undefined;
      }, 'six recorded refusals');
      expect(refused.phase).to.equal('awaiting-approval');
      expect(refused.refused.map((r) => [r.identity, r.code, r.via, r.token?.verified])).to.deep.equal([
        ['mallory@example.com', 'DBA_APPROVAL_TOKEN_INVALID', 'update', false],
        ['erin@example.com', 'DBA_APPROVAL_TOKEN_EXPIRED', 'update', false],
        ['erin@example.com', 'DBA_APPROVAL_TOKEN_CLAIMS', 'update', false],
        ['dan@example.com', 'DBA_APPROVAL_MFA_REQUIRED', 'update', true],
        ['vic@example.com', 'DBA_APPROVAL_NOT_AUTHORISED', 'update', true],
        ['sig@example.com', 'DBA_APPROVAL_TOKEN_INVALID', 'signal', false],
      ]);
      expect(refused.refused[0]).to.deep.include({ gate: 'prod_approval', decision: 'approve' });
      expect(refused.refused[0]?.token).to.deep.include({ issuer, reason: 'bad signature' });

      // A release manager needs no second factor; the token comes from a file.
      const dir = mkdtempSync(join(tmpdir(), 'dbarch-token-'));
      writeFileSync(join(dir, 'token'), `${await idp.token('rita@example.com', { claims: { roles: ['release_manager'], amr: ['pwd'] } })}\n`, { mode: 0o600 });
      const approved = spawnTs('bin/dbarch.js', ['approve', workflowId, '--token-file', join(dir, 'token'), '--plan-hash', planHash, '--comment', 'verified'], cliEnv);
      expect(await approved.exited, approved.output()).to.equal(0);
      expect(approved.output()).to.contain(`as rita@example.com (plan ${planHash.slice(0, 12)}, token from ${issuer} as release_manager)`);

      const result = await handle.result();
      expect(result.phase).to.equal('succeeded');
      expect(result.approvals).to.have.length(1);
      expect(result.approvals[0]).to.deep.include({ gate: 'prod_approval', decision: 'approve', identity: 'rita@example.com', comment: 'verified', via: 'update' });
      expect(result.approvals[0]?.proof).to.deep.include({ kind: 'jwt', issuer, roles: ['release_manager'], amr: ['pwd'], mfa: false, asRoles: ['release_manager'] });
      expect(result.refused).to.have.length(6);
      expect(JSON.stringify(result)).to.not.contain('eyJ'); // no token text in the result
      // Both sides are in the workflow's history, as `dbarch history` reads it from the server.
      const history = spawnTs('bin/dbarch.js', ['history', workflowId], cliEnv);
      expect(await history.exited, history.output()).to.equal(0);
      for (const code of ['DBA_APPROVAL_TOKEN_INVALID', 'DBA_APPROVAL_TOKEN_EXPIRED', 'DBA_APPROVAL_TOKEN_CLAIMS', 'DBA_APPROVAL_MFA_REQUIRED', 'DBA_APPROVAL_NOT_AUTHORISED']) {
        expect(history.output()).to.match(new RegExp(`update refused\\s+${code}: `));
      }
      expect(history.output()).to.match(/approve\s+by a token \(to verify\): "verified"/);
      expect(history.output()).to.contain('completed');
      await recordHistory(handle, 'verified-approval-granted');
    });
  });

  it('accepts an MFA token for a role that requires MFA', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('verified-mfa');
    const plan = await planRelease(protectedSpec({ jwks_url: idp.jwksUrl }), 'production');
    await withWorker({ taskQueue }, async () => {
      const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
      const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);
      await eventually(async () => ((await handle.query(interpreterMessages.status)).awaitingApproval ? true : undefined), 'the gate');
      // A rejection needs proof too: a named identity alone could stop a production release.
      let rejected: unknown;
      await handle.executeUpdate(interpreterMessages.reject, { args: [{ identity: 'alice', planHash: plan.hash }] }).catch((error: unknown) => (rejected = error));
      expect(rejected instanceof WorkflowUpdateFailedError && rejected.cause instanceof ApplicationFailure && rejected.cause.type).to.equal('DBA_APPROVAL_TOKEN_REQUIRED');
      const record = await handle.executeUpdate(interpreterMessages.approve, { args: [{ planHash: plan.hash, token: await idp.token('dan@example.com', { claims: { roles: ['dba'], amr: ['pwd', 'hwk'] } }) }] });
      expect(record).to.deep.include({ identity: 'dan@example.com' });
      expect(record.proof).to.deep.include({ mfa: true, asRoles: ['dba'] });
      expect((await handle.result()).phase).to.equal('succeeded');
    });
  });

  it('checks again once the token is verified: of two approvals by one person sent at once, one counts and the other is refused as a duplicate', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('verified-twice');
    const plan = await planRelease(protectedSpec({ jwks_url: idp.jwksUrl }, {}, 2), 'production');
    await withWorker({ taskQueue }, async () => {
      const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
      const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);
      await eventually(async () => ((await handle.query(interpreterMessages.status)).awaitingApproval ? true : undefined), 'the gate');
      const claims = { roles: ['release_manager'] };
      // Two tokens of one person: the validator cannot know whom a token names, so the check after verification must refuse one.
      const [first, second] = await Promise.all([idp.token('rita@example.com', { claims }), idp.token('rita@example.com', { claims, expiresIn: 900 })]);
      const codes = await Promise.all([first, second].map((token) => updateRefusal(handle, { planHash: plan.hash, token })));
      expect(codes.filter((code) => code === undefined)).to.have.length(1);
      expect(codes.filter((code) => code === 'DBA_APPROVAL_DUPLICATE')).to.have.length(1);
      expect(await updateRefusal(handle, { planHash: plan.hash, token: await idp.token('sam@example.com', { claims }) })).to.equal(undefined);
      const result = await handle.result();
      expect(result.phase).to.equal('succeeded');
      expect(result.approvals.map((a) => a.identity)).to.deep.equal(['rita@example.com', 'sam@example.com']);
      expect(result.refused.map((r) => [r.identity, r.code])).to.deep.equal([['rita@example.com', 'DBA_APPROVAL_DUPLICATE']]);
    });
  });

  it('takes a rejection with a verified token: the plan fails as rejected, by the identity the token proved', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('verified-reject');
    const plan = await planRelease(protectedSpec({ jwks_url: idp.jwksUrl }), 'production');
    await withWorker({ taskQueue }, async () => {
      const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
      const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);
      await eventually(async () => ((await handle.query(interpreterMessages.status)).awaitingApproval ? true : undefined), 'the gate');
      const token = await idp.token('dan@example.com', { claims: { roles: ['dba'], amr: ['otp'] } });
      const cli = spawnTs('bin/dbarch.js', ['reject', workflowId, '--comment', 'not today', '--format', 'json'], { TEMPORAL_ADDRESS: temporal.address, DBARCH_LOG_LEVEL: 'warn', DBARCH_APPROVAL_TOKEN: token });
      expect(await cli.exited, cli.output()).to.equal(0);
      const record = JSON.parse(cli.output().trim().split('\n').at(-1) ?? '{}') as { identity: string; decision: string; proof?: { mfa: boolean } };
      expect(record).to.deep.include({ identity: 'dan@example.com', decision: 'reject' });
      expect(record.proof?.mfa).to.equal(true);
      let failure: unknown;
      await handle.result().catch((error: unknown) => (failure = error));
      const cause = (failure as { cause?: unknown } | undefined)?.cause;
      expect(cause instanceof ApplicationFailure && cause.type).to.equal('DBA_APPROVAL_REJECTED');
    });
  });
});
