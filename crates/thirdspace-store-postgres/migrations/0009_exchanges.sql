-- The social-capital ledger: who helped whom, with what. Either side proposes; it counts once the
-- other side confirms. A decline is never shown to the proposer as such.

CREATE TABLE exchanges (
    id           UUID PRIMARY KEY,
    giver_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    receiver_id  UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    proposer_id  UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    venue_id     UUID REFERENCES venues(id) ON DELETE SET NULL,
    source       TEXT NOT NULL CHECK (source IN ('introduction', 'question', 'pledge', 'free')),
    source_id    UUID,
    tags         JSONB NOT NULL DEFAULT '[]',
    text         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'confirmed', 'declined')),
    proposed_at  BIGINT NOT NULL,
    answered_at  BIGINT,
    CHECK (giver_id <> receiver_id),
    CHECK (proposer_id IN (giver_id, receiver_id))
);
CREATE INDEX exchanges_giver ON exchanges(giver_id, proposed_at);
CREATE INDEX exchanges_receiver ON exchanges(receiver_id, proposed_at);
CREATE INDEX exchanges_venue ON exchanges(venue_id, answered_at);
-- One exchange in each direction from one introduction, question or booking.
CREATE UNIQUE INDEX exchanges_one_per_source ON exchanges(source, source_id, giver_id, receiver_id)
    WHERE source_id IS NOT NULL;

-- Each exchange's topics, one row each, for the records and reports that count by topic.
CREATE TABLE exchange_tags (
    exchange_id  UUID NOT NULL REFERENCES exchanges(id) ON DELETE CASCADE,
    tag          TEXT NOT NULL,
    PRIMARY KEY (exchange_id, tag)
);
CREATE INDEX exchange_tags_tag ON exchange_tags(tag);
