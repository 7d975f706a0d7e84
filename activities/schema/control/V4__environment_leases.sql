-- dbarch.environment_leases: one migration pipeline at a time per environment and target database
-- (plugins/migrations/environmentLease.ts). Every pipeline run that asked has a row, queued by ticket; the row
-- with acquired_at set holds the lease. Rows are data, so a lease outlives any worker.
CREATE TABLE dbarch.environment_leases (
  environment text NOT NULL,
  database text NOT NULL,
  -- The pipeline run: <workflow id>:<first run id>, the same for every attempt, step and continue-as-new of it.
  holder text NOT NULL,
  workflow_id text NOT NULL,
  ticket bigint GENERATED ALWAYS AS IDENTITY,
  requested_at timestamptz NOT NULL DEFAULT now(),
  acquired_at timestamptz,
  PRIMARY KEY (environment, database, holder)
);

-- At most one holder per environment and database, whatever two waiters decide at once.
CREATE UNIQUE INDEX environment_leases_one_holder ON dbarch.environment_leases (environment, database) WHERE acquired_at IS NOT NULL;
