-- A venue's residents: its own staff or members, listed by address or by e-mail domain. They
-- check in without a booking, and their visits take no seat kept for social capital.
CREATE TABLE venue_residents (
    id          TEXT PRIMARY KEY,
    venue_id    TEXT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    email       TEXT,
    domain      TEXT,
    added_by    TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    CHECK ((email IS NULL) <> (domain IS NULL))
);
CREATE UNIQUE INDEX venue_residents_email ON venue_residents(venue_id, email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX venue_residents_domain ON venue_residents(venue_id, domain) WHERE domain IS NOT NULL;
ALTER TABLE bookings ADD COLUMN resident INTEGER NOT NULL DEFAULT 0;
