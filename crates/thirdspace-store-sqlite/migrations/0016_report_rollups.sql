-- The network's report counted as things happen: what each UTC day (`at / 86400`) holds, kept
-- by the database itself from the rows it counts, on every insert, change and delete, whoever
-- makes it. A report over a year then reads a few hundred rows a table instead of a year of raw
-- rows. Nothing else writes these tables, and `migrate-data` does not move them: the target's
-- own triggers fill them as the rows arrive.

-- Visits on seats kept for social capital and residents' visits, by day and venue: the same
-- rules as the report's (a visit is a booking checked in; its seat was used from check-in, or
-- the start, to check-out, or the end, within the booking).
CREATE TABLE report_visit_days (
    day              INTEGER NOT NULL,
    venue_id         TEXT NOT NULL,
    visits           INTEGER NOT NULL DEFAULT 0,
    resident_visits  INTEGER NOT NULL DEFAULT 0,
    seat_seconds     INTEGER NOT NULL DEFAULT 0,
    pledges_kept     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, venue_id)
) WITHOUT ROWID;

-- The days each person came on a seat kept for social capital, each with the day they came
-- before it: the people who came over a span are the rows in it whose day before lies outside.
CREATE TABLE report_visitor_days (
    user_id   TEXT NOT NULL,
    day       INTEGER NOT NULL,
    visits    INTEGER NOT NULL DEFAULT 0,
    prev_day  INTEGER,
    PRIMARY KEY (user_id, day)
) WITHOUT ROWID;
CREATE INDEX report_visitor_days_day ON report_visitor_days(day, prev_day);

CREATE TABLE report_exchange_days (
    day        INTEGER PRIMARY KEY,
    exchanges  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE report_topic_days (
    day        INTEGER NOT NULL,
    tag        TEXT NOT NULL,
    exchanges  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, tag)
) WITHOUT ROWID;

-- Introductions by the day they were suggested, with what has come of them since.
CREATE TABLE report_intro_days (
    day        INTEGER PRIMARY KEY,
    suggested  INTEGER NOT NULL DEFAULT 0,
    accepted   INTEGER NOT NULL DEFAULT 0,
    met        INTEGER NOT NULL DEFAULT 0,
    useful     INTEGER NOT NULL DEFAULT 0
);

-- The pair of fields of each introduction whose two people met, in the fields they were in when
-- they met (kept when a profile changes later), when the two fields differ.
CREATE TABLE report_intro_fields (
    intro_id  TEXT PRIMARY KEY,
    day       INTEGER NOT NULL,
    low       TEXT NOT NULL,
    high      TEXT NOT NULL
);
CREATE INDEX report_intro_fields_pair ON report_intro_fields(low, high, day);

CREATE TABLE report_question_days (
    day       INTEGER PRIMARY KEY,
    asked     INTEGER NOT NULL DEFAULT 0,
    answered  INTEGER NOT NULL DEFAULT 0
);

-- Outcomes shared with a venue or everyone, by the day they were recorded.
CREATE TABLE report_outcome_days (
    day       INTEGER NOT NULL,
    category  TEXT NOT NULL,
    outcomes  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, category)
) WITHOUT ROWID;

-- Bookings. A row counts while checked in or out; a change takes the old row's share away and
-- adds the new one's. SQLite has no functions, so the one rule is the INSTEAD OF trigger of a
-- view that is never read: each booking trigger inserts a row's share (`delta` 1 or -1) into it.
CREATE VIEW report_visit_share (delta, user_id, venue_id, starts_at, ends_at, checked_in_at, checked_out_at,
    pledge_kept, resident) AS SELECT 0, '', '', 0, 0, NULL, NULL, NULL, 0 WHERE 0;

