import { Counter, Gauge, type Registry } from 'prom-client';
import { DbarchError, isDbarchError } from '../../../errors/DbarchError.ts';
import type { LogSink } from './LogSink.ts';
import type { StructuredLogRecord } from './StructuredLogRecord.ts';

export interface LogShipperOptions {
  readonly sink: LogSink;
  /** Where the shipping counters are registered (the exporter's, so Prometheus sees drops). */
  readonly registry: Registry;
  /** Records held at most, those being sent included (default 10 000): beyond it new records are dropped and counted. */
  readonly maxBuffered?: number;
  /** Records per request at most (default 500). */
  readonly maxBatch?: number;
  /** How long records wait for more to share a request (default 1 s); a full batch goes at once. */
  readonly flushIntervalMs?: number;
  /** First wait after a failed send (default 250 ms), doubled per failure up to maxBackoffMs (default 30 s). */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** The receiver started failing (once per outage) or refused records. */
  readonly onProblem?: (problem: DbarchError) => void;
  /** The receiver took a batch again after failing. */
  readonly onRecovered?: (destination: string) => void;
}

export interface LogShipperStats {
  readonly buffered: number;
  readonly shipped: number;
  readonly dropped: number;
  readonly failures: number;
  readonly receiverUp: boolean;
}

type DropReason = 'buffer_full' | 'rejected' | 'closed';

/**
 * Ships structured log records in batches through a sink, from a bounded buffer: records wait up to the flush
 * interval for company, a batch the receiver cannot take (down, 429, 5xx) is retried with capped exponential backoff
 * and jitter while new records keep queueing behind it, and once the buffer holds its bound, new records are
 * dropped and counted (dbarch_log_shipping_dropped_records_total): memory never grows without bound. Records the
 * receiver refuses for good are dropped and counted too; shipping resumes by itself when the receiver is back.
 */
export class LogShipper {
  readonly #options: LogShipperOptions;
  readonly #maxBuffered: number;
  readonly #maxBatch: number;
  readonly #buffer: StructuredLogRecord[] = [];
  readonly #metrics: ReturnType<typeof shippingMetrics>;
  readonly #destination: string;
  readonly #stats = { shipped: 0, dropped: 0, failures: 0 };
  #failing = false;
  #closing = false;
  #stopped = false;
  #wake: (() => void) | undefined;
  readonly #done: Promise<void>;

  constructor(options: LogShipperOptions) {
    this.#options = options;
    this.#maxBuffered = options.maxBuffered ?? 10_000;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#destination = options.sink.destination;
    this.#metrics = shippingMetrics(options.registry);
    this.#metrics.buffered.set({ destination: this.#destination }, 0);
    this.#metrics.up.set({ destination: this.#destination }, 1);
    this.#done = this.#run();
  }

