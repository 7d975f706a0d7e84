import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { compressStream } from '../../activities/backup/compression/compressStream.ts';
import { decompressStream } from '../../activities/backup/compression/decompressStream.ts';
import { decryptStream } from '../../activities/backup/crypto/decryptStream.ts';
import { encryptStream } from '../../activities/backup/crypto/encryptStream.ts';
import { localKeyProvider } from '../../activities/backup/crypto/localKeyProvider.ts';
import { masterKeyFromReference } from '../../activities/backup/crypto/masterKeyFromReference.ts';
import { readSecret } from '../../activities/keys/readSecret.ts';
import { expectCode } from '../migrations/expectCode.ts';

async function run(input: Buffer, ...stages: NodeJS.ReadWriteStream[]): Promise<{ output: Buffer; released: number }> {
  const chunks: Buffer[] = [];
  let released = 0;
  const sink = new Writable({
    write(chunk: Buffer, _e, callback) {
      chunks.push(chunk);
      released += chunk.length;
      callback();
    },
  });
  await pipeline([Readable.from([input]), ...stages, sink]);
  return { output: Buffer.concat(chunks), released };
}

async function encrypt(plain: Buffer, key: Buffer, context = 'obj', chunkSize = 1000): Promise<Buffer> {
  return (await run(plain, encryptStream(key, { context, chunkSize }))).output;
}

/** Released bytes of a failing decryption, collected until the error, to prove nothing of a bad chunk got out. */
async function decryptFailing(sealed: Buffer, key: Buffer, code: string, context = 'obj'): Promise<number> {
  let released = 0;
  const sink = new Writable({
    write(chunk: Buffer, _e, callback) {
      released += chunk.length;
      callback();
    },
  });
  await expectCode(pipeline(Readable.from([sealed]), decryptStream(key, { context }), sink), code);
  return released;
}

