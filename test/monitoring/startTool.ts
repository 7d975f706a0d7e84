import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../support/childProcess.ts';
import { freePort } from '../support/freePort.ts';

export interface RunningTool {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Its own scratch directory (config, data). */
  readonly dir: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus or Alertmanager (Debian's binaries) on a free port with a scratch directory, never as a
 * service, and waits until /-/ready answers. `args` gets the directory and the listen address.
 */
export async function startTool(binary: string, args: (dir: string, listen: string) => string[]): Promise<RunningTool> {
  const dir = mkdtempSync(join(tmpdir(), `dbarch-${binary}-`));
  const port = await freePort();
  const child: ChildProcessWithoutNullStreams = spawn(binary, args(dir, `127.0.0.1:${port}`), { stdio: 'pipe' });
  let output = '';
  const append = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-65_536));
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!gone) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(async () => {
      if (gone) throw new Error(`${binary} exited:\n${output}`);
      return fetch(`${url}/-/ready`).then((r) => (r.ok ? true : undefined), () => undefined);
    }, `${binary} to be ready`, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, dir, output: () => output, stop };
}
