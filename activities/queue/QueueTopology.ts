/** Header values a headers-exchange binding matches (AMQP table values dbarch writes). */
export type AmqpArgument = string | number | boolean;

/** What RabbitMQ should hold: the engine's input, built from queue_config by the queue capability. */
export interface QueueTopology {
  readonly exchanges: readonly ExchangeDeclaration[];
  readonly queues: readonly QueueDeclaration[];
  readonly bindings: readonly BindingDeclaration[];
}

export interface ExchangeDeclaration {
  readonly name: string;
  /** topic, direct, fanout, headers, or a plugin's type (checked against the broker before anything is declared). */
  readonly type: string;
  readonly durable: boolean;
}

export interface QueueDeclaration {
  readonly name: string;
  readonly durable: boolean;
  /** x-arguments: `x-dead-letter-exchange` and the like; a queue declared with others has drifted. */
  readonly arguments: Readonly<Record<string, AmqpArgument>>;
}

export interface BindingDeclaration {
  readonly queue: string;
  readonly exchange: string;
  /** Routing key pattern; empty for fanout and headers exchanges. */
  readonly routingKey: string;
  /** Headers to match and `x-match` (headers exchanges). */
  readonly arguments?: Readonly<Record<string, AmqpArgument>>;
}

/** The exchange types every RabbitMQ has; any other is probed before declaring anything. */
export const builtinExchangeTypes: readonly string[] = ['topic', 'direct', 'fanout', 'headers'];
