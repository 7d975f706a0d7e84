import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { DbarchError } from '../../errors/DbarchError.ts';
import { DatabaseClient } from '../../gateway/client/DatabaseClient.ts';
import { memberPaths } from '../../activities/cluster/memberPaths.ts';
import { provisionCluster } from '../../activities/cluster/provisionCluster.ts';
import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import { issueClientCertificate } from '../../activities/tls/issueClientCertificate.ts';
import { loadInternalCa, replaceInternalCa } from '../../activities/tls/loadInternalCa.ts';
import { createInternalCa } from '../../activities/tls/createInternalCa.ts';
import { internalCaPem, trustBundlePem } from '../../activities/tls/internalCaPem.ts';
import { issueCertificate } from '../../activities/tls/issueCertificate.ts';
import { memberTlsFiles } from '../../activities/tls/memberTlsFiles.ts';
import { normaliseSerial, probeServerCertificate } from '../../activities/tls/probeServerCertificate.ts';
import { rotateClusterTls } from '../../activities/tls/rotateClusterTls.ts';
import { tlsFixture, type TlsFixture } from './tlsFixture.ts';

type Ssl = pg.ClientConfig['ssl'];

async function connect(port: number, user: string, ssl: Ssl): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port, user, database: 'postgres', ssl, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

