-- Tokens a host gives a venue's screens (the dashboard on a TV, the kiosk at the door): they
-- open that venue's screen and nothing else, and can be revoked.

CREATE TABLE screen_tokens (
    id         UUID PRIMARY KEY,
    venue_id   UUID NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('display', 'kiosk')),
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX screen_tokens_venue ON screen_tokens(venue_id, created_at);
