import { Context } from '@temporalio/activity';
import pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import type { BlueGreenInput } from './BlueGreenInput.ts';
import { publishedTables } from './publishedTables.ts';
import { replicationNames } from './replicationNames.ts';
import { withReplicationClient } from './withReplicationClient.ts';

export interface PrepareGreenInput extends BlueGreenInput {
  /** Tables to replicate as `schema.table`; default every table (a publication FOR ALL TABLES). */
  readonly tables?: readonly string[];
  /** The connection string green's server uses to reach blue; default blueUrl (right when both see the same address). */
  readonly blueConnectionForGreen?: string;
}

export interface PrepareGreenResult {
  readonly publication: string;
  readonly slot: string;
  readonly subscription: string;
  /** The replicated tables, `schema.table`, sorted. */
  readonly tables: readonly string[];
  /** What this run made; all false when an earlier run had made everything (the step was a no-op). */
  readonly created: { readonly publication: boolean; readonly slot: boolean; readonly subscription: boolean };
  /** False when an existing subscription had been disabled and was enabled again. */
  readonly wasEnabled: boolean;
}

const heartbeatMs = 1000;

/**
 * Blue-green step 2: start copying blue into green with logical replication. Makes, on blue, a publication
 * and a logical slot, and on green a subscription that copies the existing rows and then streams changes.
 *
 * The slot is created separately and the subscription told to use it (create_slot = false): CREATE
 * SUBSCRIPTION creating its own slot hangs when blue and green share a cluster (slot creation waits for the
 * subscribing transaction itself), and this way one code path serves one cluster and two.
 *
 * Idempotent: each object is looked up first and reused when it is the deployment's; an object of the same
 * name made for something else (other tables, another plugin or publication) is a conflict, never altered.
 */
export function prepareGreen(_deps: ActivityDeps) {
  return async function prepareGreen(input: PrepareGreenInput): Promise<PrepareGreenResult> {
    const context = Context.current();
    const names = replicationNames(input.name);
    const heartbeat = setInterval(() => context.heartbeat({ phase: 'preparing' }), heartbeatMs);
    try {
      const { tables, createdPublication, createdSlot } = await withReplicationClient(input.blueUrl, 'blue', async (blue) => {
        const walLevel = (await blue.query<{ wal_level: string }>('SHOW wal_level')).rows[0]?.wal_level;
        if (walLevel !== 'logical') {
          throw new DbarchError('DBA_REPLICATION_WAL_LEVEL', `blue runs with wal_level=${walLevel ?? 'unknown'}, logical replication needs logical`, {
            details: { walLevel },
          });
        }
        const createdPublication = await ensurePublication(blue, names.publication, input.tables);
        const tables = await publishedTables(blue, names.publication);
        const createdSlot = await ensureSlot(blue, names.slot);
        return { tables, createdPublication, createdSlot };
      });

      const { createdSubscription, wasEnabled } = await withReplicationClient(input.greenUrl, 'green', async (green) => {
        const missing = await missingTables(green, tables);
        if (missing.length > 0) {
          throw new DbarchError('DBA_REPLICATION_TABLE_MISSING', `green has no table ${missing.join(', ')}`, { details: { missing, side: 'green' } });
        }
        return ensureSubscription(green, names, input.blueConnectionForGreen ?? input.blueUrl);
      });
      const result: PrepareGreenResult = {
        ...names,
        tables,
        created: { publication: createdPublication, slot: createdSlot, subscription: createdSubscription },
        wasEnabled,
      };
      context.log.info('green prepared', { ...result });
      return result;
    } finally {
      clearInterval(heartbeat);
    }
  };
}

/** Creates the publication unless it exists; an existing one must publish the same tables. */
async function ensurePublication(blue: pg.Client, publication: string, tables: readonly string[] | undefined): Promise<boolean> {
  const wanted = tables ? await resolveTables(blue, tables) : undefined;
  const existing = await blue.query<{ puballtables: boolean }>('SELECT puballtables FROM pg_publication WHERE pubname = $1', [publication]);
  const found = existing.rows[0];
  if (found) {
    const current = await publishedTables(blue, publication);
    const same = wanted ? !found.puballtables && sameSet(current, wanted) : found.puballtables;
    if (!same) {
      throw new DbarchError('DBA_REPLICATION_CONFLICT', `publication ${publication} exists on blue for other tables`, {
        details: { publication, publishes: found.puballtables ? 'all tables' : current, wanted: wanted ?? 'all tables' },
      });
    }
    return false;
  }
  const target = wanted ? `TABLE ${wanted.map((table) => qualifiedIdentifier(table)).join(', ')}` : 'ALL TABLES';
  await blue.query(`CREATE PUBLICATION ${pg.escapeIdentifier(publication)} FOR ${target}`);
  return true;
}

