import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './EncryptionCodec.ts';
import { payloadKeysFromEnv } from './PayloadKeyring.ts';

/** The module whose `failureConverter` encodes failure messages into payloads (a path: workflow bundles load it). */
export const encodedFailureConverterPath = fileURLToPath(new URL('./encodedFailureConverter.ts', import.meta.url));

/**
 * What every dbarch process (worker, CLI, API, dev) hands its Temporal clients and workers: payloads encrypted
 * with DBARCH_PAYLOAD_KEYS when it is set, so step inputs, results, approvals and failure messages never reach
 * history in plain text.
 */
export function dbarchDataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const keys = payloadKeysFromEnv(env);
  return keys === undefined ? undefined : { payloadCodecs: [new EncryptionCodec(keys)], failureConverterPath: encodedFailureConverterPath };
}
