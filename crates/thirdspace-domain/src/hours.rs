//! Weekly opening hours, closures and time spans, all in a venue's local time.

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Invalid;

/// A time of day in whole minutes after local midnight, written "HH:MM". "24:00" is the end of
/// the day, so a venue can close at midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

/// A time of day as the API takes it, for its OpenAPI document: "H:MM" or "HH:MM", up to "24:00".
pub const CLOCK_TIME_PATTERN: &str = "^([01]?[0-9]|2[0-3]):[0-5][0-9]$|^24:00$";

/// The OpenAPI schema of a [`ClockTime`].
pub fn clock_time_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(CLOCK_TIME_PATTERN))
        .build()
}

impl ClockTime {
    pub const MIDNIGHT: ClockTime = ClockTime(0);
    pub const END_OF_DAY: ClockTime = ClockTime(24 * 60);

    pub fn from_minutes(minutes: u16) -> Option<Self> {
        (minutes <= 24 * 60).then_some(Self(minutes))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    /// Parses "HH:MM" or "H:MM", up to "24:00": exactly what [`CLOCK_TIME_PATTERN`] says.
    pub fn parse(field: &str, raw: &str) -> Result<Self, Invalid> {
        let invalid = || Invalid::new(field, "must be a time of day like 09:30");
        let (h, m) = raw.split_once(':').ok_or_else(invalid)?;
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if h.is_empty() || h.len() > 2 || m.len() != 2 || !digits(h) || !digits(m) {
            return Err(invalid());
        }
        let h: u16 = h.parse().map_err(|_| invalid())?;
        let m: u16 = m.parse().map_err(|_| invalid())?;
        if m >= 60 || h > 24 || (h == 24 && m != 0) {
            return Err(invalid());
        }
        Ok(Self(h * 60 + m))
    }

    /// The time of day of a local date-time, truncated to the minute.
    pub fn of(time: NaiveTime) -> Self {
        use chrono::Timelike;
        Self((time.hour() * 60 + time.minute()) as u16)
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        ClockTime::parse("time", &raw).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// A stretch of one local day, start inclusive, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: ClockTime,
    pub end: ClockTime,
}

impl Span {
    /// The shortest span that can be booked, in minutes.
    pub const MIN_MINUTES: u16 = 15;

    pub fn new(start: ClockTime, end: ClockTime) -> Result<Self, Invalid> {
        if end <= start {
            return Err(Invalid::new("end", "must be after the start"));
        }
        if end.minutes() - start.minutes() < Self::MIN_MINUTES {
            return Err(Invalid::new("end", format!("a booking lasts at least {} minutes", Self::MIN_MINUTES)));
        }
        Ok(Self { start, end })
    }

    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// A day of the week, written in full and lower case ("monday").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// Every day of the week, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    pub fn of(date: NaiveDate) -> Self {
        match date.weekday() {
            chrono::Weekday::Mon => Self::Monday,
            chrono::Weekday::Tue => Self::Tuesday,
            chrono::Weekday::Wed => Self::Wednesday,
            chrono::Weekday::Thu => Self::Thursday,
            chrono::Weekday::Fri => Self::Friday,
            chrono::Weekday::Sat => Self::Saturday,
            chrono::Weekday::Sun => Self::Sunday,
        }
    }
}

/// One opening period of a weekday: open from `opens` until `closes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OpeningPeriod {
    pub day: Weekday,
    #[schema(schema_with = clock_time_schema, example = "08:30")]
    pub opens: ClockTime,
    /// After `opens`; the periods of one day do not overlap.
    #[schema(schema_with = clock_time_schema, example = "18:00")]
    pub closes: ClockTime,
}

impl OpeningPeriod {
    pub fn span(&self) -> Span {
        Span { start: self.opens, end: self.closes }
    }
}

/// The weekly opening hours of a venue: any number of periods a day, none overlapping.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WeeklyHours(Vec<OpeningPeriod>);