async function sslState(client: pg.Client): Promise<{ version: string; cipher: string; client_dn: string | null }> {
  const { rows } = await client.query<{ version: string; cipher: string; client_dn: string | null }>('SELECT version, cipher, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  return rows[0]!;
}

async function refusal(run: () => Promise<pg.Client>): Promise<string> {
  try {
    const client = await run();
    await client.end();
  } catch (error) {
    // A server's refusal carries its SQLSTATE; a refused handshake, Node's code and OpenSSL's alert.
    const { code, message } = error as Error & { code?: string };
    return code === undefined || code === 'EPROTO' ? message : code;
  }
  throw new Error('the connection was accepted');
}

describe('TLS: internal CA, TLS 1.3 only, certificate roles, rotation with reload', function () {
  this.timeout(120_000);
  let f: TlsFixture;
  let ca: string;
  let port: number;
  let host: string;

  before(async () => {
    f = await tlsFixture();
    // Files first (the members do not exist yet), then `cluster up` starts them with TLS on.
    const first = await rotateClusterTls(f.cluster, f.tls);
    expect(first.ca.created).to.equal(true);
    expect(first.members.map((m) => [m.action, m.reason, m.reloaded])).to.deep.equal([['issued', 'missing', false], ['issued', 'missing', false]]);
    await provisionCluster(f.cluster, { checkTimeoutMs: 1000 });
    const primary = f.cluster.members[0]!;
    port = primary.port;
    host = primary.host;
    const admin = new pg.Client({ connectionString: memberUrl(primary) });
    await admin.connect();
    await admin.query('CREATE ROLE orders_service LOGIN; CREATE ROLE reporting LOGIN');
    await admin.end();
    ca = trustBundlePem((await loadInternalCa(f.tls.caReference, { name: f.tls.caName })).ca);
  });
  after(async () => {
    await f?.cleanup();
  });

  it('serves TLS 1.3 with the spec\'s suite to a verify-full client of the internal CA; refuses TLS 1.2, other suites and a wrong CA', async () => {
    const client = await connect(port, 'reporting', { ca, minVersion: 'TLSv1.3' });
    expect(await sslState(client)).to.deep.equal({ version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', client_dn: null });
    await client.end();
    // verify-full: pg checks the chain and the host against the certificate's SAN (127.0.0.1); so does the probe.
    expect((await probeServerCertificate(host, port, ca)).protocol).to.equal('TLSv1.3');
    expect(await refusal(() => connect(port, 'reporting', { ca, maxVersion: 'TLSv1.2' }))).to.match(/protocol version|alert/i);
    expect(await refusal(() => connect(port, 'reporting', { ca, ciphers: 'TLS_AES_128_GCM_SHA256' }))).to.match(/handshake failure|alert/i);
    const stranger = trustBundlePem((await loadInternalCa(`file://${f.dir}/other-ca.pem`, { name: 'other', create: true })).ca);
    expect(await refusal(() => connect(port, 'reporting', { ca: stranger }))).to.equal('SELF_SIGNED_CERT_IN_CHAIN');
    // require: no TLS, no login (28000: pg_hba rejects), for every role but dbarch's postgres path.
    expect(await refusal(() => connect(port, 'reporting', false))).to.equal('28000');
  });

  it('logs a service role in by its client certificate, and only by it', async () => {
    const credentials = await issueClientCertificate(f.tls, 'orders_service');
    const client = await connect(port, 'orders_service', { ca: credentials.caPem, cert: credentials.certificatePem, key: credentials.privateKeyPem });
    expect((await sslState(client)).client_dn).to.equal('/CN=orders_service');
    expect((await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u).to.equal('orders_service');
    await client.end();
    // Without a certificate, or with a certificate of another name: refused by `cert` auth.
    expect(await refusal(() => connect(port, 'orders_service', { ca }))).to.equal('28000');
    expect(await refusal(() => connect(port, 'orders_service', false))).to.equal('28000');
    const unknown = await issueClientCertificate(f.tls, 'reporting').catch((e: { code: string }) => e.code);
    expect(unknown).to.equal('DBA_TLS_UNKNOWN_ROLE');
  });

  it('rotates: new certificates served after a reload, an open session keeps its connection, a re-run changes nothing', async () => {
    const credentials = await issueClientCertificate(f.tls, 'orders_service');
    const open = await connect(port, 'orders_service', { ca, cert: credentials.certificatePem, key: credentials.privateKeyPem });
    const pid = (await open.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    const before = await probeServerCertificate(host, port, ca);
    const rotation = await rotateClusterTls(f.cluster, f.tls, { force: true });
    expect(rotation.members.map((m) => [m.action, m.reason, m.reloaded, m.restartNeeded])).to.deep.equal([['issued', 'forced', true, false], ['issued', 'forced', true, false]]);
    const after = await probeServerCertificate(host, port, ca);
    expect(after.serial).to.equal(normaliseSerial(rotation.members[0]!.serial)).and.not.equal(before.serial);
    expect((await open.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid).to.equal(pid);
    await open.end();
    const fresh = await connect(port, 'orders_service', { ca, cert: credentials.certificatePem, key: credentials.privateKeyPem });
    expect((await sslState(fresh)).version).to.equal('TLSv1.3');
    await fresh.end();
    const again = await rotateClusterTls(f.cluster, f.tls);
    expect(again.members.map((m) => [m.action, m.reloaded])).to.deep.equal([['kept', false], ['kept', false]]);
    // Certificates issued 91 days ago are due (rotation_days: 90), though still valid for a month.
    await rotateClusterTls(f.cluster, f.tls, { force: true, now: new Date(Date.now() - 91 * 86_400_000) });
    const due = await rotateClusterTls(f.cluster, f.tls);
    expect(due.members.map((m) => [m.reason, m.reloaded])).to.deep.equal([['due', true], ['due', true]]);
  });

  it('replaces the CA: members get certificates of the new CA, clients trusting only it verify them, old client certificates still log in', async () => {
    const old = (await loadInternalCa(f.tls.caReference, { name: f.tls.caName })).ca;
    const credentials = await issueClientCertificate(f.tls, 'orders_service');
    const open = await connect(port, 'orders_service', { ca, cert: credentials.certificatePem, key: credentials.privateKeyPem });
    const next = await replaceInternalCa(f.tls.caReference, old, f.tls.caName);
    const rotation = await rotateClusterTls(f.cluster, f.tls);
    expect(rotation.members.map((m) => m.reason)).to.deep.equal(['ca-changed', 'ca-changed']);
    const onlyNew = next.certificate.toString('pem');
    expect((await probeServerCertificate(host, port, onlyNew)).serial).to.equal(normaliseSerial(rotation.members[0]!.serial));
    expect(await refusal(() => connect(port, 'reporting', { ca: old.certificate.toString('pem') }))).to.match(/CERT|signature|issuer/i);
    // The member's trust file holds both CAs, so the client certificate of the old CA still authenticates.
    const withOldCert = await connect(port, 'orders_service', { ca: onlyNew, cert: credentials.certificatePem, key: credentials.privateKeyPem });
    await withOldCert.end();
    expect((await open.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
    await open.end();
    expect(memberTlsFiles(memberPaths(f.cluster, f.cluster.members[1]!)).trust).to.match(/tls\/ca\.crt$/);
  });

  it('reads an ${ENV} CA as init-ca prints it; an unset reference is DBA_TLS_CA_MISSING, a certificate that is no CA DBA_TLS_CA_INVALID', async () => {
    const env = { DBARCH_TEST_CA: await internalCaPem(await createInternalCa({ name: 'env-ca' })) };
    expect((await loadInternalCa('${DBARCH_TEST_CA}', { name: 'x', env })).ca.certificate.subject).to.equal('CN=env-ca, O=dbarch');
    const code = (run: Promise<unknown>) => run.then(() => 'loaded', (error: { code: string }) => error.code);
    expect(await code(loadInternalCa('${DBARCH_TEST_CA}', { name: 'x', env: {} }))).to.equal('DBA_TLS_CA_MISSING');
    const ca = (await loadInternalCa(f.tls.caReference, { name: f.tls.caName })).ca;
    const leaf = await issueCertificate(ca, { commonName: 'not-a-ca', usage: 'client', days: 1 });
    expect(await code(loadInternalCa('${DBARCH_TEST_CA}', { name: 'x', env: { DBARCH_TEST_CA: leaf.privateKeyPem + leaf.certificatePem } }))).to.equal('DBA_TLS_CA_INVALID');
  });

  it('DatabaseClient connects with mTLS from service_mesh.mtls (verify-full) and queries; a wrong CA is DBA_CLIENT_TLS', async () => {
    const credentials = await issueClientCertificate(f.tls, 'orders_service');
    mkdirSync(f.clientDir, { recursive: true });
    writeFileSync(path.join(f.clientDir, 'ca.crt'), credentials.caPem);
    writeFileSync(path.join(f.clientDir, 'orders_service.crt'), credentials.certificatePem);
    writeFileSync(path.join(f.clientDir, 'orders_service.key'), credentials.privateKeyPem, { mode: 0o600 });
    const connection = `postgres://orders_service@127.0.0.1:${port}/postgres`;
    const client = new DatabaseClient({ spec: f.spec, serviceName: 'orders-db', connection, controlUrl: null, maxAttempts: 1 });
    try {
      const result = await client.query<{ version: string; dn: string; u: string }>('SELECT s.version, s.client_dn AS dn, current_user AS u FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()');
      expect(result.rows).to.deep.equal([{ version: 'TLSv1.3', dn: '/CN=orders_service', u: 'orders_service' }]);
    } finally {
      await client.close();
    }
    const otherCa = path.join(f.dir, 'other-ca.crt');
    writeFileSync(otherCa, (await loadInternalCa(`file://${f.dir}/other-ca.pem`, { name: 'other', create: true })).ca.certificate.toString('pem'));
    const wrong = new DatabaseClient({
      spec: f.spec, serviceName: 'orders-db', connection, controlUrl: null, maxAttempts: 1,
      tls: { ca: `file://${otherCa}`, certificate: `file://${f.clientDir}/orders_service.crt`, key: `file://${f.clientDir}/orders_service.key` },
    });
    try {
      const failure = await wrong.query('SELECT 1').then(() => undefined, (error: DbarchError) => error);
      expect(failure?.code).to.equal('DBA_CLIENT_TLS');
      expect(failure?.details.tlsCode).to.equal('SELF_SIGNED_CERT_IN_CHAIN');
    } finally {
      await wrong.close();
    }
  });
});
