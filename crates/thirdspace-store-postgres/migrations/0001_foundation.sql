-- Accounts, venues, spaces, profiles, seat bookings and questions.
-- Instants are UTC seconds since the epoch; lists are JSON arrays. Venue names sort byte by byte
-- ("C" collation), as on SQLite, whatever the database's locale.

CREATE TABLE users (
    id            UUID PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);

CREATE TABLE tokens (
    id         UUID PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('session', 'api')),
    token_hash TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT
);
CREATE INDEX tokens_user ON tokens(user_id, kind, created_at);

CREATE TABLE profiles (
    user_id      UUID PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    headline     TEXT,
    bio          TEXT,
    offers       JSONB NOT NULL DEFAULT '[]',
    seeking      JSONB NOT NULL DEFAULT '[]',
    seeking_text TEXT,
    interests    JSONB NOT NULL DEFAULT '[]',
    field        TEXT,
    links        JSONB NOT NULL DEFAULT '[]',
    visibility   TEXT NOT NULL CHECK (visibility IN ('public', 'venue', 'hidden')),
    open_to_meet BOOLEAN NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE venues (
    id                    UUID PRIMARY KEY,
    name                  TEXT COLLATE "C" NOT NULL,
    kind                  TEXT NOT NULL,
    address               TEXT NOT NULL,
    city                  TEXT NOT NULL,
    city_key              TEXT NOT NULL,
    country               TEXT NOT NULL,
    latitude              DOUBLE PRECISION,
    longitude             DOUBLE PRECISION,
    time_zone             TEXT NOT NULL,
    opening_hours         JSONB NOT NULL DEFAULT '[]',
    closures              JSONB NOT NULL DEFAULT '[]',
    amenities             JSONB NOT NULL DEFAULT '[]',
    house_rules           TEXT,
    no_show_grace_minutes INTEGER NOT NULL,
    checkin_secret        BYTEA NOT NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX venues_city ON venues(city_key, name);

CREATE TABLE venue_staff (
    venue_id UUID NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    user_id  UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
    since    BIGINT NOT NULL,
    PRIMARY KEY (venue_id, user_id)
);
CREATE INDEX venue_staff_user ON venue_staff(user_id);

CREATE TABLE staff_invitations (
    id          UUID PRIMARY KEY,
    venue_id    UUID NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    invited_by  UUID NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    accepted_at BIGINT,
    UNIQUE (venue_id, email)
);
CREATE INDEX staff_invitations_email ON staff_invitations(email);

CREATE TABLE spaces (
    id                   UUID PRIMARY KEY,
    venue_id             UUID NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    name                 TEXT NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('open_seating', 'meeting_room')),
    capacity             INTEGER NOT NULL CHECK (capacity > 0),
    social_capital_seats INTEGER NOT NULL CHECK (social_capital_seats >= 0 AND social_capital_seats <= capacity),
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX spaces_venue ON spaces(venue_id, created_at);

CREATE TABLE bookings (
    id             UUID PRIMARY KEY,
    user_id        UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    venue_id       UUID NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    space_id       UUID NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    date           DATE NOT NULL,
    start_minute   INTEGER NOT NULL,
    end_minute     INTEGER NOT NULL,
    starts_at      BIGINT NOT NULL,
    ends_at        BIGINT NOT NULL CHECK (ends_at > starts_at),
    closes_at      BIGINT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'checked_out', 'cancelled', 'released')),
    focus          TEXT NOT NULL,
    pledge         TEXT NOT NULL,
    walk_in        BOOLEAN NOT NULL DEFAULT FALSE,
    checked_in_at  BIGINT,
    checked_in_by  UUID REFERENCES users(id),
    checked_out_at BIGINT,
    cancelled_at   BIGINT,
    created_at     BIGINT NOT NULL
);
CREATE INDEX bookings_space_date ON bookings(space_id, date, starts_at);
CREATE INDEX bookings_user_time ON bookings(user_id, ends_at);
CREATE INDEX bookings_venue_date ON bookings(venue_id, date, starts_at);
CREATE INDEX bookings_status_time ON bookings(status, starts_at);

CREATE TABLE questions (
    id          UUID PRIMARY KEY,
    venue_id    UUID NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    asker_id    UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    tags        JSONB NOT NULL DEFAULT '[]',
    answered_at BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX questions_venue_open ON questions(venue_id, answered_at, created_at);