/** `schema.table` names as blue knows them; each must exist. */
async function resolveTables(blue: pg.Client, tables: readonly string[]): Promise<string[]> {
  const missing = await missingTables(blue, tables);
  if (missing.length > 0) {
    throw new DbarchError('DBA_REPLICATION_TABLE_MISSING', `blue has no table ${missing.join(', ')}`, { details: { missing, side: 'blue' } });
  }
  return [...new Set(tables)].sort();
}

/** Tables (given as `schema.table`, unquoted) that do not exist in the database. */
async function missingTables(client: pg.Client, tables: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT name FROM unnest($1::text[]) AS name
      WHERE NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname || '.' || c.relname = name AND c.relkind IN ('r', 'p'))`,
    [tables],
  );
  return rows.map((row) => row.name);
}

/** Creates the logical slot unless it exists; an existing one must be a pgoutput slot of this database. */
async function ensureSlot(blue: pg.Client, slot: string): Promise<boolean> {
  const existing = await blue.query<{ plugin: string | null; database: string | null }>(
    'SELECT plugin, database FROM pg_replication_slots WHERE slot_name = $1',
    [slot],
  );
  const found = existing.rows[0];
  if (found) {
    const database = (await blue.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db;
    if (found.plugin !== 'pgoutput' || found.database !== database) {
      throw new DbarchError('DBA_REPLICATION_CONFLICT', `replication slot ${slot} exists on blue's cluster for another use`, { details: { slot, ...found } });
    }
    return false;
  }
  try {
    // Waits for transactions running on blue to finish: the slot's consistent point.
    await blue.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [slot]);
    return true;
  } catch (error) {
    // 42710 duplicate_object: a concurrent attempt made it first; it is ours.
    if ((error as { code?: string }).code === '42710') return false;
    throw error;
  }
}

/** Creates (or re-enables) the subscription using the slot made on blue. */
async function ensureSubscription(
  green: pg.Client,
  names: { publication: string; slot: string; subscription: string },
  blueConnection: string,
): Promise<{ createdSubscription: boolean; wasEnabled: boolean }> {
  const existing = await green.query<{ subslotname: string | null; subpublications: string[]; subenabled: boolean }>(
    `SELECT subslotname, subpublications, subenabled FROM pg_subscription WHERE subname = $1 AND subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [names.subscription],
  );
  const found = existing.rows[0];
  if (found) {
    if (found.subslotname !== names.slot || found.subpublications.length !== 1 || found.subpublications[0] !== names.publication) {
      throw new DbarchError('DBA_REPLICATION_CONFLICT', `subscription ${names.subscription} exists on green for another slot or publication`, {
        details: { subscription: names.subscription, slot: found.subslotname, publications: found.subpublications },
      });
    }
    if (!found.subenabled) await green.query(`ALTER SUBSCRIPTION ${pg.escapeIdentifier(names.subscription)} ENABLE`);
    return { createdSubscription: false, wasEnabled: found.subenabled };
  }
  try {
    await green.query(
      `CREATE SUBSCRIPTION ${pg.escapeIdentifier(names.subscription)} CONNECTION ${pg.escapeLiteral(blueConnection)}
         PUBLICATION ${pg.escapeIdentifier(names.publication)}
         WITH (create_slot = false, slot_name = ${pg.escapeLiteral(names.slot)}, copy_data = true, enabled = true)`,
    );
    return { createdSubscription: true, wasEnabled: true };
  } catch (error) {
    if ((error as { code?: string }).code === '42710') return { createdSubscription: false, wasEnabled: true };
    throw error;
  }
}

function qualifiedIdentifier(table: string): string {
  const dot = table.indexOf('.');
  return `${pg.escapeIdentifier(table.slice(0, dot))}.${pg.escapeIdentifier(table.slice(dot + 1))}`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}
