-- Gatherings: casual coworking days, knowledge sessions, group meetups and venues' own events,
-- each with its dates (one, or a series') and, for each date, who is going and who waits.
CREATE TABLE gatherings (
    id                 UUID PRIMARY KEY,
    organiser_id       UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    venue_id           UUID REFERENCES venues(id) ON DELETE CASCADE,
    kind               TEXT NOT NULL CHECK (kind IN ('coworking_day', 'knowledge_session', 'group_meetup', 'venue_event')),
    title              TEXT NOT NULL,
    description        TEXT,
    tags               JSONB NOT NULL DEFAULT '[]',
    -- Where, when not at a venue: shown only to the people going.
    address            TEXT,
    city               TEXT NOT NULL,
    city_key           TEXT NOT NULL,
    time_zone          TEXT NOT NULL,
    start_minute       INTEGER NOT NULL,
    end_minute         INTEGER NOT NULL,
    members_only       BOOLEAN NOT NULL DEFAULT FALSE,
    requires_approval  BOOLEAN NOT NULL DEFAULT FALSE,
    repeat             TEXT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX gatherings_organiser ON gatherings(organiser_id);

CREATE TABLE gathering_dates (
    id            UUID PRIMARY KEY,
    gathering_id  UUID NOT NULL REFERENCES gatherings(id) ON DELETE CASCADE,
    venue_id      UUID REFERENCES venues(id) ON DELETE CASCADE,
    city_key      TEXT NOT NULL,
    date          DATE NOT NULL,
    starts_at     BIGINT NOT NULL,
    ends_at       BIGINT NOT NULL CHECK (ends_at > starts_at),
    capacity      INTEGER NOT NULL CHECK (capacity > 0),
    cancelled_at  BIGINT,
    -- Answers given so far: the next answer's place in line.
    answers       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX gathering_dates_gathering ON gathering_dates(gathering_id, starts_at);
CREATE INDEX gathering_dates_city ON gathering_dates(city_key, starts_at);
CREATE INDEX gathering_dates_venue ON gathering_dates(venue_id, starts_at);

CREATE TABLE gathering_rsvps (
    id             UUID PRIMARY KEY,
    date_id        UUID NOT NULL REFERENCES gathering_dates(id) ON DELETE CASCADE,
    user_id        UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status         TEXT NOT NULL CHECK (status IN ('going', 'waiting', 'offered', 'pending', 'cancelled', 'declined')),
    -- The place in line: smaller comes first.
    position       BIGINT NOT NULL,
    offered_until  BIGINT,
    -- Why the organiser moved this person up the waiting list.
    moved_up       TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (date_id, user_id)
);
CREATE INDEX gathering_rsvps_line ON gathering_rsvps(date_id, status, position);
CREATE INDEX gathering_rsvps_user ON gathering_rsvps(user_id, status);
CREATE INDEX gathering_rsvps_offers ON gathering_rsvps(offered_until) WHERE status = 'offered';
