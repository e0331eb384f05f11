-- What a host knows of a resident listed by address (from a members' import, or by hand): the
-- name that greets them and the tags their profile takes once they confirm the address; and the
-- e-mail that tells them they are listed, sent by whichever instance claims it first.
ALTER TABLE venue_residents ADD COLUMN name TEXT;
ALTER TABLE venue_residents ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
-- When the e-mail is due (NULL: nobody to tell, as for a domain), held until, tried how often,
-- and when and how it ended.
ALTER TABLE venue_residents ADD COLUMN tell_due_at INTEGER;
ALTER TABLE venue_residents ADD COLUMN tell_claimed_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE venue_residents ADD COLUMN tell_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE venue_residents ADD COLUMN told_at INTEGER;
ALTER TABLE venue_residents ADD COLUMN told_outcome TEXT CHECK (told_outcome IN ('sent', 'failed'));
CREATE INDEX venue_residents_to_tell ON venue_residents(tell_due_at) WHERE told_at IS NULL AND tell_due_at IS NOT NULL;
CREATE INDEX venue_residents_address ON venue_residents(email) WHERE email IS NOT NULL;
