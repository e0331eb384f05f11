-- Outcomes of coworking a member records: what came of it, with whom (who confirms their side),
-- what led to it, what it was worth, and who may see it.

CREATE TABLE outcomes (
    id                 UUID PRIMARY KEY,
    owner_id           UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category           TEXT NOT NULL CHECK (category IN ('collaboration', 'client', 'job', 'skill', 'product', 'network', 'other')),
    note               TEXT,
    with_id            UUID REFERENCES users(id) ON DELETE SET NULL,
    with_confirmed_at  BIGINT,
    venue_id           UUID REFERENCES venues(id) ON DELETE SET NULL,
    value_cents        BIGINT,
    currency           TEXT,
    hours              INTEGER,
    sharing            TEXT NOT NULL CHECK (sharing IN ('private', 'venue', 'public')),
    created_at         BIGINT NOT NULL,
    CHECK (with_id IS NULL OR with_id <> owner_id)
);
CREATE INDEX outcomes_owner ON outcomes(owner_id, created_at);
CREATE INDEX outcomes_with ON outcomes(with_id, created_at);
CREATE INDEX outcomes_venue ON outcomes(venue_id, created_at);

-- The exchanges and introductions an outcome names as what led to it.
CREATE TABLE outcome_links (
    outcome_id  UUID NOT NULL REFERENCES outcomes(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('exchange', 'intro')),
    target_id   UUID NOT NULL,
    PRIMARY KEY (outcome_id, kind, target_id)
);
