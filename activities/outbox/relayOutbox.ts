import { once } from 'node:events';
import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { Logger } from '../../runtime/logger.ts';
import { connectAmqp } from '../queue/connectAmqp.ts';
import { toQueueError } from '../queue/toQueueError.ts';
import { ensureDbarchSchema } from '../schema/ensureDbarchSchema.ts';
import { acquireRelayLease } from './acquireRelayLease.ts';
import { outboxDeadLetterTable, outboxHeaders, outboxSchemaPart, outboxTable, type OutboxRow } from './outboxTable.ts';
import type { RelayOptions } from './RelayOptions.ts';
import type { RelayProgress } from './RelayProgress.ts';
import { toRelayDatabaseError } from './toRelayDatabaseError.ts';
import { abortableDelay } from '../abortableDelay.ts';

/** What the relay is run by: a Temporal activity, a test, the bench. */
export interface RelayRun {
  /** Stop: in-flight batches are settled (or rolled back if their confirms cannot come), then the relay returns. */
  readonly signal: AbortSignal;
  /** Called after every batch and every second while waiting, with the progress so far. */
  heartbeat(progress: RelayProgress): void;
  readonly log: Logger;
}

export interface RelayResult {
  readonly progress: RelayProgress;
  readonly stopped: 'deadline' | 'cancelled';
}

/** One batch: its rows, locked by its own open transaction until the broker confirmed them. */
interface Batch {
  readonly client: pg.PoolClient;
  readonly rows: readonly OutboxRow[];
  pending: number;
  readonly acked: string[];
  /** Outbox id → why the broker refused the publish. */
  readonly refused: Map<string, string>;
  readonly done: Promise<void>;
  settleOne(): void;
}

// Ordered by the bigint column (o.id), not by the text alias `id`, which ORDER BY would otherwise prefer.
const selectBatch = `SELECT o.id::text AS id, o.message_id::text AS message_id, o.event_type, o.event_key, o.payload::text AS payload, o.headers, o.created_at, o.attempts
  FROM ${outboxTable} o ORDER BY o.id LIMIT $1 FOR UPDATE SKIP LOCKED`;

/**
 * The outbox relay: publishes dbarch.outbox_events to RabbitMQ and deletes each row only after the broker
 * confirmed it. One relay per database holds the lease (a session advisory lock); a second one waits.
 *
 * Batches are read in id order with FOR UPDATE SKIP LOCKED, each in its own transaction that stays open until
 * its confirms are in, so the next batch is read and published while earlier ones are still unconfirmed (up to
 * `windowBatches` batches): confirms are windowed, never awaited one at a time. Batches are settled (deleted,
 * committed) in the order they were read. Everything goes out on one confirm channel, so one key's events reach
 * the broker in id order, which append made commit order.
 *
 * A publish the broker refuses (unroutable: mandatory and no queue bound; nacked) counts an attempt on its row;
 * at `maxAttempts` the row moves to dbarch.outbox_dead_letters with the reason. The broker going away
 * rolls back every unconfirmed batch (those rows are published again: duplicates, which consumers drop by message
 * id) and ends the attempt with DBA_QUEUE_UNREACHABLE, for Temporal to retry. While RabbitMQ blocks the connection
 * (flow control, connection.blocked) no batch is read, so memory stays bounded by the window.
 */
