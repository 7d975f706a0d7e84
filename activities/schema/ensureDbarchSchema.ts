import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { applyMigrations } from '../migrations/applyMigrations.ts';
import type { MigrationLogger } from '../migrations/MigrationLogger.ts';

/**
 * dbarch's own tables, in two versioned migration sets applied by dbarch's own engine (advisory-locked,
 * checksummed, idempotent):
 * - `control`: the control database (DATABASE_URL): smoke runs, routing, the pipeline's step outputs, schema
 *   registry and environment leases;
 * - `target`: every database a step writes to: the `builtin/sql` step ledger;
 * - `outbox`: an application database that publishes events: the outbox and its dead letters;
 * - `consumer`: a database an idempotent consumer writes to: the message ids it processed;
 * - `cache`: an application database the cache library uses: pending invalidations, applied write-behind ids.
 *
 * Each set has its own history table in schema `dbarch`, apart from the user's migration history
 * (`dbarch_history.schema_history`), so when the control database is also a target the two sets never mix.
 */
export type DbarchSchemaPart = 'control' | 'target' | 'outbox' | 'consumer' | 'cache';

export const dbarchSchemaParts: Readonly<Record<DbarchSchemaPart, { readonly dir: string; readonly historySchema: string; readonly historyTable: string }>> = {
  control: { dir: fileURLToPath(new URL('./control/', import.meta.url)), historySchema: 'dbarch', historyTable: 'control_schema_history' },
  target: { dir: fileURLToPath(new URL('./target/', import.meta.url)), historySchema: 'dbarch', historyTable: 'target_schema_history' },
  outbox: { dir: fileURLToPath(new URL('./outbox/', import.meta.url)), historySchema: 'dbarch', historyTable: 'outbox_schema_history' },
  consumer: { dir: fileURLToPath(new URL('./consumer/', import.meta.url)), historySchema: 'dbarch', historyTable: 'consumer_schema_history' },
  cache: { dir: fileURLToPath(new URL('./cache/', import.meta.url)), historySchema: 'dbarch', historyTable: 'cache_schema_history' },
};

export interface DbarchSchemaReport {
  readonly part: DbarchSchemaPart;
  /** Scripts this process applied (empty when the database was up to date, or another process applied them). */
  readonly applied: readonly string[];
  readonly currentVersion: string | null;
}

const ensured = new Map<string, Promise<DbarchSchemaReport>>();
const ensuredOnPool = new WeakMap<pg.Pool, Map<string, Promise<DbarchSchemaReport>>>();

/**
 * Brings one part of dbarch's own tables up to date in the database at `db` (a URL, or the pool of a library that
 * was handed one), once per process: later calls for the same part and database return the first call's
 * promise, so callers may call it before every use. A failed run is forgotten and tried again by the next call.
 * Concurrent processes are serialised by the engine's lock, and the one that waited finds nothing pending.
 */
export function ensureDbarchSchema(part: DbarchSchemaPart, db: string | pg.Pool, logger?: MigrationLogger): Promise<DbarchSchemaReport> {
  let cache: Map<string, Promise<DbarchSchemaReport>>;
  let key: string;
  if (typeof db === 'string') {
    cache = ensured;
    key = `${part} ${db}`;
  } else {
    cache = ensuredOnPool.get(db) ?? new Map<string, Promise<DbarchSchemaReport>>();
    ensuredOnPool.set(db, cache);
    key = part;
  }
  let run = cache.get(key);
  if (!run) {
    const { dir, historySchema, historyTable } = dbarchSchemaParts[part];
    run = applyMigrations({ source: { dir }, historySchema, historyTable, applicationName: `dbarch-schema-${part}` }, { db, ...(logger ? { logger } : {}) }).then(
      (report) => ({ part, applied: report.applied.map((a) => a.script), currentVersion: report.currentVersion }),
    );
    cache.set(key, run);
    run.catch(() => cache.delete(key));
  }
  return run;
}
