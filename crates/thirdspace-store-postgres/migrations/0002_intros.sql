-- Introductions suggested by the serendipity engine and what became of them.
-- person_a sorts before person_b; each side answers for themselves; a decline is never shown to
-- the other side.

CREATE TABLE intros (
    id          UUID PRIMARY KEY,
    venue_id    UUID REFERENCES venues(id) ON DELETE CASCADE,
    person_a    UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    person_b    UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    score       REAL NOT NULL,
    reason      TEXT NOT NULL,
    a_answer    TEXT NOT NULL DEFAULT 'pending' CHECK (a_answer IN ('pending', 'accepted', 'declined')),
    b_answer    TEXT NOT NULL DEFAULT 'pending' CHECK (b_answer IN ('pending', 'accepted', 'declined')),
    met_at      BIGINT,
    a_useful    BOOLEAN,
    b_useful    BOOLEAN,
    created_at  BIGINT NOT NULL,
    -- When someone declined or the two met: the cool-down runs from here.
    settled_at  BIGINT,
    CHECK (person_a < person_b)
);
CREATE INDEX intros_a ON intros(person_a, created_at);
CREATE INDEX intros_b ON intros(person_b, created_at);
