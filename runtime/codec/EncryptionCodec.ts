import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { PayloadKeyring } from './PayloadKeyring.ts';

// A CommonJS package: its namespaces are read off the default export under native ESM (bin/dbarch.js).
const { Payload: PayloadMessage } = proto.temporal.api.common.v1;
const encoding = 'binary/encrypted';
const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : '');

/**
 * AES-256-GCM over the whole payload (its metadata and data, serialised), so history holds neither step inputs
 * nor their encoding in plain text. The key id travels in the metadata; decoding takes any key of the ring, and
 * passes through payloads that were never encrypted (history written before the codec was turned on).
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeyring) {}

  // async: a payload that cannot be opened rejects, as the SDK expects, rather than throwing.
  // eslint-disable-next-line @typescript-eslint/require-await
  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys.active;
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
      const plain = PayloadMessage.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8(encoding), 'encryption-key-id': utf8(id) }, data: sealed };
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== encoding) return payload;
      const id = text(payload.metadata?.['encryption-key-id']);
      const found = this.keys.byId.get(id);
      if (!found) {
        throw new DbarchError('DBA_CODEC_KEY_UNKNOWN', `a payload is encrypted with key "${id}", which DBARCH_PAYLOAD_KEYS does not hold`, {
          hint: 'Keep retired keys after the active one in DBARCH_PAYLOAD_KEYS until no history needs them.',
        });
      }
      const sealed = Buffer.from(payload.data ?? []);
      try {
        // A full 16-byte tag, always: without authTagLength GCM takes a tag as short as 4 bytes, and data shorter
        // than IV + tag would hand setAuthTag a short slice (an easier forgery).
        if (sealed.length < 28) throw new Error(`${sealed.length} bytes: shorter than IV and tag`);
        const decipher = createDecipheriv('aes-256-gcm', found.key, sealed.subarray(0, 12), { authTagLength: 16 });
        decipher.setAuthTag(sealed.subarray(sealed.length - 16));
        const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
        return PayloadMessage.decode(plain);
      } catch (error) {
        throw new DbarchError('DBA_CODEC_KEY_UNKNOWN', `a payload encrypted with key "${id}" does not authenticate with that key`, { cause: error });
      }
    });
  }
}
