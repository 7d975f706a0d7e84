import { historyTableName, readHistory } from './historyTable.ts';
import { loadMigrations } from './loadMigrations.ts';
import type { MigrationDeps } from './MigrationDeps.ts';
import type { MigrationRunOptions } from './MigrationRunOptions.ts';
import type { MigrationSource } from './MigrationSource.ts';
import { versionKey } from './planMigrations.ts';
import { withMigrationLock } from './withMigrationLock.ts';

export interface RepairHistoryInput extends MigrationRunOptions {
  readonly source: MigrationSource;
  /**
   * Only accept edits and remove failures of these scripts (file names as in the history table). Omit to
   * repair everything; naming the files makes "accept this one edit" explicit in the audit trail.
   */
  readonly scripts?: readonly string[];
}

export interface RepairReport {
  readonly status: 'success';
  /** Failed records removed (non-transactional migrations that stopped part-way). */
  readonly removedFailed: readonly { readonly script: string; readonly version: string | null; readonly installedAt: string }[];
  /** Applied migrations whose recorded checksum (and description) now match the edited file. */
  readonly realigned: readonly { readonly script: string; readonly version: string; readonly from: string | null; readonly to: string }[];
}

/**
 * Flyway's repair: removes failed records and accepts edited applied files by recording their new
 * checksum. Runs under the migration lock and is idempotent: a second call finds nothing to do.
 * Repeatable migrations are never realigned: a changed repeatable simply runs again.
 */
export async function repairHistory(input: RepairHistoryInput, deps: MigrationDeps): Promise<RepairReport> {
  const set = await loadMigrations(input.source);
  const wanted = input.scripts ? new Set(input.scripts) : null;
  const include = (script: string) => wanted === null || wanted.has(script);
  return withMigrationLock(input, deps, async ({ session, history: historyTable }) => {
    const table = historyTableName(historyTable);
    const history = await readHistory(session.client, historyTable);
    const removedFailed = history
      .filter((row) => !row.success && include(row.script))
      .map((row) => ({ script: row.script, version: row.version, installedAt: row.installedAt, rank: row.installedRank }));
    const filesByVersion = new Map(set.versioned.map((file) => [versionKey(file.version ?? '0'), file]));
    const latest = new Map<string, (typeof history)[number]>();
    for (const row of history) {
      if (row.success && row.version !== null && (row.type === 'versioned' || row.type === 'undo')) latest.set(versionKey(row.version), row);
    }
    const realigned: { script: string; version: string; from: string | null; to: string; rank: number; description: string }[] = [];
    for (const [key, row] of latest) {
      const file = filesByVersion.get(key);
      if (row.type !== 'versioned' || !file || !include(file.script)) continue;
      if (row.checksum !== file.checksum || row.description !== file.description) {
        realigned.push({ script: file.script, version: row.version ?? key, from: row.checksum, to: file.checksum, rank: row.installedRank, description: file.description });
      }
    }
    await session.client.query('BEGIN');
    try {
      if (removedFailed.length > 0) {
        await session.client.query(`DELETE FROM ${table} WHERE installed_rank = ANY($1::int[])`, [removedFailed.map((r) => r.rank)]);
      }
      for (const r of realigned) {
        await session.client.query(`UPDATE ${table} SET checksum = $2, description = $3 WHERE installed_rank = $1`, [r.rank, r.to, r.description]);
      }
      await session.client.query('COMMIT');
    } catch (error) {
      await session.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    deps.logger?.info({ removedFailed: removedFailed.length, realigned: realigned.length }, 'migration history repaired');
    return {
      status: 'success' as const,
      removedFailed: removedFailed.map(({ script, version, installedAt }) => ({ script, version, installedAt })),
      realigned: realigned.map(({ script, version, from, to }) => ({ script, version, from, to })),
    };
  });
}
