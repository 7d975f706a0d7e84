import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../support/freePort.ts';

const binDir = process.env.PG_BINDIR ?? '/usr/lib/postgresql/15/bin';

export interface RestoredCluster {
  readonly url: string;
  stop(): void;
}

/** The postgres user when running as root (the server refuses root). */
export function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  };
}

/**
 * Starts a server on a restored data directory (pg_ctl -w: returns once recovery reached consistency and it
 * accepts connections), on a free port with its socket inside the directory. `stop()` is a fast shutdown.
 */
export async function startRestoredCluster(dataDir: string): Promise<RestoredCluster> {
  const port = await freePort();
  const owner = postgresUser();
  const options = ['-c', `port=${port}`, '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dataDir}`, '-c', 'archive_mode=off', '-c', 'fsync=off'].join(' ');
  const run = (args: string[]) => execFileSync(join(binDir, 'pg_ctl'), args, { stdio: 'pipe', ...(owner ?? {}) });
  run(['start', '-D', dataDir, '-w', '-t', '60', '-l', join(dataDir, 'restored.log'), '-o', options]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      run(['stop', '-D', dataDir, '-m', 'fast', '-w']);
    },
  };
}
