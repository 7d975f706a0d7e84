import { DbarchError } from '../../errors/DbarchError.ts';
import { compareVersions, versionParts } from './compareVersions.ts';
import { insertHistoryRow, readHistory } from './historyTable.ts';
import type { MigrationDeps } from './MigrationDeps.ts';
import type { MigrationRunOptions } from './MigrationRunOptions.ts';
import { withMigrationLock } from './withMigrationLock.ts';

export interface BaselineInput extends MigrationRunOptions {
  /** Versions up to and including this one are taken as already present and never run. */
  readonly version: string;
  readonly description?: string;
}

export interface BaselineReport {
  readonly status: 'success';
  /** False when the same baseline was already recorded (the call is idempotent). */
  readonly created: boolean;
  readonly version: string;
}

/**
 * Adopts an existing database: records a baseline row so migrations up to `version` count as present.
 * Allowed only on an empty history; repeating the same baseline is a no-op, a different one is refused.
 */
export async function baseline(input: BaselineInput, deps: MigrationDeps): Promise<BaselineReport> {
  versionParts(input.version);
  return withMigrationLock(input, deps, async ({ session, history: table }) => {
    const history = await readHistory(session.client, table);
    const existing = history.find((row) => row.type === 'baseline');
    if (existing && history.length === 1 && existing.version !== null && compareVersions(existing.version, input.version) === 0) {
      return { status: 'success' as const, created: false, version: existing.version };
    }
    if (history.length > 0) {
      throw new DbarchError(
        'DBA_MIGRATION_BASELINE_CONFLICT',
        `Cannot baseline at ${input.version}: the history already holds ${history.length} row(s)` +
          (existing ? ` including a baseline at ${existing.version ?? '?'}` : ''),
        { details: { version: input.version, rows: history.length, baseline: existing?.version ?? null } },
      );
    }
    await insertHistoryRow(session.client, table, {
      version: input.version,
      description: input.description ?? '<< baseline >>',
      type: 'baseline',
      script: '<< baseline >>',
      checksum: null,
      installedBy: input.installedBy ?? null,
      executionTimeMs: 0,
      success: true,
    });
    deps.logger?.info({ version: input.version }, 'migration baseline recorded');
    return { status: 'success' as const, created: true, version: input.version };
  });
}
