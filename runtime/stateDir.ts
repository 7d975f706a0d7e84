import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where `dbarch dev` keeps what must survive a restart (Temporal's SQLite file, logs): DBARCH_STATE_DIR or ./.dbarch. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = resolve(env.DBARCH_STATE_DIR || '.dbarch');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Where machine-wide reusable builds live (the Temporal CLI): DBARCH_CACHE_DIR, XDG_CACHE_HOME/dbarch or ~/.cache/dbarch. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DBARCH_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dbarch');
  mkdirSync(dir, { recursive: true });
  return dir;
}