export async function relayOutbox(options: RelayOptions, run: RelayRun, resume: RelayProgress): Promise<RelayResult> {
  let progress: RelayProgress = { ...resume };
  const deadline = options.runForMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.runForMs;
  await ensureDbarchSchema(outboxSchemaPart, options.databaseUrl, run.log).catch((error: unknown) => {
    throw toRelayDatabaseError(error, 'applying the outbox migrations');
  });
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.windowBatches + 1,
    application_name: 'dbarch:relay',
    // A killed relay's open transactions (and its lease) end within a second.
    options: '-c client_connection_check_interval=1000',
  });
  let failure: Error | undefined;
  let wake = () => undefined as void;
  const failed = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const fail = (error: unknown) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    wake();
  };
  pool.on('error', (error) => fail(toRelayDatabaseError(error, 'relaying')));
  const keepAlive = setInterval(() => run.heartbeat(progress), 1000);
  const inFlight: Batch[] = [];
  let connection: ChannelModel | undefined;
  let lease: pg.PoolClient | undefined;
  try {
    lease = await acquireRelayLease(pool, run, () => progress);
    lease.on('error', (error) => fail(toRelayDatabaseError(error, 'holding the relay lease')));
    connection = await connectAmqp(options.amqpUrl);
    let blocked = false;
    connection.on('blocked', (reason: string) => {
      blocked = true;
      run.log.warn({ reason }, 'RabbitMQ blocked the relay (flow control): reading paused');
    });
    connection.on('unblocked', () => {
      blocked = false;
      run.log.info('RabbitMQ unblocked the relay');
    });
    connection.on('close', (error?: Error) => fail(toQueueError(error ?? new DbarchError('DBA_QUEUE_UNREACHABLE', 'the RabbitMQ connection closed'), 'relaying')));
    const channel = await connection.createConfirmChannel().catch((error: unknown) => {
      throw toQueueError(error, 'opening the relay channel');
    });
    channel.on('error', (error: unknown) => fail(toQueueError(error, 'relaying')));
    channel.on('close', () => fail(new DbarchError('DBA_QUEUE_UNREACHABLE', 'the RabbitMQ channel of the relay closed')));
    // The broker sends basic.return before the ack of a mandatory message nobody is bound for.
    const unroutable = new Set<string>();
    channel.on('return', (message: Message) => {
      const id: unknown = message.properties.messageId;
      if (typeof id === 'string') unroutable.add(id);
    });
    run.log.info({ exchange: options.exchange, batchSize: options.batchSize, windowBatches: options.windowBatches }, 'relay started');

    const stopping = () => run.signal.aborted || Date.now() >= deadline || failure !== undefined;
    while (!stopping() || inFlight.length > 0) {
      let idle = false;
      while (!stopping() && !blocked && inFlight.length < options.windowBatches) {
        const batch = await readBatch(pool, options.batchSize);
        if (batch === undefined) {
          idle = true;
          break;
        }
        inFlight.push(batch);
        await publish(channel, options.exchange, batch, unroutable, () => failure !== undefined);
        if (batch.rows.length < options.batchSize) {
          idle = true;
          break;
        }
      }
      const head = inFlight.shift();
      if (head !== undefined) {
        progress = await settle(head, options, progress, run.signal, failed, () => failure !== undefined);
        run.heartbeat(progress);
        continue;
      }
      if (stopping()) break;
      // Nothing in flight: the table was empty, or the broker blocks us.
      if (idle || blocked) await abortableDelay(options.pollIntervalMs, run.signal);
    }
    if (failure !== undefined) throw failure;
    run.log.info({ ...progress }, 'relay stopped');
    return { progress, stopped: run.signal.aborted ? 'cancelled' : 'deadline' };
  } catch (error) {
    // The first failure is the cause; what it broke afterwards (a rejected publish) is only its consequence.
    if (failure !== undefined) throw failure;
    throw error;
  } finally {
    clearInterval(keepAlive);
    // Unconfirmed batches are rolled back: their rows stay and are published again by the next attempt.
    for (const batch of inFlight) await rollback(batch);
    await connection?.close().catch(() => undefined);
    lease?.release(true); // ends the session, and with it the lease
    await pool.end().catch(() => undefined);
  }
}

async function readBatch(pool: pg.Pool, size: number): Promise<Batch | undefined> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toRelayDatabaseError(error, 'connecting');
  }
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<OutboxRow>(selectBatch, [size]);
    if (rows.length === 0) {
      await client.query('ROLLBACK');
      client.release();
      return undefined;
    }
    let resolve = () => undefined as void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    const batch: Batch = {
      client,
      rows,
      pending: rows.length,
      acked: [],
      refused: new Map(),
      done,
      settleOne() {
        batch.pending -= 1;
        if (batch.pending === 0) resolve();
      },
    };
    return batch;
  } catch (error) {
    client.release(true);
    throw toRelayDatabaseError(error, 'reading the outbox');
  }
}

