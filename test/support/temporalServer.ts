import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { Connection } from '@temporalio/client';
import { findTemporalCli } from '../../runtime/findTemporalCli.ts';
import { eventually } from './childProcess.ts';
import { freePort } from './freePort.ts';
import { testLogFile } from './testLogFile.ts';

/** A Temporal dev server this test started itself, as an operator would run a cluster: nothing dbarch-specific. */
export interface TemporalServerProcess {
  readonly address: string;
  /** Runs the Temporal CLI against this server (`temporal operator …`); throws when it exits non-zero. */
  cli(args: string[]): string;
  stop(): Promise<void>;
}

/**
 * Spawns `temporal server start-dev` on free ports, in memory, with no search attributes and no dynamic config
 * (unlike dbarch's embedded server), its output appended to the run's log file. Resolves once it answers.
 */
export async function startTemporalServer(): Promise<TemporalServerProcess> {
  const executable = await findTemporalCli();
  if (executable.type !== 'existing-path') throw new Error('external-cluster tests need a Temporal CLI binary (TEMPORAL_CLI_PATH, PATH or the cached build)');
  const binary = executable.path;
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const address = `127.0.0.1:${port}`;
  const log = createWriteStream(testLogFile(), { flags: 'a' });
  const child = spawn(binary, ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(httpPort), '--metrics-port', String(metricsPort), '--log-format', 'json', '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  await eventually(async () => {
    if (gone) throw new Error(`temporal server start-dev exited before answering on ${address} (its output is in ${testLogFile()})`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.close();
      return true;
    } catch {
      return undefined;
    }
  }, `the Temporal server on ${address}`);
  return {
    address,
    cli(args) {
      const run = spawnSync(binary, [...args, '--address', address], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`temporal ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
      return run.stdout;
    },
    async stop() {
      if (!gone) child.kill('SIGTERM');
      await exited;
      log.end();
    },
  };
}
