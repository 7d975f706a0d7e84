import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { describeHistory } from '../../cli/commands/history.ts';
import { decodeHistory } from '../../runtime/codec/decodeHistory.ts';
import { createApiServer } from '../../api/createApiServer.ts';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { closeActivityDeps, createActivityDeps } from '../../activities/ActivityDeps.ts';
import { createActivities } from '../../plugins/createActivities.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { EncryptionCodec } from '../../runtime/codec/EncryptionCodec.ts';
import { parsePayloadKeys, payloadKeysFromEnv } from '../../runtime/codec/PayloadKeyring.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { startTemporal, type TemporalHandle } from '../../runtime/startTemporal.ts';
import { workflowBundle } from '../../runtime/workflowBundle.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { createDbarchWorker } from '../../worker.ts';
import { planFor } from '../runtime/runtimeFixture.ts';
import { expectCode, expectCodeSync } from '../migrations/expectCode.ts';
import { testLog, uniqueTaskQueue } from '../support/temporal.ts';

const newKey = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const payload = (text: string): Payload => ({ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(JSON.stringify(text)) });
const textOf = (p: Payload) => new TextDecoder().decode(p.data ?? new Uint8Array());

/** Every byte string in a fetched history (payload data and metadata), concatenated. */
function bytesOf(value: unknown, out: Buffer[] = []): Buffer[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value));
  else if (Array.isArray(value)) value.forEach((item) => bytesOf(item, out));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((item) => bytesOf(item, out));
  return out;
}

/**
 * Every payload in a fetched history but search attributes (the server indexes those, so they stay plain) and
 * patch markers (the SDK writes the patch ids itself, unencoded, and they are dbarch's own constants).
 */
function payloadsOf(value: unknown, out: Payload[] = []): Payload[] {
  if (Array.isArray(value)) value.forEach((item) => payloadsOf(item, out));
  else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.data instanceof Uint8Array && record.metadata !== null && typeof record.metadata === 'object') out.push(record);
    else if ((record as { markerName?: unknown }).markerName !== 'core_patch') for (const [key, item] of Object.entries(record)) if (key !== 'searchAttributes') payloadsOf(item, out);
  }
  return out;
}

