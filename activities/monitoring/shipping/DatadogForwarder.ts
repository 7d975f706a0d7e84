import { hostname } from 'node:os';
import { Counter, type Registry } from 'prom-client';
import { DbarchError } from '../../../errors/DbarchError.ts';
import { redactUrl } from '../../../runtime/redactUrl.ts';
import type { DatadogPoint } from './DatadogPoint.ts';

export interface DatadogForwarderOptions {
  /** The Datadog API base URL (`https://api.datadoghq.com`, `https://api.datadoghq.eu`, VictoriaMetrics' `<url>/datadog`). */
  readonly url: string;
  /** Sent as DD-API-KEY. */
  readonly apiKey: string;
  readonly registry: Registry;
  /** Submissions kept for a receiver that does not take them (default 20, oldest dropped and counted beyond). */
  readonly maxPending?: number;
  readonly timeoutMs?: number;
  readonly host?: string;
  readonly onProblem?: (problem: DbarchError) => void;
  readonly onRecovered?: (destination: string) => void;
}

const typeCodes = { count: 1, rate: 2, gauge: 3 } as const;

interface Submission {
  readonly timestamp: number;
  readonly intervalSeconds: number;
  readonly points: readonly DatadogPoint[];
}

/**
 * Submits points in Datadog's series API v2 format (`POST <url>/api/v2/series`, `DD-API-KEY`; one series per
 * point, the host as a `host` resource, counts and rates with their interval). A submission the receiver does not
 * take (no answer, 429, 5xx) is kept and sent again, oldest first, before the next one; at most maxPending are
 * kept, and the points of older ones are dropped and counted (dbarch_datadog_dropped_points_total). A refusal
 * (4xx: a bad key, a bad payload) drops the submission, counted, since sending it again cannot succeed.
 */
export class DatadogForwarder {
  readonly #options: DatadogForwarderOptions;
  readonly #pending: Submission[] = [];
  readonly #endpoint: string;
  readonly #destination: string;
  readonly #host: string;
  readonly #metrics: { points: Counter<'destination'>; dropped: Counter<'destination' | 'reason'>; failures: Counter<'destination'> };
  #failing = false;

  constructor(options: DatadogForwarderOptions) {
    this.#options = options;
    this.#endpoint = `${options.url.replace(/\/+$/, '')}/api/v2/series`;
    this.#destination = redactUrl(options.url);
    this.#host = options.host ?? hostname();
    const registers = [options.registry];
    this.#metrics = {
      points: new Counter({ name: 'dbarch_datadog_points_total', help: 'Series points the Datadog API accepted.', labelNames: ['destination'], registers }),
      dropped: new Counter({ name: 'dbarch_datadog_dropped_points_total', help: 'Series points dropped: kept too long for an unreachable receiver (backlog_full) or refused by it (rejected).', labelNames: ['destination', 'reason'], registers }),
      failures: new Counter({ name: 'dbarch_datadog_submit_failures_total', help: 'Submissions that found the Datadog API unreachable or overloaded (kept and sent again).', labelNames: ['destination'], registers }),
    };
  }

  /** Queues this interval's points and sends everything pending, oldest first; resolves when done or the receiver failed. */
  async submit(points: readonly DatadogPoint[], intervalSeconds: number, at = new Date()): Promise<void> {
    if (points.length > 0) this.#pending.push({ timestamp: Math.floor(at.getTime() / 1000), intervalSeconds, points });
    const limit = this.#options.maxPending ?? 20;
    while (this.#pending.length > limit) this.#drop(this.#pending.shift()!, 'backlog_full');
    while (this.#pending.length > 0) {
      const submission = this.#pending[0]!;
      const outcome = await this.#send(submission);
      if (outcome === 'retry') return;
      this.#pending.shift();
      if (outcome === 'rejected') this.#drop(submission, 'rejected');
      else this.#metrics.points.inc({ destination: this.#destination }, submission.points.length);
    }
  }

  /** Submissions waiting for the receiver. */
  get pending(): number {
    return this.#pending.length;
  }

  async #send(submission: Submission): Promise<'ok' | 'retry' | 'rejected'> {
    const series = submission.points.map((p) => ({
      metric: p.metric,
      type: typeCodes[p.type],
      points: [{ timestamp: submission.timestamp, value: p.value }],
      tags: p.tags,
      resources: [{ name: this.#host, type: 'host' }],
      ...(p.type === 'gauge' ? {} : { interval: submission.intervalSeconds }),
      ...(p.unit === undefined ? {} : { unit: p.unit }),
    }));
    let response: Response;
    try {
      response = await fetch(this.#endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'DD-API-KEY': this.#options.apiKey },
        body: JSON.stringify({ series }),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      return this.#failed(`did not answer: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`);
    }
    const text = await response.text().catch(() => '');
    if (response.status === 429 || response.status >= 500) return this.#failed(`answered ${response.status}: ${text.slice(0, 300)}`);
    if (!response.ok) {
      this.#options.onProblem?.(
        new DbarchError('DBA_SHIPPING_REJECTED', `the Datadog API at ${this.#destination} refused ${submission.points.length} points with ${response.status}: ${text.slice(0, 300)}`, {
          details: { destination: this.#destination, status: response.status },
        }),
      );
      return 'rejected';
    }
    if (this.#failing) {
      this.#failing = false;
      this.#options.onRecovered?.(this.#destination);
    }
    return 'ok';
  }

  #failed(why: string): 'retry' {
    this.#metrics.failures.inc({ destination: this.#destination });
    if (!this.#failing) {
      this.#failing = true;
      this.#options.onProblem?.(new DbarchError('DBA_SHIPPING_RECEIVER_UNREACHABLE', `the Datadog API at ${this.#destination} ${why}`, { details: { destination: this.#destination } }));
    }
    return 'retry';
  }

  #drop(submission: Submission, reason: 'backlog_full' | 'rejected'): void {
    this.#metrics.dropped.inc({ destination: this.#destination, reason }, submission.points.length);
  }
}