/// The most opening periods one week may hold.
pub const MAX_PERIODS: usize = 28;

impl WeeklyHours {
    pub fn parse(periods: Vec<OpeningPeriod>) -> Result<Self, Invalid> {
        if periods.len() > MAX_PERIODS {
            return Err(Invalid::new("opening_hours", format!("at most {MAX_PERIODS} periods")));
        }
        for (i, p) in periods.iter().enumerate() {
            if p.closes <= p.opens {
                return Err(Invalid::new(format!("opening_hours[{i}].closes"), "must be after the opening time"));
            }
        }
        let mut sorted = periods;
        sorted.sort_by_key(|p| (p.day, p.opens));
        for pair in sorted.windows(2) {
            if pair[0].day == pair[1].day && pair[1].opens < pair[0].closes {
                return Err(Invalid::new(
                    "opening_hours",
                    format!("two periods overlap on {:?}", pair[0].day).to_lowercase(),
                ));
            }
        }
        Ok(Self(sorted))
    }

    pub fn periods(&self) -> &[OpeningPeriod] {
        &self.0
    }

    /// The opening periods of a weekday, in order.
    pub fn on(&self, day: Weekday) -> impl Iterator<Item = Span> + '_ {
        self.0.iter().filter(move |p| p.day == day).map(OpeningPeriod::span)
    }
}

/// Why a span cannot be had at a venue on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotOpen {
    /// The venue is closed that date (a closure, or no hours that weekday).
    ClosedThatDay,
    /// The venue opens that day, but not for the whole span.
    OutsideHours,
}

/// The opening period of `date` that holds the whole `span`, given the weekly hours and closures.
pub fn opening_period_for(
    hours: &WeeklyHours,
    closures: &[NaiveDate],
    date: NaiveDate,
    span: Span,
) -> Result<Span, NotOpen> {
    if closures.contains(&date) {
        return Err(NotOpen::ClosedThatDay);
    }
    let mut periods = hours.on(Weekday::of(date)).peekable();
    if periods.peek().is_none() {
        return Err(NotOpen::ClosedThatDay);
    }
    periods.find(|p| p.contains(&span)).ok_or(NotOpen::OutsideHours)
}

/// The opening period of `date` that is open at `at`, if any.
pub fn open_period_at(hours: &WeeklyHours, closures: &[NaiveDate], date: NaiveDate, at: ClockTime) -> Option<Span> {
    if closures.contains(&date) {
        return None;
    }
    hours.on(Weekday::of(date)).find(|p| p.start <= at && at < p.end)
}

/// How far ahead [`next_opening`] looks, in days.
pub const NEXT_OPENING_DAYS: u32 = 31;

/// When the venue next opens after `at` on `date`: the date and time of the first opening period
/// that starts later, within [`NEXT_OPENING_DAYS`]; `None` when it does not open in that time.
pub fn next_opening(
    hours: &WeeklyHours,
    closures: &[NaiveDate],
    date: NaiveDate,
    at: ClockTime,
) -> Option<(NaiveDate, ClockTime)> {
    (0..=NEXT_OPENING_DAYS).filter_map(|ahead| date.checked_add_days(chrono::Days::new(u64::from(ahead)))).find_map(
        |day| {
            if closures.contains(&day) {
                return None;
            }
            let later = hours.on(Weekday::of(day)).map(|p| p.start).find(|start| day > date || *start > at);
            later.map(|start| (day, start))
        },
    )
}

/// `None` while the venue is open at `at` on `date`; otherwise "Closed now" and when it opens
/// again, in words for the people at its door and on its screen.
pub fn closed_now(hours: &WeeklyHours, closures: &[NaiveDate], date: NaiveDate, at: ClockTime) -> Option<String> {
    if open_period_at(hours, closures, date, at).is_some() {
        return None;
    }
    Some(match next_opening(hours, closures, date, at) {
        Some((day, time)) if day == date => format!("Closed now. It opens again today at {time}."),
        Some((day, time)) => format!("Closed now. It opens again on {} at {time}.", day.format("%A %-d %B")),
        None => "Closed now, and for the weeks ahead.".to_owned(),
    })
}

