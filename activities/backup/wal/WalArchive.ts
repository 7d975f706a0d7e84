import type { KeyProvider } from '../crypto/KeyProvider.ts';
import type { ObjectStore } from '../store/ObjectStore.ts';
import type { WalArchiveConfig } from './WalArchiveConfig.ts';

/** An opened WAL archive: its store, its configuration and (when WAL is encrypted) the master key provider. */
export interface WalArchive {
  readonly store: ObjectStore;
  readonly config: WalArchiveConfig;
  readonly keys: KeyProvider | undefined;
}
