-- The migration pipeline's tables (plugins/migrations/pipelineStepStore.ts): step outputs that later steps read,
-- by idempotency key, and the schema registry (one row per environment's migrated version).
--
-- IF NOT EXISTS adopts tables made before dbarch versioned its own tables (see V1).
CREATE TABLE IF NOT EXISTS dbarch.migration_pipeline_steps (
  idempotency_key text PRIMARY KEY,
  run_key text NOT NULL,
  step_id text NOT NULL,
  output jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS dbarch.schema_registry (
  id bigserial PRIMARY KEY,
  environment text NOT NULL,
  database text NOT NULL,
  version text,
  fingerprint text NOT NULL,
  approver text,
  approved_at timestamptz,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  workflow_id text NOT NULL,
  plan_hash text NOT NULL,
  idempotency_key text NOT NULL UNIQUE
);
