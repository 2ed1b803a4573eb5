// The control store's PostgreSQL tables. Created under an advisory lock so a web and a worker process
// starting together cannot race on CREATE TABLE IF NOT EXISTS (which is not atomic in PostgreSQL).

export const SCHEMA_LOCK_ID = 727_001;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS control_runs (
  id uuid PRIMARY KEY,
  pipeline text NOT NULL,
  job_type text NOT NULL,
  trigger text NOT NULL,
  attempt integer NOT NULL DEFAULT 1,
  status text NOT NULL,
  scheduled_for timestamptz,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  heartbeat_at timestamptz NOT NULL,
  progress jsonb NOT NULL DEFAULT '{}'::jsonb,
  error_message text,
  error_stack text,
  error_code text,
  lock_key text,
  worker text,
  cancel_requested boolean NOT NULL DEFAULT false
);
-- Issue 14: what a run found (data-quality checks, reconcile figures); added to control DBs made before it.
ALTER TABLE control_runs ADD COLUMN IF NOT EXISTS results jsonb NOT NULL DEFAULT '{}'::jsonb;
CREATE INDEX IF NOT EXISTS control_runs_pipeline_started ON control_runs (pipeline, started_at DESC);
CREATE INDEX IF NOT EXISTS control_runs_started ON control_runs (started_at DESC);
CREATE INDEX IF NOT EXISTS control_runs_running ON control_runs (status) WHERE status = 'running';

CREATE TABLE IF NOT EXISTS control_run_logs (
  seq bigserial PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES control_runs (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  level text NOT NULL,
  message text NOT NULL
);
CREATE INDEX IF NOT EXISTS control_run_logs_run ON control_run_logs (run_id, seq);

CREATE TABLE IF NOT EXISTS control_locks (
  key text PRIMARY KEY,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS lineage_events (
  seq bigserial PRIMARY KEY,
  run_id text NOT NULL,
  event_type text NOT NULL,
  event_time timestamptz NOT NULL,
  job_namespace text NOT NULL,
  job_name text NOT NULL,
  payload jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS lineage_events_run ON lineage_events (run_id, seq);
CREATE INDEX IF NOT EXISTS lineage_events_job ON lineage_events (job_namespace, job_name, seq);

CREATE TABLE IF NOT EXISTS lineage_nodes (
  id text PRIMARY KEY,
  kind text NOT NULL,
  namespace text NOT NULL,
  name text NOT NULL,
  latest_status text NOT NULL,
  latest_run_id text NOT NULL,
  latest_version text,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS lineage_edges (
  from_id text NOT NULL,
  to_id text NOT NULL,
  PRIMARY KEY (from_id, to_id)
);
CREATE INDEX IF NOT EXISTS lineage_edges_to ON lineage_edges (to_id);

CREATE TABLE IF NOT EXISTS control_schedule_changes (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  schedule text NOT NULL,
  action text NOT NULL,
  before jsonb,
  after jsonb
);
CREATE INDEX IF NOT EXISTS control_schedule_changes_schedule ON control_schedule_changes (schedule, seq DESC);
`;
