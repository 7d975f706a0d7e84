import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort.ts';

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

/** Starts kfake on a free port and resolves once it listens; `stop()` in `after`. */
export async function startKfake(): Promise<Kfake> {
  const path = kfakePath();
  if (!existsSync(path)) throw new Error(`kfake is not built at ${path}: run .ci/run, or (cd tools/kfake && go build -o ${path} .)`);
  const port = await freePort();
  const child = spawn(path, ['-port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('kfake listening')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`kfake exited (${code}): ${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    broker: `127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
