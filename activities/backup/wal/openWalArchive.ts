import { localKeyProvider } from '../crypto/localKeyProvider.ts';
import { masterKeyFromReference } from '../crypto/masterKeyFromReference.ts';
import { openObjectStore } from '../store/openObjectStore.ts';
import { s3SettingsFromEnv } from '../store/S3Settings.ts';
import type { WalArchive } from './WalArchive.ts';
import type { WalArchiveConfig } from './WalArchiveConfig.ts';

/** Opens the store and the key provider a configuration names (the key is read now, so a bad one fails early). */
export async function openWalArchive(config: WalArchiveConfig, env: NodeJS.ProcessEnv = process.env): Promise<WalArchive> {
  const s3 = s3SettingsFromEnv(env);
  const store = openObjectStore(config.destination, config.s3Endpoint === undefined ? s3 : { ...s3, endpoint: config.s3Endpoint });
  const keys = config.encryptionKey === undefined ? undefined : localKeyProvider(await masterKeyFromReference(config.encryptionKey, env));
  return { store, config, keys };
}