describe('the payload codec', () => {
  it('reads DBARCH_PAYLOAD_KEYS (inline or from a file), newest first, and refuses malformed keys with a code', () => {
    const [one, two] = [newKey('k2'), newKey('k1')];
    const ring = parsePayloadKeys(`${one},${two}`, 'test');
    expect(ring.active.id).to.equal('k2');
    expect([...ring.byId.keys()]).to.deep.equal(['k2', 'k1']);
    const file = join(mkdtempSync(join(tmpdir(), 'dbarch-keys-')), 'keys');
    writeFileSync(file, `${one}\n${two}\n`, { mode: 0o600 });
    expect(payloadKeysFromEnv({ DBARCH_PAYLOAD_KEYS: `file:${file}` })?.active.id).to.equal('k2');
    expect(payloadKeysFromEnv({})).to.equal(undefined);
    expectCodeSync(() => parsePayloadKeys('k1:c2hvcnQ=', 'test'), 'DBA_CODEC_KEYS_INVALID');
    const bare = randomBytes(32).toString('base64');
    expect(expectCodeSync(() => parsePayloadKeys(bare, 'test'), 'DBA_CODEC_KEYS_INVALID').message, 'a key without its id is not quoted').to.not.include(bare.slice(0, 8));
    expectCodeSync(() => parsePayloadKeys(`${one},${one}`, 'test'), 'DBA_CODEC_KEYS_INVALID');
    expectCodeSync(() => payloadKeysFromEnv({ DBARCH_PAYLOAD_KEYS: 'file:/no/such/file' }), 'DBA_CODEC_KEYS_INVALID');
  });

  it('encrypts with the newest key, decrypts with any key of the ring, passes plain payloads through, and refuses a tampered or unknown one', async () => {
    const old = new EncryptionCodec(parsePayloadKeys(newKey('old'), 'test'));
    const [sealed] = await old.encode([payload('s3cret-value')]);
    expect(Buffer.from(sealed!.data!).includes('s3cret-value')).to.equal(false);
    expect(textOf((await old.decode([sealed!]))[0]!)).to.equal('"s3cret-value"');
    expect(textOf((await old.decode([payload('plain')]))[0]!)).to.equal('"plain"');
    const stranger = new EncryptionCodec(parsePayloadKeys(newKey('other'), 'test'));
    await expectCode(stranger.decode([sealed!]), 'DBA_CODEC_KEY_UNKNOWN');
    const tampered = { ...sealed!, data: Buffer.from(sealed!.data!).map((byte, index) => (index === 20 ? byte ^ 1 : byte)) };
    await expectCode(old.decode([tampered]), 'DBA_CODEC_KEY_UNKNOWN');
    // Cut to IV + a 4-byte tag (what GCM would take as a tag without authTagLength): refused before any decryption.
    await expectCode(old.decode([{ ...sealed!, data: Buffer.from(sealed!.data!).subarray(0, 16) }]), 'DBA_CODEC_KEY_UNKNOWN');
  });

  describe('on a real server and worker', () => {
    const keys = newKey('k1');
    const dir = mkdtempSync(join(tmpdir(), 'dbarch-codec-'));
    const dbFile = join(dir, 'temporal.sqlite');
    let temporal: TemporalHandle;
    before(async () => {
      temporal = await startTemporal({ kind: 'embedded', namespace: 'default', ip: '127.0.0.1', dbFile }, { env: { ...process.env, DBARCH_PAYLOAD_KEYS: keys } });
    });
    after(async () => {
      await temporal.close();
    });

    /**
     * Runs a one-step procedure (builtin/sql with `sql`) on a worker with the codec, and returns its outcome as a dbarch
     * client reads it (result or error) and its history as the server holds it (read by a client without the keys).
     */
    const runSqlStep = async (sql: string) => {
      const specDir = mkdtempSync(join(tmpdir(), 'dbarch-codec-spec-'));
      const spec = join(specDir, 'spec.yaml');
      writeFileSync(spec, `apiVersion: dbarch/v1\nprocedures:\n  definitions:\n    secretive:\n      steps:\n        - { id: read, uses: builtin/sql, with: { sql: ${JSON.stringify(sql)} } }\n`);
      const plan = await planFor(spec, 'dev', 'secretive');
      const taskQueue = uniqueTaskQueue('codec');
      const deps = createActivityDeps(serviceUrls(), testLog);
      try {
        const worker = await createDbarchWorker({ connection: temporal.nativeConnection, namespace: temporal.namespace, taskQueue, activities: createActivities(deps), log: testLog, ...(temporal.dataConverter ? { dataConverter: temporal.dataConverter } : {}) });
        let workflowId = '';
        const outcome = await worker.runUntil(async () => {
          ({ workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue));
          return temporal.client.workflow.getHandle(workflowId).result().then((r) => r as InterpreterResult, (error: unknown) => error);
        });
        const history = await new Client({ connection: temporal.connection, namespace: temporal.namespace }).workflow.getHandle(workflowId).fetchHistory();
        return { spec, taskQueue, outcome, history };
      } finally {
        await closeActivityDeps(deps);
      }
    };
    const replay = async (history: Awaited<ReturnType<typeof runSqlStep>>['history'], name: string) =>
      Worker.runReplayHistory({ workflowBundle: await workflowBundle(undefined, temporal.dataConverter?.failureConverterPath), ...(temporal.dataConverter ? { dataConverter: temporal.dataConverter } : {}) }, history, name);

    it('keeps step inputs and results out of history (through the server and in its SQLite file), while dbarch clients, replay and the codec endpoint read them', async () => {
      const marker = `codec-marker-${randomBytes(6).toString('hex')}`;
      const { spec, taskQueue, outcome, history } = await runSqlStep(`SELECT '${marker}' AS marker`);
      expect(((outcome as InterpreterResult).steps.read?.output as { rows: { marker: string }[] }).rows[0]?.marker).to.equal(marker);
      expect(Buffer.concat(bytesOf(history)).includes(marker), 'plaintext in history read through the server').to.equal(false);
      const payloads = payloadsOf(history);
      const encodings = new Set(payloads.map((p) => new TextDecoder().decode(p.metadata?.encoding ?? new Uint8Array())));
      expect(encodings).to.deep.equal(new Set(['binary/encrypted']));
      // The data is there, sealed: the keys open it.
      const opened = await new EncryptionCodec(parsePayloadKeys(keys, 'test')).decode(payloads);
      expect(opened.some((p) => textOf(p).includes(marker))).to.equal(true);
      const files = readdirSync(dir).filter((name) => name.startsWith('temporal.sqlite')).map((name) => join(dir, name));
      expect(files.length).to.be.greaterThan(0);
      for (const file of files) expect(existsSync(file) && readFileSync(file).includes(marker), `plaintext in ${file}`).to.equal(false);

      await replay(history, 'codec');

      const codec = temporal.dataConverter?.payloadCodecs?.[0];
      expect(codec).to.not.equal(undefined);
      const api = createApiServer({ client: temporal.client, specPath: spec, taskQueue, registry: createPluginRegistry(createPluginDeps(serviceUrls(), testLog)), token: 'codec-token', logger: testLog, codec: codec!, uiOrigin: 'http://127.0.0.1:8233' });
      const sealed = payloads[0]!;
      const body = { payloads: [{ metadata: Object.fromEntries(Object.entries(sealed.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])), data: Buffer.from(sealed.data ?? []).toString('base64') }] };
      const refused = await api.inject({ method: 'POST', url: '/codec/decode', payload: body });
      expect(refused.statusCode).to.equal(401);
      const preflight = await api.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin: 'http://127.0.0.1:8233' } });
      expect(preflight.statusCode).to.equal(204);
      expect(preflight.headers['access-control-allow-origin']).to.equal('http://127.0.0.1:8233');
      const decoded = await api.inject({ method: 'POST', url: '/codec/decode', payload: body, headers: { authorization: 'Bearer codec-token' } });
      expect(decoded.statusCode).to.equal(200);
      const [plain] = decoded.json<{ payloads: { metadata: Record<string, string>; data: string }[] }>().payloads;
      expect(Buffer.from(plain!.metadata.encoding ?? '', 'base64').toString()).to.not.equal('binary/encrypted');
      await api.close();
    });

    it('keeps failure messages out of history too: PostgreSQL quotes the failing value in its error', async () => {
      const marker = `codec-failure-${randomBytes(6).toString('hex')}`;
      const { outcome, history } = await runSqlStep(`SELECT '${marker}'::int AS n`);
      // A dbarch client (with the keys) still reads why it failed.
      expect(JSON.stringify(outcome, (_k, v: unknown) => (v instanceof Error ? { message: v.message, cause: v.cause } : v))).to.include(marker);
      // Failure messages and stacks are strings in the history, not byte strings.
      expect(JSON.stringify(history).includes(marker) || Buffer.concat(bytesOf(history)).includes(marker), 'plaintext failure message in history read through the server').to.equal(false);
      for (const file of readdirSync(dir).filter((name) => name.startsWith('temporal.sqlite')).map((name) => join(dir, name))) {
        expect(readFileSync(file).includes(marker), `plaintext failure message in ${file}`).to.equal(false);
      }
      await replay(history, 'codec-failure');
      // `dbarch history` (with the keys) still says why the step failed.
      const readable = describeHistory((await decodeHistory(history, temporal.dataConverter?.payloadCodecs ?? [])).events ?? []);
      expect(readable.find((entry) => entry.event === 'step failed')?.detail).to.include(marker);
    });
  });
});
