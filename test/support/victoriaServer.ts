import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './childProcess.ts';
import { freePort } from './freePort.ts';
import { testLogFile } from './testLogFile.ts';

/** One of the VictoriaMetrics family's single binaries (victoria-logs, victoria-metrics) and how to build it. */
export interface VictoriaBinary {
  readonly name: 'victoria-logs' | 'victoria-metrics';
  readonly version: string;
  readonly envVariable: string;
  readonly module: string;
  readonly args: readonly string[];
}

/** A started VictoriaLogs or VictoriaMetrics: its own port and data directory. */
export interface VictoriaServer {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** Makes everything ingested so far searchable (`/internal/force_flush`) instead of waiting for the flush interval. */
  forceFlush(): Promise<void>;
  /** Stops the process and keeps its data and port: the receiver is down until `up()`. */
  down(): Promise<void>;
  /** Starts the process again on the same port and data directory; resolves once it answers. */
  up(): Promise<void>;
  /** Stops the process and removes its data directory. */
  stop(): Promise<void>;
}

/** The binary: `$<envVariable>`, else the build `.ci/run` caches; throws with the build command when neither exists. */
export function findVictoriaBinary(binary: Pick<VictoriaBinary, 'name' | 'version' | 'envVariable' | 'module'>): string {
  const target = join(homedir(), '.cache', 'dbarch', `${binary.name}-${binary.version}`);
  for (const candidate of [process.env[binary.envVariable], join(target, binary.name)]) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    `${binary.name} not found (${binary.envVariable} unset and nothing at ${target}/${binary.name}). Build it (a few minutes) with:\n` +
      `  mkdir -p ${target} && GOBIN=${target} CGO_ENABLED=0 go install ${binary.module}@${binary.version}\n` +
      `or run .ci/run, which does the same and exports ${binary.envVariable}.`,
  );
}

/** Starts the binary on a free port of 127.0.0.1 with a fresh data directory; resolves once `/health` answers. */
export async function startVictoriaServer(binary: VictoriaBinary): Promise<VictoriaServer> {
  const path = findVictoriaBinary(binary);
  const dataDir = join(tmpdir(), 'dbarch-victoria', `${binary.name}-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const log = createWriteStream(testLogFile(), { flags: 'a' });
  let running: { exited: Promise<void>; gone: () => boolean; kill: () => void } | undefined;

  const up = async () => {
    if (running) return;
    const child = spawn(path, [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dataDir}`, ...binary.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-16_384);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    let gone = false;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    void exited.then(() => (gone = true));
    running = { exited, gone: () => gone, kill: () => child.kill('SIGTERM') };
    await eventually(async () => {
      if (gone) throw new Error(`${binary.name} exited before answering on ${endpoint}:\n${output}`);
      try {
        const response = await fetch(`${endpoint}/health`);
        return response.ok ? true : undefined;
      } catch {
        return undefined;
      }
    }, `${binary.name} on ${endpoint}`, 20_000);
  };
  const down = async () => {
    if (!running) return;
    const { exited, gone, kill } = running;
    running = undefined;
    if (!gone()) kill();
    await exited;
  };

  try {
    await up();
  } catch (error) {
    await down();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoint,
    async forceFlush() {
      const response = await fetch(`${endpoint}/internal/force_flush`);
      if (!response.ok) throw new Error(`${binary.name} force_flush answered ${response.status}: ${await response.text()}`);
    },
    down,
    up,
    async stop() {
      await down();
      log.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
