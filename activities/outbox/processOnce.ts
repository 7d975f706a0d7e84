import type pg from 'pg';

export const processedMessagesTable = 'dbarch.processed_messages';
export const consumerSchemaPart = 'consumer';

export type ProcessOutcome<T> = { readonly duplicate: false; readonly result: T } | { readonly duplicate: true };

/**
 * Runs a message's effect at most once per consumer: in one transaction, the message id is recorded in
 * dbarch.processed_messages and the effect runs; a redelivery finds the id and does nothing. Two deliveries of
 * one id at once serialise on the primary key (the second waits for the first to commit, then finds it); an
 * effect that throws rolls back the record with it, so the message can be processed again.
 */
export async function processOnce<T>(pool: pg.Pool, consumer: string, messageId: string, effect: (tx: pg.PoolClient) => Promise<T>): Promise<ProcessOutcome<T>> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const recorded = await client.query(`INSERT INTO ${processedMessagesTable} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [consumer, messageId]);
    if (recorded.rowCount === 0) {
      await client.query('ROLLBACK');
      return { duplicate: true };
    }
    const result = await effect(client);
    await client.query('COMMIT');
    return { duplicate: false, result };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Forgets processed ids older than `olderThanMs`: redeliveries come within minutes, the table need not grow forever. */
export async function pruneProcessedMessages(pool: pg.Pool, olderThanMs: number): Promise<number> {
  const { rowCount } = await pool.query(`DELETE FROM ${processedMessagesTable} WHERE processed_at < now() - make_interval(secs => $1)`, [olderThanMs / 1000]);
  return rowCount ?? 0;
}
