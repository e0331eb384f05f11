use chrono::TimeZone;
use proptest::prelude::*;

use super::*;

/// Wednesday 2 December 2026, 10:00 in Amsterdam.
fn now() -> i64 {
    chrono_tz::Europe::Amsterdam.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap().timestamp()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn input(extra: serde_json::Value) -> GatheringInput {
    let mut base = serde_json::json!({
        "kind": "coworking_day", "title": "Casual coworking", "address": "Kanaalstraat 3", "city": "Utrecht",
        "time_zone": "Europe/Amsterdam", "date": "2026-12-04", "start": "09:30", "end": "17:00", "capacity": 8
    });
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    serde_json::from_value(base).unwrap()
}

fn parse(extra: serde_json::Value) -> Result<GatheringDraft, Invalids> {
    GatheringDraft::parse(input(extra), None, now())
}

fn fields(extra: serde_json::Value) -> Vec<String> {
    parse(extra).unwrap_err().iter().map(|i| i.field.clone()).collect()
}

#[test]
fn one_date_at_a_home_gives_one_occurrence_in_its_time_zone() {
    let g = parse(serde_json::json!({})).unwrap();
    let nine_thirty = chrono_tz::Europe::Amsterdam.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap().timestamp();
    assert_eq!(
        g.occurrences,
        [Occurrence { date: day(2026, 12, 4), starts_at: nine_thirty, ends_at: nine_thirty + 7 * 3600 + 1800 }]
    );
    assert_eq!((g.city.as_str(), g.address.as_deref()), ("Utrecht", Some("Kanaalstraat 3")));
}

#[test]
fn the_first_and_third_of_a_month_across_daylight_saving_keep_their_local_time() {
    let g = parse(serde_json::json!({"date": "2027-01-01", "repeat": "FREQ=MONTHLY;BYDAY=1FR,3TH;COUNT=8"})).unwrap();
    let dates: Vec<NaiveDate> = g.occurrences.iter().map(|o| o.date).collect();
    assert_eq!(
        dates,
        [
            day(2027, 1, 1),
            day(2027, 1, 21),
            day(2027, 2, 5),
            day(2027, 2, 18),
            day(2027, 3, 5),
            day(2027, 3, 18),
            day(2027, 4, 2),
            day(2027, 4, 15)
        ]
    );
    for o in &g.occurrences {
        let local = chrono_tz::Europe::Amsterdam.timestamp_opt(o.starts_at, 0).unwrap();
        assert_eq!((local.date_naive(), local.format("%H:%M").to_string()), (o.date, "09:30".to_owned()));
    }
    // Winter is UTC+1 and April UTC+2: the same local time is an hour apart in UTC.
    assert_eq!((g.occurrences[0].starts_at - g.occurrences[7].starts_at).rem_euclid(86_400), 3600);
}

#[test]
fn every_two_weeks_with_a_date_left_out() {
    let g = parse(serde_json::json!({"repeat": "FREQ=WEEKLY;INTERVAL=2;COUNT=4", "except": ["2026-12-18"]})).unwrap();
    let dates: Vec<NaiveDate> = g.occurrences.iter().map(|o| o.date).collect();
    assert_eq!(dates, [day(2026, 12, 4), day(2027, 1, 1), day(2027, 1, 15)]);
    assert_eq!(fields(serde_json::json!({"repeat": "FREQ=WEEKLY;COUNT=2", "except": ["2026-12-05"]})), ["except[0]"]);
    assert_eq!(fields(serde_json::json!({"repeat": "FREQ=WEEKLY;COUNT=1", "except": ["2026-12-04"]})), ["except"]);
    assert_eq!(fields(serde_json::json!({"except": ["2026-12-04"]})), ["except"], "one date has nothing to leave out");
}

#[test]
fn a_rule_that_never_ends_or_gives_too_many_dates_is_refused() {
    for rule in [
        "FREQ=WEEKLY",
        "FREQ=DAILY;COUNT=101",
        "FREQ=HOURLY;COUNT=3",
        "FREQ=YEARLY;COUNT=3",
        "FREQ=WEEKLY;COUNT=3\nRRULE:FREQ=DAILY",
        "FREQ=SOMETIMES;COUNT=2",
        "",
    ] {
        let result = parse(serde_json::json!({"repeat": rule}));
        if rule.is_empty() {
            assert_eq!(result.unwrap().occurrences.len(), 1, "an empty rule is one date");
        } else {
            assert_eq!(fields(serde_json::json!({"repeat": rule})), ["repeat"], "{rule}");
        }
    }
    assert_eq!(
        parse(serde_json::json!({"repeat": "FREQ=DAILY;COUNT=100"})).unwrap().occurrences.len(),
        MAX_OCCURRENCES
    );
    assert_eq!(parse(serde_json::json!({"repeat": "FREQ=YEARLY;COUNT=2"})).unwrap().occurrences.len(), 2);
    assert_eq!(fields(serde_json::json!({"repeat": "X".repeat(MAX_RULE_CHARS + 1)})), ["repeat"]);
    // Our own check names the shape; what passes it and still is no rule, the rule reader does.
    let said = |rule: &str| parse(serde_json::json!({"repeat": rule})).unwrap_err().first().unwrap().message.clone();
    assert!(said(&"X".repeat(MAX_RULE_CHARS + 1)).starts_with("must be a recurrence rule"));
    assert!(said(&"X".repeat(MAX_RULE_CHARS)).starts_with("is not a rule we can read"));
    assert!(said("FREQ=WEEKLY;COUNT=3\nRRULE:FREQ=DAILY").starts_with("must be a recurrence rule"), "no second line");
    // The last date may be the last day allowed, not a day later.
    assert_eq!(
        parse(serde_json::json!({"date": "2028-11-25", "repeat": "FREQ=WEEKLY;COUNT=2"})).unwrap().occurrences.len(),
        2
    );
    assert_eq!(fields(serde_json::json!({"date": "2028-11-25", "repeat": "FREQ=WEEKLY;COUNT=3"})), ["repeat"]);
}

#[test]
fn dates_out_of_range_and_every_broken_field_are_named_at_once() {
    assert_eq!(fields(serde_json::json!({"date": "2026-12-01"})), ["date"]);
    assert_eq!(
        fields(serde_json::json!({"date": "2026-12-02", "start": "09:00"})),
        ["start"],
        "today, already started"
    );
    assert!(parse(serde_json::json!({"date": "2026-12-02", "start": "10:15"})).is_ok());
    assert!(parse(serde_json::json!({"date": "2028-12-02"})).is_ok(), "731 days ahead");
    assert_eq!(fields(serde_json::json!({"date": "2028-12-03"})), ["date"]);
    assert_eq!(fields(serde_json::json!({"date": "9999-12-31", "repeat": "FREQ=DAILY;COUNT=2"})), ["date"]);
    assert_eq!(fields(serde_json::json!({"date": "0001-01-01", "end": "24:00"})), ["date"]);
    let broken = serde_json::json!({"title": " ", "capacity": 0, "end": "09:40", "time_zone": "Mars/Olympus",
        "address": null, "kind": "venue_event"});
    assert_eq!(fields(broken), ["title", "venue_id", "address", "time_zone", "capacity", "end"]);
    assert_eq!(fields(serde_json::json!({"capacity": MAX_CAPACITY + 1})), ["capacity"]);
    assert!(parse(serde_json::json!({"capacity": MAX_CAPACITY})).is_ok());
}

#[test]
fn at_a_venue_the_venue_s_city_and_time_zone_are_used_and_no_address_is_taken() {
    let venue = AtVenue { time_zone: chrono_tz::Asia::Tokyo, city: "Tokyo" };
    let at = |extra: serde_json::Value| {
        let mut i = input(extra);
        i.venue_id = Some(Uuid::nil());
        i
    };
    let plain = serde_json::json!({"address": null, "city": null, "time_zone": null});
    let g = GatheringDraft::parse(at(plain.clone()), Some(venue), now()).unwrap();
    assert_eq!((g.city.as_str(), g.time_zone, g.address), ("Tokyo", chrono_tz::Asia::Tokyo, None));
    let refused = GatheringDraft::parse(at(serde_json::json!({})), Some(venue), now()).unwrap_err();
    let named: Vec<&str> = refused.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(named, ["address", "city", "time_zone"]);
    let missing = GatheringDraft::parse(at(plain), None, now()).unwrap_err();
    assert_eq!(missing.first().unwrap().field, "venue_id");
}

#[test]
fn answers_fill_the_places_then_wait_and_approval_comes_first() {
    assert_eq!(answer(10, 9, false), RsvpStatus::Going);
    assert_eq!(answer(10, 10, false), RsvpStatus::Waiting);
    assert_eq!(answer(10, 11, false), RsvpStatus::Waiting);
    assert_eq!(answer(10, 0, true), RsvpStatus::Pending);
    assert_eq!(approved(2, 1), RsvpStatus::Going);
    assert_eq!(approved(2, 2), RsvpStatus::Waiting);
    assert_eq!((places_to_offer(10, 9), places_to_offer(10, 10), places_to_offer(10, 12)), (1, 0, 0));
}

#[test]
fn an_offer_lasts_a_day_and_never_past_the_start() {
    assert_eq!(offer_deadline(1_000, 1_000_000), 1_000 + OFFER_SECONDS);
    assert_eq!(offer_deadline(1_000, 5_000), 5_000);
    assert_eq!(offer_deadline(0, OFFER_SECONDS), OFFER_SECONDS);
}

#[test]
fn answers_are_refused_once_a_date_started_or_was_cancelled_and_capacity_never_drops_below_those_going() {
    assert_eq!(may_answer(100, false, 99), Ok(()));
    assert_eq!(may_answer(100, false, 100), Err(RsvpRefusal::Started));
    assert_eq!(may_answer(100, true, 0), Err(RsvpRefusal::Cancelled));
    assert!(may_resize(5, 5).is_ok());
    assert_eq!(may_resize(4, 5).unwrap_err().field, "capacity");
}

#[test]
fn statuses_and_kinds_read_back_what_they_write() {
    for s in RsvpStatus::ALL {
        assert_eq!(RsvpStatus::from_str_opt(s.as_str()), Some(s));
    }
    let taking: Vec<RsvpStatus> = RsvpStatus::ALL.into_iter().filter(|s| s.takes_place()).collect();
    assert_eq!(taking, [RsvpStatus::Going, RsvpStatus::Offered]);
    let active: Vec<RsvpStatus> = RsvpStatus::ALL.into_iter().filter(|s| s.is_active()).collect();
    assert_eq!(active, [RsvpStatus::Going, RsvpStatus::Waiting, RsvpStatus::Offered, RsvpStatus::Pending]);
    for k in Kind::ALL {
        assert_eq!(Kind::from_str_opt(k.as_str()), Some(k));
        assert!(k.words().starts_with("a") || k.words().starts_with("the"));
    }
    assert_eq!(Kind::from_str_opt("party"), None);
    let labels: Vec<&str> = Kind::ALL.into_iter().map(Kind::label).collect();
    assert_eq!(labels, ["Coworking day", "Knowledge session", "Group meetup", "Venue event"]);
}

proptest! {
    /// Whatever the rule, a series is accepted only with between one and 100 dates, in order,
    /// from its first date on, none after two years.
    #[test]
    fn any_accepted_series_is_bounded_and_in_order(
        freq in prop::sample::select(vec!["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
        interval in 1u32..5,
        count in 1u32..150,
    ) {
        let rule = format!("FREQ={freq};INTERVAL={interval};COUNT={count}");
        let first = day(2026, 12, 4);
        match series_dates(&rule, first, day(2028, 12, 2)) {
            Ok(dates) => {
                prop_assert!(!dates.is_empty() && dates.len() <= MAX_OCCURRENCES);
                prop_assert_eq!(dates.len(), count as usize);
                prop_assert_eq!(dates[0], first);
                prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(*dates.last().unwrap() <= day(2028, 12, 2));
            }
            Err(e) => prop_assert_eq!(e.field, "repeat"),
        }
    }
}

#[test]
fn a_date_moves_to_a_later_day_or_time_but_never_into_the_past_or_backwards() {
    let tz = chrono_tz::Europe::Amsterdam;
    let now =
        hours::instant(tz, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), ClockTime::parse("t", "09:00").unwrap());
    let change = |d: &str, s: &str, e: &str| DateChange {
        date: d.parse().unwrap(),
        start: ClockTime::parse("start", s).unwrap(),
        end: ClockTime::parse("end", e).unwrap(),
    };
    let moved = reschedule(change("2027-03-29", "10:00", "12:00"), tz, now).unwrap();
    assert_eq!(moved.date.to_string(), "2027-03-29");
    assert_eq!(moved.ends_at - moved.starts_at, 7200);
    assert_eq!(moved.starts_at, hours::instant(tz, moved.date, ClockTime::parse("t", "10:00").unwrap()), "summer time");
    let fields = |r: Result<Occurrence, Invalids>| r.unwrap_err().iter().map(|i| i.field.clone()).collect::<Vec<_>>();
    assert_eq!(fields(reschedule(change("2026-11-22", "10:00", "12:00"), tz, now)), ["date"]);
    assert_eq!(fields(reschedule(change("2026-11-23", "08:59", "12:00"), tz, now)), ["start"]);
    assert!(reschedule(change("2026-11-23", "09:01", "12:00"), tz, now).is_ok(), "later today");
    assert_eq!(fields(reschedule(change("2026-11-23", "09:00", "12:00"), tz, now)), ["start"], "now has passed");
    assert!(!fields(reschedule(change("2026-11-24", "12:00", "10:00"), tz, now)).is_empty(), "ends before it starts");
    let last = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap() + chrono::Duration::days(MAX_DAYS_AHEAD);
    assert!(reschedule(DateChange { date: last, ..change("2026-11-24", "10:00", "12:00") }, tz, now).is_ok());
    let beyond = DateChange { date: last + chrono::Duration::days(1), ..change("2026-11-24", "10:00", "12:00") };
    assert_eq!(fields(reschedule(beyond, tz, now)), ["date"]);
}

#[test]
fn attendance_is_a_check_in_during_the_date_or_just_before_it() {
    let span = (10_000, 17_200);
    assert!(attended(10_000 - EARLY_ARRIVAL_SECONDS, None, span), "half an hour early");
    assert!(!attended(10_000 - EARLY_ARRIVAL_SECONDS - 1, None, span), "earlier than that is another visit");
    assert!(attended(17_199, None, span), "just before it ends");
    assert!(!attended(17_200, None, span), "after it ended");
    assert!(attended(9_000, Some(10_001), span), "left after it began");
    assert!(!attended(9_000, Some(10_000), span), "left as it began");
}
