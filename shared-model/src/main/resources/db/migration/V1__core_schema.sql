-- mcp-gateway core schema. See docs/ARCHITECTURE.md §7.
-- Objects are created unqualified: Flyway sets search_path to the configured schema (MGW_PG_SCHEMA).

CREATE TABLE principals (
  id            uuid PRIMARY KEY,
  issuer        text        NOT NULL,  -- OAuth issuer URL, or 'mgw' for principals created by the gateway itself
  subject       text        NOT NULL,
  email         text,
  display_name  text,
  is_admin      boolean     NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz,
  CONSTRAINT principals_identity_unique UNIQUE (issuer, subject)
);

CREATE TABLE api_keys (
  id            uuid PRIMARY KEY,
  principal_id  uuid        NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  name          text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  prefix        text        NOT NULL,           -- the visible start of the key, used to find the row
  key_hash      bytea       NOT NULL,           -- SHA-256 of the whole key; compared in constant time
  preset_ids    uuid[],                         -- NULL: every preset the owner may use
  expires_at    timestamptz,
  revoked_at    timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  CONSTRAINT api_keys_prefix_unique UNIQUE (prefix)
);
CREATE INDEX api_keys_principal_idx ON api_keys (principal_id, created_at DESC);

CREATE TABLE upstream_servers (
  id                    uuid PRIMARY KEY,
  slug                  text        NOT NULL,
  name                  text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  description           text        CHECK (char_length(description) <= 500),
  transport             text        NOT NULL CHECK (transport IN ('streamable_http', 'sse', 'stdio')),
  url                   text,
  command               text,
  args                  jsonb       NOT NULL DEFAULT '[]'::jsonb,
  secrets               bytea,      -- AES-256-GCM sealed JSON {"headers":{...},"env":{...}} under MGW_SECRET_KEY
  owner_id              uuid        NOT NULL REFERENCES principals (id),
  status                text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  tool_call_timeout_ms  integer     CHECK (tool_call_timeout_ms > 0),
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT upstream_servers_slug_unique UNIQUE (slug),
  CONSTRAINT upstream_servers_slug_format CHECK (slug ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' AND char_length(slug) BETWEEN 3 AND 50),
  CONSTRAINT upstream_servers_target CHECK (
    (transport = 'stdio' AND command IS NOT NULL AND url IS NULL) OR
    (transport <> 'stdio' AND url IS NOT NULL AND command IS NULL))
);
CREATE INDEX upstream_servers_owner_idx ON upstream_servers (owner_id);

CREATE TABLE presets (
  id                     uuid PRIMARY KEY,
  slug                   text        NOT NULL,
  name                   text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  description            text        CHECK (char_length(description) <= 500),
  visibility             text        NOT NULL CHECK (visibility IN ('public', 'private', 'invite_only')),
  status                 text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'archived')),
  rate_limit_per_minute  integer     CHECK (rate_limit_per_minute > 0),
  owner_id               uuid        NOT NULL REFERENCES principals (id),
  metadata               jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT presets_slug_unique UNIQUE (slug),
  CONSTRAINT presets_slug_format CHECK (slug ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' AND char_length(slug) BETWEEN 3 AND 50)
);
CREATE INDEX presets_owner_idx ON presets (owner_id, created_at DESC, id);

CREATE TABLE preset_servers (
  preset_id           uuid        NOT NULL REFERENCES presets (id) ON DELETE CASCADE,
  server_id           uuid        NOT NULL REFERENCES upstream_servers (id) ON DELETE RESTRICT,
  enabled             boolean     NOT NULL DEFAULT true,
  allowed_tool_names  text[]      NOT NULL DEFAULT '{}',   -- empty: every tool of the server
  linked_at           timestamptz NOT NULL DEFAULT clock_timestamp(),  -- decides which of two colliding tools is renamed
  PRIMARY KEY (preset_id, server_id)
);
CREATE INDEX preset_servers_server_idx ON preset_servers (server_id);

CREATE TABLE preset_access (
  preset_id     uuid        NOT NULL REFERENCES presets (id) ON DELETE CASCADE,
  principal_id  uuid        NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  granted_by    uuid        REFERENCES principals (id) ON DELETE SET NULL,
  granted_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (preset_id, principal_id)
);
CREATE INDEX preset_access_principal_idx ON preset_access (principal_id);

-- Append-only trail of changes; written in the same transaction as the change it records.
CREATE TABLE audit_events (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type  text        NOT NULL CHECK (aggregate_type IN ('preset', 'server', 'api_key', 'principal')),
  aggregate_id    uuid        NOT NULL,
  event_type      text        NOT NULL,
  actor_id        uuid,
  data            jsonb       NOT NULL DEFAULT '{}'::jsonb,
  occurred_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_aggregate_idx ON audit_events (aggregate_type, aggregate_id, id DESC);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- One row per tool call, partitioned by month on executed_at; old partitions are dropped whole.
CREATE TABLE tool_call_metrics (
  id             bigint GENERATED ALWAYS AS IDENTITY,
  preset_id      uuid        NOT NULL,
  server_id      uuid,
  tool_name      text        NOT NULL,
  principal      text,
  ok             boolean     NOT NULL,
  latency_ms     integer     NOT NULL,
  error_code     text,
  error_message  text,
  executed_at    timestamptz NOT NULL,
  PRIMARY KEY (id, executed_at)
) PARTITION BY RANGE (executed_at);
CREATE INDEX tool_call_metrics_preset_time_idx ON tool_call_metrics (preset_id, executed_at);

-- Creates the monthly partitions from the month of from_ts through months_ahead months later.
-- Idempotent; the metrics verticle calls it at start-up and daily.
CREATE FUNCTION ensure_tool_call_metrics_partitions(from_ts timestamptz, months_ahead integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', from_ts AT TIME ZONE 'UTC')::date;
  created integer := 0;
  part text;
BEGIN
  FOR i IN 0..months_ahead LOOP
    part := 'tool_call_metrics_' || to_char(m, 'YYYY_MM');
    IF to_regclass(quote_ident(current_schema()) || '.' || part) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF tool_call_metrics FOR VALUES FROM (%L) TO (%L)',
                     part, (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
      created := created + 1;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN created;
END $$;

SELECT ensure_tool_call_metrics_partitions(now(), 2);
