import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './EncryptionCodec.ts';
import { payloadKeysFromEnv } from './PayloadKeyring.ts';

/**
 * What every dbarch process (worker, CLI, API, dev) hands its Temporal clients and workers: payloads encrypted
 * with DBARCH_PAYLOAD_KEYS when it is set, so step inputs, results and approvals never reach history in plain text.
 */
export function dbarchDataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const keys = payloadKeysFromEnv(env);
  return keys === undefined ? undefined : { payloadCodecs: [new EncryptionCodec(keys)] };
}