CREATE TRIGGER report_visit_counted INSTEAD OF INSERT ON report_visit_share BEGIN
    INSERT INTO report_visit_days (day, venue_id, visits, resident_visits, seat_seconds, pledges_kept)
    VALUES (new.starts_at / 86400, new.venue_id, new.delta * (1 - new.resident), new.delta * new.resident,
            new.delta * CASE WHEN new.resident THEN 0 ELSE MAX(MIN(COALESCE(new.checked_out_at, new.ends_at),
                new.ends_at) - MAX(COALESCE(new.checked_in_at, new.starts_at), new.starts_at), 0) END,
            new.delta * CASE WHEN new.pledge_kept AND NOT new.resident THEN 1 ELSE 0 END)
    ON CONFLICT (day, venue_id) DO UPDATE SET visits = visits + excluded.visits,
        resident_visits = resident_visits + excluded.resident_visits,
        seat_seconds = seat_seconds + excluded.seat_seconds, pledges_kept = pledges_kept + excluded.pledges_kept;
    -- A visit added: the person's day (with the day before it), and the next day's day before.
    INSERT OR IGNORE INTO report_visitor_days (user_id, day, visits, prev_day)
    SELECT new.user_id, new.starts_at / 86400, 0,
           (SELECT MAX(day) FROM report_visitor_days WHERE user_id = new.user_id AND day < new.starts_at / 86400)
    WHERE new.delta > 0 AND NOT new.resident;
    UPDATE report_visitor_days SET visits = visits + new.delta
    WHERE NOT new.resident AND user_id = new.user_id AND day = new.starts_at / 86400;
    UPDATE report_visitor_days SET prev_day = new.starts_at / 86400
    WHERE new.delta > 0 AND NOT new.resident AND user_id = new.user_id
      AND day = (SELECT MIN(day) FROM report_visitor_days WHERE user_id = new.user_id AND day > new.starts_at / 86400);
    -- A person's last visit of a day taken away: the next day's day before is this one's.
    UPDATE report_visitor_days
    SET prev_day = (SELECT prev_day FROM report_visitor_days WHERE user_id = new.user_id AND day = new.starts_at / 86400)
    WHERE user_id = new.user_id
      AND day = (SELECT MIN(day) FROM report_visitor_days WHERE user_id = new.user_id AND day > new.starts_at / 86400)
      AND EXISTS (SELECT 1 FROM report_visitor_days WHERE user_id = new.user_id AND day = new.starts_at / 86400
                  AND visits <= 0);
    DELETE FROM report_visitor_days WHERE user_id = new.user_id AND day = new.starts_at / 86400 AND visits <= 0;
END;

CREATE TRIGGER report_booking_inserted AFTER INSERT ON bookings
WHEN new.status IN ('checked_in', 'checked_out') BEGIN
    INSERT INTO report_visit_share VALUES (1, new.user_id, new.venue_id, new.starts_at, new.ends_at,
        new.checked_in_at, new.checked_out_at, new.pledge_kept, new.resident);
END;
CREATE TRIGGER report_booking_updated_new AFTER UPDATE OF status, starts_at, ends_at, checked_in_at, checked_out_at,
    pledge_kept, resident, user_id, venue_id ON bookings
WHEN new.status IN ('checked_in', 'checked_out') BEGIN
    INSERT INTO report_visit_share VALUES (1, new.user_id, new.venue_id, new.starts_at, new.ends_at,
        new.checked_in_at, new.checked_out_at, new.pledge_kept, new.resident);
END;
CREATE TRIGGER report_booking_updated_old AFTER UPDATE OF status, starts_at, ends_at, checked_in_at, checked_out_at,
    pledge_kept, resident, user_id, venue_id ON bookings
WHEN old.status IN ('checked_in', 'checked_out') BEGIN
    INSERT INTO report_visit_share VALUES (-1, old.user_id, old.venue_id, old.starts_at, old.ends_at,
        old.checked_in_at, old.checked_out_at, old.pledge_kept, old.resident);
END;
CREATE TRIGGER report_booking_deleted AFTER DELETE ON bookings
WHEN old.status IN ('checked_in', 'checked_out') BEGIN
    INSERT INTO report_visit_share VALUES (-1, old.user_id, old.venue_id, old.starts_at, old.ends_at,
        old.checked_in_at, old.checked_out_at, old.pledge_kept, old.resident);
