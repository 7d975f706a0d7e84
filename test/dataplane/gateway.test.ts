import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import pg from 'pg';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { createGatewayServer } from '../../gateway/http/createGatewayServer.ts';
import { createLogger } from '../../runtime/logger.ts';
import { spawnTs, type Child } from '../support/childProcess.ts';
import { freePort } from '../support/freePort.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { writeSpecFiles } from '../compiler/writeSpecFiles.ts';

const suffix = randomBytes(3).toString('hex');
const app = `app-${suffix}`; // reads and writes, a large limit
const untouched = `untouched-${suffix}`; // only ever refused: its pool must never connect
const limited = `limited-${suffix}`; // 5 requests a minute
const shared = `shared-${suffix}`; // 200 a minute, held across two gateway processes

describe('dbarch gateway: JWT, rate limits, typed JSON and bad input (the main server, Redis)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let jwks: Server;
  let jwksPort: number;
  let key: CryptoKey;
  let forger: CryptoKey;
  let specFile: string;
  let gateway: FastifyInstance;
  const logLines: string[] = [];
  /** Login roles the Connection API made: roles are cluster-wide, so they go when the test ends. */
  const issuedRoles: string[] = [];

  /** A signed token; `expiresIn: null` leaves out the `exp` claim. */
  function token(service: string, options: { roles?: string[]; audience?: string; expiresIn?: string | null; signer?: CryptoKey } = {}): Promise<string> {
    const jwt = new SignJWT({ roles: options.roles ?? ['rw'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://auth.test/')
      .setAudience(options.audience ?? 'dbarch-gateway')
      .setSubject(service)
      .setIssuedAt();
    if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? '5m');
    return jwt.sign(options.signer ?? key);
  }

  async function query(service: string, body: unknown, options: { auth?: string | null; raw?: string } = {}) {
    const auth = options.auth === undefined ? `Bearer ${await token(service)}` : options.auth;
    const response = await gateway.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: { 'content-type': 'application/json', ...(auth === null ? {} : { authorization: auth }) },
      payload: options.raw ?? JSON.stringify(body),
    });
    return { status: response.statusCode, headers: response.headers, body: response.json<Record<string, unknown> & { error?: { code: string; details?: Record<string, unknown> } }>() };
  }

  async function clientConnections(service: string): Promise<number> {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [`dbarch-client:${service}`]);
      return rows[0]!.n;
    } finally {
      await admin.end();
    }
  }

  before(async () => {
    db = await freshDatabase('dataplane_gateway');
    const setup = new pg.Client({ connectionString: db.url });
    await setup.connect();
    await setup.query('CREATE TABLE notes (id bigint PRIMARY KEY, body text)');
    await setup.end();
    ({ privateKey: key, publicKey: jwksKey } = await generateKeyPair('RS256'));
    forger = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(jwksKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwksPort = await freePort();
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => jwks.listen(jwksPort, '127.0.0.1', resolve));
    const route = (service: string, extra: string) => `    - service: ${service}\n      database: ${db.name}\n      connection_pool: { min: 0, max: 4, acquire_timeout: 2s }\n      query_timeout: 300ms\n${extra}`;
    const dir = writeSpecFiles({
      'spec.yaml': `apiVersion: dbarch/v1
gateway_config:
  authentication:
    jwt:
      issuer: https://auth.test/
      audience: dbarch-gateway
      jwks_url: http://127.0.0.1:${jwksPort}/jwks.json
  authorization:
    - { role: rw, databases: [${db.name}], modes: [read, write] }
    - { role: reader, databases: [${db.name}], modes: [read] }
  database_routing:
${route(app, '      rate_limit: 100000req/min\n')}${route(untouched, '')}${route(limited, '      rate_limit: 5req/min\n')}${route(shared, '      rate_limit: 200req/min\n')}
service_mesh:
  mtls: false
  database_services:
    - name: postgres-primary
      endpoints: [{ host: 127.0.0.1, port: 5432 }]
`,
    });
    specFile = join(dir, 'spec.yaml');
    const compiled = await compileSpec([specFile]);
    expect(compiled.errors).to.deep.equal([]);
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(line) } });
    gateway = await createGatewayServer({ spec: compiled.spec!, logger });
  });
  let jwksKey: CryptoKey;
  after(async () => {
    await gateway?.close();
    jwks?.close();
    await db?.drop();
    const admin = new pg.Client({ connectionString: db.url.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    for (const role of issuedRoles) await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`);
    await admin.end();
  });

  it('refuses missing, expired, never-expiring, forged and wrong-audience tokens with 401, and a service, database or mode the roles do not allow with 403, before any database access', async () => {
    const cases = [
      { auth: null, reason: 'missing' },
      { auth: `Bearer ${await token(untouched, { expiresIn: '-1m' })}`, reason: 'expired' },
      { auth: `Bearer ${await token(untouched, { expiresIn: null })}`, reason: 'claim check failed', claim: 'exp' },
      { auth: `Bearer ${await token(untouched, { signer: forger })}`, reason: 'bad signature' },
      { auth: `Bearer ${await token(untouched, { audience: 'someone-else' })}`, reason: 'claim check failed' },
      { auth: 'Bearer not.a.jwt', reason: 'malformed' },
    ];
    for (const c of cases) {
      const r = await query(untouched, { sql: 'SELECT 1' }, { auth: c.auth });
      expect([r.status, r.body.error?.code, r.body.error?.details?.reason], c.reason).to.deep.equal([401, 'DBA_GATEWAY_UNAUTHENTICATED', c.reason]);
      if (c.claim !== undefined) expect(r.body.error?.details?.claim, c.reason).to.equal(c.claim);
    }
    const writeAsReader = await query(untouched, { sql: 'SELECT 1', mode: 'write' }, { auth: `Bearer ${await token(untouched, { roles: ['reader'] })}` });
    expect([writeAsReader.status, writeAsReader.body.error?.code]).to.deep.equal([403, 'DBA_GATEWAY_FORBIDDEN']);
    const otherDatabase = await query(untouched, { sql: 'SELECT 1', database: 'postgres' });
    expect([otherDatabase.status, otherDatabase.body.error?.code]).to.deep.equal([403, 'DBA_GATEWAY_FORBIDDEN']);
    const noRoute = await query('nobody', { sql: 'SELECT 1' });
    expect(noRoute.status).to.equal(403);
    expect(await clientConnections(untouched)).to.equal(0);
  });

  it('answers rows with their types kept in JSON, runs read mode READ ONLY, and write mode on the primary with a session token', async () => {
    const typed = await query(app, { sql: "SELECT 9007199254740993::bigint AS big, 1.10::numeric AS num, '2026-02-11 10:15:32.5+00'::timestamptz AS at, '2026-02-11'::date AS day, '\\x00ff'::bytea AS bytes, '{\"a\":1}'::jsonb AS doc, NULL::text AS nothing, $1::int AS param", params: [7] });
    expect(typed.status).to.equal(200);
    expect(typed.body.rows).to.deep.equal([{ big: '9007199254740993', num: '1.10', at: '2026-02-11T10:15:32.500Z', day: '2026-02-11', bytes: 'AP8=', doc: { a: 1 }, nothing: null, param: 7 }]);
    expect((typed.body.fields as { type: string }[]).map((f) => f.type)).to.deep.equal(['int8', 'numeric', 'timestamptz', 'date', 'bytea', 'jsonb', 'text', 'int4']);
    expect(typed.body).to.include({ row_count: 1, command: 'SELECT', role: 'primary' });

    const readWrite = await query(app, { sql: "INSERT INTO notes VALUES (1, 'read mode')" });
    expect([readWrite.status, readWrite.body.error?.code, readWrite.body.error?.details?.sqlstate]).to.deep.equal([403, 'DBA_QUERY_READ_ONLY', '25006']);
    const write = await query(app, { sql: 'INSERT INTO notes VALUES ($1, $2)', params: [1, 'written'], mode: 'write' });
    expect(write.status).to.equal(200);
    expect(write.body).to.include({ command: 'INSERT', row_count: 1 });
    expect(write.body.session_token).to.match(/^lsn1:[0-9A-F]+\/[0-9A-F]+$/);
    const back = await query(app, { sql: 'SELECT body FROM notes WHERE id = $1', params: [1], session_token: write.body.session_token });
    expect(back.body.rows).to.deep.equal([{ body: 'written' }]);
    const logged = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'query' && l.service === app);
    expect(logged.at(-1)).to.include({ database: db.name, mode: 'read', rows: 1 });
  });

  it('answers malformed JSON, a 10 MB body, a timed-out statement and a syntax error with coded errors, and the pool stays intact', async () => {
    const malformed = await query(app, undefined, { raw: '{"sql": ' });
    expect([malformed.status, malformed.body.error?.code]).to.deep.equal([400, 'DBA_GATEWAY_BAD_REQUEST']);
    const huge = await query(app, undefined, { raw: JSON.stringify({ sql: `SELECT '${'x'.repeat(10 * 1024 * 1024)}'` }) });
    expect([huge.status, huge.body.error?.code]).to.deep.equal([400, 'DBA_GATEWAY_BAD_REQUEST']);
    const unknownField = await query(app, { sql: 'SELECT 1', mdoe: 'write' });
    expect([unknownField.status, unknownField.body.error?.code]).to.deep.equal([400, 'DBA_GATEWAY_BAD_REQUEST']);
    const slow = await query(app, { sql: 'SELECT pg_sleep(5)' });
    expect([slow.status, slow.body.error?.code, slow.body.error?.details?.sqlstate]).to.deep.equal([504, 'DBA_QUERY_TIMEOUT', '57014']);
    const syntax = await query(app, { sql: 'SELEC 1' });
    expect([syntax.status, syntax.body.error?.code, syntax.body.error?.details?.sqlstate]).to.deep.equal([400, 'DBA_QUERY_SYNTAX', '42601']);
    expect(JSON.stringify(syntax.body)).to.not.include('127.0.0.1');
    const after = await Promise.all(Array.from({ length: 10 }, () => query(app, { sql: 'SELECT 1 AS one' })));
    expect(after.every((r) => r.status === 200)).to.equal(true);
    expect(await clientConnections(app)).to.be.at.most(4);
  });

  it('answers 429 with Retry-After once the route\'s rate limit is used up', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push(await query(limited, { sql: 'SELECT 1' }));
    expect(statuses.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200, 429, 429]);
    expect(statuses[5]!.body.error?.code).to.equal('DBA_GATEWAY_RATE_LIMITED');
    expect(Number(statuses[5]!.headers['retry-after'])).to.be.within(1, 60);
  });

  it('hands out a connection (the seed\'s Connection API): a login role of its own, valid for credential_ttl, read mode enforced by the server', async () => {
    const connect = async (body: unknown, auth?: string | null) => {
      const response = await gateway.inject({ method: 'POST', url: '/api/v1/connections', headers: { 'content-type': 'application/json', ...(auth === null ? {} : { authorization: auth ?? `Bearer ${await token(app)}` }) }, payload: JSON.stringify(body) });
      const answer = response.json<Record<string, unknown> & { error?: { code: string } }>();
      if (typeof answer.role === 'string') issuedRoles.push(answer.role);
      return { status: response.statusCode, body: answer };
    };
    expect((await connect({ database: db.name, mode: 'read' }, null)).status).to.equal(401);
    expect((await connect({ database: 'postgres', mode: 'read' })).status).to.equal(403);
    const read = await connect({ database: db.name, mode: 'read', pool_size: 3, timeout_ms: 4000 });
    expect(read.status).to.equal(200);
    expect(read.body.pool_id).to.match(/^pool_[0-9a-f]{12}$/);
    expect(read.body.endpoints).to.deep.equal([{ host: '127.0.0.1', port: 5432, role: 'primary' }]);
    const url = new URL(read.body.connection_string as string);
    expect(url.username).to.match(/^dbarch_conn_/).and.not.equal('postgres');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ conn: number; until: Date; verifier: string }>('SELECT rolconnlimit AS conn, rolvaliduntil AS until, rolpassword AS verifier FROM pg_authid WHERE rolname = $1', [url.username]);
      expect(rows[0]!.conn).to.equal(3);
      expect(rows[0]!.verifier).to.match(/^SCRAM-SHA-256\$4096:/);
      expect(rows[0]!.until.getTime() - Date.now()).to.be.within(50 * 60_000, 60 * 60_000);
    } finally {
      await admin.end();
    }
    const asCaller = new pg.Client({ connectionString: read.body.connection_string as string });
    await asCaller.connect();
    try {
      expect((await asCaller.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout).to.equal('4s');
      expect((await asCaller.query('SELECT count(*) FROM notes')).rowCount).to.equal(1);
      const refused = await asCaller.query("INSERT INTO notes VALUES (2, 'via read credential')").then(() => undefined, (error: { code?: string }) => error.code);
      expect(refused).to.equal('25006');
    } finally {
      await asCaller.end();
    }
    const write = await connect({ database: db.name, mode: 'write' });
    const writer = new pg.Client({ connectionString: write.body.connection_string as string });
    await writer.connect();
    try {
      expect((await writer.query("INSERT INTO notes VALUES (3, 'via write credential')")).rowCount).to.equal(1);
    } finally {
      await writer.end();
    }
  });

  it('refuses a jwt section with both or neither of jwks_url and public_key', async () => {
    for (const keys of ['', '      jwks_url: http://127.0.0.1:1/jwks\n      public_key: ${GATEWAY_KEY}\n']) {
      const dir = writeSpecFiles({ 'spec.yaml': `gateway_config:\n  authentication:\n    jwt:\n      issuer: i\n      audience: a\n${keys}  database_routing:\n    - { service: s, database: d }\n` });
      const result = await compileSpec([join(dir, 'spec.yaml')]);
      expect(result.errors.map((e) => [e.code, e.path])).to.deep.equal([['DBA_SPEC_GATEWAY_JWT_KEY', '/gateway_config/authentication/jwt']]);
    }
  });

  it('holds a 200req/min limit across two gateway processes sharing Redis', async () => {
    const ports = [await freePort(), await freePort()];
    const children: Child[] = ports.map((port) => spawnTs('bin/dbarch.js', ['gateway', specFile, '--port', String(port)], { DBARCH_LOG_LEVEL: 'warn' }));
    try {
      await Promise.all(children.map((c) => c.waitForLine(/dbarch gateway listening/)));
      const bearer = `Bearer ${await token(shared)}`;
      const send = (port: number) => fetch(`http://127.0.0.1:${port}/api/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: bearer }, body: JSON.stringify({ sql: 'SELECT 1' }) });
      const responses: Response[] = [];
      for (let i = 0; i < 300; i += 20) responses.push(...(await Promise.all(Array.from({ length: 20 }, (_, j) => send(ports[(i + j) % 2]!)))));
      const ok = responses.filter((r) => r.status === 200).length;
      const limitedResponses = responses.filter((r) => r.status === 429);
      expect(ok).to.be.within(190, 210);
      expect(ok + limitedResponses.length).to.equal(300);
      expect(limitedResponses.every((r) => Number(r.headers.get('retry-after')) >= 1)).to.equal(true);
    } finally {
      for (const c of children) c.process.kill('SIGTERM');
      await Promise.all(children.map((c) => c.exited));
    }
  });
});
