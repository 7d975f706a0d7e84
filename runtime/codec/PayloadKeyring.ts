import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DbarchError } from '../../errors/DbarchError.ts';

export interface PayloadKey {
  /** Written into every payload it encrypts (`encryption-key-id`), so rotation never strands old history. */
  readonly id: string;
  readonly key: Buffer;
}

/** The keys payloads are encrypted with: the first encrypts, every one decrypts (what rotation needs). */
export interface PayloadKeyring {
  readonly active: PayloadKey;
  readonly byId: ReadonlyMap<string, PayloadKey>;
}

const idPattern = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * `id:base64key[,id:base64key…]`, 32-byte keys (AES-256), the newest first. Rotation: put a new key in front and
 * keep the old ones until no open workflow's history needs them.
 */
export function parsePayloadKeys(text: string, from: string): PayloadKeyring {
  const keys: PayloadKey[] = [];
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (colon < 1 || !idPattern.test(id) || key.length !== 32) {
      // Only the id is named: an entry without one may be a bare key, and none of its bytes belong in a message.
      throw new DbarchError('DBA_CODEC_KEYS_INVALID', `${from}: ${colon < 1 ? `an entry of ${entry.length} characters without an id` : `"${id}:…"`} is not \`<id>:<32 bytes in base64>\``, {
        hint: 'Make a key with `node -e "console.log(\'k1:\' + require(\'crypto\').randomBytes(32).toString(\'base64\'))"`.',
      });
    }
    if (keys.some((known) => known.id === id)) throw new DbarchError('DBA_CODEC_KEYS_INVALID', `${from}: key id "${id}" appears twice`);
    keys.push({ id, key });
  }
  const [active] = keys;
  if (!active) throw new DbarchError('DBA_CODEC_KEYS_INVALID', `${from} holds no key`);
  return { active, byId: new Map(keys.map((key) => [key.id, key])) };
}

/**
 * DBARCH_PAYLOAD_KEYS: the keys themselves, or `file:` + a path (or file URL) of a file holding them, so the
 * secret can come from a mounted secret rather than the environment. Unset: no encryption (undefined).
 */
export function payloadKeysFromEnv(env: NodeJS.ProcessEnv): PayloadKeyring | undefined {
  const setting = env.DBARCH_PAYLOAD_KEYS?.trim();
  if (!setting) return undefined;
  if (!setting.startsWith('file:')) return parsePayloadKeys(setting, 'DBARCH_PAYLOAD_KEYS');
  const path = setting.startsWith('file://') ? fileURLToPath(setting) : setting.slice('file:'.length);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DbarchError('DBA_CODEC_KEYS_INVALID', `DBARCH_PAYLOAD_KEYS names ${path}, which cannot be read: ${(error as Error).message}`, { cause: error });
  }
  return parsePayloadKeys(text, path);
}
