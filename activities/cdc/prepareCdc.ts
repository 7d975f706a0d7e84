import pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { Logger } from '../../runtime/logger.ts';
import { cdcOwnership } from './cdcOwnership.ts';
import type { CdcOptions } from './CdcOptions.ts';
import type { CdcPrepareReport } from './CdcPrepareReport.ts';
import { lsn } from './lsn.ts';
import { probeCdcBroker } from './probeCdcBroker.ts';
import { toCdcDatabaseError } from './toCdcDatabaseError.ts';

export interface PrepareCdcOptions extends Pick<CdcOptions, 'databaseUrl' | 'slot' | 'publication' | 'tables' | 'publishTo' | 'amqpUrl' | 'kafkaBrokers'> {
  /** When given, `ALTER SYSTEM SET max_slot_wal_keep_size` to it (dbarch manages the server); otherwise only checked. */
  readonly maxSlotWalKeepSize?: string;
}

interface TableRow {
  readonly name: string;
  readonly qualified: string | null;
  readonly relreplident: string | null;
  readonly has_pk: boolean | null;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Makes the capture ready, idempotently: checks everything first (wal_level, every table exists and has a replica
 * identity, the slot and publication are dbarch's or absent, the broker answers) and throws a coded error before
 * anything is created; then creates or aligns the publication (FOR TABLE exactly the spec's tables, marked as
 * dbarch's) and creates the pgoutput slot if it is missing. Guardrail: max_slot_wal_keep_size set when asked,
 * else DBA_CDC_SLOT_KEEP_UNBOUNDED as a warning when it is -1.
 */
export async function prepareCdc(options: PrepareCdcOptions, log: Logger): Promise<CdcPrepareReport> {
  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'dbarch:cdc' });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw toCdcDatabaseError(error, 'connecting');
  }
  try {
    const walLevel = (await client.query<{ wal_level: string }>('SHOW wal_level')).rows[0]?.wal_level;
    if (walLevel !== 'logical') throw new DbarchError('DBA_CDC_WAL_LEVEL', `wal_level is ${walLevel ?? 'unknown'} on the captured server, logical is needed`);

    const { rows: tables } = await client.query<TableRow>(
      `SELECT t.name, c.oid::regclass::text AS qualified, c.relreplident::text AS relreplident,
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_pk
         FROM unnest($1::text[]) WITH ORDINALITY AS t(name, n)
         LEFT JOIN pg_class c ON c.oid = to_regclass(t.name) AND c.relkind IN ('r', 'p')
        ORDER BY t.n`,
      [options.tables.map((t) => t.table)],
    );
    const missing = tables.filter((t) => t.qualified === null).map((t) => t.name);
    if (missing.length > 0) {
      throw new DbarchError('DBA_CDC_TABLE_MISSING', `cdc_config.tables names ${missing.map((m) => `\`${m}\``).join(', ')}, which the database does not have; nothing was created`);
    }
    const noIdentity = tables.filter((t) => t.relreplident === 'n' || (t.relreplident === 'd' && t.has_pk !== true)).map((t) => t.name);
    if (noIdentity.length > 0) {
      throw new DbarchError('DBA_CDC_NO_REPLICA_IDENTITY', `${noIdentity.map((m) => `\`${m}\``).join(', ')} ha${noIdentity.length === 1 ? 's' : 've'} no replica identity (no primary key, or REPLICA IDENTITY NOTHING); nothing was created`);
    }

    const publication = (await client.query<{ comment: string | null }>(`SELECT obj_description(oid, 'pg_publication') AS comment FROM pg_publication WHERE pubname = $1`, [options.publication])).rows[0];
    if (publication !== undefined && !cdcOwnership.owns(publication.comment, options.slot)) {
      throw new DbarchError('DBA_CDC_SLOT_FOREIGN', `publication ${options.publication} exists and is not dbarch's CDC publication of slot ${options.slot}; nothing was changed`);
    }
    const slot = (await client.query<{ plugin: string | null; slot_type: string; database: string | null; wal_status: string | null; confirmed: string | null }>(
      `SELECT plugin, slot_type, database, wal_status, confirmed_flush_lsn::text AS confirmed FROM pg_replication_slots WHERE slot_name = $1`,
      [options.slot],
    )).rows[0];
    if (slot !== undefined) {
      const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db;
      // A slot of this name is ours only if our publication names it and it decodes this database with pgoutput.
      if (publication === undefined || slot.slot_type !== 'logical' || slot.plugin !== 'pgoutput' || slot.database !== database) {
        throw new DbarchError('DBA_CDC_SLOT_FOREIGN', `replication slot ${options.slot} exists (${slot.slot_type}${slot.plugin === null ? '' : `, ${slot.plugin}`}${slot.database === null ? '' : `, database ${slot.database}`}) and was not created by dbarch's CDC; nothing was changed`);
      }
      if (slot.wal_status === 'lost') throw new DbarchError('DBA_CDC_SLOT_LOST', `replication slot ${options.slot} was invalidated (wal_status lost)`);
    }

