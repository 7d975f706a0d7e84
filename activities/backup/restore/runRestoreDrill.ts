import { rm } from 'node:fs/promises';
import pg from 'pg';
import { isDbarchError } from '../../../errors/DbarchError.ts';
import type { PointInTimeRestoreProgress, PointInTimeRestoreRequest } from './restoreToPointInTime.ts';
import { restoreToPointInTime } from './restoreToPointInTime.ts';
import { runPgCtl } from './runPgCtl.ts';
import { serverOwner } from './serverOwner.ts';

export interface RestoreDrillResult {
  readonly passed: boolean;
  readonly backupId: string | null;
  readonly durationMs: number;
  /** How old the newest restored data is: now minus the last replayed commit (or the backup's end). */
  readonly dataAgeMs: number | null;
  readonly rowCounts: Readonly<Record<string, number>>;
  readonly amcheck: { readonly available: boolean; readonly indexes: number; readonly failures: readonly string[] };
  readonly error: { readonly code: string; readonly message: string } | null;
  /** Kept for inspection when the drill failed; removed when it passed. */
  readonly scratchDir: string | null;
}

/**
 * A restore drill: the latest point of the archive restored into a scratch instance (restoreToPointInTime with no
 * target), then the checks that prove the backups restore: the server promotes and takes a write, the named tables
 * are counted (minimum counts when given), every btree index passes amcheck's bt_index_check where the extension
 * is installed. The scratch server is stopped either way; its directory removed when the drill passed.
 */
export async function runRestoreDrill(
  request: Omit<PointInTimeRestoreRequest, 'target' | 'overExisting'> & { readonly minimumRows?: Readonly<Record<string, number>> },
  execution: { signal: AbortSignal; progress?: (progress: PointInTimeRestoreProgress) => void },
): Promise<RestoreDrillResult> {
  const started = Date.now();
  const owner = serverOwner();
  const ctl = { ...(request.pgBinDir === undefined ? {} : { pgBinDir: request.pgBinDir }), ...(owner ? { owner } : {}) };
  let backupId: string | null = null;
  let rowCounts: Record<string, number> = {};
  let dataAgeMs: number | null = null;
  let amcheck: RestoreDrillResult['amcheck'] = { available: false, indexes: 0, failures: [] };
  let error: RestoreDrillResult['error'] = null;
  try {
    const countTables = [...new Set([...(request.countTables ?? []), ...Object.keys(request.minimumRows ?? {})])];
    const restored = await restoreToPointInTime({ ...request, countTables, target: { kind: 'latest' } }, execution);
    backupId = restored.backupId;
    rowCounts = { ...restored.rowCounts };
    for (const [table, minimum] of Object.entries(request.minimumRows ?? {})) {
      if ((rowCounts[table] ?? 0) < minimum) error ??= { code: 'DBA_RESTORE_VERIFY_FAILED', message: `${table} has ${rowCounts[table] ?? 0} rows, fewer than ${minimum}` };
    }
    const client = new pg.Client({ connectionString: restored.url, application_name: 'dbarch:drill' });
    await client.connect();
    let databases: string[];
    try {
      const { rows } = await client.query<{ replayed: Date | null }>('SELECT pg_last_xact_replay_timestamp() AS replayed');
      dataAgeMs = rows[0]?.replayed ? Date.now() - rows[0].replayed.getTime() : null;
      databases = (await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname')).rows.map((r) => r.datname);
    } finally {
      await client.end();
    }
    amcheck = await checkIndexes(restored.url, databases);
    if (amcheck.failures.length > 0) error ??= { code: 'DBA_RESTORE_VERIFY_FAILED', message: `amcheck: ${amcheck.failures.length} index(es) failed: ${amcheck.failures.slice(0, 3).join('; ')}` };
  } catch (cause) {
    error = { code: isDbarchError(cause) ? cause.code : 'DBA_INTERNAL', message: (cause as Error).message };
  } finally {
    await runPgCtl(['stop', '-D', request.targetDir, '-m', 'fast', '-w'], ctl).catch(() => undefined);
  }
  const passed = error === null;
  if (passed) await rm(request.targetDir, { recursive: true, force: true });
  return { passed, backupId, durationMs: Date.now() - started, dataAgeMs, rowCounts, amcheck, error, scratchDir: passed ? null : request.targetDir };
}

/** bt_index_check on every btree index of every database (the scratch copy may be changed: it is thrown away). */
async function checkIndexes(url: string, databases: readonly string[]): Promise<RestoreDrillResult['amcheck']> {
  let available = false;
  let indexes = 0;
  const failures: string[] = [];
  for (const database of databases) {
    const target = new URL(url);
    target.pathname = `/${encodeURIComponent(database)}`;
    const client = new pg.Client({ connectionString: target.toString(), application_name: 'dbarch:drill' });
    await client.connect();
    try {
      try {
        await client.query('CREATE EXTENSION IF NOT EXISTS amcheck');
      } catch {
        continue; // contrib not installed: reported as unavailable
      }
      available = true;
      const { rows } = await client.query<{ oid: number; name: string }>(
        "SELECT c.oid::int AS oid, format('%I.%I', n.nspname, c.relname) AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = c.relam WHERE am.amname = 'btree' AND c.relpersistence <> 't' AND i.indisvalid",
      );
      for (const index of rows) {
        indexes++;
        try {
          await client.query('SELECT bt_index_check($1::oid)', [index.oid]);
        } catch (cause) {
          failures.push(`${database}.${index.name}: ${(cause as Error).message}`);
        }
      }
    } finally {
      await client.end();
    }
  }
  return { available, indexes, failures };
}
