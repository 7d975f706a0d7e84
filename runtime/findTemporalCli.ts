import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DbarchError } from '../errors/DbarchError.ts';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { cacheDir } from './stateDir.ts';

/** The CLI release we build from Go modules; later tags carry a `replace` directive and cannot be go-installed. */
export const temporalCliVersion = 'v1.5.1';
const goPackage = 'github.com/temporalio/cli/cmd/temporal';

export interface FindTemporalCliOptions {
  env?: NodeJS.ProcessEnv;
  /** Told about slow steps (the first build takes minutes). */
  progress?: (message: string) => void;
}

/**
 * Finds the Temporal CLI that serves the embedded dev server, in order: TEMPORAL_CLI_PATH, `temporal` on PATH,
 * a build cached on this machine, a fresh build with the machine's Go, else the SDK's own download (works only
 * where the internet is reachable).
 */
export async function findTemporalCli(options: FindTemporalCliOptions = {}): Promise<EphemeralServerExecutable> {
  const env = options.env ?? process.env;
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new DbarchError('DBA_TEMPORAL_CLI_MISSING', `TEMPORAL_CLI_PATH=${explicit} is not an executable file.`);
    }
    return { type: 'existing-path', path: explicit };
  }
  const onPath = whichSync('temporal', env);
  if (onPath) return { type: 'existing-path', path: onPath };

  const buildDir = join(cacheDir(env), `temporal-${temporalCliVersion}`);
  const cached = join(buildDir, 'temporal');
  if (isExecutable(cached)) return { type: 'existing-path', path: cached };

  const go = whichSync('go', env);
  if (go) {
    options.progress?.(`Building the Temporal CLI ${temporalCliVersion} from Go modules into ${buildDir} (first run only; a few minutes)…`);
    await goInstall(go, buildDir, env);
    if (isExecutable(cached)) return { type: 'existing-path', path: cached };
    throw new DbarchError('DBA_TEMPORAL_CLI_MISSING', `go install finished but ${cached} is not there.`);
  }
  options.progress?.('No Temporal CLI and no Go found: trying the SDK download (needs internet access)…');
  return { type: 'cached-download', downloadDir: join(cacheDir(env), 'download') };
}

function goInstall(go: string, buildDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, ['install', `${goPackage}@${temporalCliVersion}`], {
      env: { ...env, GOBIN: buildDir, CGO_ENABLED: env.CGO_ENABLED ?? '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', (error) => reject(new DbarchError('DBA_TEMPORAL_CLI_MISSING', `Could not run ${go}: ${error.message}`)));
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new DbarchError('DBA_TEMPORAL_CLI_MISSING', `go install ${goPackage}@${temporalCliVersion} failed (exit ${code}):\n${stderr.trim()}`));
    });
  });
}

function whichSync(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
