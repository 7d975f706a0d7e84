import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A test server's binary that `.ci/run` builds with `go install` into ~/.cache/dbarch/<name>-<version>/. */
export interface CachedBinary {
  readonly name: string;
  readonly version: string;
  /** Names the binary instead (`.ci/run` exports it). */
  readonly envVariable: string;
  /** The `go install` package path (without @version). */
  readonly module: string;
  /** Said in the build hint (`about 2 min`). */
  readonly buildTime?: string;
}

/** `$<envVariable>`, else the cached build; throws with the build command, so a missing binary reads as a setup step. */
export function findCachedBinary(binary: CachedBinary): string {
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
    `${binary.name} not found (${binary.envVariable} unset and nothing at ${target}/${binary.name}). Build it${binary.buildTime ? ` (${binary.buildTime})` : ''} with:\n` +
      `  mkdir -p ${target} && GOBIN=${target} CGO_ENABLED=0 go install ${binary.module}@${binary.version}\n` +
      `or run .ci/run, which does the same and exports ${binary.envVariable}.`,
  );
}
