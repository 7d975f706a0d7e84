import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const childScript = fileURLToPath(new URL('../fixtures/migrations/migrateChild.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

export interface MigratorRun {
  readonly child: ChildProcess;
  /** Resolves when the process exits, with its exit code or signal and its parsed JSON output. */
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: { ok: boolean; report?: unknown; error?: { code: string | null } } | null }>;
}

/** Starts test/fixtures/migrations/migrateChild.ts in its own Node process. */
export function spawnMigrator(options: Record<string, unknown>): MigratorRun {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, JSON.stringify(options)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Awaited<MigratorRun['done']>>((resolve) => {
    child.on('exit', (code, signal) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      let output = null;
      try {
        output = line ? (JSON.parse(line) as NonNullable<typeof output>) : null;
      } catch {
        output = null;
      }
      if (output === null && signal === null) console.error(stderr);
      resolve({ code, signal, output });
    });
  });
  return { child, done };
}
