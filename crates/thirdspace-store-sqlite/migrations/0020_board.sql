-- The community board: offers and needs at a venue or in a city, until they expire; and the
-- messages members write about a post, through the platform (no e-mail address is shown).
CREATE TABLE board_posts (
    id            TEXT PRIMARY KEY,
    author_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('offer', 'need')),
    category      TEXT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT,
    tags          TEXT NOT NULL DEFAULT '[]',
    venue_id      TEXT REFERENCES venues(id) ON DELETE CASCADE,
    city          TEXT NOT NULL,
    city_key      TEXT NOT NULL,
    expires_at    INTEGER NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fulfilled', 'withdrawn')),
    fulfilled_with TEXT REFERENCES users(id) ON DELETE SET NULL,
    closed_at     INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX board_posts_city ON board_posts(city_key, status, expires_at);
CREATE INDEX board_posts_venue ON board_posts(venue_id, status, expires_at);
CREATE INDEX board_posts_author ON board_posts(author_id, created_at);

CREATE TABLE board_messages (
    id          TEXT PRIMARY KEY,
    post_id     TEXT NOT NULL REFERENCES board_posts(id) ON DELETE CASCADE,
    -- The member writing to the author about the post: every message of theirs and the author's
    -- replies to them are one conversation.
    member_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    from_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX board_messages_conversation ON board_messages(post_id, member_id, created_at);
