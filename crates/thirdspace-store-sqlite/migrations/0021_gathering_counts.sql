-- How each date's places stand, kept on the date: `taken` (going, or offered and not yet taken)
-- and `waiting` (in line). Every write that changes an answer's status changes them in the same
-- transaction, under the date's lock; a listing then reads them with the date instead of counting
-- the answers of every date it shows.
ALTER TABLE gathering_dates ADD COLUMN taken INTEGER NOT NULL DEFAULT 0;
ALTER TABLE gathering_dates ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0;
UPDATE gathering_dates SET
    taken = (SELECT COUNT(*) FROM gathering_rsvps r WHERE r.date_id = gathering_dates.id AND r.status IN ('going', 'offered')),
    waiting = (SELECT COUNT(*) FROM gathering_rsvps r WHERE r.date_id = gathering_dates.id AND r.status = 'waiting');
