import { join } from 'node:path';

export interface BackupFiles {
  /** The dump under its final name: only ever created by renaming a finished dump. */
  readonly dump: string;
  /** Written (by rename) after the dump: a backup is complete exactly when this exists and matches. */
  readonly manifest: string;
  /** Names attempts write to before renaming; a fresh attempt removes the ones a dead attempt left. */
  readonly partialPrefix: string;
}

export function backupFiles(directory: string, backupId: string): BackupFiles {
  return {
    dump: join(directory, `${backupId}.dump`),
    manifest: join(directory, `${backupId}.manifest.json`),
    partialPrefix: `${backupId}.partial-`,
  };
}
