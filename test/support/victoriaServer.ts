import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCachedBinary } from './findCachedBinary.ts';
import { freePort } from './freePort.ts';
import { startServerProcess, type ServerProcess } from './startServerProcess.ts';

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
  return findCachedBinary({ ...binary, buildTime: 'a few minutes' });
}

/** Starts the binary on a free port of 127.0.0.1 with a fresh data directory; resolves once `/health` answers. */
export async function startVictoriaServer(binary: VictoriaBinary): Promise<VictoriaServer> {
  const path = findVictoriaBinary(binary);
  const dataDir = join(tmpdir(), 'dbarch-victoria', `${binary.name}-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let running: ServerProcess | undefined;

  const up = async () => {
    if (running) return;
    running = await startServerProcess({
      name: binary.name,
      binary: path,
      args: [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dataDir}`, ...binary.args],
      endpoint,
      ready: async () => (await fetch(`${endpoint}/health`)).ok,
    });
  };
  const down = async () => {
    const server = running;
    running = undefined;
    await server?.stop();
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
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