describe('backup encryption: chunked AES-256-GCM framing, data keys, master keys', () => {
  const key = randomBytes(32);
  const plain = randomBytes(10_500); // ten full 1000-byte chunks and a short final one

  it('round-trips any length, including empty and an exact multiple of the chunk size', async () => {
    for (const length of [0, 1, 999, 1000, 1001, 10_000, 10_500]) {
      const input = plain.subarray(0, length);
      const sealed = await encrypt(input, key);
      const { output } = await run(sealed, decryptStream(key, { context: 'obj' }));
      expect(output.equals(input), `length ${length}`).to.equal(true);
    }
  });

  it('refuses a flipped byte with DBA_BACKUP_CHUNK_TAMPERED and releases no byte of that chunk', async () => {
    const sealed = await encrypt(plain, key);
    // Chunk 3 of frames of 1000 + 33 bytes after the 32-byte header: flip a ciphertext byte in its middle.
    const tampered = Buffer.from(sealed);
    const at = 32 + 3 * 1033 + 17 + 500;
    tampered[at] = tampered[at]! ^ 1;
    const released = await decryptFailing(tampered, key, 'DBA_BACKUP_CHUNK_TAMPERED');
    expect(released).to.equal(3000);
  });

  it('refuses reordered chunks, a chunk from another object, and bytes after the end', async () => {
    const sealed = await encrypt(plain, key);
    const frame = (i: number) => sealed.subarray(32 + i * 1033, 32 + (i + 1) * 1033);
    const swapped = Buffer.concat([sealed.subarray(0, 32), frame(1), frame(0), sealed.subarray(32 + 2 * 1033)]);
    await decryptFailing(swapped, key, 'DBA_BACKUP_CHUNK_TAMPERED');
    await decryptFailing(sealed, key, 'DBA_BACKUP_CHUNK_TAMPERED', 'another-object');
    await decryptFailing(Buffer.concat([sealed, Buffer.alloc(40)]), key, 'DBA_BACKUP_CHUNK_TAMPERED');
  });

  it('refuses a truncated object with DBA_BACKUP_TRUNCATED, cut at a chunk boundary or inside one', async () => {
    const sealed = await encrypt(plain, key);
    expect(await decryptFailing(sealed.subarray(0, 32 + 5 * 1033), key, 'DBA_BACKUP_TRUNCATED')).to.equal(5000);
    await decryptFailing(sealed.subarray(0, sealed.length - 1), key, 'DBA_BACKUP_TRUNCATED');
    await decryptFailing(sealed.subarray(0, 10), key, 'DBA_BACKUP_TRUNCATED');
  });

  it('tells a wrong data key from tampering: DBA_BACKUP_KEY_WRONG before any byte', async () => {
    const sealed = await encrypt(plain, key);
    expect(await decryptFailing(sealed, randomBytes(32), 'DBA_BACKUP_KEY_WRONG')).to.equal(0);
  });

  it('wraps a data key under a master key; another master key is DBA_BACKUP_KEY_WRONG', async () => {
    const master = localKeyProvider(randomBytes(32));
    const dataKey = randomBytes(32);
    const wrapped = await master.wrapKey(dataKey);
    expect(wrapped.keyId).to.equal(master.keyId);
    expect(wrapped.ciphertext).to.not.include(dataKey.toString('base64'));
    expect((await master.unwrapKey(wrapped)).equals(dataKey)).to.equal(true);
    await expectCode(localKeyProvider(randomBytes(32)).unwrapKey(wrapped), 'DBA_BACKUP_KEY_WRONG');
    const forged = { ...wrapped, tag: Buffer.alloc(16).toString('base64') };
    await expectCode(master.unwrapKey(forged), 'DBA_BACKUP_KEY_WRONG');
  });

  it('reads the master key from ${ENV} or file://, in base64 or hex, with coded errors otherwise', async () => {
    const raw = randomBytes(32);
    expect((await masterKeyFromReference('${K}', { K: raw.toString('base64') })).equals(raw)).to.equal(true);
    expect((await masterKeyFromReference('${K}', { K: `${raw.toString('hex')}\n` })).equals(raw)).to.equal(true);
    const dir = mkdtempSync(join(tmpdir(), 'dbarch-key-'));
    try {
      writeFileSync(join(dir, 'key'), `${raw.toString('base64')}\n`);
      expect((await masterKeyFromReference(`file://${dir}/key`)).equals(raw)).to.equal(true);
      await expectCode(masterKeyFromReference(`file://${dir}/absent`), 'DBA_BACKUP_KEY_MISSING');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await expectCode(masterKeyFromReference('${UNSET_KEY_X}', {}), 'DBA_BACKUP_KEY_MISSING');
    await expectCode(masterKeyFromReference('${K}', { K: 'short' }), 'DBA_BACKUP_KEY_INVALID');
    await expectCode(masterKeyFromReference('inline-secret'), 'DBA_BACKUP_KEY_INVALID');
    // The key itself passed where its reference belongs: the refusal (an activity failure's message, stored in
    // Temporal history in plain text) must not repeat it.
    const pasted = await expectCode(masterKeyFromReference(raw.toString('base64')), 'DBA_BACKUP_KEY_INVALID');
    expect(pasted.message).not.to.include(raw.toString('base64'));
    const read = await expectCode(readSecret(raw.toString('hex')), 'DBA_SPEC_INLINE_SECRET');
    expect(read.message).not.to.include(raw.toString('hex'));
  });

  it('compresses with zstd, gzip, lz4 and none; a damaged stream is DBA_BACKUP_COMPRESSION_FAILED', async () => {
    const input = Buffer.concat([randomBytes(200_000), Buffer.alloc(2_000_000, 'a')]);
    for (const algorithm of ['zstd', 'gzip', 'lz4', 'none'] as const) {
      const packed = (await run(input, compressStream({ algorithm }))).output;
      if (algorithm !== 'none') expect(packed.length, algorithm).to.be.lessThan(input.length / 2);
      const { output } = await run(packed, decompressStream(algorithm));
      expect(output.equals(input), algorithm).to.equal(true);
      if (algorithm === 'none') continue;
      await expectCode(run(packed.subarray(0, packed.length - 100), decompressStream(algorithm)), 'DBA_BACKUP_COMPRESSION_FAILED');
    }
  });
});
