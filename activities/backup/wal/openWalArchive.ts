import { parseDestinationUrl } from '../../../compiler/grammar/parseDestinationUrl.ts';
import { keyProviderFromReference } from '../crypto/keyProviderFromReference.ts';
import { fileStore } from '../store/fileStore.ts';
import type { ObjectStore } from '../store/ObjectStore.ts';
import { s3SettingsFromEnv } from '../store/S3Settings.ts';
import type { WalArchive } from './WalArchive.ts';
import type { WalArchiveConfig } from './WalArchiveConfig.ts';

/**
 * Opens the store and the key provider a configuration names (a local key is read now, so a bad one fails early).
 * wal-push runs once per segment: a file:// archive opens its store directly, without loading the AWS SDK that
 * openObjectStore imports for s3:// (a third of the command's start-up).
 */
export async function openWalArchive(config: WalArchiveConfig, env: NodeJS.ProcessEnv = process.env): Promise<WalArchive> {
  const parsed = parseDestinationUrl(config.destination);
  let store: ObjectStore;
  if (parsed.ok && parsed.value.scheme === 'file') store = fileStore(config.destination, parsed.value.path);
  else {
    const { openObjectStore } = await import('../store/openObjectStore.ts');
    const s3 = s3SettingsFromEnv(env);
    store = openObjectStore(config.destination, config.s3Endpoint === undefined ? s3 : { ...s3, endpoint: config.s3Endpoint });
  }
  const keys = config.encryptionKey === undefined ? undefined : await keyProviderFromReference(config.encryptionKey, env);
  return { store, config, keys };
}