END;

-- Exchanges count once confirmed, on the day they were confirmed; their topics the same.
CREATE TRIGGER report_exchange_inserted AFTER INSERT ON exchanges
WHEN new.status = 'confirmed' AND new.answered_at IS NOT NULL BEGIN
    INSERT INTO report_exchange_days (day, exchanges) VALUES (new.answered_at / 86400, 1)
    ON CONFLICT (day) DO UPDATE SET exchanges = exchanges + 1;
END;
CREATE TRIGGER report_exchange_updated_new AFTER UPDATE OF status, answered_at ON exchanges
WHEN new.status = 'confirmed' AND new.answered_at IS NOT NULL BEGIN
    INSERT INTO report_exchange_days (day, exchanges) VALUES (new.answered_at / 86400, 1)
    ON CONFLICT (day) DO UPDATE SET exchanges = exchanges + 1;
END;
CREATE TRIGGER report_exchange_updated_old AFTER UPDATE OF status, answered_at ON exchanges
WHEN old.status = 'confirmed' AND old.answered_at IS NOT NULL BEGIN
    UPDATE report_exchange_days SET exchanges = exchanges - 1 WHERE day = old.answered_at / 86400;
END;
CREATE TRIGGER report_exchange_deleted AFTER DELETE ON exchanges
WHEN old.status = 'confirmed' AND old.answered_at IS NOT NULL BEGIN
    UPDATE report_exchange_days SET exchanges = exchanges - 1 WHERE day = old.answered_at / 86400;
END;

CREATE TRIGGER report_topic_inserted AFTER INSERT ON exchange_tags
WHEN new.confirmed_at IS NOT NULL BEGIN
    INSERT INTO report_topic_days (day, tag, exchanges) VALUES (new.confirmed_at / 86400, new.tag, 1)
    ON CONFLICT (day, tag) DO UPDATE SET exchanges = exchanges + 1;
END;
CREATE TRIGGER report_topic_updated_new AFTER UPDATE OF confirmed_at, tag ON exchange_tags
WHEN new.confirmed_at IS NOT NULL BEGIN
    INSERT INTO report_topic_days (day, tag, exchanges) VALUES (new.confirmed_at / 86400, new.tag, 1)
    ON CONFLICT (day, tag) DO UPDATE SET exchanges = exchanges + 1;
END;
CREATE TRIGGER report_topic_updated_old AFTER UPDATE OF confirmed_at, tag ON exchange_tags
WHEN old.confirmed_at IS NOT NULL BEGIN
    UPDATE report_topic_days SET exchanges = exchanges - 1 WHERE day = old.confirmed_at / 86400 AND tag = old.tag;
END;
CREATE TRIGGER report_topic_deleted AFTER DELETE ON exchange_tags
WHEN old.confirmed_at IS NOT NULL BEGIN
    UPDATE report_topic_days SET exchanges = exchanges - 1 WHERE day = old.confirmed_at / 86400 AND tag = old.tag;
END;

-- Introductions: accepted when both said yes, useful when either found it so.
CREATE TRIGGER report_intro_inserted AFTER INSERT ON intros BEGIN
    INSERT INTO report_intro_days (day, suggested, accepted, met, useful)
    VALUES (new.created_at / 86400, 1, new.a_answer = 'accepted' AND new.b_answer = 'accepted',
            new.met_at IS NOT NULL, COALESCE(new.a_useful OR new.b_useful, 0))
    ON CONFLICT (day) DO UPDATE SET suggested = suggested + 1, accepted = accepted + excluded.accepted,
        met = met + excluded.met, useful = useful + excluded.useful;
