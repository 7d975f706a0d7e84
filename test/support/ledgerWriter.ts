import { performance } from 'node:perf_hooks';
import pg from 'pg';

/**
 * The seed's failover writer: one INSERT of a ledger row every `intervalMs` through a connection to wherever
 * `resolve()` says the primary is, asked again after every failure. Each row's id is the writer's own sequence
 * number, used once: an insert that failed is never retried under the same id, so every id has exactly one fate.
 *
 * - acknowledged: the server answered the INSERT (autocommit, so it committed and, in sync mode, was confirmed);
 * - unknown: the INSERT was sent but no answer came back (connection lost, timeout): it may or may not be there.
 *
 * Only an acknowledged row missing from the final primary is lost. Times are `performance.now()` milliseconds
 * (`writer.now()`), so a caller marks a kill on the same clock and asks for the gap around it.
 */
export interface LedgerWriterOptions {
  /** The current primary's URL; called at start and after every failure. Throwing means "not known yet". */
  readonly resolve: () => Promise<string>;
  /** Default `ledger`; create it with `createLedgerTable`. */
  readonly table?: string;
  /** Tells the rows of several writers on one table apart (e.g. a client on each side of a partition). */
  readonly writer?: string;
  /** Default 10 ms between the starts of two inserts. */
  readonly intervalMs?: number;
  /** Connect and statement budgets: past them the attempt is abandoned and the primary resolved again. */
  readonly connectTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
}

export interface LedgerAck {
  readonly id: number;
  /** `performance.now()` when the answer arrived. */
  readonly at: number;
  /** The URL the row was written through. */
  readonly url: string;
}

export interface LedgerRun {
  readonly writer: string;
  readonly acknowledged: readonly LedgerAck[];
  /** Ids sent without an answer. */
  readonly unknown: readonly number[];
  /** Failures by SQLSTATE or Node error code (`timeout`, `ECONNREFUSED`, …), for the report. */
  readonly failures: Readonly<Record<string, number>>;
}

export interface LedgerWriter {
  /** The writer's clock. */
  now(): number;
  /** What happened so far (a live view; `stop()` gives the final one). */
  run(): LedgerRun;
  /** Resolves once `count` more inserts are acknowledged after the call. */
  waitForAcks(count: number, timeoutMs?: number): Promise<void>;
  /**
   * The write gap of an event at `at` (a kill): the longest interval between two consecutive acknowledged commits
   * from the last one at or before `at` up to `to` (default now). Sessions may outlive a killed postmaster for a
   * few commits, so the gap is not always the interval that contains `at`. Undefined while nothing came after.
   */
  gapAround(at: number, to?: number): number | undefined;
  /** The longest interval between two consecutive acknowledged commits, optionally within [from, to]. */
  longestGap(from?: number, to?: number): number;
  stop(): Promise<LedgerRun>;
}

export interface LedgerVerdict {
  readonly acknowledged: number;
  /** Acknowledged ids not on the final primary. */
  readonly lost: readonly number[];
  /** Ids present more than once. */
  readonly duplicated: readonly number[];
  /** Ids present that the writer never sent (or sent to no answer that it counted). */
  readonly unexpected: readonly number[];
  /** Unknown ids that did commit. */
  readonly unknownPresent: number;
}

const defaultTable = 'ledger';

