import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseRecoveryTarget, type RecoveryTargetInput } from '../activities/backup/restore/parseRecoveryTarget.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { stateDir } from '../runtime/stateDir.ts';
import type { RestoreWorkflowInput } from '../workflows/restoreWorkflow.ts';
import { pitrSettingsOfSpec } from './pitrSettingsOfSpec.ts';

export interface RestoreOptions {
  readonly cluster?: string;
  readonly target: RecoveryTargetInput;
  /** `<dir>`, `<dir>:<port>` or `:<port>`; default a new directory under the state dir and a free port. */
  readonly to?: string;
  readonly overExisting?: boolean;
  readonly countTables?: readonly string[];
}

/**
 * The restore workflow's input from a spec's backup_config and the command line. The target is parsed here, so
 * a malformed one fails before a workflow starts; whether it fits the window and the backups is the workflow's
 * first check, on the worker that sees the stores.
 */
export async function restoreWorkflowInput(paths: readonly string[], options: RestoreOptions, now: Date = new Date()): Promise<RestoreWorkflowInput> {
  parseRecoveryTarget(options.target);
  const settings = await pitrSettingsOfSpec(paths, options.cluster);
  const match = /^(.*?)(?::(\d+))?$/.exec(options.to ?? '');
  const dir = match?.[1] || join(stateDir(), 'restores', `${settings.cluster}-${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}`);
  const port = match?.[2] === undefined ? await freePortOnThisHost() : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DbarchError('DBA_USAGE', `--to ${options.to}: ${port} is not a port`);
  if (options.overExisting === true && options.to === undefined) {
    throw new DbarchError('DBA_USAGE', '--over-existing needs --to <data directory>:<port> of the cluster to replace');
  }
  return {
    cluster: settings.cluster,
    backupDestination: settings.backupDestination,
    ...(settings.keyReference === undefined ? {} : { backupKeyReference: settings.keyReference }),
    wal: settings.wal,
    target: options.target,
    ...(settings.recoveryWindowMs === undefined ? {} : { recoveryWindowMs: settings.recoveryWindowMs }),
    targetDir: dir,
    port,
    ...(options.overExisting === true ? { overExisting: true } : {}),
    ...(options.countTables && options.countTables.length > 0 ? { countTables: options.countTables } : {}),
  };
}

/** A port free here now: the default for a new instance, when the CLI and the worker share the host (dev). */
function freePortOnThisHost(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