END;
CREATE TRIGGER report_intro_updated AFTER UPDATE OF created_at, a_answer, b_answer, met_at, a_useful, b_useful ON intros
BEGIN
    UPDATE report_intro_days SET suggested = suggested - 1,
        accepted = accepted - (old.a_answer = 'accepted' AND old.b_answer = 'accepted'),
        met = met - (old.met_at IS NOT NULL), useful = useful - COALESCE(old.a_useful OR old.b_useful, 0)
    WHERE day = old.created_at / 86400;
    INSERT INTO report_intro_days (day, suggested, accepted, met, useful)
    VALUES (new.created_at / 86400, 1, new.a_answer = 'accepted' AND new.b_answer = 'accepted',
            new.met_at IS NOT NULL, COALESCE(new.a_useful OR new.b_useful, 0))
    ON CONFLICT (day) DO UPDATE SET suggested = suggested + 1, accepted = accepted + excluded.accepted,
        met = met + excluded.met, useful = useful + excluded.useful;
END;
CREATE TRIGGER report_intro_fields_met AFTER INSERT ON intros WHEN new.met_at IS NOT NULL BEGIN
    INSERT OR IGNORE INTO report_intro_fields (intro_id, day, low, high)
    SELECT new.id, new.created_at / 86400, MIN(pa.field, pb.field), MAX(pa.field, pb.field)
    FROM profiles pa JOIN profiles pb ON pb.user_id = new.person_b
    WHERE pa.user_id = new.person_a AND pa.field IS NOT NULL AND pb.field IS NOT NULL AND pa.field <> pb.field;
END;
CREATE TRIGGER report_intro_fields_changed AFTER UPDATE OF created_at, met_at ON intros BEGIN
    DELETE FROM report_intro_fields WHERE intro_id = old.id AND new.met_at IS NULL;
    UPDATE report_intro_fields SET day = new.created_at / 86400 WHERE intro_id = new.id;
    INSERT OR IGNORE INTO report_intro_fields (intro_id, day, low, high)
    SELECT new.id, new.created_at / 86400, MIN(pa.field, pb.field), MAX(pa.field, pb.field)
    FROM profiles pa JOIN profiles pb ON pb.user_id = new.person_b
    WHERE new.met_at IS NOT NULL AND pa.user_id = new.person_a AND pa.field IS NOT NULL AND pb.field IS NOT NULL
      AND pa.field <> pb.field;
END;
CREATE TRIGGER report_intro_deleted AFTER DELETE ON intros BEGIN
    DELETE FROM report_intro_fields WHERE intro_id = old.id;
    UPDATE report_intro_days SET suggested = suggested - 1,
        accepted = accepted - (old.a_answer = 'accepted' AND old.b_answer = 'accepted'),
        met = met - (old.met_at IS NOT NULL), useful = useful - COALESCE(old.a_useful OR old.b_useful, 0)
    WHERE day = old.created_at / 86400;
END;

CREATE TRIGGER report_question_inserted AFTER INSERT ON questions BEGIN
    INSERT INTO report_question_days (day, asked, answered)
    VALUES (new.created_at / 86400, 1, new.answered_at IS NOT NULL)
    ON CONFLICT (day) DO UPDATE SET asked = asked + 1, answered = answered + excluded.answered;
END;
CREATE TRIGGER report_question_updated AFTER UPDATE OF created_at, answered_at ON questions BEGIN
    UPDATE report_question_days SET asked = asked - 1, answered = answered - (old.answered_at IS NOT NULL)
    WHERE day = old.created_at / 86400;
    INSERT INTO report_question_days (day, asked, answered)
    VALUES (new.created_at / 86400, 1, new.answered_at IS NOT NULL)
    ON CONFLICT (day) DO UPDATE SET asked = asked + 1, answered = answered + excluded.answered;
END;
CREATE TRIGGER report_question_deleted AFTER DELETE ON questions BEGIN
    UPDATE report_question_days SET asked = asked - 1, answered = answered - (old.answered_at IS NOT NULL)
    WHERE day = old.created_at / 86400;
END;

CREATE TRIGGER report_outcome_inserted AFTER INSERT ON outcomes
WHEN new.sharing IN ('venue', 'public') BEGIN
    INSERT INTO report_outcome_days (day, category, outcomes) VALUES (new.created_at / 86400, new.category, 1)
    ON CONFLICT (day, category) DO UPDATE SET outcomes = outcomes + 1;
