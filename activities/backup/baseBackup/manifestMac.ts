import { createHmac } from 'node:crypto';
import type { BaseBackupManifest } from './BaseBackupManifest.ts';

/**
 * HMAC-SHA256 under the backup's data key over the manifest without its `mac`: the manifest is plain JSON (it
 * carries the wrapped key), so this is what makes a changed size, checksum or file list detectable.
 */
export function manifestMac(manifest: BaseBackupManifest, dataKey: Buffer): string {
  const { mac: _mac, ...rest } = manifest;
  return createHmac('sha256', dataKey).update(JSON.stringify(rest)).digest('hex');
}
