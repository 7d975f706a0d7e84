import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { eventually } from './childProcess.ts';
import { testLogFile } from './testLogFile.ts';

export interface ServerProcessOptions {
  /** Names the server in errors (`local-kms`). */
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Where it listens (http://127.0.0.1:<port>), said in errors. */
  readonly endpoint: string;
  /** True once the server answers (a request that fails is not ready yet); `output` is the tail of what it printed. */
  ready(output: string): boolean | Promise<boolean>;
}

export interface ServerProcess {
  /** Whether the process has exited. */
  gone(): boolean;
  /** SIGTERM unless gone, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Spawns a test server, its output appended to the test log, and resolves once `ready()` is true; a server that
 * exits first, or is not ready within 20 s, is stopped and the error carries the tail of its output.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const { name, endpoint } = options;
  const child = spawn(options.binary, [...options.args], { stdio: ['ignore', 'pipe', 'pipe'], ...(options.env ? { env: options.env } : {}) });
  const log = createWriteStream(testLogFile(), { flags: 'a' });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-16_384);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let gone = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve())).then(() => {
    gone = true;
  });
  // 'close', not 'exit': the output may still be flowing when the process has exited.
  child.once('close', () => log.end());
  const server: ServerProcess = {
    gone: () => gone,
    async stop() {
      if (!gone) child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    await eventually(async () => {
      if (gone) throw new Error(`${name} exited before answering on ${endpoint}:\n${output}`);
      const ready = await Promise.resolve(output).then((tail) => options.ready(tail)).catch(() => false);
      return ready ? true : undefined;
    }, `${name} on ${endpoint}`, 20_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