  /** Queues a record; false when the buffer is full and the record was dropped (and counted). */
  enqueue(record: StructuredLogRecord): boolean {
    if (this.#closing || this.#buffer.length >= this.#maxBuffered) {
      this.#drop([record], this.#closing ? 'closed' : 'buffer_full');
      return false;
    }
    this.#buffer.push(record);
    this.#metrics.buffered.set({ destination: this.#destination }, this.#buffer.length);
    if (this.#buffer.length >= this.#maxBatch) this.#wake?.();
    return true;
  }

  /** Where it ships (no credentials). */
  get destination(): string {
    return this.#destination;
  }

  stats(): LogShipperStats {
    return { buffered: this.#buffer.length, ...this.#stats, receiverUp: !this.#failing };
  }

  /** Sends what is buffered without waiting for the flush interval (still bounded by timeoutMs), then stops; what is left is dropped and counted. */
  async close(timeoutMs = 5000): Promise<void> {
    this.#closing = true;
    this.#wake?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#done, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.#stopped = true;
    this.#wake?.();
    await this.#done;
    this.#drop(this.#buffer.splice(0), 'closed');
  }

  async #run(): Promise<void> {
    let backoff = this.#options.initialBackoffMs ?? 250;
    while (!this.#stopped) {
      if (this.#buffer.length === 0) {
        if (this.#closing) return;
        await this.#sleep(this.#options.flushIntervalMs ?? 1000);
        continue;
      }
      if (this.#buffer.length < this.#maxBatch && !this.#closing) await this.#sleep(this.#options.flushIntervalMs ?? 1000);
      if (this.#stopped) return;
      const batch = this.#buffer.slice(0, this.#maxBatch);
      try {
        const outcome = await this.#options.sink.send(batch);
        this.#buffer.splice(0, batch.length, ...outcome.retry);
        const shipped = batch.length - outcome.rejected.length - outcome.retry.length;
        this.#count(batch.filter((r) => !outcome.rejected.includes(r) && !outcome.retry.includes(r)));
        this.#stats.shipped += shipped;
        if (outcome.rejected.length > 0) {
          this.#drop(outcome.rejected, 'rejected');
          this.#options.onProblem?.(new DbarchError('DBA_SHIPPING_REJECTED', `the log receiver at ${this.#destination} refused ${outcome.rejected.length} of ${batch.length} records: ${outcome.reason ?? 'no reason given'}`, { details: { destination: this.#destination } }));
        }
        backoff = this.#options.initialBackoffMs ?? 250;
        if (this.#failing) {
          this.#failing = false;
          this.#metrics.up.set({ destination: this.#destination }, 1);
          this.#options.onRecovered?.(this.#destination);
        }
        // Records refused with 429/5xx inside an accepted request wait like a failed request.
        if (outcome.retry.length > 0) await this.#sleep(backoff);
      } catch (error) {
        const problem = isDbarchError(error) ? error : new DbarchError('DBA_SHIPPING_REJECTED', `shipping to ${this.#destination} failed: ${String(error)}`, { cause: error });
        if (problem.code !== 'DBA_SHIPPING_RECEIVER_UNREACHABLE') {
          this.#buffer.splice(0, batch.length);
          this.#drop(batch, 'rejected');
          this.#options.onProblem?.(problem);
          continue;
        }
        this.#stats.failures += 1;
        this.#metrics.failures.inc({ destination: this.#destination });
        if (!this.#failing) {
          this.#failing = true;
          this.#metrics.up.set({ destination: this.#destination }, 0);
          this.#options.onProblem?.(problem);
        }
        if (this.#closing) return;
        // Equal jitter: at least half the backoff, so a crowd of shippers does not retry in step.
        await this.#sleep(backoff / 2 + (Math.random() * backoff) / 2, false);
        backoff = Math.min(backoff * 2, this.#options.maxBackoffMs ?? 30_000);
      } finally {
        this.#metrics.buffered.set({ destination: this.#destination }, this.#buffer.length);
      }
    }
  }

  /** Waits ms, or less when woken (a full batch, close); a backoff wait (wakeable false) ends early only on close. */
  #sleep(ms: number, wakeable = true): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        if (wakeable || this.#closing) {
          this.#wake = undefined;
          done();
        }
      };
    });
  }

  #count(records: readonly StructuredLogRecord[]): void {
    for (const record of records) this.#metrics.shipped.inc({ destination: this.#destination, log_type: record.log_type });
  }

  #drop(records: readonly StructuredLogRecord[], reason: DropReason): void {
    this.#stats.dropped += records.length;
    for (const record of records) this.#metrics.dropped.inc({ destination: this.#destination, log_type: record.log_type, reason });
  }
}

/** The shipping families of one registry, made on first use (several shippers, one per destination, share them). */
function shippingMetrics(registry: Registry) {
  const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  return {
    shipped:
      existing<Counter<'destination' | 'log_type'>>('dbarch_log_shipping_records_total') ??
      new Counter({ name: 'dbarch_log_shipping_records_total', help: 'Log records the receiver accepted.', labelNames: ['destination', 'log_type'], registers: [registry] }),
    dropped:
      existing<Counter<'destination' | 'log_type' | 'reason'>>('dbarch_log_shipping_dropped_records_total') ??
      new Counter({
        name: 'dbarch_log_shipping_dropped_records_total',
        help: 'Log records dropped: the buffer was full (buffer_full), the receiver refused them (rejected), or the shipper stopped with them unsent (closed).',
        labelNames: ['destination', 'log_type', 'reason'],
        registers: [registry],
      }),
    failures:
      existing<Counter<'destination'>>('dbarch_log_shipping_send_failures_total') ??
      new Counter({ name: 'dbarch_log_shipping_send_failures_total', help: 'Bulk requests that found the receiver unreachable or overloaded (retried).', labelNames: ['destination'], registers: [registry] }),
    buffered:
      existing<Gauge<'destination'>>('dbarch_log_shipping_buffered_records') ??
      new Gauge({ name: 'dbarch_log_shipping_buffered_records', help: 'Log records waiting to be shipped (bounded).', labelNames: ['destination'], registers: [registry] }),
    up:
      existing<Gauge<'destination'>>('dbarch_log_shipping_receiver_up') ??
      new Gauge({ name: 'dbarch_log_shipping_receiver_up', help: 'Whether the last request to the receiver got an answer it could act on (1) or not (0).', labelNames: ['destination'], registers: [registry] }),
  };
}