/** Creates the ledger table (no unique key, so a row written twice would show). */
export async function createLedgerTable(url: string, table = defaultTable): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `CREATE TABLE ${pg.escapeIdentifier(table)} (id bigint NOT NULL, writer text NOT NULL, written_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
    );
  } finally {
    await client.end();
  }
}

export function startLedgerWriter(options: LedgerWriterOptions): LedgerWriter {
  const table = pg.escapeIdentifier(options.table ?? defaultTable);
  const writer = options.writer ?? 'ledger';
  const intervalMs = options.intervalMs ?? 10;
  const acknowledged: LedgerAck[] = [];
  const unknown: number[] = [];
  const failures: Record<string, number> = {};
  const listeners = new Set<() => void>();
  let nextId = 1;
  let running = true;
  let client: pg.Client | undefined;
  let clientUrl = '';

  const fail = (error: unknown) => {
    const code = (error as { code?: unknown }).code;
    const key = typeof code === 'string' ? code : /timeout/i.test(String((error as Error).message)) ? 'timeout' : 'other';
    failures[key] = (failures[key] ?? 0) + 1;
  };
  const drop = () => {
    const old = client;
    client = undefined;
    // Never awaited: across a partition end() would wait for a peer that cannot answer.
    if (old) void old.end().catch(() => undefined);
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const connect = async (): Promise<pg.Client | undefined> => {
    try {
      const url = await options.resolve();
      const fresh = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 1000,
        query_timeout: options.queryTimeoutMs ?? 2000,
        keepAlive: true,
        application_name: `ledger-writer-${writer}`,
      });
      // A server that dies between inserts emits here; the next insert then fails and reconnects.
      fresh.on('error', () => undefined);
      await fresh.connect();
      clientUrl = url;
      return fresh;
    } catch (error) {
      fail(error);
      return undefined;
    }
  };

  const done = (async () => {
    while (running) {
      const started = performance.now();
      client ??= await connect();
      if (!client) {
        await sleep(intervalMs);
        continue;
      }
      // The id is spent only once the insert is on its way.
      const id = nextId++;
      try {
        await client.query(`INSERT INTO ${table} (id, writer) VALUES ($1, $2)`, [id, writer]);
        acknowledged.push({ id, at: performance.now(), url: clientUrl });
        for (const listener of listeners) listener();
      } catch (error) {
        fail(error);
        // A server-side error on an autocommit INSERT means nothing committed; keep it unknown anyway, since a
        // failed connection can also report one (FATAL after the commit) and unknown is never counted as lost.
        unknown.push(id);
        drop();
        continue;
      }
      const wait = intervalMs - (performance.now() - started);
      if (wait > 0) await sleep(wait);
    }
    drop();
  })();

  const snapshot = (): LedgerRun => ({ writer, acknowledged: [...acknowledged], unknown: [...unknown], failures: { ...failures } });

  return {
    now: () => performance.now(),
    run: snapshot,
    waitForAcks(count, timeoutMs = 60_000) {
      const target = acknowledged.length + count;
      return new Promise((resolve, reject) => {
        const check = () => {
          if (acknowledged.length < target) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`ledger writer: ${count} acknowledged inserts not reached within ${timeoutMs} ms (failures ${JSON.stringify(failures)})`));
        }, timeoutMs);
        listeners.add(check);
      });
    },
    gapAround(at, to = Infinity) {
      const after = acknowledged.findIndex((ack) => ack.at > at);
      if (after <= 0) return undefined;
      let longest = 0;
      for (let i = after; i < acknowledged.length && acknowledged[i - 1]!.at <= to; i++) {
        longest = Math.max(longest, acknowledged[i]!.at - acknowledged[i - 1]!.at);
      }
      return longest;
    },
    longestGap(from = -Infinity, to = Infinity) {
      let longest = 0;
      for (let i = 1; i < acknowledged.length; i++) {
        const previous = acknowledged[i - 1]!;
        const current = acknowledged[i]!;
        if (current.at < from || previous.at > to) continue;
        longest = Math.max(longest, current.at - previous.at);
      }
      return longest;
    },
    async stop() {
      running = false;
      await done;
      return snapshot();
    },
  };
}

/** Reads the ledger on the final primary and checks a run against it: zero lost, every row once. */
export async function verifyLedger(url: string, run: LedgerRun, table = defaultTable): Promise<LedgerVerdict> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let rows: { id: string; n: number }[];
  try {
    rows = (
      await client.query<{ id: string; n: number }>(
        `SELECT id::text AS id, count(*)::int AS n FROM ${pg.escapeIdentifier(table)} WHERE writer = $1 GROUP BY id`,
        [run.writer],
      )
    ).rows;
  } finally {
    await client.end();
  }
  const present = new Map(rows.map((row) => [Number(row.id), row.n]));
  const acked = new Set(run.acknowledged.map((ack) => ack.id));
  const unknown = new Set(run.unknown);
  return {
    acknowledged: acked.size,
    lost: [...acked].filter((id) => !present.has(id)),
    duplicated: [...present].filter(([, n]) => n > 1).map(([id]) => id),
    unexpected: [...present.keys()].filter((id) => !acked.has(id) && !unknown.has(id)),
    unknownPresent: [...unknown].filter((id) => present.has(id)).length,
  };
}
