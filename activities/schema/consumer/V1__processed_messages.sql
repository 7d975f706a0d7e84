-- Message ids an idempotent consumer has processed, in the consumer's own database, written in the same
-- transaction as the message's effect so a redelivery finds its id and does nothing
-- (activities/outbox/processOnce.ts is its module).
CREATE TABLE dbarch.processed_messages (
  consumer text NOT NULL,
  message_id text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, message_id)
);

-- Pruning by age (pruneProcessedMessages) reads this.
CREATE INDEX processed_messages_processed_at ON dbarch.processed_messages (processed_at);
