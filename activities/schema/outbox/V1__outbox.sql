-- The transactional outbox in an application database (activities/outbox/outboxTable.ts is its module).
-- Applications insert rows in their own transaction (`outbox.append`); the relay publishes them to RabbitMQ and
-- deletes them only after the broker confirmed them. id order is commit order for rows of one key: append takes
-- a transaction-level advisory lock on the key before the row gets its id.
CREATE TABLE dbarch.outbox_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The AMQP message id consumers deduplicate by (dbarch.processed_messages); the same on every republish.
  message_id uuid NOT NULL DEFAULT gen_random_uuid(),
  event_type text NOT NULL,
  event_key text,
  payload jsonb NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Publishes the broker refused (unroutable, nacked); at the relay's max_attempts the row is dead-lettered.
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);

-- Events the relay gave up on, with the reason; nothing is dropped silently.
CREATE TABLE dbarch.outbox_dead_letters (
  id bigint PRIMARY KEY,
  message_id uuid NOT NULL,
  event_type text NOT NULL,
  event_key text,
  payload jsonb NOT NULL,
  headers jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  attempts integer NOT NULL,
  reason text NOT NULL,
  dead_lettered_at timestamptz NOT NULL DEFAULT now()
);
