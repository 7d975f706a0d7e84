import { Type, type Static } from '@sinclair/typebox';
import { durationField } from '../../schema/durationField.ts';
import { grammarString } from '../../schema/grammarString.ts';
import { namedString } from '../../schema/namedString.ts';
import { stringEnum } from '../../schema/stringEnum.ts';

export const exchangeTypes = ['topic', 'direct', 'fanout', 'headers'] as const;

export const QueueBinding = Type.Object(
  {
    name: namedString('name', { description: 'Queue name.', examples: ['user.created'] }),
    binding_key: Type.Optional(Type.String({ description: 'Routing key pattern (topic) or exact key (direct); not used by fanout and headers exchanges.', examples: ['inventory.*'] })),
    binding_headers: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { description: 'Header values to match (headers exchanges only).', examples: [{ format: 'json' }] })),
    match: Type.Optional(stringEnum(['all', 'any'] as const, { description: 'Whether all or any of `binding_headers` must match (headers exchanges only).', default: 'all' })),
    consumer: Type.Optional(namedString('name', { description: 'Service that consumes the queue.', examples: ['user_service'] })),
    durable: Type.Optional(Type.Boolean({ description: 'Queue survives a broker restart.', default: true })),
    dead_letter_exchange: Type.Optional(namedString('name', { description: 'Exchange (declared in this section) that receives rejected messages.' })),
    max_retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Deliveries before a message goes to the dead-letter exchange.', default: 5 })),
  },
  { additionalProperties: false },
);

export const Exchange = Type.Object(
  {
    name: namedString('name', { description: 'Exchange name.', examples: ['database.events'] }),
    type: stringEnum(exchangeTypes, { description: 'RabbitMQ exchange type; decides which binding form the queues use.' }),
    durable: Type.Optional(Type.Boolean({ description: 'Exchange survives a broker restart.', default: true })),
    queues: Type.Optional(Type.Array(QueueBinding, { description: 'Queues bound to the exchange.', default: [] })),
  },
  { additionalProperties: false },
);

export const Outbox = Type.Object(
  {
    table: Type.Optional(
      namedString('table', { description: 'Outbox table written in the same transaction as the data: `dbarch.outbox_events`, made by dbarch\'s own migrations (no other name yet).', default: 'outbox_events' }),
    ),
    cluster: Type.Optional(namedString('name', { description: 'Cluster (from `clusters`) of the database whose outbox is relayed.' })),
    database: Type.Optional(namedString('identifier', { description: 'Database whose outbox is relayed: one relay per database, workflow `relay:<database>`.', examples: ['shop'] })),
    exchange: namedString('name', { description: 'Exchange the relay publishes to (declared in `exchanges`), with the event type as routing key.', examples: ['database.events'] }),
    events: Type.Array(namedString('event'), { minItems: 1, description: 'Event types applications write to the outbox; they count as produced for cache invalidation.', examples: [['order.placed']] }),
    poll_interval: Type.Optional(durationField({ description: 'How long an idle relay waits before it looks for new rows again.', default: '100ms' })),
    batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Rows read, published and deleted per relay transaction.', default: 500 })),
    schemas: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Event schema registry: a folder (relative to the spec) of JSON Schemas named `<event type>.v<version>.json`; `outbox.append` refuses payloads that do not match the latest version, and `dbarch validate` refuses a version that breaks consumers of the one before.',
        examples: ['./events'],
      }),
    ),
    max_attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Publishes the broker refuses (unroutable, nacked) before an event is moved to `dbarch.outbox_dead_letters` with the reason.', default: 5 })),
  },
  { additionalProperties: false },
);

export const QueueConfigSchema = Type.Object(
  {
    provider: stringEnum(['rabbitmq'] as const, { description: 'Message broker.' }),
    url: Type.Optional(grammarString('dbarch-amqp-url', { description: 'Broker connection reference.', examples: ['${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672}'] })),
    exchanges: Type.Array(Exchange, { minItems: 1 }),
    outbox: Type.Optional(Outbox),
  },
  { additionalProperties: false },
);

export type QueueConfig = Static<typeof QueueConfigSchema>;