/// Dates from outside, written "YYYY-MM-DD", with an error that shows the expected form.
pub mod date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer};

    pub fn parse(raw: &str) -> Result<NaiveDate, String> {
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| format!("{raw:?} is not a date like 2026-11-23"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }

    /// For an optional date.
    pub mod option {
        use super::*;

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
            Option::<String>::deserialize(d)?.map(|s| parse(&s)).transpose().map_err(serde::de::Error::custom)
        }
    }

    /// For a list of dates.
    pub mod list {
        use super::*;

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
            Vec::<String>::deserialize(d)?
                .iter()
                .map(|s| parse(s))
                .collect::<Result<_, _>>()
                .map_err(serde::de::Error::custom)
        }
    }
}

/// The UTC instant (seconds since the epoch) of a local date and time in `tz`. For a time that
/// falls in a daylight-saving gap the instant after the gap is used; for an ambiguous time, the
/// earlier instant.
pub fn instant(tz: Tz, date: NaiveDate, time: ClockTime) -> i64 {
    let midnight = NaiveDateTime::from(date);
    let local = midnight + chrono::Duration::minutes(i64::from(time.minutes()));
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.timestamp(),
        chrono::LocalResult::Ambiguous(earlier, _) => earlier.timestamp(),
        chrono::LocalResult::None => {
            let later = local + chrono::Duration::hours(1);
            tz.from_local_datetime(&later).earliest().map_or_else(|| later.and_utc().timestamp(), |t| t.timestamp())
        }
    }
}

/// The UTC instant of a local date and time that exists in `tz`: `None` when the clocks skip it
/// (a daylight-saving gap). An ambiguous time (clocks set back) is its earlier instant.
pub fn existing_instant(tz: Tz, date: NaiveDate, time: ClockTime) -> Option<i64> {
    let local = NaiveDateTime::from(date) + chrono::Duration::minutes(i64::from(time.minutes()));
    tz.from_local_datetime(&local).earliest().map(|t| t.timestamp())
}

