import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiServer } from '../../api/createApiServer.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { repoRoot } from '../support/childProcess.ts';
import { testLog } from '../support/temporal.ts';

interface ErrorAnswer {
  readonly error: { readonly code: string; readonly message: string; readonly hint: string; readonly details?: { readonly issues?: { code: string; line: number }[] } };
}

/**
 * The API's auth and request checks through fastify's inject() (no port). None of these requests gets as far as
 * Temporal: the client points at a port nothing listens on and connects lazily, so reaching it would fail the test.
 */
describe('HTTP API: auth and request validation', function () {
  this.timeout(30_000);
  const token = 's3cret-token';
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog));
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const servers: FastifyInstance[] = [];
  const server = (specPath = join(repoRoot, 'specs/platform.yaml')): FastifyInstance => {
    const app = createApiServer({ client, specPath, taskQueue: 'unused', registry, token, logger: testLog });
    servers.push(app);
    return app;
  };
  after(async () => {
    for (const app of servers) await app.close();
  });

  async function answer(request: InjectOptions, app = server()): Promise<{ status: number; body: ErrorAnswer; raw: string; headers: Record<string, unknown> }> {
    const response = await app.inject(request);
    return { status: response.statusCode, body: response.json<ErrorAnswer>(), raw: response.body, headers: response.headers };
  }

  it('health (liveness) answers without a token', async () => {
    const response = await server().inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).to.equal(200);
    expect(response.json()).to.deep.equal({ status: 'ok' });
  });

  for (const [name, authorization] of [
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer wrong'],
    ['the token with a suffix', `Bearer ${token}x`],
    ['the token under another scheme', `Basic ${token}`],
    ['an empty bearer token', 'Bearer '],
  ] as const) {
    it(`401 DBA_API_UNAUTHORISED with ${name}, asking for a bearer token`, async () => {
      const headers = authorization === undefined ? {} : { authorization };
      const { status, body, headers: answered } = await answer({ method: 'POST', url: '/api/v1/migrations', headers, payload: { environment: 'staging' } });
      expect(status).to.equal(401);
      expect(body.error.code).to.equal('DBA_API_UNAUTHORISED');
      expect(body.error.hint).to.not.equal('');
      expect(answered['www-authenticate']).to.equal('Bearer');
    });
  }

  it('checks the token before reading the body: a malformed body without a token is 401, not 400', async () => {
    const { status, body } = await answer({ method: 'POST', url: '/api/v1/migrations', headers: { 'content-type': 'application/json' }, payload: '{"environment":' });
    expect(status).to.equal(401);
    expect(body.error.code).to.equal('DBA_API_UNAUTHORISED');
  });

  it('an unknown endpoint is 401 without a token (it reveals nothing) and 404 DBA_API_NOT_FOUND with one', async () => {
    expect((await answer({ method: 'GET', url: '/api/v1/nope' })).status).to.equal(401);
    for (const request of [{ method: 'GET', url: '/api/v1/nope' }, { method: 'GET', url: '/api/v1/migrations' }] as const) {
      const { status, body } = await answer({ ...request, headers: auth });
      expect(status, request.url).to.equal(404);
      expect(body.error.code).to.equal('DBA_API_NOT_FOUND');
    }
  });

  const badBodies: readonly (readonly [string, InjectOptions['payload'], Record<string, string>])[] = [
    ['malformed JSON', '{"environment":', json],
    ['an empty JSON body', '', json],
    ['no body at all', undefined, auth],
    ['a JSON array', '[]', json],
    ['JSON null', 'null', json],
    ['no environment', '{}', json],
    ['an empty environment', '{"environment":""}', json],
    ['an environment that is a number (no coercion)', '{"environment":3}', json],
    ['dry_run as a string (no coercion to a boolean)', '{"environment":"staging","dry_run":"true"}', json],
    ['migration_files that is not a list of names', '{"environment":"staging","migration_files":"V1__a.sql"}', json],
    ['a misspelt field (dry_rn must not start a real run)', '{"environment":"staging","dry_rn":true}', json],
    ['a prototype-poisoning key', '{"environment":"staging","__proto__":{"admin":true}}', json],
    ['a body over 1 MiB', JSON.stringify({ environment: 'x'.repeat(1024 * 1024) }), json],
  ];
  for (const [name, payload, headers] of badBodies) {
    it(`400 DBA_API_BAD_REQUEST for ${name}, without a stack trace`, async () => {
      const { status, body, raw } = await answer({ method: 'POST', url: '/api/v1/migrations', headers, ...(payload === undefined ? {} : { payload }) });
      expect(status, raw).to.equal(400);
      expect(body.error.code).to.equal('DBA_API_BAD_REQUEST');
      expect(body.error.message).to.not.equal('');
      expect(raw).to.not.match(/\n\s+at |"stack"/);
    });
  }

  it('reads a JSON body whatever its content type (curl -d sends form-urlencoded)', async () => {
    const { status, body } = await answer({ method: 'POST', url: '/api/v1/migrations', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, payload: '{"environment":"nope"}' });
    expect(status).to.equal(404);
    expect(body.error.code).to.equal('DBA_PLAN_ENVIRONMENT_UNKNOWN');
  });

  it('an environment the spec does not declare is 404 DBA_PLAN_ENVIRONMENT_UNKNOWN', async () => {
    const { status, body } = await answer({ method: 'POST', url: '/api/v1/migrations', headers: json, payload: { environment: 'nope', dry_run: true } });
    expect(status).to.equal(404);
    expect(body.error.code).to.equal('DBA_PLAN_ENVIRONMENT_UNKNOWN');
  });

  it('an invalid spec is 422 with the first issue\'s code and every issue in details', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbarch-api-'));
    const specPath = join(dir, 'spec.yaml');
    writeFileSync(specPath, 'apiVersion: dbarch/v1\ndeployment_config: 42\n');
    const { status, body } = await answer({ method: 'POST', url: '/api/v1/migrations', headers: json, payload: { environment: 'staging' } }, server(specPath));
    expect(status).to.equal(422);
    expect(body.error.code).to.match(/^DBA_SPEC_/);
    expect(body.error.details?.issues?.[0]).to.include({ code: body.error.code, line: 2 });
  });
});
