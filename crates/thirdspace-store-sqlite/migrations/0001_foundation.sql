-- Accounts, venues, spaces, profiles, seat bookings and questions.
-- Instants are UTC seconds since the epoch; IDs are UUIDs as text; lists are JSON arrays.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('session', 'api')),
    token_hash TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);
CREATE INDEX tokens_user ON tokens(user_id, kind, created_at);

CREATE TABLE profiles (
    user_id      TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    headline     TEXT,
    bio          TEXT,
    offers       TEXT NOT NULL DEFAULT '[]',
    seeking      TEXT NOT NULL DEFAULT '[]',
    seeking_text TEXT,
    interests    TEXT NOT NULL DEFAULT '[]',
    field        TEXT,
    links        TEXT NOT NULL DEFAULT '[]',
    visibility   TEXT NOT NULL CHECK (visibility IN ('public', 'venue', 'hidden')),
    open_to_meet INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE venues (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    kind                  TEXT NOT NULL,
    address               TEXT NOT NULL,
    city                  TEXT NOT NULL,
    city_key              TEXT NOT NULL,
    country               TEXT NOT NULL,
    latitude              REAL,
    longitude             REAL,
    time_zone             TEXT NOT NULL,
    opening_hours         TEXT NOT NULL DEFAULT '[]',
    closures              TEXT NOT NULL DEFAULT '[]',
    amenities             TEXT NOT NULL DEFAULT '[]',
    house_rules           TEXT,
    no_show_grace_minutes INTEGER NOT NULL,
    checkin_secret        BLOB NOT NULL,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
CREATE INDEX venues_city ON venues(city_key, name);

CREATE TABLE venue_staff (
    venue_id TEXT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
    since    INTEGER NOT NULL,
    PRIMARY KEY (venue_id, user_id)
);
CREATE INDEX venue_staff_user ON venue_staff(user_id);

CREATE TABLE staff_invitations (
    id          TEXT PRIMARY KEY,
    venue_id    TEXT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    invited_by  TEXT NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    accepted_at INTEGER,
    UNIQUE (venue_id, email)
);
CREATE INDEX staff_invitations_email ON staff_invitations(email);

CREATE TABLE spaces (
    id                   TEXT PRIMARY KEY,
    venue_id             TEXT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    name                 TEXT NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('open_seating', 'meeting_room')),
    capacity             INTEGER NOT NULL CHECK (capacity > 0),
    social_capital_seats INTEGER NOT NULL CHECK (social_capital_seats >= 0 AND social_capital_seats <= capacity),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX spaces_venue ON spaces(venue_id, created_at);

CREATE TABLE bookings (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    venue_id       TEXT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    space_id       TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    date           TEXT NOT NULL,
    start_minute   INTEGER NOT NULL,
    end_minute     INTEGER NOT NULL,
    starts_at      INTEGER NOT NULL,
    ends_at        INTEGER NOT NULL CHECK (ends_at > starts_at),
    closes_at      INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'checked_out', 'cancelled', 'released')),
    focus          TEXT NOT NULL,
    pledge         TEXT NOT NULL,
    walk_in        INTEGER NOT NULL DEFAULT 0,
    checked_in_at  INTEGER,
    checked_in_by  TEXT REFERENCES users(id),
    checked_out_at INTEGER,
    cancelled_at   INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE INDEX bookings_space_date ON bookings(space_id, date, starts_at);
CREATE INDEX bookings_user_time ON bookings(user_id, ends_at);
CREATE INDEX bookings_venue_date ON bookings(venue_id, date, starts_at);
CREATE INDEX bookings_status_time ON bookings(status, starts_at);

CREATE TABLE questions (
    id          TEXT PRIMARY KEY,
    venue_id    TEXT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    asker_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    tags        TEXT NOT NULL DEFAULT '[]',
    answered_at INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX questions_venue_open ON questions(venue_id, answered_at, created_at);
