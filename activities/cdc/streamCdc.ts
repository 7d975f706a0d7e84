import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { CdcOptions } from './CdcOptions.ts';
import type { CdcProgress } from './CdcProgress.ts';
import type { CdcPublisher } from './CdcPublisher.ts';
import { cdcHeaders, changeEventName, changeKeyText, changeMessageId, type ChangeEvent } from './ChangeEvent.ts';
import { kafkaCdcPublisher } from './kafkaCdcPublisher.ts';
import { lsn } from './lsn.ts';
import { rabbitmqCdcPublisher } from './rabbitmqCdcPublisher.ts';
import { toCdcDatabaseError } from './toCdcDatabaseError.ts';

/** What the stream is run by: a Temporal activity, a test's child process, the bench. */
export interface CdcRun {
  readonly signal: AbortSignal;
  heartbeat(progress: CdcProgress): void;
  readonly log: Logger;
  /** Called with every event once the broker confirmed it (tests, the bench). */
  onPublished?(event: ChangeEvent): void;
}

export interface CdcResult {
  readonly progress: CdcProgress;
  readonly stopped: 'deadline' | 'cancelled';
}

/** One decoded transaction on its way out: settled when every event of it is confirmed. */
interface InFlight {
  readonly endLsn: bigint;
  readonly events: number;
  readonly confirmed: Promise<void>;
}

interface Open {
  readonly xid: number;
  readonly commitLsn: string;
  readonly commitTime: string;
  readonly changes: Omit<ChangeEvent, 'index' | 'count' | 'replay' | 'commitLsn' | 'commitTime' | 'xid'>[];
}

/**
 * Streams the slot's changes (pgoutput over the streaming replication protocol) to the broker. A transaction's
 * events go out at its commit, many transactions in flight (up to `windowEvents` unconfirmed events, then reading
 * pauses: the replication socket is paused and the server waits); the slot's confirmed position is moved to a
 * transaction's commit end only once it and every transaction before it were confirmed by the broker, so a crash
 * anywhere replays from there: no gap. After a crash the replayed transactions are marked `replay: true` (see
 * below: best effort, bounded); their message ids are those of the first time, which is what consumers dedupe by.
 *
 * The slot admits one reader at a time (SQLSTATE 55006 for a second): that is the lease; a second stream waits,
 * heartbeating, until the first one's connection ends.
 */
