import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the queue capability: RabbitMQ topology, the transactional outbox and its relay, idempotent consumers. */
export const queueCodes = defineCodes({
  DBA_QUEUE_UNREACHABLE: {
    summary: 'RabbitMQ did not answer, or closed the connection while dbarch was using it.',
    hint: 'Check the broker URL (queue_config.url or AMQP_URL) and that RabbitMQ runs; the operation is retried.',
    retryable: true,
  },
  DBA_QUEUE_REFUSED: {
    summary: 'RabbitMQ refused the connection or an operation for a lasting reason (credentials, vhost, permissions).',
    hint: 'Check the user, password and vhost in the broker URL and that the user may configure, write and read the names used.',
    retryable: false,
  },
  DBA_QUEUE_EXCHANGE_TYPE: {
    summary: 'RabbitMQ does not know an exchange type the topology declares (a plugin exchange type that is not enabled).',
    hint: 'Use topic, direct, fanout or headers, or enable the broker plugin that provides the type; nothing was declared.',
    retryable: false,
  },
  DBA_QUEUE_NOT_EMPTY: {
    summary: 'A queue must be recreated to match the spec (its arguments differ) but holds messages, and its deletion was not approved.',
    hint: 'Drain the queue, or approve the deletion: pass the queue in the step\'s `approved_deletes` (behind an approval gate); its messages are lost.',
    retryable: false,
  },
  DBA_QUEUE_TOPOLOGY_INVALID: {
    summary: 'The topology handed to the queue step is inconsistent (a binding or dead-letter exchange names an exchange or queue it does not declare).',
    hint: 'Declare every exchange and queue a binding refers to; `dbarch validate` reports the same mistakes in queue_config.',
    retryable: false,
  },
  DBA_OUTBOX_TABLE_MISSING: {
    summary: 'The outbox table dbarch.outbox_events does not exist in the application database.',
    hint: 'Create it with dbarch\'s own migrations: `outbox.migrate(url)` once at deploy, or start the relay (`dbarch relay <spec>`), which applies them.',
    retryable: false,
  },
  DBA_OUTBOX_EVENT_INVALID: {
    summary: 'An outbox event was refused before the transaction could commit: its type is not a routing key, its payload is not JSON, or the payload does not match its event schema.',
    hint: 'Event types are dot-separated words (`order.placed`); the payload must be JSON-serialisable and match the latest version of its schema; the details name the problem.',
    retryable: false,
  },
  DBA_OUTBOX_SCHEMA_INVALID: {
    summary: 'A file of the event schema registry (queue_config.outbox.schemas) is misnamed, not JSON, or not a valid JSON Schema.',
    hint: 'Name each file <event type>.v<version>.json (order.placed.v2.json) and make it a JSON Schema object.',
    retryable: false,
  },
  DBA_OUTBOX_SCHEMA_BREAKING: {
    summary: 'A new version of an event schema breaks consumers of the version before: a required field removed or made optional, or a field\'s type changed.',
    hint: 'Keep every required field and type of the previous version and add new fields instead, or publish the change as a new event type.',
    retryable: false,
  },
  DBA_OUTBOX_DATABASE_UNREACHABLE: {
    summary: 'The outbox relay lost or could not open its connection to the application database.',
    hint: 'Check the database URL the relay uses and that the server runs; the relay is retried and resumes where the table says.',
    retryable: true,
  },
  DBA_OUTBOX_DATABASE_REFUSED: {
    summary: 'The application database refused the outbox relay for a lasting reason (authentication, no such database, permission).',
    hint: 'Check the cluster and database in queue_config.outbox and that the role may read and delete rows of dbarch.outbox_events.',
    retryable: false,
  },
  DBA_OUTBOX_RELAY_INPUT: {
    summary: 'The spec does not say enough to run the outbox relay (no queue_config.outbox, or no database to relay from).',
    hint: 'Add `queue_config.outbox` with `exchange`, `events` and `database` (and `cluster` when the spec declares clusters).',
    retryable: false,
  },
});
