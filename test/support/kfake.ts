import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort.ts';
import { startServerProcess } from './startServerProcess.ts';

/** The kfake build of tools/kfake (`.ci/run` builds it there): franz-go's in-memory Kafka-protocol broker. */
export const kfakeVersion = 'v0.0.0-20260918054303-01f206a7e32c';

export function kfakePath(): string {
  return process.env.DBARCH_KFAKE_PATH ?? join(process.env.DBARCH_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dbarch'), `kfake-${kfakeVersion}`, 'kfake');
}

export interface Kfake {
  /** `127.0.0.1:<port>` */
  readonly broker: string;
  stop(): Promise<void>;
}

/** Starts kfake on a free port and resolves once it says it listens; `stop()` in `after`. */
export async function startKfake(): Promise<Kfake> {
  const path = kfakePath();
  if (!existsSync(path)) throw new Error(`kfake is not built at ${path}: run .ci/run, or (cd tools/kfake && go build -o ${path} .)`);
  const port = await freePort();
  const broker = `127.0.0.1:${port}`;
  const server = await startServerProcess({ name: 'kfake', binary: path, args: ['-port', String(port)], endpoint: broker, ready: (output) => output.includes('kfake listening') });
  return {
    broker,
    stop: () => server.stop(),
  };
}
