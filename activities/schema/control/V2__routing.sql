-- dbarch.routing and dbarch.routing_history: what the data plane reads, per service and database the active
-- colour, both connection references and the one in use, and a version that grows with every change; and one
-- history row per version (activities/replication/routingTables.ts is the contract, with its NOTIFY payload).
--
-- IF NOT EXISTS adopts tables made before dbarch versioned its own tables (see V1).
CREATE TABLE IF NOT EXISTS dbarch.routing (
  service text NOT NULL,
  database text NOT NULL,
  active_color text NOT NULL CHECK (active_color IN ('blue', 'green')),
  blue_ref text,
  green_ref text,
  active_ref text GENERATED ALWAYS AS (CASE active_color WHEN 'blue' THEN blue_ref ELSE green_ref END) STORED,
  version bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service, database)
);

CREATE TABLE IF NOT EXISTS dbarch.routing_history (
  service text NOT NULL,
  database text NOT NULL,
  version bigint NOT NULL,
  from_color text,
  to_color text NOT NULL,
  reason text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  -- Who made the change (a step's idempotency key), so a compensation can find and undo its own switch.
  origin text,
  PRIMARY KEY (service, database, version)
);

-- The first routing_history had no `origin`; tables made then get it here (a nullable column: no rewrite).
ALTER TABLE dbarch.routing_history ADD COLUMN IF NOT EXISTS origin text;