END;
CREATE TRIGGER report_outcome_updated_new AFTER UPDATE OF created_at, category, sharing ON outcomes
WHEN new.sharing IN ('venue', 'public') BEGIN
    INSERT INTO report_outcome_days (day, category, outcomes) VALUES (new.created_at / 86400, new.category, 1)
    ON CONFLICT (day, category) DO UPDATE SET outcomes = outcomes + 1;
END;
CREATE TRIGGER report_outcome_updated_old AFTER UPDATE OF created_at, category, sharing ON outcomes
WHEN old.sharing IN ('venue', 'public') BEGIN
    UPDATE report_outcome_days SET outcomes = outcomes - 1 WHERE day = old.created_at / 86400 AND category = old.category;
END;
CREATE TRIGGER report_outcome_deleted AFTER DELETE ON outcomes
WHEN old.sharing IN ('venue', 'public') BEGIN
    UPDATE report_outcome_days SET outcomes = outcomes - 1 WHERE day = old.created_at / 86400 AND category = old.category;
END;

-- What the database already holds, counted once.
INSERT INTO report_visit_days (day, venue_id, visits, resident_visits, seat_seconds, pledges_kept)
SELECT starts_at / 86400, venue_id, SUM(1 - resident), SUM(resident),
       SUM(CASE WHEN resident THEN 0 ELSE MAX(MIN(COALESCE(checked_out_at, ends_at), ends_at)
           - MAX(COALESCE(checked_in_at, starts_at), starts_at), 0) END),
       SUM(CASE WHEN pledge_kept AND NOT resident THEN 1 ELSE 0 END)
FROM bookings WHERE status IN ('checked_in', 'checked_out') GROUP BY starts_at / 86400, venue_id;
INSERT INTO report_visitor_days (user_id, day, visits, prev_day)
SELECT user_id, day, n, LAG(day) OVER (PARTITION BY user_id ORDER BY day)
FROM (SELECT user_id, starts_at / 86400 AS day, COUNT(*) AS n FROM bookings
      WHERE status IN ('checked_in', 'checked_out') AND NOT resident GROUP BY user_id, starts_at / 86400) v;
INSERT INTO report_exchange_days (day, exchanges)
SELECT answered_at / 86400, COUNT(*) FROM exchanges
WHERE status = 'confirmed' AND answered_at IS NOT NULL GROUP BY answered_at / 86400;
INSERT INTO report_topic_days (day, tag, exchanges)
SELECT confirmed_at / 86400, tag, COUNT(*) FROM exchange_tags
WHERE confirmed_at IS NOT NULL GROUP BY confirmed_at / 86400, tag;
INSERT INTO report_intro_days (day, suggested, accepted, met, useful)
SELECT created_at / 86400, COUNT(*), SUM(a_answer = 'accepted' AND b_answer = 'accepted'),
       SUM(met_at IS NOT NULL), SUM(COALESCE(a_useful OR b_useful, 0))
FROM intros GROUP BY created_at / 86400;
INSERT INTO report_intro_fields (intro_id, day, low, high)
SELECT i.id, i.created_at / 86400, MIN(pa.field, pb.field), MAX(pa.field, pb.field)
FROM intros i JOIN profiles pa ON pa.user_id = i.person_a JOIN profiles pb ON pb.user_id = i.person_b
WHERE i.met_at IS NOT NULL AND pa.field IS NOT NULL AND pb.field IS NOT NULL AND pa.field <> pb.field;
INSERT INTO report_question_days (day, asked, answered)
SELECT created_at / 86400, COUNT(*), SUM(answered_at IS NOT NULL) FROM questions GROUP BY created_at / 86400;
INSERT INTO report_outcome_days (day, category, outcomes)
SELECT created_at / 86400, category, COUNT(*) FROM outcomes
WHERE sharing IN ('venue', 'public') GROUP BY created_at / 86400, category;
