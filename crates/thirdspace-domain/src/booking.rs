//! Seat bookings paid in social capital, and when a seat counts as taken.
//!
//! All instants are UTC seconds since the epoch. A booking holds a seat over its span, except:
//! a cancelled or released booking holds nothing, a booking nobody checked in for holds nothing
//! once the venue's grace period after its start has passed (the no-show release), and a
//! checked-out booking holds its seat only until the check-out.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::hours::{self, ClockTime, NotOpen, Span, WeeklyHours};
use crate::{text, Invalid, Invalids};

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Booked,
    CheckedIn,
    CheckedOut,
    Cancelled,
    /// Nobody checked in within the grace period; the seat went back.
    Released,
}

impl BookingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::CheckedIn => "checked_in",
            Self::CheckedOut => "checked_out",
            Self::Cancelled => "cancelled",
            Self::Released => "released",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        [Self::Booked, Self::CheckedIn, Self::CheckedOut, Self::Cancelled, Self::Released]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// What the capacity rules need to know of an existing booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    pub starts_at: i64,
    pub ends_at: i64,
    pub status: BookingStatus,
    pub checked_out_at: Option<i64>,
}

/// Whether a booking that nobody checked in for has passed its grace period at `now`.
pub fn is_no_show(hold: &Hold, now: i64, grace_seconds: i64) -> bool {
    hold.status == BookingStatus::Booked && now >= hold.starts_at + grace_seconds
}

/// The stretch of time over which a booking holds its seat, seen at `now`.
pub fn held_interval(hold: &Hold, now: i64, grace_seconds: i64) -> Option<(i64, i64)> {
    match hold.status {
        BookingStatus::Booked if is_no_show(hold, now, grace_seconds) => None,
        BookingStatus::Booked | BookingStatus::CheckedIn => Some((hold.starts_at, hold.ends_at)),
        BookingStatus::CheckedOut => {
            let end = hold.checked_out_at.unwrap_or(hold.ends_at).min(hold.ends_at);
            (end > hold.starts_at).then_some((hold.starts_at, end))
        }
        BookingStatus::Cancelled | BookingStatus::Released => None,
    }
}

/// The most seats held at any one moment of `window` by the given intervals.
pub fn peak_occupancy(intervals: impl IntoIterator<Item = (i64, i64)>, window: (i64, i64)) -> u32 {
    let mut edges: Vec<(i64, i32)> = Vec::new();
    for (start, end) in intervals {
        let (s, e) = (start.max(window.0), end.min(window.1));
        if s < e {
            edges.push((s, 1));
            edges.push((e, -1));
        }
    }
    // Ends sort before starts at the same instant: a seat freed at 12:00 can be taken at 12:00.
    edges.sort_unstable();
    let (mut now, mut peak) = (0i32, 0i32);
    for (_, delta) in edges {
        now += delta;
        peak = peak.max(now);
    }
    peak.max(0) as u32
}

/// Whether one more seat can be taken over `window`, given the existing holds of the space.
pub fn seat_free(holds: &[Hold], window: (i64, i64), seats: u32, now: i64, grace_seconds: i64) -> bool {
    seats_free(holds, window, (seats, 1), now, grace_seconds)
}

/// Whether `need` more seats of a space with `seats` can be taken together over all of `window`
/// (a gathering holding seats for its places), given the space's existing holds.
pub fn seats_free(holds: &[Hold], window: (i64, i64), (seats, need): (u32, u32), now: i64, grace_seconds: i64) -> bool {
    let held = holds.iter().filter_map(|h| held_interval(h, now, grace_seconds));
    u64::from(peak_occupancy(held, window)) + u64::from(need) <= u64::from(seats)
}

/// The holds of a gathering's date that keeps `places` seats over `window`: one for each place,
/// standing whether or not anyone comes.
pub fn reserved(window: (i64, i64), places: u32) -> impl Iterator<Item = Hold> {
    let hold = Hold { starts_at: window.0, ends_at: window.1, status: BookingStatus::CheckedIn, checked_out_at: None };
    std::iter::repeat_n(hold, places as usize)
}

/// Whether two half-open intervals share any instant.
pub fn overlaps(a: (i64, i64), b: (i64, i64)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// What a member submits to book a seat.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingInput {
    /// The open-seating space; left out, any open seating of the venue with a free seat.
    #[serde(default)]
    pub space_id: Option<uuid::Uuid>,
    /// The local date at the venue, "YYYY-MM-DD".
    /// From today to 180 days ahead.
    #[schema(value_type = String, format = Date, example = "2026-11-23")]
    #[serde(deserialize_with = "crate::hours::date::deserialize")]
    pub date: NaiveDate,
    #[schema(schema_with = crate::hours::clock_time_schema, example = "09:30")]
    pub start: ClockTime,
    /// At least 15 minutes after `start`.
    #[schema(schema_with = crate::hours::clock_time_schema, example = "17:00")]
    pub end: ClockTime,
    /// The answer to "What's your focus today?".
    #[schema(schema_with = text::schema::line::<1, 280>, example = "Finishing the pitch deck for Friday")]
    pub focus: String,
    /// What you will share in return for the seat.
    #[schema(schema_with = text::schema::line::<1, 280>, example = "Happy to help anyone with VAT returns")]
    pub pledge: String,
    /// Accepts the venue's house rules; required where the venue has any.
    #[serde(default)]
    pub accept_house_rules: bool,
}

/// How far ahead a seat can be booked, in days.
pub const BOOKING_HORIZON_DAYS: i64 = 180;

/// A booking checked against the venue's rules, with its instants worked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingPlan {
    pub date: NaiveDate,
    pub span: Span,
    pub starts_at: i64,
    pub ends_at: i64,
    /// When the opening period holding the booking ends: everyone still here is checked out.
    pub closes_at: i64,
    pub focus: String,
    pub pledge: String,
    /// The approval it starts with: none where the venue approves nothing.
    pub approval: Option<Approval>,
    /// The visitor accepted the venue's house rules.
    pub rules_accepted: bool,
    /// A resident's visit: it takes no seat kept for social capital.
    pub resident: bool,
}

/// Why a booking cannot be made, beyond a malformed field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Fields that break a rule: every one of them.
    Invalid(Invalids),
    VenueClosed {
        date: NaiveDate,
    },
    OutsideOpeningHours,
    AlreadyOver,
    /// Too little of today's opening is left for a walk-in.
    ClosingSoon,
}

