-- The network's report counted as things happen: what each UTC day (`at / 86400`) holds, kept
-- by the database itself from the rows it counts, on every insert, change and delete, whoever
-- makes it. A report over a year then reads a few hundred rows a table instead of a year of raw
-- rows. Nothing else writes these tables, and `migrate-data` does not move them: the target's
-- own triggers fill them as the rows arrive.

-- Visits on seats kept for social capital and residents' visits, by day and venue: the same
-- rules as the report's (a visit is a booking checked in; its seat was used from check-in, or
-- the start, to check-out, or the end, within the booking).
CREATE TABLE report_visit_days (
    day              BIGINT NOT NULL,
    venue_id         UUID NOT NULL,
    visits           BIGINT NOT NULL DEFAULT 0,
    resident_visits  BIGINT NOT NULL DEFAULT 0,
    seat_seconds     BIGINT NOT NULL DEFAULT 0,
    pledges_kept     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, venue_id)
);

-- The days each person came on a seat kept for social capital, each with the day they came
-- before it: the people who came over a span are the rows in it whose day before lies outside.
CREATE TABLE report_visitor_days (
    user_id   UUID NOT NULL,
    day       BIGINT NOT NULL,
    visits    BIGINT NOT NULL DEFAULT 0,
    prev_day  BIGINT,
    PRIMARY KEY (user_id, day)
);
CREATE INDEX report_visitor_days_day ON report_visitor_days(day, prev_day);

CREATE TABLE report_exchange_days (
    day        BIGINT PRIMARY KEY,
    exchanges  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE report_topic_days (
    day        BIGINT NOT NULL,
    tag        TEXT NOT NULL,
    exchanges  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, tag)
);

-- Introductions by the day they were suggested, with what has come of them since.
CREATE TABLE report_intro_days (
    day        BIGINT PRIMARY KEY,
    suggested  BIGINT NOT NULL DEFAULT 0,
    accepted   BIGINT NOT NULL DEFAULT 0,
    met        BIGINT NOT NULL DEFAULT 0,
    useful     BIGINT NOT NULL DEFAULT 0
);

-- The pair of fields of each introduction whose two people met, in the fields they were in when
-- they met (kept when a profile changes later), when the two fields differ.
CREATE TABLE report_intro_fields (
    intro_id  UUID PRIMARY KEY,
    day       BIGINT NOT NULL,
    low       TEXT NOT NULL,
    high      TEXT NOT NULL
);
CREATE INDEX report_intro_fields_pair ON report_intro_fields(low, high, day);

CREATE TABLE report_question_days (
    day       BIGINT PRIMARY KEY,
    asked     BIGINT NOT NULL DEFAULT 0,
    answered  BIGINT NOT NULL DEFAULT 0
);

-- Outcomes shared with a venue or everyone, by the day they were recorded.
CREATE TABLE report_outcome_days (
    day       BIGINT NOT NULL,
    category  TEXT NOT NULL,
    outcomes  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, category)
);

