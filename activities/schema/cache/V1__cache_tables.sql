-- The cache library's durable state in an application database (gateway/cache, activities/cache):
-- invalidations that could not reach Redis (pendingSpool.ts), replayed by the next process before it serves
-- from Redis, and the write-behind stream ids already applied (writeBehindFlusher.ts), recorded in the same
-- transaction as the writes so a flusher killed before its acknowledgement never applies a batch twice.
CREATE TABLE dbarch.cache_pending_invalidations (
  prefix text NOT NULL,
  kind text NOT NULL,
  target text NOT NULL,
  token text NOT NULL DEFAULT gen_random_uuid()::text,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (prefix, kind, target)
);

CREATE TABLE dbarch.cache_write_behind_applied (
  stream text NOT NULL,
  id text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream, id)
);