export async function streamCdc(options: CdcOptions, run: CdcRun, resume: CdcProgress): Promise<CdcResult> {
  const deadline = options.runForMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.runForMs;
  const topics = new Map(options.tables.map((t) => [qualify(t.table), t.topic]));
  let progress: CdcProgress = { ...resume, clean: false };
  // After a crash everything published but not acknowledged comes again. Marked as replay: what the last heartbeat
  // says was published, then the first transaction after it and two windows of events more (the window bounds what
  // is unconfirmed; an acknowledgement still in the socket when the process died is lost too).
  const replayUntil = resume.clean || resume.publishedLsn === null ? undefined : lsn.parse(resume.publishedLsn);
  let replayFirst = !resume.clean;
  let replayBudget = resume.clean ? 0 : 2 * options.windowEvents;
  const publisher = await openPublisher(options);
  let failure: Error | undefined;
  let wake: () => void = () => undefined;
  const failed = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const fail = (error: unknown) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    wake();
  };
  publisher.broken.catch(fail);
  const service = new LogicalReplicationService(
    { connectionString: options.databaseUrl, application_name: 'dbarch:cdc' },
    // Acknowledgement is ours alone: never the library's timer, which would confirm what the broker has not.
    { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } },
  );
  const inFlight: InFlight[] = [];
  let pendingEvents = 0;
  let acked: bigint | undefined = resume.acknowledgedLsn === null ? undefined : lsn.parse(resume.acknowledgedLsn);
  let open: Open | undefined;
  let stopping = false;
  const acknowledge = async () => {
    // The library reports lsn + 1 as flushed; PostgreSQL wants the commit's end itself (a next transaction's
    // commit record may start exactly there and must not be skipped).
    if (acked !== undefined) await service.acknowledge(lsn.format(acked - 1n));
  };
  const settleHead = async () => {
    const head = inFlight[0];
    if (head === undefined) return;
    await head.confirmed;
    inFlight.shift();
    pendingEvents -= head.events;
    acked = head.endLsn;
    progress = { ...progress, transactions: progress.transactions + 1, acknowledgedLsn: lsn.format(head.endLsn) };
  };
  const settleConfirmed = async () => {
    while (inFlight.length > 0 && (pendingEvents > options.windowEvents || (await isSettled(inFlight[0]?.confirmed)))) {
      await settleHead();
    }
  };

  service.on('error', (error: Error) => fail(toCdcDatabaseError(error, 'streaming changes')));
  service.on('heartbeat', (_lsn: string, _time: number, shouldRespond: boolean) => {
    if (shouldRespond) void acknowledge().catch(fail);
  });
  service.on('data', async (_at: string, message: Pgoutput.Message) => {
    if (stopping || failure !== undefined) return;
    try {
      if (message.tag === 'begin') {
        open = { xid: message.xid, commitLsn: lsn.normalize(message.commitLsn ?? '0/0'), commitTime: microsToIso(BigInt(message.commitTime.toString())), changes: [] };
      } else if (message.tag === 'insert' || message.tag === 'update' || message.tag === 'delete') {
        const table = `${message.relation.schema}.${message.relation.name}`;
        if (open !== undefined && topics.has(table)) open.changes.push(change(message, table, _at));
      } else if (message.tag === 'commit') {
        const tx = open;
        open = undefined;
        const endLsn = lsn.parse(message.commitEndLsn ?? _at);
        if (tx === undefined) return;
        let replay = replayUntil !== undefined && lsn.parse(tx.commitLsn) <= replayUntil;
        if (!replay && (replayFirst || replayBudget > 0)) {
          replay = true;
          if (replayFirst) replayFirst = false;
          else replayBudget -= tx.changes.length;
        }
        const confirms = tx.changes.map((c, index) => {
          const event: ChangeEvent = { ...c, commitLsn: tx.commitLsn, index, count: tx.changes.length, commitTime: tx.commitTime, xid: tx.xid, replay };
          const key = changeKeyText(event);
          const headers: Record<string, string> = { [cdcHeaders.event]: changeEventName(event), [cdcHeaders.lsn]: event.lsn, [cdcHeaders.replay]: String(replay) };
          if (key !== undefined) headers[cdcHeaders.key] = key;
          return publisher.publish({ topic: topics.get(event.table) ?? '', messageId: changeMessageId(options.slot, event), headers, event }).then(() => {
            progress = { ...progress, published: progress.published + 1, replayed: progress.replayed + (replay ? 1 : 0) };
            run.onPublished?.(event);
          });
        });
        const confirmed = Promise.all(confirms).then(() => undefined);
        confirmed.catch(fail);
        inFlight.push({ endLsn, events: tx.changes.length, confirmed });
        pendingEvents += tx.changes.length;
        progress = { ...progress, publishedLsn: tx.commitLsn };
        // Awaiting here pauses the replication stream (flow control): memory stays bounded by the window.
        await settleConfirmed();
        await acknowledge();
      }
    } catch (error) {
      fail(error);
    }
  });

  const keepAlive = setInterval(() => {
    run.heartbeat(progress);
    void settleConfirmed().then(acknowledge).catch(fail);
  }, 1000);
  const onAbort = () => wake();
  run.signal.addEventListener('abort', onAbort);
  const timer = Number.isFinite(deadline) ? setTimeout(wake, Math.max(0, deadline - Date.now())) : undefined;
  try {
    await subscribeWhenFree(service, options, run, () => progress, () => failure !== undefined || run.signal.aborted, (error) => {
      if (!stopping) fail(error);
    });
    run.log.info({ slot: options.slot, publication: options.publication, resumeFrom: resume.acknowledgedLsn, replayBudget }, 'CDC stream started');
    await failed;
    stopping = true;
    if (failure === undefined) {
      // A clean stop: settle what is in flight, acknowledge it, and the next run has nothing to replay.
      await Promise.race([(async () => {
        while (inFlight.length > 0) await settleHead();
      })(), publisher.broken]);
      await acknowledge();
      progress = { ...progress, clean: inFlight.length === 0 && open === undefined };
    }
    if (failure !== undefined) throw failure;
    run.heartbeat(progress);
    run.log.info({ ...progress }, 'CDC stream stopped');
    return { progress, stopped: run.signal.aborted ? 'cancelled' : 'deadline' };
  } finally {
    clearInterval(keepAlive);
    if (timer !== undefined) clearTimeout(timer);
    run.signal.removeEventListener('abort', onAbort);
    await service.destroy().catch(() => undefined);
    await publisher.close();
  }
}

