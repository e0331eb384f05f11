-- Webhooks: endpoints of a venue (its owner's) or of the whole network (an admin's), the secrets
-- that sign their deliveries, one delivery per endpoint and event with its tries, and where the
-- fan-out from the outbox stands.
CREATE TABLE webhook_endpoints (
    id               TEXT PRIMARY KEY,
    -- NULL: the network's, receiving every event.
    venue_id         TEXT REFERENCES venues(id) ON DELETE CASCADE,
    url              TEXT NOT NULL,
    -- The event types wanted; an empty list wants every type.
    events           TEXT NOT NULL,
    enabled          INTEGER NOT NULL DEFAULT 1,
    -- Why it was disabled ('gone': the receiver answered 410; 'owner').
    disabled_reason  TEXT,
    created_by       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at       INTEGER NOT NULL,
    -- Since when its tries fail without a success in between, and when its owner was told.
    failing_since    INTEGER,
    told_at          INTEGER
);
CREATE INDEX webhook_endpoints_venue ON webhook_endpoints(venue_id);

-- Signing secrets, kept in clear (each must sign); several at once while one is rotated.
CREATE TABLE webhook_secrets (
    id           TEXT PRIMARY KEY,
    endpoint_id  TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    secret       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    -- Signs no more from then (an old secret during a rotation).
    expires_at   INTEGER
);
CREATE INDEX webhook_secrets_endpoint ON webhook_secrets(endpoint_id);

-- One event for one endpoint: the body signed and sent on every try, and how it stands.
CREATE TABLE webhook_deliveries (
    id             TEXT PRIMARY KEY,
    endpoint_id    TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id       INTEGER NOT NULL,
    event_type     TEXT NOT NULL,
    body           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_at        INTEGER NOT NULL,
    -- Held by the instance sending it until then.
    claimed_until  INTEGER NOT NULL DEFAULT 0,
    last_code      INTEGER,
    last_error     TEXT,
    created_at     INTEGER NOT NULL,
    done_at        INTEGER,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(endpoint_id, event_id) WHERE status = 'pending';

-- Each try of a delivery.
CREATE TABLE webhook_attempts (
    delivery_id  TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempt      INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    code         INTEGER,
    error        TEXT,
    duration_ms  INTEGER NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);

-- The last outbox event fanned out to the endpoints: one row for every instance, written by the
-- first server to start (from the outbox's end then: no endpoint gets events older than it).
CREATE TABLE webhook_cursor (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    last_event  INTEGER NOT NULL
);
