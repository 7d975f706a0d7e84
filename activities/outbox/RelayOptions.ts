/** How one relay attempt runs: plain JSON, the relay activity's input. */
export interface RelayOptions {
  /** The application database holding dbarch.outbox_events. */
  readonly databaseUrl: string;
  readonly amqpUrl: string;
  /** Exchange every event is published to, with its event type as the routing key. */
  readonly exchange: string;
  /** Rows read, published and deleted per batch (one transaction each). */
  readonly batchSize: number;
  /** Batches published and not yet confirmed at once: the confirm window is batchSize × this, in messages. */
  readonly windowBatches: number;
  /** How long an idle relay waits before it looks at the table again. */
  readonly pollIntervalMs: number;
  /** Refused publishes (unroutable, nacked) of one event before it is dead-lettered. */
  readonly maxAttempts: number;
  /** Return after this long (the workflow continues as new, so its history stays small); default: run until cancelled. */
  readonly runForMs?: number;
}

export const relayDefaults = { batchSize: 500, windowBatches: 4, pollIntervalMs: 100, maxAttempts: 5 } as const;
