-- What happens to a gathering after it is organised: its dates change (and calendars learn of it
-- by SEQUENCE), a date at a venue holds seats of the venue's open seating, attendance is marked at
-- check-in and confirmed by the organiser, the organiser writes to the people going; venues may
-- welcome members' gatherings; members subscribe to their own calendar at a secret address.
ALTER TABLE gathering_dates ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE gathering_dates ADD COLUMN space_id TEXT REFERENCES spaces(id) ON DELETE SET NULL;
ALTER TABLE gathering_dates ADD COLUMN attendance_confirmed_at INTEGER;
CREATE INDEX gathering_dates_space ON gathering_dates(space_id, starts_at) WHERE space_id IS NOT NULL;
ALTER TABLE gathering_rsvps ADD COLUMN attended_at INTEGER;
ALTER TABLE venues ADD COLUMN welcomes_gatherings INTEGER NOT NULL DEFAULT 0;

CREATE TABLE gathering_messages (
    id          TEXT PRIMARY KEY,
    date_id     TEXT NOT NULL REFERENCES gathering_dates(id) ON DELETE CASCADE,
    author_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX gathering_messages_date ON gathering_messages(date_id, created_at);

-- A member's calendar address: only its hash is kept; a new one replaces the old.
CREATE TABLE calendar_keys (
    user_id     TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    key_hash    TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);
