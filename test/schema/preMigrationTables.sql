-- The tables as dbarch made them before it versioned its own schema: the ad-hoc CREATE … IF NOT EXISTS of
-- recordSmokeRun.ts, routingTables.ts (its first version, before routing_history had `origin`),
-- pipelineStepStore.ts and runSqlOnce.ts, copied verbatim from those files, with a row in each.
CREATE SCHEMA IF NOT EXISTS dbarch;
CREATE TABLE IF NOT EXISTS dbarch.smoke_runs (
        workflow_id text NOT NULL,
        run_id text NOT NULL,
        versions jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workflow_id, run_id));
CREATE TABLE IF NOT EXISTS dbarch.routing (
    service text NOT NULL,
    database text NOT NULL,
    active_color text NOT NULL CHECK (active_color IN ('blue', 'green')),
    blue_ref text,
    green_ref text,
    active_ref text GENERATED ALWAYS AS (CASE active_color WHEN 'blue' THEN blue_ref ELSE green_ref END) STORED,
    version bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service, database));
CREATE TABLE IF NOT EXISTS dbarch.routing_history (
    service text NOT NULL,
    database text NOT NULL,
    version bigint NOT NULL,
    from_color text,
    to_color text NOT NULL,
    reason text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service, database, version));
CREATE TABLE IF NOT EXISTS dbarch.migration_pipeline_steps (
           idempotency_key text PRIMARY KEY,
           run_key text NOT NULL,
           step_id text NOT NULL,
           output jsonb NOT NULL,
           recorded_at timestamptz NOT NULL DEFAULT now());
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
           idempotency_key text NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS dbarch.step_ledger (
  idempotency_key text PRIMARY KEY,
  workflow_id text NOT NULL,
  step_id text NOT NULL,
  output jsonb NOT NULL,
  completed_at timestamptz NOT NULL DEFAULT now());

INSERT INTO dbarch.smoke_runs (workflow_id, run_id, versions) VALUES ('smoke-old', 'run-1', '{"postgres": "15"}');
INSERT INTO dbarch.routing (service, database, active_color, blue_ref, green_ref, version) VALUES ('checkout', 'shop', 'green', '${BLUE}', '${GREEN}', 1);
INSERT INTO dbarch.routing_history (service, database, version, from_color, to_color, reason) VALUES ('checkout', 'shop', 1, 'blue', 'green', 'switch to green');
INSERT INTO dbarch.migration_pipeline_steps (idempotency_key, run_key, step_id, output) VALUES ('wf:run:lint', 'wf:run', 'lint', '{"ok": true}');
INSERT INTO dbarch.schema_registry (environment, database, version, fingerprint, workflow_id, plan_hash, idempotency_key) VALUES ('staging', 'shop', '2', 'abc', 'wf', 'hash', 'wf:run:record_registry');
INSERT INTO dbarch.step_ledger (idempotency_key, workflow_id, step_id, output) VALUES ('wf:run:seed', 'wf', 'seed', '{"rowCount": 1, "rows": []}');
