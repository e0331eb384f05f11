-- What a venue's report reads by time: its introductions and its questions by when they were
-- made (bookings are read through bookings_venue_date, exchanges and outcomes through their own).
CREATE INDEX intros_venue_time ON intros(venue_id, created_at);
CREATE INDEX questions_venue_time ON questions(venue_id, created_at);