async function openPublisher(options: CdcOptions): Promise<CdcPublisher> {
  if (options.publishTo === 'kafka') return kafkaCdcPublisher(options.kafkaBrokers ?? []);
  if (options.amqpUrl === undefined) throw new DbarchError('DBA_CDC_INPUT', 'publish_to: rabbitmq needs a broker URL');
  return rabbitmqCdcPublisher(options.amqpUrl, options.exchange ?? 'dbarch.cdc');
}

/** Starts replication on the slot, waiting while another reader holds it (55006 object_in_use). */
async function subscribeWhenFree(
  service: LogicalReplicationService,
  options: CdcOptions,
  run: CdcRun,
  progress: () => CdcProgress,
  stop: () => boolean,
  onEnd: (error: unknown) => void,
): Promise<void> {
  const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: [options.publication] });
  let logged = false;
  for (;;) {
    const started = new Promise<void>((resolve) => service.once('start', () => resolve()));
    const subscribed = service.subscribe(plugin, options.slot).then(() => {
      throw new DbarchError('DBA_CDC_DATABASE_UNREACHABLE', 'the replication stream ended');
    });
    try {
      await Promise.race([started, subscribed]);
      // Ends later: the server closing the stream is a failure of the running stream.
      subscribed.catch((error: unknown) => onEnd(toCdcDatabaseError(error, 'streaming changes')));
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === '42704') throw new DbarchError('DBA_CDC_SLOT_MISSING', `replication slot ${options.slot} does not exist`, { cause: error });
      if (code !== '55006' || stop()) throw toCdcDatabaseError(error, 'starting replication');
      if (!logged) run.log.info({ slot: options.slot }, 'another reader holds the CDC slot; waiting for it');
      logged = true;
      run.heartbeat(progress());
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function change(message: Pgoutput.MessageInsert | Pgoutput.MessageUpdate | Pgoutput.MessageDelete, table: string, at: string): Open['changes'][number] {
  const keyColumns = message.relation.keyColumns;
  const pick = (row: Record<string, unknown> | null) => (row === null ? null : Object.fromEntries(keyColumns.map((c) => [c, row[c]])));
  const at_ = lsn.normalize(at);
  if (message.tag === 'insert') return { op: 'insert', table, key: pick(message.new), before: null, after: message.new, lsn: at_ };
  if (message.tag === 'update') return { op: 'update', table, key: pick(message.new), before: message.old ?? message.key, after: message.new, lsn: at_ };
  return { op: 'delete', table, key: pick(message.old ?? message.key), before: message.old ?? message.key, after: null, lsn: at_ };
}

function qualify(table: string): string {
  return table.includes('.') ? table : `public.${table}`;
}

function microsToIso(micros: bigint): string {
  return new Date(Number(micros / 1000n)).toISOString();
}

async function isSettled(promise: Promise<void> | undefined): Promise<boolean> {
  if (promise === undefined) return false;
  const marker = Symbol('pending');
  return (await Promise.race([promise.then(() => true), Promise.resolve(marker)])) !== marker;
}