impl From<Invalid> for Refusal {
    fn from(i: Invalid) -> Self {
        Refusal::Invalid(i.into())
    }
}

impl From<Invalids> for Refusal {
    fn from(i: Invalids) -> Self {
        Refusal::Invalid(i)
    }
}

/// What a person says with a booking: their focus and their pledge, checked together.
pub fn words(focus: &str, pledge: &str) -> Result<(String, String), Invalids> {
    let mut invalid = Invalids::default();
    let focus = invalid.or_default(text::bounded("focus", focus, 1, 280, false));
    let pledge = invalid.or_default(text::bounded("pledge", pledge, 1, 280, false));
    invalid.finish((focus, pledge))
}

/// The venue facts a booking is checked against.
#[derive(Debug, Clone, Copy)]
pub struct VenueClock<'a> {
    pub time_zone: chrono_tz::Tz,
    pub hours: &'a WeeklyHours,
    pub closures: &'a [NaiveDate],
}

/// A resident's visit: from now until the opening period under way closes, like a walk-in, but
/// taking no seat kept for social capital.
pub fn resident_visit(venue: VenueClock<'_>, now: i64) -> Result<BookingPlan, Refusal> {
    let focus = "Working here as a resident".to_owned();
    let pledge = "Happy to share what I know with the people here".to_owned();
    Ok(BookingPlan { resident: true, ..walk_in(venue, now, focus, pledge)? })
}

/// Where a booking stands with a host who approves social-capital bookings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// Waiting for the host; the seat is held meanwhile.
    Pending,
    Approved,
    /// The host said no; the booking is cancelled.
    Declined,
}

impl Approval {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Declined => "declined",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Declined].into_iter().find(|a| a.as_str() == raw)
    }
}

/// What a venue asks of a booking beyond its hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Terms {
    /// The venue has house rules, which a visitor accepts when booking.
    pub house_rules: bool,
    /// A host approves each social-capital booking.
    pub requires_approval: bool,
}

/// A booking checked against the venue's hours and its terms, with the approval it starts with.
/// Every broken field is named at once.
pub fn plan_with_terms(
    venue: VenueClock<'_>,
    terms: Terms,
    input: &BookingInput,
    now: i64,
) -> Result<BookingPlan, Refusal> {
    let unaccepted = rules_accepted(terms, input.accept_house_rules).err();
    let planned = plan(venue, input, now);
    match (planned, unaccepted) {
        (Ok(plan), None) => Ok(BookingPlan {
            approval: terms.requires_approval.then_some(Approval::Pending),
            rules_accepted: input.accept_house_rules,
            ..plan
        }),
        (Err(Refusal::Invalid(mut invalid)), Some(rules)) => {
            invalid.add(rules);
            Err(Refusal::Invalid(invalid))
        }
        (Ok(_), Some(rules)) => Err(rules.into()),
        (Err(refusal), _) => Err(refusal),
    }
}

/// Refuses a booking whose visitor did not accept the venue's house rules, where it has any.
pub fn rules_accepted(terms: Terms, accepted: bool) -> Result<(), Invalid> {
    if terms.house_rules && !accepted {
        return Err(Invalid::new("accept_house_rules", "Please read and accept the venue's house rules to book here"));
    }
    Ok(())
}

/// Whether a host may approve or decline a booking at `now`: it waits for them, has not been
/// cancelled or released, and still holds its seat (not over, and its grace period after the
/// start not past, when nobody could check in on it any more).
pub fn may_decide(approval: Option<Approval>, hold: &Hold, now: i64, grace_seconds: i64) -> bool {
    approval == Some(Approval::Pending)
        && hold.status == BookingStatus::Booked
        && !is_no_show(hold, now, grace_seconds)
        && now < hold.ends_at
}

/// The message a host sends with an approval or a refusal: optional, at most 500 characters.
pub fn decision_message(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    text::optional("message", raw, 500, true)
}

/// Whether the person may say whether they shared what they pledged: once they came, and the
/// visit is over or they have left.
pub fn may_answer_pledge(status: BookingStatus, ends_at: i64, now: i64) -> bool {
    match status {
        BookingStatus::CheckedOut => true,
        BookingStatus::CheckedIn => now >= ends_at,
        BookingStatus::Booked | BookingStatus::Cancelled | BookingStatus::Released => false,
    }
}

/// Checks a booking against the venue's hours and today's date at the venue.
pub fn plan(venue: VenueClock<'_>, input: &BookingInput, now: i64) -> Result<BookingPlan, Refusal> {
    let mut invalid = Invalids::default();
    let (focus, pledge) = words(&input.focus, &input.pledge).unwrap_or_else(|words| {
        invalid.extend(words);
        Default::default()
    });
    let span = Span::new(input.start, input.end);
    if let Err(e) = &span {
        invalid.add(e.clone());
    }
    let (today, _) = hours::local_now(venue.time_zone, now);
    let days_ahead = (input.date - today).num_days();
    if days_ahead < 0 {
        invalid.add(Invalid::new("date", "is in the past"));
    }
    if days_ahead > BOOKING_HORIZON_DAYS {
        invalid.add(Invalid::new("date", format!("can be at most {BOOKING_HORIZON_DAYS} days ahead")));
    }
    invalid.finish(())?;
    let span = span?;
    let period = hours::opening_period_for(venue.hours, venue.closures, input.date, span).map_err(|e| match e {
        NotOpen::ClosedThatDay => Refusal::VenueClosed { date: input.date },
        NotOpen::OutsideHours => Refusal::OutsideOpeningHours,
    })?;
    let exists = |field: &str, time: ClockTime| {
        hours::existing_instant(venue.time_zone, input.date, time).ok_or_else(|| {
            Invalid::new(field, format!("{time} does not happen on {} at this venue: the clocks change", input.date))
        })
    };
    let (starts_at, ends_at) = (exists("start", span.start)?, exists("end", span.end)?);
    if ends_at <= now {
        return Err(Refusal::AlreadyOver);
    }
    // A span already under way starts now: the grace period runs from the booking, not before it.
    let (span, starts_at) = if starts_at < now {
        let (_, at) = hours::local_now(venue.time_zone, now);
        (Span { start: at.min(span.end), end: span.end }, now)
    } else {
        (span, starts_at)
    };
    if ends_at - starts_at < i64::from(Span::MIN_MINUTES) * 60 {
        return Err(Invalid::new(
            "end",
            format!("a booking lasts at least {} minutes, and less than that is left of this span", Span::MIN_MINUTES),
        )
        .into());
    }
    Ok(BookingPlan {
        date: input.date,
        span,
        starts_at,
        ends_at,
        closes_at: hours::instant(venue.time_zone, input.date, period.end).max(ends_at),
        focus,
        pledge,
        approval: None,
        rules_accepted: false,
        resident: false,
    })
}

