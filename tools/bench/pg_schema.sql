-- The write baseline: the events table a user would put in PostgreSQL instead
-- of accountd's log. A global position from an identity column, and optimistic
-- concurrency per stream through UNIQUE (stream, version).
CREATE TABLE events (
  position    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream      text        NOT NULL,
  version     bigint      NOT NULL,
  type        text        NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  data        jsonb       NOT NULL,
  UNIQUE (stream, version)
);