-- One booking's share, added (`delta` 1) or taken away (-1). A row counts while checked in or
-- out; a change takes the old row's share away and adds the new one's.
CREATE FUNCTION report_count_visit(b bookings, delta INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_day   BIGINT := b.starts_at / 86400;
    v_left  BIGINT;
    v_prev  BIGINT;
BEGIN
    INSERT INTO report_visit_days AS t (day, venue_id, visits, resident_visits, seat_seconds, pledges_kept)
    VALUES (v_day, b.venue_id,
            delta * CASE WHEN b.resident THEN 0 ELSE 1 END,
            delta * CASE WHEN b.resident THEN 1 ELSE 0 END,
            delta * CASE WHEN b.resident THEN 0 ELSE GREATEST(LEAST(COALESCE(b.checked_out_at, b.ends_at), b.ends_at)
                - GREATEST(COALESCE(b.checked_in_at, b.starts_at), b.starts_at), 0) END,
            delta * CASE WHEN b.pledge_kept AND NOT b.resident THEN 1 ELSE 0 END)
    ON CONFLICT (day, venue_id) DO UPDATE SET visits = t.visits + EXCLUDED.visits,
        resident_visits = t.resident_visits + EXCLUDED.resident_visits,
        seat_seconds = t.seat_seconds + EXCLUDED.seat_seconds, pledges_kept = t.pledges_kept + EXCLUDED.pledges_kept;
    IF b.resident THEN
        RETURN;
    END IF;
    IF delta > 0 THEN
        INSERT INTO report_visitor_days AS t (user_id, day, visits, prev_day)
        VALUES (b.user_id, v_day, 1,
                (SELECT MAX(v.day) FROM report_visitor_days v WHERE v.user_id = b.user_id AND v.day < v_day))
        ON CONFLICT (user_id, day) DO UPDATE SET visits = t.visits + 1;
        UPDATE report_visitor_days SET prev_day = v_day
        WHERE user_id = b.user_id
          AND day = (SELECT MIN(v.day) FROM report_visitor_days v WHERE v.user_id = b.user_id AND v.day > v_day);
    ELSE
        UPDATE report_visitor_days SET visits = visits - 1 WHERE user_id = b.user_id AND day = v_day
        RETURNING visits, prev_day INTO v_left, v_prev;
        IF v_left <= 0 THEN
            UPDATE report_visitor_days SET prev_day = v_prev
            WHERE user_id = b.user_id
              AND day = (SELECT MIN(v.day) FROM report_visitor_days v WHERE v.user_id = b.user_id AND v.day > v_day);
            DELETE FROM report_visitor_days WHERE user_id = b.user_id AND day = v_day;
        END IF;
    END IF;
END $$;

CREATE FUNCTION report_booking_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status IN ('checked_in', 'checked_out') THEN
        PERFORM report_count_visit(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status IN ('checked_in', 'checked_out') THEN
        PERFORM report_count_visit(NEW, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_booking_changed AFTER INSERT OR DELETE OR UPDATE OF status, starts_at, ends_at, checked_in_at,
    checked_out_at, pledge_kept, resident, user_id, venue_id ON bookings
    FOR EACH ROW EXECUTE FUNCTION report_booking_changed();

-- Exchanges count once confirmed, on the day they were confirmed; their topics the same.
CREATE FUNCTION report_exchange_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'confirmed' AND OLD.answered_at IS NOT NULL THEN
        UPDATE report_exchange_days SET exchanges = exchanges - 1 WHERE day = OLD.answered_at / 86400;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'confirmed' AND NEW.answered_at IS NOT NULL THEN
        INSERT INTO report_exchange_days AS t (day, exchanges) VALUES (NEW.answered_at / 86400, 1)
        ON CONFLICT (day) DO UPDATE SET exchanges = t.exchanges + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_exchange_changed AFTER INSERT OR DELETE OR UPDATE OF status, answered_at ON exchanges
    FOR EACH ROW EXECUTE FUNCTION report_exchange_changed();

CREATE FUNCTION report_topic_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.confirmed_at IS NOT NULL THEN
        UPDATE report_topic_days SET exchanges = exchanges - 1 WHERE day = OLD.confirmed_at / 86400 AND tag = OLD.tag;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.confirmed_at IS NOT NULL THEN
        INSERT INTO report_topic_days AS t (day, tag, exchanges) VALUES (NEW.confirmed_at / 86400, NEW.tag, 1)
        ON CONFLICT (day, tag) DO UPDATE SET exchanges = t.exchanges + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_topic_changed AFTER INSERT OR DELETE OR UPDATE OF confirmed_at, tag ON exchange_tags
    FOR EACH ROW EXECUTE FUNCTION report_topic_changed();

-- Introductions: accepted when both said yes, useful when either found it so.
CREATE FUNCTION report_intro_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE report_intro_days SET suggested = suggested - 1,
            accepted = accepted - (OLD.a_answer = 'accepted' AND OLD.b_answer = 'accepted')::INTEGER,
            met = met - (OLD.met_at IS NOT NULL)::INTEGER,
            useful = useful - COALESCE(OLD.a_useful OR OLD.b_useful, FALSE)::INTEGER
        WHERE day = OLD.created_at / 86400;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO report_intro_days AS t (day, suggested, accepted, met, useful)
        VALUES (NEW.created_at / 86400, 1, (NEW.a_answer = 'accepted' AND NEW.b_answer = 'accepted')::INTEGER,
                (NEW.met_at IS NOT NULL)::INTEGER, COALESCE(NEW.a_useful OR NEW.b_useful, FALSE)::INTEGER)
        ON CONFLICT (day) DO UPDATE SET suggested = t.suggested + 1, accepted = t.accepted + EXCLUDED.accepted,
            met = t.met + EXCLUDED.met, useful = t.useful + EXCLUDED.useful;
    END IF;
    IF TG_OP = 'DELETE' OR NEW.met_at IS NULL THEN
        DELETE FROM report_intro_fields WHERE intro_id = OLD.id;
    ELSE
        UPDATE report_intro_fields SET day = NEW.created_at / 86400 WHERE intro_id = NEW.id;
        INSERT INTO report_intro_fields (intro_id, day, low, high)
        SELECT NEW.id, NEW.created_at / 86400, LEAST(pa.field, pb.field), GREATEST(pa.field, pb.field)
        FROM profiles pa JOIN profiles pb ON pb.user_id = NEW.person_b
        WHERE pa.user_id = NEW.person_a AND pa.field IS NOT NULL AND pb.field IS NOT NULL AND pa.field <> pb.field
        ON CONFLICT (intro_id) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_intro_changed AFTER INSERT OR DELETE OR UPDATE OF created_at, a_answer, b_answer, met_at,
    a_useful, b_useful ON intros FOR EACH ROW EXECUTE FUNCTION report_intro_changed();

CREATE FUNCTION report_question_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE report_question_days SET asked = asked - 1, answered = answered - (OLD.answered_at IS NOT NULL)::INTEGER
        WHERE day = OLD.created_at / 86400;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO report_question_days AS t (day, asked, answered)
        VALUES (NEW.created_at / 86400, 1, (NEW.answered_at IS NOT NULL)::INTEGER)
        ON CONFLICT (day) DO UPDATE SET asked = t.asked + 1, answered = t.answered + EXCLUDED.answered;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_question_changed AFTER INSERT OR DELETE OR UPDATE OF created_at, answered_at ON questions
    FOR EACH ROW EXECUTE FUNCTION report_question_changed();

CREATE FUNCTION report_outcome_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.sharing IN ('venue', 'public') THEN
        UPDATE report_outcome_days SET outcomes = outcomes - 1
        WHERE day = OLD.created_at / 86400 AND category = OLD.category;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.sharing IN ('venue', 'public') THEN
        INSERT INTO report_outcome_days AS t (day, category, outcomes) VALUES (NEW.created_at / 86400, NEW.category, 1)
        ON CONFLICT (day, category) DO UPDATE SET outcomes = t.outcomes + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_outcome_changed AFTER INSERT OR DELETE OR UPDATE OF created_at, category, sharing ON outcomes
    FOR EACH ROW EXECUTE FUNCTION report_outcome_changed();

-- Every count made again from the rows: once here for what the database already holds, and by
-- `migrate-data` after a copy into PostgreSQL, which switches the triggers off while it copies
-- (a million updates of the same few rows in one transaction is slow on PostgreSQL).
CREATE FUNCTION report_recount() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE report_visit_days, report_visitor_days, report_exchange_days, report_topic_days, report_intro_days,
        report_intro_fields, report_question_days, report_outcome_days;
    INSERT INTO report_visit_days (day, venue_id, visits, resident_visits, seat_seconds, pledges_kept)
    SELECT starts_at / 86400, venue_id, SUM(CASE WHEN resident THEN 0 ELSE 1 END), SUM(CASE WHEN resident THEN 1 ELSE 0 END),
           SUM(CASE WHEN resident THEN 0 ELSE GREATEST(LEAST(COALESCE(checked_out_at, ends_at), ends_at)
               - GREATEST(COALESCE(checked_in_at, starts_at), starts_at), 0) END),
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
    SELECT created_at / 86400, COUNT(*), SUM((a_answer = 'accepted' AND b_answer = 'accepted')::INTEGER),
           SUM((met_at IS NOT NULL)::INTEGER), SUM(COALESCE(a_useful OR b_useful, FALSE)::INTEGER)
    FROM intros GROUP BY created_at / 86400;
    INSERT INTO report_intro_fields (intro_id, day, low, high)
    SELECT i.id, i.created_at / 86400, LEAST(pa.field, pb.field), GREATEST(pa.field, pb.field)
    FROM intros i JOIN profiles pa ON pa.user_id = i.person_a JOIN profiles pb ON pb.user_id = i.person_b
    WHERE i.met_at IS NOT NULL AND pa.field IS NOT NULL AND pb.field IS NOT NULL AND pa.field <> pb.field;
    INSERT INTO report_question_days (day, asked, answered)
    SELECT created_at / 86400, COUNT(*), SUM((answered_at IS NOT NULL)::INTEGER) FROM questions GROUP BY created_at / 86400;
    INSERT INTO report_outcome_days (day, category, outcomes)
    SELECT created_at / 86400, category, COUNT(*) FROM outcomes
    WHERE sharing IN ('venue', 'public') GROUP BY created_at / 86400, category;
END $$;
SELECT report_recount();