/// A walk-in: a booking from now until the current opening period closes.
pub fn walk_in(venue: VenueClock<'_>, now: i64, focus: String, pledge: String) -> Result<BookingPlan, Refusal> {
    let (today, at) = hours::local_now(venue.time_zone, now);
    let period =
        hours::open_period_at(venue.hours, venue.closures, today, at).ok_or(Refusal::VenueClosed { date: today })?;
    let ends_at = hours::instant(venue.time_zone, today, period.end);
    if ends_at - now < i64::from(Span::MIN_MINUTES) * 60 {
        return Err(Refusal::ClosingSoon);
    }
    Ok(BookingPlan {
        date: today,
        span: Span { start: at, end: period.end },
        starts_at: now,
        ends_at,
        closes_at: ends_at,
        focus,
        pledge,
        approval: None,
        rules_accepted: false,
        resident: false,
    })
}

/// How early before its start a booking may be checked in, in seconds.
pub const EARLY_CHECK_IN_SECONDS: i64 = 60 * 60;

/// Whether a booking may be checked in at `now`.
pub fn may_check_in(hold: &Hold, now: i64, grace_seconds: i64) -> bool {
    hold.status == BookingStatus::Booked
        && !is_no_show(hold, now, grace_seconds)
        && now >= hold.starts_at - EARLY_CHECK_IN_SECONDS
        && now < hold.ends_at
}

/// Whether a booking may be cancelled at `now`: only one still booked, not over, and not yet a
/// no-show (from then its seat is released, not given back by its holder).
pub fn may_cancel(hold: &Hold, now: i64, grace_seconds: i64) -> bool {
    hold.status == BookingStatus::Booked && !is_no_show(hold, now, grace_seconds) && now < hold.ends_at
}

#[cfg(test)]
mod tests {

    #[test]
    fn several_seats_are_free_together_only_when_the_peak_leaves_room_for_all() {
        let at = |s, e| Hold { starts_at: s, ends_at: e, status: BookingStatus::Booked, checked_out_at: None };
        let holds = [at(0, 100), at(50, 150)];
        assert!(seats_free(&holds, (0, 200), (4, 2), 0, 900), "peak 2 + 2 = 4 seats");
        assert!(!seats_free(&holds, (0, 200), (4, 3), 0, 900), "peak 2 + 3 > 4");
        assert!(seats_free(&holds, (100, 200), (4, 3), 0, 900), "from 100 the peak is 1");
        assert!(seats_free(&[], (0, 10), (0, 0), 0, 900), "nothing needed, nothing taken");
        assert!(!seats_free(&[], (0, 10), (2, 3), 0, 900));
        let kept: Vec<Hold> = reserved((10, 20), 3).collect();
        assert_eq!(kept.len(), 3);
        assert!(kept.iter().all(|h| held_interval(h, 1_000_000, 0) == Some((10, 20))), "held whoever comes");
        assert!(!seat_free(&kept, (15, 16), 3, 0, 0), "three places keep three seats");
        assert!(seat_free(&kept, (15, 16), 4, 0, 0));
        assert!(seat_free(&kept, (20, 30), 3, 0, 0), "free again when it ends");
    }
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_booking_is_cancelled_while_booked_before_its_grace_runs_out_and_before_it_ends() {
        let grace = 900;
        let booked = hold(1_000, 5_000, BookingStatus::Booked);
        assert!(may_cancel(&booked, 0, grace), "long before");
        assert!(may_cancel(&booked, 1_000 + grace - 1, grace), "the last second of the grace period");
        assert!(!may_cancel(&booked, 1_000 + grace, grace), "a no-show from then");
        let short = hold(1_000, 1_500, BookingStatus::Booked);
        assert!(may_cancel(&short, 1_499, grace), "the last second of a booking shorter than the grace");
        assert!(!may_cancel(&short, 1_500, grace), "over");
        for status in
            [BookingStatus::CheckedIn, BookingStatus::CheckedOut, BookingStatus::Cancelled, BookingStatus::Released]
        {
            assert!(!may_cancel(&hold(1_000, 5_000, status), 0, grace), "{status:?}");
        }
    }

    fn hold(starts_at: i64, ends_at: i64, status: BookingStatus) -> Hold {
        Hold { starts_at, ends_at, status, checked_out_at: None }
    }

    #[test]
    fn peak_counts_only_overlaps_within_the_window() {
        let iv = vec![(0, 10), (5, 15), (10, 20), (30, 40)];
        assert_eq!(peak_occupancy(iv.clone(), (0, 20)), 2);
        assert_eq!(peak_occupancy(iv.clone(), (20, 30)), 0);
        assert_eq!(peak_occupancy(iv, (0, 5)), 1);
    }

    #[test]
    fn a_seat_freed_at_noon_can_be_taken_at_noon() {
        let holds = [hold(0, 100, BookingStatus::Booked)];
        assert!(seat_free(&holds, (100, 200), 1, 0, 1000));
        assert!(!seat_free(&holds, (99, 200), 1, 0, 1000));
    }

    #[test]
    fn a_no_show_frees_its_seat_after_the_grace_period() {
        let h = hold(1000, 5000, BookingStatus::Booked);
        assert_eq!(held_interval(&h, 1000 + 1799, 1800), Some((1000, 5000)));
        assert_eq!(held_interval(&h, 1000 + 1800, 1800), None);
        let checked_in = hold(1000, 5000, BookingStatus::CheckedIn);
        assert!(held_interval(&checked_in, 4000, 1800).is_some());
    }

    #[test]
    fn a_checked_out_booking_holds_its_seat_only_until_check_out() {
        let mut h = hold(1000, 5000, BookingStatus::CheckedOut);
        h.checked_out_at = Some(2000);
        assert_eq!(held_interval(&h, 3000, 0), Some((1000, 2000)));
        h.checked_out_at = Some(500);
        assert_eq!(held_interval(&h, 3000, 0), None);
    }