    await probeCdcBroker(options);

    const warnings: { code: string; message: string }[] = [];
    if (options.maxSlotWalKeepSize !== undefined) {
      try {
        await client.query(`ALTER SYSTEM SET max_slot_wal_keep_size = '${options.maxSlotWalKeepSize.replaceAll("'", "''")}'`);
        await client.query('SELECT pg_reload_conf()');
      } catch (error) {
        const coded = toCdcDatabaseError(error, 'setting max_slot_wal_keep_size');
        if (coded instanceof DbarchError) throw coded;
        throw new DbarchError('DBA_CDC_INPUT', `max_slot_wal_keep_size = ${options.maxSlotWalKeepSize} was refused: ${(error as Error).message}`, { cause: error });
      }
    }
    // pg_reload_conf signals the postmaster; a new session is sure to see the value.
    const keep = await readSetting(options.databaseUrl, 'max_slot_wal_keep_size', options.maxSlotWalKeepSize !== undefined);
    const keepValue = keep ?? (await client.query<{ v: string }>(`SELECT current_setting('max_slot_wal_keep_size') AS v`)).rows[0]?.v ?? '-1';
    if (keepValue === '-1') {
      const message = `max_slot_wal_keep_size is -1 on the captured server: a stalled CDC reader keeps WAL until the disk fills`;
      warnings.push({ code: 'DBA_CDC_SLOT_KEEP_UNBOUNDED', message });
      log.warn({ code: 'DBA_CDC_SLOT_KEEP_UNBOUNDED' }, message);
    }

    const tableList = tables.map((t) => t.qualified ?? t.name).join(', ');
    await client.query('BEGIN');
    try {
      if (publication === undefined) {
        await client.query(`CREATE PUBLICATION ${quoteIdent(options.publication)} FOR TABLE ${tableList}`);
        await client.query(`COMMENT ON PUBLICATION ${quoteIdent(options.publication)} IS '${cdcOwnership.comment(options.slot).replaceAll("'", "''")}'`);
      } else {
        await client.query(`ALTER PUBLICATION ${quoteIdent(options.publication)} SET TABLE ${tableList}`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    let confirmed = slot?.confirmed ?? null;
    if (slot === undefined) {
      const created = await client.query<{ lsn: string }>(`SELECT lsn::text AS lsn FROM pg_create_logical_replication_slot($1, 'pgoutput')`, [options.slot]);
      confirmed = created.rows[0]?.lsn ?? null;
      log.info({ slot: options.slot, lsn: confirmed }, 'CDC slot created');
    }
    return {
      slot: options.slot,
      publication: options.publication,
      tables: tables.map((t) => ({ table: t.name, qualified: t.qualified ?? t.name, replicaIdentity: t.relreplident === 'f' ? 'full' : t.relreplident === 'i' ? 'index' : 'default' })),
      createdSlot: slot === undefined,
      createdPublication: publication === undefined,
      confirmedLsn: confirmed === null ? null : lsn.normalize(confirmed),
      maxSlotWalKeepSize: keepValue,
      warnings,
    };
  } catch (error) {
    throw toCdcDatabaseError(error, 'preparing the capture');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function readSetting(url: string, name: string, fresh: boolean): Promise<string | undefined> {
  if (!fresh) return undefined;
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<{ v: string }>('SELECT current_setting($1) AS v', [name])).rows[0]?.v;
  } finally {
    await client.end();
  }
}
