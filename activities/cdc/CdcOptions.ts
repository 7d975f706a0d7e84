/** A captured table and where its changes go (a RabbitMQ routing key or a Kafka topic). */
export interface CdcTable {
  /** As the spec names it: `users`, or `schema.table`. */
  readonly table: string;
  readonly topic: string;
}

/** The CDC engine's options, resolved (URLs, not references). */
export interface CdcOptions {
  readonly databaseUrl: string;
  readonly slot: string;
  readonly publication: string;
  readonly tables: readonly CdcTable[];
  readonly publishTo: 'rabbitmq' | 'kafka';
  /** RabbitMQ: the URL and the topic exchange the routing keys are published to. */
  readonly amqpUrl?: string;
  readonly exchange?: string;
  /** Kafka: `host:port` seed brokers. */
  readonly kafkaBrokers?: readonly string[];
  /** Events published but not yet confirmed before reading pauses. */
  readonly windowEvents: number;
  /** Return after this long (the workflow continues as new). */
  readonly runForMs?: number;
}

export const cdcDefaults = {
  slot: 'dbarch_cdc',
  publication: 'dbarch_cdc',
  exchange: 'dbarch.cdc',
  windowEvents: 2000,
} as const;

/** The topic the seed names for a table's changes when the spec gives none: `database.users.changes`. */
export function topicFor(table: string): string {
  return `database.${table}.changes`;
}
