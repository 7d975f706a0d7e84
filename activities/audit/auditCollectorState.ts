import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DbarchError } from '../../errors/DbarchError.ts';
import { noAuditProgress, type AuditProgress } from './AuditProgress.ts';
import type { LogPosition } from './LogPosition.ts';

/**
 * What the collector keeps on disk beside its spools (`<directory>/state.json`): per member the log position up to
 * which every audit event is in every target's spool (or shipped), the next batch number, and the counters.
 */
export interface AuditCollectorState {
  readonly version: 1;
  readonly cluster: string;
  readonly nextSeq: number;
  readonly positions: Readonly<Record<string, LogPosition>>;
  readonly progress: AuditProgress;
}

const stateFile = (directory: string) => path.join(directory, 'state.json');

/** The saved state, or undefined for a collector that never ran here. DBA_AUDIT_STATE_INVALID for another cluster's or a corrupt file. */
export async function loadAuditCollectorState(directory: string, cluster: string): Promise<AuditCollectorState | undefined> {
  let text: string;
  try {
    text = await readFile(stateFile(directory), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let state: AuditCollectorState;
  try {
    state = JSON.parse(text) as AuditCollectorState;
  } catch (cause) {
    throw new DbarchError('DBA_AUDIT_STATE_INVALID', `${stateFile(directory)} is not JSON`, { cause });
  }
  if (state.version !== 1 || state.cluster !== cluster) {
    throw new DbarchError('DBA_AUDIT_STATE_INVALID', `${stateFile(directory)} is the state of ${JSON.stringify(state.cluster)} (version ${String(state.version)}), not of cluster ${cluster}`);
  }
  return { ...state, progress: { ...noAuditProgress, ...state.progress } };
}

/** Replaces the state file atomically (a temporary file renamed over it): a kill leaves the old state or the new. */
export async function saveAuditCollectorState(directory: string, state: AuditCollectorState): Promise<void> {
  await mkdir(directory, { recursive: true });
  const target = stateFile(directory);
  await writeFile(`${target}.tmp`, JSON.stringify(state));
  await rename(`${target}.tmp`, target);
}