    #[test]
    fn cancelled_and_released_bookings_hold_nothing() {
        assert_eq!(held_interval(&hold(0, 10, BookingStatus::Cancelled), 0, 100), None);
        assert_eq!(held_interval(&hold(0, 10, BookingStatus::Released), 0, 100), None);
    }

    #[test]
    fn a_span_already_under_way_starts_now() {
        let t = |s| ClockTime::parse("t", s).unwrap();
        let hours = WeeklyHours::parse(vec![crate::hours::OpeningPeriod {
            day: crate::hours::Weekday::Monday,
            opens: t("08:00"),
            closes: t("18:00"),
        }])
        .unwrap();
        let tz: chrono_tz::Tz = "UTC".parse().unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let now = hours::instant(tz, monday, t("09:10"));
        let input = BookingInput {
            space_id: None,
            date: monday,
            start: t("08:00"),
            end: t("18:00"),
            focus: "f".into(),
            pledge: "p".into(),
            accept_house_rules: false,
        };
        let plan = plan(VenueClock { time_zone: tz, hours: &hours, closures: &[] }, &input, now).unwrap();
        assert_eq!((plan.starts_at, plan.span.start), (now, t("09:10")));
        assert_eq!(plan.closes_at, hours::instant(tz, monday, t("18:00")));
    }

