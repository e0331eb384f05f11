-- A venue's day-pass price (what its seats given for social capital were worth), and whether a
-- host approves social-capital bookings.
ALTER TABLE venues ADD COLUMN day_pass_price_minor BIGINT CHECK (day_pass_price_minor >= 0);
ALTER TABLE venues ADD COLUMN day_pass_currency TEXT;
ALTER TABLE venues ADD COLUMN requires_approval BOOLEAN NOT NULL DEFAULT FALSE;

-- A booking's approval: NULL where none is needed, else 'pending', 'approved' or 'declined'
-- (a declined booking is also cancelled), with the host's message.
ALTER TABLE bookings ADD COLUMN approval TEXT CHECK (approval IN ('pending', 'approved', 'declined'));
ALTER TABLE bookings ADD COLUMN approval_message TEXT;
ALTER TABLE bookings ADD COLUMN approved_by UUID REFERENCES users(id) ON DELETE SET NULL;
-- When the visitor accepted the venue's house rules.
ALTER TABLE bookings ADD COLUMN rules_accepted_at BIGINT;
-- The pledge after the visit: kept or not (NULL: not yet said), and the exchange it became.
ALTER TABLE bookings ADD COLUMN pledge_kept BOOLEAN;
ALTER TABLE bookings ADD COLUMN pledge_exchange_id UUID REFERENCES exchanges(id) ON DELETE SET NULL;
ALTER TABLE bookings ADD COLUMN pledge_answered_at BIGINT;
CREATE INDEX bookings_pending ON bookings(venue_id, starts_at) WHERE approval = 'pending';
