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
    let held = holds.iter().filter_map(|h| held_interval(h, now, grace_seconds));
    peak_occupancy(held, window) < seats
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
    #[schema(value_type = String, example = "2026-11-23")]
    #[serde(deserialize_with = "crate::hours::date::deserialize")]
    pub date: NaiveDate,
    #[schema(value_type = String, example = "09:30")]
    pub start: ClockTime,
    #[schema(value_type = String, example = "17:00")]
    pub end: ClockTime,
    /// The answer to "What's your focus today?".
    #[schema(example = "Finishing the pitch deck for Friday")]
    pub focus: String,
    /// What you will share in return for the seat.
    #[schema(example = "Happy to help anyone with VAT returns")]
    pub pledge: String,
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
