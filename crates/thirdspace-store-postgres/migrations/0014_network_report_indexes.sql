-- What the network's report and a member's own read by time: confirmed exchanges by when they
-- were confirmed, introductions, questions and outcomes by when they were made, and a member's
-- questions (bookings are read through bookings_status_time and bookings_user_time).
CREATE INDEX exchanges_answered ON exchanges(answered_at) WHERE status = 'confirmed';
CREATE INDEX intros_time ON intros(created_at);
CREATE INDEX questions_time ON questions(created_at);
CREATE INDEX questions_asker ON questions(asker_id, created_at);
CREATE INDEX outcomes_time ON outcomes(created_at);
-- Each topic carries when its exchange was confirmed, so the network's topics of a year are one
-- index range, not a join of a million rows.
ALTER TABLE exchange_tags ADD COLUMN confirmed_at BIGINT;
UPDATE exchange_tags SET confirmed_at =
    (SELECT e.answered_at FROM exchanges e WHERE e.id = exchange_tags.exchange_id AND e.status = 'confirmed');
CREATE INDEX exchange_tags_confirmed ON exchange_tags(confirmed_at, tag) WHERE confirmed_at IS NOT NULL;
-- A profile's field read beside its id, for the pairs of fields that met.
CREATE INDEX profiles_field ON profiles(user_id, field);
