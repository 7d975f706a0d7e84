import { fileURLToPath } from 'node:url';

/** The archive_command / restore_command pair that runs this dbarch's wal-push / wal-fetch. */
export interface WalCommands {
  readonly archiveCommand: string;
  readonly restoreCommand: string;
}

/**
 * The commands PostgreSQL runs, naming this node and this checkout by absolute path: the server's PATH need not
 * hold either. `prefix` replaces `<node> <dbarch.js>` (e.g. `/usr/local/bin/dbarch` where dbarch is installed).
 */
export function walCommands(prefix?: string): WalCommands {
  const dbarch = prefix ?? `${shellWord(process.execPath)} ${shellWord(fileURLToPath(new URL('../../../bin/dbarch.js', import.meta.url)))}`;
  return { archiveCommand: `${dbarch} wal-push %p`, restoreCommand: `${dbarch} wal-fetch %f %p` };
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
