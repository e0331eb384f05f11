//! Reports cut a range of local dates at a venue into weeks or months: which period an instant
//! falls in, in the venue's time zone, and the periods of a range.

use chrono::{Datelike, Duration, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::Invalid;

/// The longest range a report covers, in days.
pub const MAX_DAYS: i64 = 366;

/// How a report cuts its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// Days.
    Day,
    /// Weeks starting on Monday.
    Week,
    /// Calendar months.
    #[default]
    Month,
}

/// The local date an instant falls on at a venue.
pub fn local_date(tz: Tz, instant: i64) -> NaiveDate {
    crate::hours::local_now(tz, instant).0
}

/// The first day of the period holding `date`.
pub fn period_start(date: NaiveDate, by: By) -> NaiveDate {
    match by {
        By::Day => date,
        By::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
        By::Month => date.with_day(1).unwrap_or(date),
    }
}

/// The periods that cut `[from, to)`, each by its first day; the first may begin before `from`.
pub fn periods(from: NaiveDate, to: NaiveDate, by: By) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut start = period_start(from, by);
    while start < to {
        out.push(start);
        start = match by {
            By::Day => start + Duration::days(1),
            By::Week => start + Duration::days(7),
            By::Month => {
                let (y, m) =
                    if start.month() == 12 { (start.year() + 1, 1) } else { (start.year(), start.month() + 1) };
                match NaiveDate::from_ymd_opt(y, m, 1) {
                    Some(next) => next,
                    None => break,
                }
            }
        };
    }
    out
}

/// Checks a report's range: `from` before `to`, at most [`MAX_DAYS`] days.
pub fn range(from: NaiveDate, to: NaiveDate) -> Result<(NaiveDate, NaiveDate), Invalid> {
    if to <= from {
        return Err(Invalid::new("to", "the range ends after it begins"));
    }
    if (to - from).num_days() > MAX_DAYS {
        return Err(Invalid::new("to", format!("a report covers at most {MAX_DAYS} days")));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_period_begins_on_monday_or_the_first_of_the_month() {
        assert_eq!(period_start(d(2026, 12, 2), By::Week), d(2026, 11, 30));
        assert_eq!(period_start(d(2026, 11, 30), By::Week), d(2026, 11, 30));
        assert_eq!(period_start(d(2026, 12, 6), By::Week), d(2026, 11, 30), "Sunday ends the week");
        assert_eq!(period_start(d(2026, 12, 31), By::Month), d(2026, 12, 1));
        assert_eq!(period_start(d(2026, 12, 6), By::Day), d(2026, 12, 6));
    }

    #[test]
    fn the_periods_of_a_range_cover_it_across_the_year_end() {
        assert_eq!(periods(d(2026, 11, 15), d(2027, 2, 1), By::Month), [d(2026, 11, 1), d(2026, 12, 1), d(2027, 1, 1)]);
        assert_eq!(
            periods(d(2026, 12, 2), d(2026, 12, 15), By::Week),
            [d(2026, 11, 30), d(2026, 12, 7), d(2026, 12, 14)]
        );
        assert_eq!(periods(d(2026, 12, 1), d(2026, 12, 2), By::Month), [d(2026, 12, 1)]);
        assert_eq!(periods(d(2026, 12, 30), d(2027, 1, 2), By::Day), [d(2026, 12, 30), d(2026, 12, 31), d(2027, 1, 1)]);
        assert_eq!(periods(d(2026, 1, 1), d(2027, 1, 1), By::Day).len(), 365);
    }

    #[test]
    fn an_instant_falls_on_the_venue_s_local_date() {
        // 23:30 UTC on 30 November is already 1 December in Amsterdam.
        let late = d(2026, 11, 30).and_hms_opt(23, 30, 0).unwrap().and_utc().timestamp();
        assert_eq!(local_date(chrono_tz::Europe::Amsterdam, late), d(2026, 12, 1));
        assert_eq!(local_date(chrono_tz::UTC, late), d(2026, 11, 30));
    }

    #[test]
    fn a_range_runs_forward_for_at_most_a_year_and_a_day() {
        assert!(range(d(2026, 1, 1), d(2026, 1, 1)).is_err());
        assert!(range(d(2026, 1, 2), d(2026, 1, 1)).is_err());
        assert!(range(d(2026, 1, 1), d(2026, 1, 2)).is_ok());
        assert!(range(d(2026, 1, 1), d(2026, 1, 1) + Duration::days(MAX_DAYS)).is_ok());
        assert!(range(d(2026, 1, 1), d(2026, 1, 1) + Duration::days(MAX_DAYS + 1)).is_err());
    }
}