/// The local date and time of day at venue time zone `tz` for a UTC instant.
pub fn local_now(tz: Tz, epoch_seconds: i64) -> (NaiveDate, ClockTime) {
    let utc = chrono::DateTime::from_timestamp(epoch_seconds, 0).unwrap_or_default();
    let local = utc.with_timezone(&tz).naive_local();
    (local.date(), ClockTime::of(local.time()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_opening_skips_closed_days_and_closures() {
        let t = |s| ClockTime::parse("t", s).unwrap();
        let hours = WeeklyHours::parse(vec![
            OpeningPeriod { day: Weekday::Monday, opens: t("09:00"), closes: t("12:00") },
            OpeningPeriod { day: Weekday::Monday, opens: t("13:00"), closes: t("17:00") },
            OpeningPeriod { day: Weekday::Wednesday, opens: t("10:00"), closes: t("16:00") },
        ])
        .unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let wednesday = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(next_opening(&hours, &[], monday, t("12:30")), Some((monday, t("13:00"))), "after the break");
        assert_eq!(next_opening(&hours, &[], monday, t("17:00")), Some((wednesday, t("10:00"))));
        let next_monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(next_opening(&hours, &[wednesday], monday, t("17:00")), Some((next_monday, t("09:00"))));
        assert_eq!(next_opening(&WeeklyHours::default(), &[], monday, t("09:00")), None, "never open");
    }

    fn t(s: &str) -> ClockTime {
        ClockTime::parse("t", s).unwrap()
    }

    fn weekdays_9_to_17() -> WeeklyHours {
        WeeklyHours::parse(
            [Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday, Weekday::Friday]
                .into_iter()
                .map(|day| OpeningPeriod { day, opens: t("09:00"), closes: t("17:00") })
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn clock_times_parse_and_print_as_hh_mm() {
        assert_eq!(t("9:05").to_string(), "09:05");
        assert_eq!(t("24:00"), ClockTime::END_OF_DAY);
        for bad in ["", "9", "25:00", "24:01", "12:60", "ab:cd", "12:5", "-1:00", "+9:30", " 09:30", "09:+5"] {
            assert!(ClockTime::parse("t", bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn clock_times_count_minutes_from_midnight_up_to_the_end_of_the_day() {
        assert_eq!(t("09:30").minutes(), 570);
        assert_eq!(ClockTime::from_minutes(0), Some(ClockTime::MIDNIGHT));
        assert_eq!(ClockTime::from_minutes(24 * 60), Some(ClockTime::END_OF_DAY));
        assert_eq!(ClockTime::from_minutes(24 * 60 + 1), None);
        assert_eq!(ClockTime::END_OF_DAY.to_string(), "24:00");
        assert_eq!(ClockTime::of(NaiveTime::from_hms_opt(13, 47, 59).unwrap()), t("13:47"));
        for bad in [":30", "100:00", "001:00", "12:005", "1:2:3"] {
            assert!(ClockTime::parse("t", bad).is_err(), "{bad} was accepted");
        }
        assert_eq!(serde_json::to_value(t("07:05")).unwrap(), "07:05");
        assert_eq!(serde_json::from_value::<ClockTime>(serde_json::json!("7:05")).unwrap(), t("07:05"));
        assert!(serde_json::from_value::<ClockTime>(serde_json::json!("25:00")).is_err());
    }

    #[test]
    fn weekdays_follow_the_calendar() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let days: Vec<Weekday> = monday.iter_days().take(7).map(Weekday::of).collect();
        assert_eq!(days, Weekday::ALL);
    }

    #[test]
    fn a_period_contains_spans_up_to_its_own_edges() {
        let period = Span::new(t("08:00"), t("18:00")).unwrap();
        assert!(period.contains(&period));
        assert!(!period.contains(&Span::new(t("07:59"), t("12:00")).unwrap()));
        assert!(!period.contains(&Span::new(t("12:00"), t("18:01")).unwrap()));
        assert!(!period.contains(&Span::new(t("07:00"), t("19:00")).unwrap()));
    }

    #[test]
    fn a_week_holds_up_to_twenty_eight_periods_back_to_back_but_not_empty_ones() {
        let four_a_day: Vec<OpeningPeriod> = Weekday::ALL
            .into_iter()
            .flat_map(|day| {
                [("06:00", "09:00"), ("09:00", "12:00"), ("12:00", "18:00"), ("18:00", "24:00")]
                    .map(|(opens, closes)| OpeningPeriod { day, opens: t(opens), closes: t(closes) })
            })
            .rev()
            .collect();
        assert_eq!(four_a_day.len(), MAX_PERIODS);
        let week = WeeklyHours::parse(four_a_day.clone()).unwrap();
        assert_eq!(week.periods().len(), MAX_PERIODS);
        assert_eq!(week.periods()[0], OpeningPeriod { day: Weekday::Monday, opens: t("06:00"), closes: t("09:00") });
        let mut too_many = four_a_day;
        too_many.push(OpeningPeriod { day: Weekday::Monday, opens: t("00:00"), closes: t("01:00") });
        assert_eq!(WeeklyHours::parse(too_many).unwrap_err().field, "opening_hours");
        let empty = vec![OpeningPeriod { day: Weekday::Monday, opens: t("09:00"), closes: t("09:00") }];
        assert_eq!(WeeklyHours::parse(empty).unwrap_err().field, "opening_hours[0].closes");
    }

    #[test]
    fn a_venue_is_open_from_its_opening_minute_until_just_before_closing() {
        let hours = weekdays_9_to_17();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let period = Span::new(t("09:00"), t("17:00")).unwrap();
        assert_eq!(open_period_at(&hours, &[], monday, t("09:00")), Some(period));
        assert_eq!(open_period_at(&hours, &[], monday, t("16:59")), Some(period));
        assert_eq!(open_period_at(&hours, &[], monday, t("08:59")), None);
        assert_eq!(open_period_at(&hours, &[], monday, t("17:00")), None);
        assert_eq!(open_period_at(&hours, &[monday], monday, t("10:00")), None);
        assert_eq!(opening_period_for(&hours, &[], monday, period), Ok(period));
    }

    #[test]
    fn dates_are_read_as_year_month_day() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(date::parse(" 2026-11-23 "), Ok(day));
        assert!(date::parse("23-11-2026").unwrap_err().contains("2026-11-23"));
        assert_eq!(date::deserialize(serde_json::json!("2026-11-23")).unwrap(), day);
        assert_eq!(date::option::deserialize(serde_json::json!("2026-11-23")).unwrap(), Some(day));
        assert_eq!(date::option::deserialize(serde_json::json!(null)).unwrap(), None);
        assert_eq!(
            date::list::deserialize(serde_json::json!(["2026-11-23", "2026-11-24"])).unwrap(),
            vec![day, day.succ_opt().unwrap()]
        );
        assert!(date::list::deserialize(serde_json::json!(["2026-11-23", "soon"])).is_err());
    }

    fn utc_midnight(date: NaiveDate) -> i64 {
        date.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp()
    }

    #[test]
    fn the_autumn_repeated_hour_happens_twice_and_a_time_in_it_means_its_first_pass() {
        let tz: Tz = "Europe/Amsterdam".parse().unwrap();
        let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
        let first = instant(tz, autumn, t("02:30"));
        assert_eq!(first, utc_midnight(autumn) + 30 * 60, "02:30 summer time");
        assert_eq!(existing_instant(tz, autumn, t("02:30")), Some(first));
        assert_eq!(local_now(tz, first), (autumn, t("02:30")));
        assert_eq!(local_now(tz, first + 3600), (autumn, t("02:30")), "an hour later the clock reads 02:30 again");
        assert_eq!(instant(tz, autumn, t("04:00")) - instant(tz, autumn, t("02:00")), 3 * 3600);
        assert_eq!(instant(tz, autumn, ClockTime::END_OF_DAY) - instant(tz, autumn, ClockTime::MIDNIGHT), 25 * 3600);
    }

    #[test]
    fn a_time_the_spring_clocks_skip_is_read_an_hour_later() {
        let tz: Tz = "Europe/Amsterdam".parse().unwrap();
        let spring = NaiveDate::from_ymd_opt(2027, 3, 28).unwrap();
        assert_eq!(instant(tz, spring, t("02:30")), utc_midnight(spring) + 90 * 60);
        assert_eq!(instant(tz, spring, t("02:30")), instant(tz, spring, t("03:30")));
        assert_eq!(instant(tz, spring, ClockTime::END_OF_DAY) - instant(tz, spring, ClockTime::MIDNIGHT), 23 * 3600);
    }

    #[test]
    fn the_next_opening_is_strictly_later_than_now() {
        let hours = weekdays_9_to_17();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let tuesday = monday.succ_opt().unwrap();
        assert_eq!(next_opening(&hours, &[], monday, t("08:59")), Some((monday, t("09:00"))));
        assert_eq!(
            next_opening(&hours, &[], monday, t("09:00")),
            Some((tuesday, t("09:00"))),
            "opening now is not next"
        );
        assert_eq!(next_opening(&hours, &[tuesday], monday, t("09:00")).map(|(d, _)| d), tuesday.succ_opt());
    }

    #[test]
    fn closed_now_says_nothing_while_open_and_when_it_opens_again_otherwise() {
        let hours = weekdays_9_to_17();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(closed_now(&hours, &[], monday, t("09:00")), None);
        assert_eq!(closed_now(&hours, &[], monday, t("16:59")), None);
        assert_eq!(closed_now(&hours, &[], monday, t("08:59")).unwrap(), "Closed now. It opens again today at 09:00.");
        assert_eq!(
            closed_now(&hours, &[], monday, t("17:00")).unwrap(),
            "Closed now. It opens again on Tuesday 24 November at 09:00."
        );
        let closed_for_good: Vec<NaiveDate> = monday.iter_days().take(40).collect();
        assert_eq!(
            closed_now(&hours, &closed_for_good, monday, t("10:00")).unwrap(),
            "Closed now, and for the weeks ahead."
        );
    }

    #[test]
    fn a_clock_time_parses_exactly_when_it_matches_the_documented_pattern() {
        let pattern = regex::Regex::new(CLOCK_TIME_PATTERN).unwrap();
        for hours in ["", "0", "00", "7", "09", "19", "23", "24", "25", "+1", " 9", "9 ", "001"] {
            for minutes in ["00", "05", "59", "60", "5", "+5", "0 "] {
                let raw = format!("{hours}:{minutes}");
                assert_eq!(ClockTime::parse("t", &raw).is_ok(), pattern.is_match(&raw), "{raw:?}");
            }
        }
    }

    #[test]
    fn a_span_must_end_after_it_starts_and_last_fifteen_minutes() {
        assert_eq!(Span::new(t("10:00"), t("10:00")).unwrap_err().message, "must be after the start");
        assert!(Span::new(t("11:00"), t("10:00")).is_err());
        assert!(Span::new(t("10:00"), t("10:10")).is_err());
        assert!(Span::new(t("10:00"), t("10:15")).is_ok());
    }

    #[test]
    fn overlapping_periods_on_one_day_are_refused() {
        let periods = vec![
            OpeningPeriod { day: Weekday::Monday, opens: t("09:00"), closes: t("13:00") },
            OpeningPeriod { day: Weekday::Monday, opens: t("12:00"), closes: t("17:00") },
        ];
        assert!(WeeklyHours::parse(periods).is_err());
    }

    #[test]
    fn a_span_inside_the_hours_is_open_and_others_are_refused_with_the_reason() {
        let hours = weekdays_9_to_17();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let saturday = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let span = Span::new(t("10:00"), t("12:00")).unwrap();
        assert!(opening_period_for(&hours, &[], monday, span).is_ok());
        assert_eq!(opening_period_for(&hours, &[], saturday, span), Err(NotOpen::ClosedThatDay));
        assert_eq!(opening_period_for(&hours, &[monday], monday, span), Err(NotOpen::ClosedThatDay));
        let late = Span::new(t("16:00"), t("18:00")).unwrap();
        assert_eq!(opening_period_for(&hours, &[], monday, late), Err(NotOpen::OutsideHours));
    }

    #[test]
    fn local_times_convert_to_utc_across_daylight_saving() {
        let tz: Tz = "Europe/Amsterdam".parse().unwrap();
        let winter = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        let summer = NaiveDate::from_ymd_opt(2026, 7, 15).unwrap();
        assert_eq!(instant(tz, winter, t("10:00")) % 86_400, 9 * 3600);
        assert_eq!(instant(tz, summer, t("10:00")) % 86_400, 8 * 3600);
        let spring_forward = NaiveDate::from_ymd_opt(2027, 3, 28).unwrap();
        assert_eq!(existing_instant(tz, spring_forward, t("02:30")), None, "02:30 does not happen that night");
        assert!(existing_instant(tz, spring_forward, t("03:00")).is_some());
        let (date, time) = local_now(tz, instant(tz, summer, t("10:00")));
        assert_eq!((date, time), (summer, t("10:00")));
    }
}