async function publish(channel: ConfirmChannel, exchange: string, batch: Batch, unroutable: Set<string>, broken: () => boolean): Promise<void> {
  for (const row of batch.rows) {
    // Left with confirms outstanding, the batch is rolled back by settle.
    if (broken()) return;
    const flowing = channel.publish(
      exchange,
      row.event_type,
      Buffer.from(row.payload),
      {
        persistent: true,
        mandatory: true,
        messageId: row.message_id,
        type: row.event_type,
        contentType: 'application/json',
        timestamp: Math.floor(row.created_at.getTime() / 1000),
        headers: { ...row.headers, [outboxHeaders.outboxId]: row.id, ...(row.event_key === null ? {} : { [outboxHeaders.key]: row.event_key }) },
      },
      (error: unknown) => {
        if (unroutable.delete(row.message_id)) batch.refused.set(row.id, `unroutable: no queue is bound to exchange ${exchange} for routing key ${row.event_type}`);
        else if (error) batch.refused.set(row.id, 'nacked by the broker');
        else batch.acked.push(row.id);
        batch.settleOne();
      },
    );
    // The socket's buffer is full: wait for it to drain instead of queueing in memory.
    if (!flowing) await Promise.race([once(channel, 'drain'), once(channel, 'close')]);
  }
}

/**
 * Waits for a batch's confirms, then in its transaction deletes what the broker confirmed, counts an attempt on
 * what it refused (dead-lettering at max attempts), and commits. A broken channel or a stop while confirms are
 * outstanding rolls the batch back instead: nothing is deleted that was not confirmed.
 */
async function settle(batch: Batch, options: RelayOptions, progress: RelayProgress, signal: AbortSignal, failed: Promise<void>, broken: () => boolean): Promise<RelayProgress> {
  const stop = new AbortController();
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true, signal: stop.signal });
  });
  await Promise.race([batch.done, aborted, failed]);
  stop.abort();
  // A closed channel fails its outstanding callbacks as nacks: that is the broker going away, not a refusal.
  if (batch.pending > 0 || broken()) {
    await rollback(batch);
    return progress;
  }
  const { client } = batch;
  let deadLettered = 0;
  try {
    if (batch.acked.length > 0) await client.query(`DELETE FROM ${outboxTable} WHERE id = ANY($1::bigint[])`, [batch.acked]);
    if (batch.refused.size > 0) {
      const ids = [...batch.refused.keys()];
      const reasons = ids.map((id) => batch.refused.get(id) ?? '');
      await client.query(
        `UPDATE ${outboxTable} o SET attempts = o.attempts + 1, last_error = r.reason FROM unnest($1::bigint[], $2::text[]) AS r(id, reason) WHERE o.id = r.id`,
        [ids, reasons],
      );
      const moved = await client.query(
        `WITH dead AS (DELETE FROM ${outboxTable} WHERE id = ANY($1::bigint[]) AND attempts >= $2 RETURNING *)
         INSERT INTO ${outboxDeadLetterTable} (id, message_id, event_type, event_key, payload, headers, created_at, attempts, reason)
         SELECT id, message_id, event_type, event_key, payload, headers, created_at, attempts, last_error FROM dead`,
        [ids, options.maxAttempts],
      );
      deadLettered = moved.rowCount ?? 0;
    }
    await client.query('COMMIT');
    client.release();
  } catch (error) {
    client.release(true);
    throw toRelayDatabaseError(error, 'deleting published rows');
  }
  const lastAcked = batch.acked.reduce<string | null>((max, id) => (max === null || BigInt(id) > BigInt(max) ? id : max), progress.lastId);
  return {
    ...progress,
    published: progress.published + batch.acked.length,
    refused: progress.refused + batch.refused.size,
    deadLettered: progress.deadLettered + deadLettered,
    lastId: lastAcked,
  };
}

async function rollback(batch: Batch): Promise<void> {
  try {
    await batch.client.query('ROLLBACK');
    batch.client.release();
  } catch {
    batch.client.release(true);
  }
}
