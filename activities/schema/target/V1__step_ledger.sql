-- dbarch.step_ledger in a target database: one row per `builtin/sql` step that committed, written in the step's
-- own transaction, so a retry finds it and does nothing twice (activities/builtin/runSqlOnce.ts is its module).
--
-- IF NOT EXISTS adopts the table made before dbarch versioned its own tables, by the same DDL. It runs once per
-- database under the migration lock, so the race the old ad-hoc CREATE … IF NOT EXISTS had cannot happen.
CREATE TABLE IF NOT EXISTS dbarch.step_ledger (
  idempotency_key text PRIMARY KEY,
  workflow_id text NOT NULL,
  step_id text NOT NULL,
  output jsonb NOT NULL,
  completed_at timestamptz NOT NULL DEFAULT now()
);
