-- dbarch.smoke_runs: the service versions each smoke workflow run saw, one row per run
-- (activities/smoke/recordSmokeRun.ts).
--
-- IF NOT EXISTS because databases set up before dbarch versioned its own tables already hold this table, made
-- by the same DDL: V1 to V3 adopt what is there as it is. This is the one place such DDL lives, it runs once per
-- database under the migration lock, so the race the old ad-hoc CREATE … IF NOT EXISTS had cannot happen.
CREATE TABLE IF NOT EXISTS dbarch.smoke_runs (
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  versions jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, run_id)
);
