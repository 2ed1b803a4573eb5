// The alerts' PostgreSQL tables, created with the control store's schema (same advisory lock). Channels and
// rules keep their settings in jsonb; a webhook channel stores the NAME of the environment variable holding its
// URL, never the URL.

export const ALERT_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS alert_channels (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  type text NOT NULL,
  enabled boolean NOT NULL,
  config jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS alert_rules (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL,
  enabled boolean NOT NULL,
  config jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS alert_incidents (
  rule_id uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  subject text NOT NULL,
  kind text NOT NULL,
  opened_at timestamptz NOT NULL,
  title text NOT NULL,
  link text NOT NULL,
  PRIMARY KEY (rule_id, subject)
);

CREATE TABLE IF NOT EXISTS alert_deliveries (
  id uuid PRIMARY KEY,
  rule_id uuid,
  channel_id uuid NOT NULL,
  channel_name text NOT NULL,
  message jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_attempt_at timestamptz,
  sent_at timestamptz,
  error text
);
CREATE INDEX IF NOT EXISTS alert_deliveries_created ON alert_deliveries (created_at DESC);
CREATE INDEX IF NOT EXISTS alert_deliveries_unsent ON alert_deliveries (created_at)
  WHERE status IN ('pending', 'retrying');
`;
