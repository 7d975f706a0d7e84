/**
 * A backup process of its own, for the kill tests: `node --import tsx test/backup/runBaseBackup.ts <request json>`.
 * Prints `progress <tar bytes>` lines while streaming and `done <attempt>` at the end; the master key comes hex
 * encoded in the request.
 */
import { takeBaseBackup } from '../../activities/backup/baseBackup/takeBaseBackup.ts';
import { localKeyProvider } from '../../activities/backup/crypto/localKeyProvider.ts';

const { masterKeyHex, ...request } = JSON.parse(process.argv[2]!) as Parameters<typeof takeBaseBackup>[0] & { masterKeyHex: string };
const manifest = await takeBaseBackup(
  { ...request, keyProvider: localKeyProvider(Buffer.from(masterKeyHex, 'hex')) },
  { signal: new AbortController().signal, progress: (p) => console.log(`progress ${p.tarBytes}`) },
);
console.log(`done ${manifest.attempt}`);
