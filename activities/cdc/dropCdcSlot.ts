import pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import { cdcOwnership } from './cdcOwnership.ts';
import type { CdcSlotStatus } from './CdcSlotStatus.ts';
import { readCdcSlot } from './readCdcSlot.ts';
import { toCdcDatabaseError } from './toCdcDatabaseError.ts';

export interface DropCdcSlotOptions {
  readonly databaseUrl: string;
  readonly slot: string;
  readonly publication: string;
  /** Dropping loses the unpublished lag: refused unless approved. */
  readonly approved: boolean;
}

export interface DropCdcSlotResult {
  /** The slot as it was before the drop (its lag is what was lost). */
  readonly before: CdcSlotStatus;
  readonly droppedSlot: boolean;
  readonly droppedPublication: boolean;
}

/**
 * Drops dbarch's CDC slot and its publication, only when approved, only if they are dbarch's (the publication's
 * ownership comment names the slot) and only while no reader is attached; a slot that is already gone is fine
 * (idempotent). Someone else's slot is never dropped.
 */
export async function dropCdcSlot(options: DropCdcSlotOptions): Promise<DropCdcSlotResult> {
  const before = await readCdcSlot(options.databaseUrl, options.slot);
  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'dbarch:cdc-drop' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const comment = (await client.query<{ comment: string | null }>(`SELECT obj_description(oid, 'pg_publication') AS comment FROM pg_publication WHERE pubname = $1`, [options.publication])).rows[0];
    if (before.exists && (comment === undefined || !cdcOwnership.owns(comment.comment, options.slot))) {
      throw new DbarchError('DBA_CDC_SLOT_FOREIGN', `replication slot ${options.slot} is not dbarch's CDC slot (publication ${options.publication} does not name it); nothing was dropped`);
    }
    if (comment !== undefined && !cdcOwnership.owns(comment.comment, options.slot)) {
      throw new DbarchError('DBA_CDC_SLOT_FOREIGN', `publication ${options.publication} is not dbarch's CDC publication of slot ${options.slot}; nothing was dropped`);
    }
    if (!options.approved) {
      throw new DbarchError('DBA_CDC_DROP_NOT_APPROVED', `dropping slot ${options.slot} loses ${before.lagBytes ?? 0} bytes of WAL not yet published`);
    }
    if (before.active) throw new DbarchError('DBA_CDC_SLOT_ACTIVE', `replication slot ${options.slot} is in use by a running CDC stream`);
    let droppedSlot = false;
    if (before.exists) {
      try {
        await client.query('SELECT pg_drop_replication_slot($1)', [options.slot]);
        droppedSlot = true;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === '55006') throw new DbarchError('DBA_CDC_SLOT_ACTIVE', `replication slot ${options.slot} is in use by a running CDC stream`, { cause: error });
        if (code !== '42704') throw error;
      }
    }
    if (comment !== undefined) await client.query(`DROP PUBLICATION IF EXISTS "${options.publication.replaceAll('"', '""')}"`);
    return { before, droppedSlot, droppedPublication: comment !== undefined };
  } catch (error) {
    throw toCdcDatabaseError(error, 'dropping the slot');
  } finally {
    await client.end().catch(() => undefined);
  }
}