    #[test]
    fn every_broken_field_of_a_booking_is_named_at_once() {
        let t = |s| ClockTime::parse("t", s).unwrap();
        let monday = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let hours = WeeklyHours::parse(vec![crate::hours::OpeningPeriod {
            day: crate::hours::Weekday::Monday,
            opens: t("08:00"),
            closes: t("18:00"),
        }])
        .unwrap();
        let tz: chrono_tz::Tz = "Europe/Amsterdam".parse().unwrap();
        let input = BookingInput {
            space_id: None,
            date: monday - chrono::Duration::days(7),
            start: t("12:00"),
            end: t("11:00"),
            focus: " ".into(),
            pledge: String::new(),
            accept_house_rules: false,
        };
        let now = hours::instant(tz, monday, t("09:00"));
        match plan(VenueClock { time_zone: tz, hours: &hours, closures: &[] }, &input, now) {
            Err(Refusal::Invalid(all)) => {
                let fields: Vec<_> = all.iter().map(|i| i.field.as_str()).collect();
                assert_eq!(fields, ["focus", "pledge", "end", "date"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_span_in_the_spring_forward_gap_is_refused_and_a_walk_in_needs_a_quarter_hour() {
        let t = |s| ClockTime::parse("t", s).unwrap();
        let sunday = NaiveDate::from_ymd_opt(2027, 3, 28).unwrap();
        let hours = WeeklyHours::parse(vec![crate::hours::OpeningPeriod {
            day: crate::hours::Weekday::Sunday,
            opens: t("00:00"),
            closes: t("24:00"),
        }])
        .unwrap();
        let tz: chrono_tz::Tz = "Europe/Amsterdam".parse().unwrap();
        let clock = VenueClock { time_zone: tz, hours: &hours, closures: &[] };
        let input = |start, end| BookingInput {
            space_id: None,
            date: sunday,
            start: t(start),
            end: t(end),
            focus: "f".into(),
            pledge: "p".into(),
            accept_house_rules: false,
        };
        let before = hours::instant(tz, sunday, t("00:00")) - 3600;
        match plan(clock, &input("02:30", "04:00"), before) {
            Err(Refusal::Invalid(i)) => assert_eq!(i.first().unwrap().field, "start"),
            other => panic!("{other:?}"),
        }
        assert!(plan(clock, &input("03:00", "04:00"), before).is_ok());
        let late = hours::instant(tz, sunday, t("23:50"));
        assert_eq!(walk_in(clock, late, "f".into(), "p".into()), Err(Refusal::ClosingSoon));
        assert!(matches!(plan(clock, &input("23:00", "24:00"), late), Err(Refusal::Invalid(_))), "ten minutes left");
    }

    use BookingStatus::*;

    const MIN: i64 = 60;
    const HOUR: i64 = 60 * MIN;

    fn t(s: &str) -> ClockTime {
        ClockTime::parse("t", s).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn every_day(opens: &str, closes: &str) -> WeeklyHours {
        WeeklyHours::parse(
            crate::hours::Weekday::ALL
                .into_iter()
                .map(|day| crate::hours::OpeningPeriod { day, opens: t(opens), closes: t(closes) })
                .collect(),
        )
        .unwrap()
    }

    fn booking(on: NaiveDate, start: &str, end: &str) -> BookingInput {
        BookingInput {
            space_id: None,
            date: on,
            start: t(start),
            end: t(end),
            focus: "f".into(),
            pledge: "p".into(),
            accept_house_rules: false,
        }
    }

    fn utc_midnight(on: NaiveDate) -> i64 {
        on.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp()
    }

    fn field_of<T: std::fmt::Debug>(result: Result<T, Refusal>) -> String {
        match result {
            Err(Refusal::Invalid(i)) => i.first().expect("a broken rule").field.clone(),
            other => panic!("expected a refused field, got {other:?}"),
        }
    }

    #[test]
    fn statuses_are_stored_under_the_names_the_api_shows() {
        for status in [Booked, CheckedIn, CheckedOut, Cancelled, Released] {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
            assert_eq!(BookingStatus::from_str_opt(status.as_str()), Some(status));
        }
        assert_eq!(BookingStatus::from_str_opt("late"), None);
    }

    #[test]
    fn approvals_are_stored_under_the_names_the_api_shows() {
        for approval in [Approval::Pending, Approval::Approved, Approval::Declined] {
            assert_eq!(serde_json::to_value(approval).unwrap(), approval.as_str());
            assert_eq!(Approval::from_str_opt(approval.as_str()), Some(approval));
        }
        assert_eq!(Approval::from_str_opt("maybe"), None);
    }

    #[test]
    fn house_rules_must_be_accepted_where_there_are_any_and_approval_makes_a_booking_wait() {
        let hours = every_day("08:00", "18:00");
        let clock = VenueClock { time_zone: chrono_tz::UTC, hours: &hours, closures: &[] };
        let today = date(2026, 12, 2);
        let now = utc_midnight(today);
        let input = booking(today, "09:00", "10:00");
        let accepted = BookingInput { accept_house_rules: true, ..input.clone() };
        let rules = Terms { house_rules: true, requires_approval: false };
        assert_eq!(field_of(plan_with_terms(clock, rules, &input, now)), "accept_house_rules");
        let planned = plan_with_terms(clock, rules, &accepted, now).unwrap();
        assert_eq!((planned.approval, planned.rules_accepted), (None, true));
        let planned = plan_with_terms(clock, Terms::default(), &input, now).unwrap();
        assert_eq!((planned.approval, planned.rules_accepted), (None, false), "no rules to accept");
        let approve = Terms { house_rules: false, requires_approval: true };
        assert_eq!(plan_with_terms(clock, approve, &input, now).unwrap().approval, Some(Approval::Pending));
        let broken = BookingInput { focus: String::new(), ..input.clone() };
        match plan_with_terms(clock, rules, &broken, now) {
            Err(Refusal::Invalid(i)) => {
                assert_eq!(i.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["focus", "accept_house_rules"])
            }
            other => panic!("{other:?}"),
        }
        let closed = BookingInput { start: t("06:00"), end: t("07:00"), ..accepted };
        assert_eq!(plan_with_terms(clock, rules, &closed, now), Err(Refusal::OutsideOpeningHours));
        let closed = BookingInput { accept_house_rules: false, ..closed };
        assert_eq!(
            plan_with_terms(clock, rules, &closed, now),
            Err(Refusal::OutsideOpeningHours),
            "the hours speak first"
        );
    }

    #[test]
    fn a_host_decides_only_a_waiting_booking_before_it_ends() {
        let pending = Some(Approval::Pending);
        let h = hold(50, 100, Booked);
        assert!(may_decide(pending, &h, 0, 1_000));
        assert!(may_decide(pending, &h, 99, 1_000));
        assert!(!may_decide(pending, &h, 100, 1_000), "over");
        assert!(may_decide(pending, &h, 59, 10), "within the grace period after the start");
        assert!(!may_decide(pending, &h, 60, 10), "a no-show by now: nobody could check in on it");
        assert!(!may_decide(Some(Approval::Approved), &h, 0, 1_000));
        assert!(!may_decide(Some(Approval::Declined), &h, 0, 1_000));
        assert!(!may_decide(None, &h, 0, 1_000), "a venue that approves nothing");
        for gone in [Cancelled, Released, CheckedIn, CheckedOut] {
            assert!(!may_decide(pending, &hold(50, 100, gone), 0, 1_000), "{gone:?}");
        }
        assert_eq!(decision_message(Some("  ")), Ok(None));
        assert_eq!(decision_message(Some(" See you! ")), Ok(Some("See you!".into())));
        assert!(decision_message(Some(&"m".repeat(500))).is_ok());
        assert_eq!(decision_message(Some(&"m".repeat(501))).unwrap_err().field, "message");
    }

    #[test]
    fn a_pledge_is_answered_once_the_person_came_and_the_visit_is_over() {
        assert!(may_answer_pledge(CheckedOut, 100, 50), "left early");
        assert!(!may_answer_pledge(CheckedIn, 100, 99), "still here");
        assert!(may_answer_pledge(CheckedIn, 100, 100));
        for never in [Booked, Cancelled, Released] {
            assert!(!may_answer_pledge(never, 100, 1_000), "{never:?}");
        }
    }

    #[test]
    fn intervals_that_only_touch_do_not_overlap() {
        assert!(!overlaps((0, 10), (10, 20)));
        assert!(!overlaps((10, 20), (0, 10)));
        assert!(overlaps((0, 11), (10, 20)));
        assert!(overlaps((10, 20), (0, 11)));
        assert!(overlaps((0, 30), (10, 20)));
        assert!(overlaps((10, 20), (0, 30)));
        assert!(overlaps((10, 20), (10, 20)));
        assert!(!overlaps((0, 5), (10, 20)));
        assert!(!overlaps((25, 30), (10, 20)));
    }

    #[test]
    fn a_seat_is_free_while_fewer_than_all_seats_are_held() {
        let holds = [hold(0, 100, Booked), hold(50, 150, CheckedIn)];
        assert!(seat_free(&holds, (60, 90), 3, 0, HOUR));
        assert!(!seat_free(&holds, (60, 90), 2, 0, HOUR));
        assert!(seat_free(&holds, (100, 150), 2, 0, HOUR), "the first seat is back at 100");
        assert!(seat_free(&holds, (0, 50), 2, 0, HOUR), "the second seat is taken only from 50");
        assert!(!seat_free(&holds[..1], (0, 1), 1, 0, HOUR));
        assert!(seat_free(&[], (0, 1), 1, 0, HOUR));
    }

    #[test]
    fn the_peak_counts_one_seat_for_one_booking_inside_the_window() {
        assert_eq!(peak_occupancy([(10, 20)], (0, 100)), 1);
        assert_eq!(peak_occupancy([(10, 20), (15, 30), (16, 17)], (0, 100)), 3);
        assert_eq!(peak_occupancy([(10, 20), (20, 30)], (0, 100)), 1, "a seat freed at 20 is taken at 20");
        assert_eq!(peak_occupancy([(10, 20)], (20, 100)), 0);
        assert_eq!(peak_occupancy([(10, 20)], (0, 10)), 0);
        assert_eq!(peak_occupancy([(10, 20)], (19, 20)), 1);
        assert_eq!(peak_occupancy(Vec::new(), (0, 100)), 0);
    }

    #[test]
    fn the_grace_period_ends_on_its_last_second() {
        let h = hold(1000, 5000, Booked);
        assert!(!is_no_show(&h, 1000, 1800));
        assert!(!is_no_show(&h, 2799, 1800));
        assert!(is_no_show(&h, 2800, 1800));
        assert!(!is_no_show(&hold(1000, 5000, CheckedIn), 4999, 1800), "someone checked in is no no-show");
        assert_eq!(held_interval(&hold(1000, 5000, CheckedIn), 4999, 0), Some((1000, 5000)));
    }

    #[test]
    fn a_check_out_at_the_start_frees_the_whole_booking_and_one_after_the_end_keeps_it_whole() {
        let out_at = |at: Option<i64>| Hold { checked_out_at: at, ..hold(1000, 5000, CheckedOut) };
        assert_eq!(held_interval(&out_at(Some(1000)), 9000, 0), None);
        assert_eq!(held_interval(&out_at(Some(1001)), 9000, 0), Some((1000, 1001)));
        assert_eq!(held_interval(&out_at(Some(9000)), 9000, 0), Some((1000, 5000)));
        assert_eq!(held_interval(&out_at(None), 9000, 0), Some((1000, 5000)));
    }

    #[test]
    fn check_in_opens_an_hour_before_the_start_and_closes_at_the_end() {
        let h = hold(10 * HOUR, 12 * HOUR, Booked);
        let grace = 4 * HOUR;
        assert!(!may_check_in(&h, 9 * HOUR - 1, grace));
        assert!(may_check_in(&h, 9 * HOUR, grace));
        assert!(may_check_in(&h, 12 * HOUR - 1, grace));
        assert!(!may_check_in(&h, 12 * HOUR, grace));
        assert!(!may_check_in(&h, 10 * HOUR + 30 * MIN, 30 * MIN), "a no-show's seat is gone");
        assert!(may_check_in(&h, 10 * HOUR + 30 * MIN - 1, 30 * MIN));
        assert!(!may_check_in(&hold(10 * HOUR, 12 * HOUR, CheckedIn), 10 * HOUR, grace));
    }

    #[test]
    fn a_booking_may_be_for_today_and_up_to_the_horizon_but_not_before_or_beyond() {
        let hours = every_day("08:00", "18:00");
        let clock = VenueClock { time_zone: chrono_tz::UTC, hours: &hours, closures: &[] };
        let today = date(2026, 11, 23);
        let now = utc_midnight(today) + 7 * HOUR;
        assert!(plan(clock, &booking(today, "09:00", "10:00"), now).is_ok());
        let last = today + chrono::Duration::days(BOOKING_HORIZON_DAYS);
        assert!(plan(clock, &booking(last, "09:00", "10:00"), now).is_ok());
        let beyond = last.succ_opt().unwrap();
        assert_eq!(field_of(plan(clock, &booking(beyond, "09:00", "10:00"), now)), "date");
        let yesterday = today.pred_opt().unwrap();
        assert_eq!(field_of(plan(clock, &booking(yesterday, "09:00", "10:00"), now)), "date");
    }

    #[test]
    fn a_booking_that_ended_or_ends_now_is_over_and_one_with_a_quarter_hour_left_may_be_had() {
        let hours = every_day("08:00", "18:00");
        let clock = VenueClock { time_zone: chrono_tz::UTC, hours: &hours, closures: &[] };
        let today = date(2026, 11, 23);
        let at = |time: &str| hours::instant(chrono_tz::UTC, today, t(time));
        assert_eq!(plan(clock, &booking(today, "09:00", "10:00"), at("10:00")), Err(Refusal::AlreadyOver));
        assert_eq!(plan(clock, &booking(today, "09:00", "09:30"), at("10:00")), Err(Refusal::AlreadyOver));
        let plan_left = plan(clock, &booking(today, "09:00", "10:00"), at("09:45")).unwrap();
        assert_eq!((plan_left.starts_at, plan_left.ends_at), (at("09:45"), at("10:00")));
        assert_eq!(plan_left.span, Span { start: t("09:45"), end: t("10:00") });
        assert_eq!(field_of(plan(clock, &booking(today, "09:00", "10:00"), at("09:46"))), "end");
        let ahead = plan(clock, &booking(today, "11:00", "12:00"), at("09:45")).unwrap();
        assert_eq!((ahead.starts_at, ahead.ends_at, ahead.span.start), (at("11:00"), at("12:00"), t("11:00")));
        assert_eq!(ahead.closes_at, at("18:00"));
        assert_eq!((ahead.focus.as_str(), ahead.pledge.as_str(), ahead.date), ("f", "p", today));
    }

    #[test]
    fn a_booking_outside_the_hours_or_on_a_closed_day_is_refused_with_the_reason() {
        let hours = every_day("08:00", "18:00");
        let today = date(2026, 11, 23);
        let closures = [today.succ_opt().unwrap()];
        let clock = VenueClock { time_zone: chrono_tz::UTC, hours: &hours, closures: &closures };
        let now = utc_midnight(today);
        assert_eq!(plan(clock, &booking(today, "17:00", "19:00"), now), Err(Refusal::OutsideOpeningHours));
        assert_eq!(
            plan(clock, &booking(closures[0], "09:00", "10:00"), now),
            Err(Refusal::VenueClosed { date: closures[0] })
        );
        assert_eq!(
            field_of(plan(clock, &BookingInput { focus: " ".into(), ..booking(today, "09:00", "10:00") }, now)),
            "focus"
        );
        assert_eq!(
            field_of(plan(clock, &BookingInput { pledge: "".into(), ..booking(today, "09:00", "10:00") }, now)),
            "pledge"
        );
    }

    #[test]
    fn a_walk_in_needs_a_quarter_hour_before_closing_and_ends_at_closing() {
        let hours = every_day("08:00", "18:00");
        let clock = VenueClock { time_zone: chrono_tz::UTC, hours: &hours, closures: &[] };
        let today = date(2026, 11, 23);
        let at = |time: &str| hours::instant(chrono_tz::UTC, today, t(time));
        let walk = walk_in(clock, at("17:45"), "f".into(), "p".into()).unwrap();
        assert_eq!((walk.starts_at, walk.ends_at, walk.closes_at), (at("17:45"), at("18:00"), at("18:00")));
        assert_eq!((walk.date, walk.span), (today, Span { start: t("17:45"), end: t("18:00") }));
        assert_eq!(walk_in(clock, at("17:46"), "f".into(), "p".into()), Err(Refusal::ClosingSoon));
        assert_eq!(walk_in(clock, at("07:59"), "f".into(), "p".into()), Err(Refusal::VenueClosed { date: today }));
        assert!(!walk.resident, "a walk-in takes a seat kept for social capital");
        let stay = resident_visit(clock, at("09:00")).unwrap();
        assert!(stay.resident);
        assert_eq!((stay.starts_at, stay.ends_at, stay.approval), (at("09:00"), at("18:00"), None));
        assert_eq!(resident_visit(clock, at("17:46")), Err(Refusal::ClosingSoon));
    }

    fn amsterdam() -> chrono_tz::Tz {
        "Europe/Amsterdam".parse().unwrap()
    }

    /// 25 October 2026: at 03:00 summer time the clocks go back to 02:00, so 02:00-03:00 happens twice.
    fn autumn() -> NaiveDate {
        date(2026, 10, 25)
    }

    /// 28 March 2027: at 02:00 the clocks go forward to 03:00.
    fn spring() -> NaiveDate {
        date(2027, 3, 28)
    }

    #[test]
    fn a_booking_across_the_autumn_repeated_hour_holds_its_seat_for_its_real_length() {
        let hours = every_day("00:00", "24:00");
        let tz = amsterdam();
        let clock = VenueClock { time_zone: tz, hours: &hours, closures: &[] };
        let before = utc_midnight(autumn()) - 6 * HOUR;
        let night = plan(clock, &booking(autumn(), "01:00", "04:00"), before).unwrap();
        assert_eq!(night.ends_at - night.starts_at, 4 * HOUR, "01:00 to 04:00 lasts four hours that night");
        let repeated = plan(clock, &booking(autumn(), "02:30", "03:00"), before).unwrap();
        assert_eq!(repeated.starts_at, utc_midnight(autumn()) + 30 * MIN, "the first 02:30, in summer time");
        assert_eq!(repeated.ends_at - repeated.starts_at, 90 * MIN);
        assert_eq!(night.closes_at, utc_midnight(autumn()) + 23 * HOUR, "midnight in winter time");
    }

    #[test]
    fn closing_time_on_the_clock_change_days_is_the_real_instant_the_venue_closes() {
        let tz = amsterdam();
        let hours = every_day("00:00", "03:30");
        let clock = VenueClock { time_zone: tz, hours: &hours, closures: &[] };
        // Spring: from 01:40 winter time until 03:30 summer time is 50 minutes.
        let spring_walk = walk_in(clock, utc_midnight(spring()) + 40 * MIN, "f".into(), "p".into()).unwrap();
        assert_eq!(spring_walk.ends_at, utc_midnight(spring()) + 90 * MIN);
        assert_eq!(spring_walk.ends_at - spring_walk.starts_at, 50 * MIN);
        // Autumn: at the second 02:30 (winter time) an hour is left until 03:30, at the first two.
        let first = utc_midnight(autumn()) + 30 * MIN;
        let second = first + HOUR;
        assert_eq!(hours::local_now(tz, first), hours::local_now(tz, second));
        let early = walk_in(clock, first, "f".into(), "p".into()).unwrap();
        let late = walk_in(clock, second, "f".into(), "p".into()).unwrap();
        assert_eq!((early.ends_at - early.starts_at, late.ends_at - late.starts_at), (2 * HOUR, HOUR));
        assert_eq!(late.closes_at, utc_midnight(autumn()) + 150 * MIN);
        assert_eq!(walk_in(clock, late.closes_at - 14 * MIN, "f".into(), "p".into()), Err(Refusal::ClosingSoon));
    }

    #[test]
    fn the_no_show_grace_runs_in_real_minutes_across_both_clock_changes() {
        let tz = amsterdam();
        let grace = 30 * MIN;
        // Spring: booked from 01:45; thirty minutes later the clock reads 03:15.
        let spring_start = hours::instant(tz, spring(), t("01:45"));
        let spring_hold = hold(spring_start, spring_start + 3 * HOUR, Booked);
        assert!(!is_no_show(&spring_hold, spring_start + grace - 1, grace));
        assert!(is_no_show(&spring_hold, spring_start + grace, grace));
        assert_eq!(hours::local_now(tz, spring_start + grace), (spring(), t("03:15")));
        // Autumn: booked from the first 02:45; the grace is over when the clock reads 02:15 again.
        let autumn_start = hours::instant(tz, autumn(), t("02:45"));
        let autumn_hold = hold(autumn_start, autumn_start + 3 * HOUR, Booked);
        assert!(!is_no_show(&autumn_hold, autumn_start + grace - 1, grace));
        assert!(is_no_show(&autumn_hold, autumn_start + grace, grace));
        assert_eq!(hours::local_now(tz, autumn_start + grace), (autumn(), t("02:15")));
        assert_eq!(held_interval(&autumn_hold, autumn_start + grace, grace), None);
    }

    #[test]
    fn check_in_opens_one_real_hour_early_on_both_clock_change_days() {
        let tz = amsterdam();
        let grace = 30 * MIN;
        // Spring: a booking from 03:30 summer time may be checked in from 01:30 winter time.
        let spring_start = hours::instant(tz, spring(), t("03:30"));
        let spring_hold = hold(spring_start, spring_start + 2 * HOUR, Booked);
        assert!(may_check_in(&spring_hold, spring_start - HOUR, grace));
        assert!(!may_check_in(&spring_hold, spring_start - HOUR - 1, grace));
        assert_eq!(hours::local_now(tz, spring_start - HOUR), (spring(), t("01:30")));
        // Autumn: a booking from the first 02:30 may be checked in from 01:30 summer time, and not
        // any more at the second 02:30, an hour after its start.
        let autumn_start = hours::instant(tz, autumn(), t("02:30"));
        let autumn_hold = hold(autumn_start, autumn_start + 3 * HOUR, Booked);
        assert!(may_check_in(&autumn_hold, autumn_start - HOUR, grace));
        assert!(!may_check_in(&autumn_hold, autumn_start - HOUR - 1, grace));
        assert!(!may_check_in(&autumn_hold, autumn_start + HOUR, grace));
        assert_eq!(hours::local_now(tz, autumn_start + HOUR), (autumn(), t("02:30")));
    }

    #[test]
    fn today_is_the_venues_date_on_both_sides_of_its_midnight() {
        let hours = every_day("00:00", "24:00");
        // Tokyo is ahead of UTC: its midnight is 15:00 UTC the day before.
        let tokyo: chrono_tz::Tz = "Asia/Tokyo".parse().unwrap();
        let clock = VenueClock { time_zone: tokyo, hours: &hours, closures: &[] };
        let midnight = utc_midnight(date(2026, 11, 23)) + 15 * HOUR;
        assert_eq!(hours::local_now(tokyo, midnight - 1), (date(2026, 11, 23), t("23:59")));
        assert_eq!(hours::local_now(tokyo, midnight), (date(2026, 11, 24), t("00:00")));
        let before = walk_in(clock, midnight - 20 * MIN, "f".into(), "p".into()).unwrap();
        assert_eq!((before.date, before.ends_at), (date(2026, 11, 23), midnight));
        assert_eq!(walk_in(clock, midnight - 14 * MIN, "f".into(), "p".into()), Err(Refusal::ClosingSoon));
        let after = walk_in(clock, midnight, "f".into(), "p".into()).unwrap();
        assert_eq!((after.date, after.ends_at), (date(2026, 11, 24), midnight + 24 * HOUR));
        assert_eq!(field_of(plan(clock, &booking(date(2026, 11, 23), "09:00", "10:00"), midnight)), "date");
        assert!(plan(clock, &booking(date(2026, 11, 24), "09:00", "10:00"), midnight).is_ok());
        // New York is behind UTC: at 23:30 there, UTC is already on the next day.
        let new_york: chrono_tz::Tz = "America/New_York".parse().unwrap();
        let clock = VenueClock { time_zone: new_york, hours: &hours, closures: &[] };
        let late = utc_midnight(date(2026, 11, 24)) + 4 * HOUR + 30 * MIN;
        assert_eq!(hours::local_now(new_york, late), (date(2026, 11, 23), t("23:30")));
        assert!(plan(clock, &booking(date(2026, 11, 23), "23:40", "24:00"), late).is_ok());
        let horizon = date(2026, 11, 23) + chrono::Duration::days(BOOKING_HORIZON_DAYS);
        assert!(plan(clock, &booking(horizon, "09:00", "10:00"), late).is_ok());
        let beyond = horizon.succ_opt().unwrap();
        assert_eq!(field_of(plan(clock, &booking(beyond, "09:00", "10:00"), late)), "date");
    }

    #[test]
    fn a_day_whose_midnight_the_clocks_skip_starts_at_one() {
        // Santiago: on 6 September 2026 the clocks go from 00:00 straight to 01:00.
        let santiago: chrono_tz::Tz = "America/Santiago".parse().unwrap();
        let hours = every_day("00:00", "24:00");
        let clock = VenueClock { time_zone: santiago, hours: &hours, closures: &[] };
        let day = date(2026, 9, 6);
        let first = hours::instant(santiago, day, ClockTime::MIDNIGHT);
        assert_eq!(hours::local_now(santiago, first), (day, t("01:00")));
        assert_eq!(hours::local_now(santiago, first - 1), (day.pred_opt().unwrap(), t("23:59")));
        assert_eq!(walk_in(clock, first, "f".into(), "p".into()).unwrap().date, day);
        let before = first - 2 * HOUR;
        assert_eq!(field_of(plan(clock, &booking(day, "00:00", "01:00"), before)), "start");
        assert!(plan(clock, &booking(day, "01:00", "02:00"), before).is_ok());
    }

    /// Whether `hold` keeps a seat at instant `t`, seen at `now`: the rules of the module's
    /// documentation, written out instant by instant.
    fn holds_at(hold: &Hold, t: i64, now: i64, grace: i64) -> bool {
        let within = hold.starts_at <= t && t < hold.ends_at;
        match hold.status {
            Booked => within && now - hold.starts_at < grace,
            CheckedIn => within,
            CheckedOut => within && hold.checked_out_at.is_none_or(|out| t < out),
            Cancelled | Released => false,
        }
    }

    fn any_hold() -> impl Strategy<Value = Hold> {
        (0i64..40, 1i64..30, 0usize..5, proptest::option::of(0i64..80)).prop_map(|(s, d, k, out)| Hold {
            starts_at: s,
            ends_at: s + d,
            status: [Booked, CheckedIn, CheckedOut, Cancelled, Released][k],
            checked_out_at: out,
        })
    }

    proptest! {
        #[test]
        fn a_seat_is_free_exactly_when_at_no_instant_of_the_window_every_seat_is_held(
            holds in proptest::collection::vec(any_hold(), 0..8),
            start in 0i64..70,
            length in 1i64..20,
            seats in 1u32..4,
            now in 0i64..80,
            grace in 0i64..20,
        ) {
            let window = (start, start + length);
            let brute = (window.0..window.1)
                .all(|t| (holds.iter().filter(|h| holds_at(h, t, now, grace)).count() as u32) < seats);
            prop_assert_eq!(seat_free(&holds, window, seats, now, grace), brute);
        }

        #[test]
        fn held_interval_is_the_set_of_instants_a_hold_keeps(h in any_hold(), now in 0i64..80, grace in 0i64..20) {
            let held = held_interval(&h, now, grace);
            for t in -1..90 {
                let inside = held.is_some_and(|(s, e)| s <= t && t < e);
                prop_assert_eq!(inside, holds_at(&h, t, now, grace), "t = {}", t);
            }
        }

        #[test]
        fn two_intervals_overlap_exactly_when_they_share_an_instant(
            a in (0i64..30, 1i64..15), b in (0i64..30, 1i64..15),
        ) {
            let (a, b) = ((a.0, a.0 + a.1), (b.0, b.0 + b.1));
            let shared = (0..50).any(|t| a.0 <= t && t < a.1 && b.0 <= t && t < b.1);
            prop_assert_eq!(overlaps(a, b), shared);
        }
    }

    proptest! {
        #[test]
        fn peak_is_at_most_the_number_of_intervals_and_at_least_any_single_overlap(
            raw in proptest::collection::vec((0i64..100, 1i64..50), 0..30),
            w in (0i64..100, 1i64..100),
        ) {
            let intervals: Vec<(i64, i64)> = raw.iter().map(|(s, d)| (*s, s + d)).collect();
            let window = (w.0, w.0 + w.1);
            let peak = peak_occupancy(intervals.clone(), window);
            let touching = intervals.iter().filter(|iv| overlaps(**iv, window)).count() as u32;
            prop_assert!(peak <= touching);
            prop_assert_eq!(peak == 0, touching == 0);
            // Brute force: count the intervals covering each instant of the window.
            let brute = (window.0..window.1)
                .map(|t| intervals.iter().filter(|(s, e)| *s <= t && t < *e).count() as u32)
                .max()
                .unwrap_or(0);
            prop_assert_eq!(peak, brute);
        }
    }
}
