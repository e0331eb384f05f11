//! Gatherings: casual coworking days, knowledge sessions, community group meetups and a venue's
//! own events. One date, or a series by a recurrence rule (RFC 5545's `RRULE`, read by the
//! `rrule` crate) with dates left out; each occurrence has its places and a waiting list.

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::hours::{self, ClockTime};
use crate::{tag, text, Invalid, Invalids};

/// The most occurrences one series may have.
pub const MAX_OCCURRENCES: usize = 100;
/// How far ahead a gathering (every occurrence of a series) may be, in days.
pub const MAX_DAYS_AHEAD: i64 = 731;
/// The most places one occurrence may have.
pub const MAX_CAPACITY: u32 = 10_000;
/// How long someone offered a place from the waiting list has to take it, at most.
pub const OFFER_SECONDS: i64 = 24 * 3600;
/// The longest recurrence rule read.
pub const MAX_RULE_CHARS: usize = 200;

/// What kind of gathering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A casual coworking day any member organises, at a venue that agrees or at a home or café.
    CoworkingDay,
    /// A member shares what they know; attending it counts as receiving from them.
    KnowledgeSession,
    /// A community group's meetup.
    GroupMeetup,
    /// A venue's own event, organised by its staff.
    VenueEvent,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Self::CoworkingDay, Self::KnowledgeSession, Self::GroupMeetup, Self::VenueEvent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CoworkingDay => "coworking_day",
            Self::KnowledgeSession => "knowledge_session",
            Self::GroupMeetup => "group_meetup",
            Self::VenueEvent => "venue_event",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// As a label: "Knowledge session".
    pub fn label(self) -> &'static str {
        match self {
            Self::CoworkingDay => "Coworking day",
            Self::KnowledgeSession => "Knowledge session",
            Self::GroupMeetup => "Group meetup",
            Self::VenueEvent => "Venue event",
        }
    }

    /// In the reader's words.
    pub fn words(self) -> &'static str {
        match self {
            Self::CoworkingDay => "a casual coworking day",
            Self::KnowledgeSession => "a knowledge session",
            Self::GroupMeetup => "a community group meetup",
            Self::VenueEvent => "the venue's own event",
        }
    }
}

/// A gathering as its organiser sends it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GatheringInput {
    pub kind: Kind,
    #[schema(schema_with = text::schema::line::<1, 120>, example = "Casual coworking at the library")]
    pub title: String,
    #[serde(default)]
    #[schema(schema_with = text::schema::optional_lines::<4000>)]
    pub description: Option<String>,
    #[serde(default)]
    #[schema(schema_with = tag::schema::list)]
    pub tags: Vec<String>,
    /// At a venue (its staff agree when they organise it or approve it); left out, at `address`
    /// in `city`.
    #[serde(default)]
    pub venue_id: Option<Uuid>,
    /// Where, when not at a venue: shown only to the people going.
    #[serde(default)]
    #[schema(schema_with = text::schema::optional_line::<200>, example = "Kanaalstraat 3, 2nd floor")]
    pub address: Option<String>,
    /// The city, when not at a venue (a venue's own is used otherwise).
    #[serde(default)]
    #[schema(schema_with = text::schema::optional_line::<80>, example = "Utrecht")]
    pub city: Option<String>,
    /// The IANA time zone, when not at a venue (a venue's own is used otherwise).
    #[serde(default)]
    #[schema(example = "Europe/Amsterdam")]
    pub time_zone: Option<String>,
    /// The local date of the first (or only) occurrence, "YYYY-MM-DD": from today to two years ahead.
    #[schema(value_type = String, format = Date, example = "2026-12-04")]
    #[serde(deserialize_with = "crate::hours::date::deserialize")]
    pub date: NaiveDate,
    #[schema(schema_with = crate::hours::clock_time_schema, example = "09:30")]
    pub start: ClockTime,
    /// At least 15 minutes after `start`, the same day.
    #[schema(schema_with = crate::hours::clock_time_schema, example = "17:00")]
    pub end: ClockTime,
    /// Places for each occurrence, 1 to 10,000.
    #[schema(minimum = 1, maximum = 10000)]
    pub capacity: u32,
    /// Only signed-in members see it and may come; otherwise anyone may see it.
    #[serde(default)]
    pub members_only: bool,
    /// The organiser says yes to each person first.
    #[serde(default)]
    pub requires_approval: bool,
    /// A series: an RFC 5545 recurrence rule from `date`, which must end (`COUNT` or `UNTIL`),
    /// repeat at most daily and give at most 100 occurrences within two years.
    #[serde(default)]
    #[schema(max_length = 200, example = "FREQ=MONTHLY;BYDAY=1FR,3TH;COUNT=12")]
    pub repeat: Option<String>,
    /// Dates of the series left out.
    #[serde(default, deserialize_with = "crate::hours::date::list::deserialize")]
    #[schema(value_type = Vec<String>, max_items = 100)]
    pub except: Vec<NaiveDate>,
}

/// One occurrence: its local date and the instants it starts and ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub date: NaiveDate,
    pub starts_at: i64,
    pub ends_at: i64,
}

/// A gathering that follows every rule, with its occurrences.
#[derive(Debug, Clone, PartialEq)]
pub struct GatheringDraft {
    pub kind: Kind,
    pub title: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub venue_id: Option<Uuid>,
    pub address: Option<String>,
    pub city: String,
    pub time_zone: Tz,
    pub start: ClockTime,
    pub end: ClockTime,
    pub capacity: u32,
    pub members_only: bool,
    pub requires_approval: bool,
    pub repeat: Option<String>,
    pub occurrences: Vec<Occurrence>,
}

/// The venue a gathering is at, as far as its rules need it.
#[derive(Debug, Clone, Copy)]
pub struct AtVenue<'a> {
    pub time_zone: Tz,
    pub city: &'a str,
}

impl GatheringDraft {
    /// Checks every rule at once; `venue` is the venue `input.venue_id` names, `now` the instant.
    pub fn parse(input: GatheringInput, venue: Option<AtVenue<'_>>, now: i64) -> Result<Self, Invalids> {
        let mut invalid = Invalids::default();
        let title = invalid.or_default(text::bounded("title", &input.title, 1, 120, false));
        let description = invalid.or_default(text::optional("description", input.description.as_deref(), 4000, true));
        let tags = invalid.or_default(tag::normalise_list("tags", &input.tags));
        let (city, time_zone, address) = match (input.venue_id, venue) {
            (Some(_), Some(venue)) => {
                for (field, given) in
                    [("address", &input.address), ("city", &input.city), ("time_zone", &input.time_zone)]
                {
                    if given.is_some() {
                        invalid.add(Invalid::new(
                            field,
                            "comes from the venue: leave it out when the gathering is at one",
                        ));
                    }
                }
                (venue.city.to_owned(), venue.time_zone, None)
            }
            (Some(_), None) => {
                invalid.add(Invalid::new("venue_id", "no such venue"));
                (String::new(), Tz::UTC, None)
            }
            (None, _) => {
                if input.kind == Kind::VenueEvent {
                    invalid.add(Invalid::new("venue_id", "a venue's own event is at that venue"));
                }
                let address =
                    invalid.or_default(text::bounded("address", input.address.as_deref().unwrap_or(""), 1, 200, false));
                let city = invalid.or_default(text::bounded("city", input.city.as_deref().unwrap_or(""), 1, 80, false));
                let time_zone = match input.time_zone.as_deref().map(|tz| tz.trim().parse::<Tz>()) {
                    Some(Ok(tz)) => tz,
                    _ => {
                        invalid.add(Invalid::new("time_zone", "must be an IANA time zone like Europe/Amsterdam"));
                        Tz::UTC
                    }
                };
                (city, time_zone, Some(address))
            }
        };
        if !(1..=MAX_CAPACITY).contains(&input.capacity) {
            invalid.add(Invalid::new("capacity", format!("must be from 1 to {MAX_CAPACITY} places")));
        }
        if let Err(e) = hours::Span::new(input.start, input.end) {
            invalid.add(e);
        }
        let today = hours::local_now(time_zone, now).0;
        let last_day = today + chrono::Duration::days(MAX_DAYS_AHEAD);
        let in_range = (today..=last_day).contains(&input.date);
        if input.date < today {
            invalid.add(Invalid::new("date", "is in the past"));
        } else if input.date > last_day {
            invalid.add(Invalid::new("date", format!("must be within {MAX_DAYS_AHEAD} days from today")));
        }
        let repeat = input.repeat.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        let dates = match &repeat {
            // A date out of range has no series to work out.
            _ if !in_range => Vec::new(),
            None => {
                if !input.except.is_empty() {
                    invalid.add(Invalid::new("except", "only a series has dates to leave out"));
                }
                vec![input.date]
            }
            Some(rule) => match series_dates(rule, input.date, last_day) {
                Ok(dates) => {
                    let mut kept = Vec::with_capacity(dates.len());
                    for (i, day) in input.except.iter().enumerate() {
                        if !dates.contains(day) {
                            invalid.add(Invalid::new(
                                format!("except[{i}]"),
                                format!("{day} is not a date of the series"),
                            ));
                        }
                    }
                    kept.extend(dates.into_iter().filter(|d| !input.except.contains(d)));
                    if kept.is_empty() {
                        invalid.add(Invalid::new("except", "leaves no date of the series"));
                    }
                    kept
                }
                Err(e) => {
                    invalid.add(e);
                    Vec::new()
                }
            },
        };
        let occurrences = dates
            .into_iter()
            .map(|date| Occurrence {
                date,
                starts_at: hours::instant(time_zone, date, input.start),
                ends_at: hours::instant(time_zone, date, input.end),
            })
            .collect::<Vec<_>>();
        if input.date == today && occurrences.first().is_some_and(|o| o.starts_at <= now) {
            invalid.add(Invalid::new("start", "has passed today"));
        }
        invalid.finish(Self {
            kind: input.kind,
            title,
            description,
            tags,
            venue_id: input.venue_id,
            address,
            city,
            time_zone,
            start: input.start,
            end: input.end,
            capacity: input.capacity,
            members_only: input.members_only,
            requires_approval: input.requires_approval,
            repeat,
            occurrences,
        })
    }
}

/// The dates a recurrence rule gives from `first`, if it ends, repeats at most daily and gives at
/// most [`MAX_OCCURRENCES`] dates, none after `last_day`.
pub fn series_dates(rule: &str, first: NaiveDate, last_day: NaiveDate) -> Result<Vec<NaiveDate>, Invalid> {
    let invalid = |message: String| Invalid::new("repeat", message);
    if rule.chars().count() > MAX_RULE_CHARS
        || !rule.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '=' | ';' | ',' | '-' | '+'))
    {
        return Err(invalid(format!(
            "must be a recurrence rule like FREQ=WEEKLY;COUNT=10, at most {MAX_RULE_CHARS} characters"
        )));
    }
    // Dates only: the rule runs on the local calendar from midnight; the times come from the
    // gathering's start and end in its time zone, so daylight saving never moves them.
    let text = format!("DTSTART:{}T000000Z\nRRULE:{rule}", first.format("%Y%m%d"));
    let set: rrule::RRuleSet =
        text.parse().map_err(|e: rrule::RRuleError| invalid(format!("is not a rule we can read: {e}")))?;
    for r in set.get_rrule() {
        if r.get_count().is_none() && r.get_until().is_none() {
            return Err(invalid("must end: add COUNT or UNTIL".to_owned()));
        }
        if matches!(r.get_freq(), rrule::Frequency::Hourly | rrule::Frequency::Minutely | rrule::Frequency::Secondly) {
            return Err(invalid("may repeat at most daily".to_owned()));
        }
    }
    let found = set.all(MAX_OCCURRENCES as u16 + 1);
    if found.dates.len() > MAX_OCCURRENCES {
        return Err(invalid(format!("gives more than {MAX_OCCURRENCES} dates: end it sooner")));
    }
    let dates: Vec<NaiveDate> = found.dates.iter().map(|d| d.date_naive()).collect();
    if dates.last().is_some_and(|d| *d > last_day) {
        return Err(invalid(format!("must end within {MAX_DAYS_AHEAD} days from today")));
    }
    if dates.is_empty() {
        return Err(invalid("gives no date".to_owned()));
    }
    Ok(dates)
}

/// Where someone stands for one occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RsvpStatus {
    /// Has a place.
    Going,
    /// Waits for a place, in order.
    Waiting,
    /// Was offered a place that came free, and holds it until a deadline.
    Offered,
    /// Waits for the organiser's yes.
    Pending,
    /// Said they will not come, or let an offer pass.
    Cancelled,
    /// The organiser said no.
    Declined,
}

impl RsvpStatus {
    pub const ALL: [RsvpStatus; 6] =
        [Self::Going, Self::Waiting, Self::Offered, Self::Pending, Self::Cancelled, Self::Declined];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Going => "going",
            Self::Waiting => "waiting",
            Self::Offered => "offered",
            Self::Pending => "pending",
            Self::Cancelled => "cancelled",
            Self::Declined => "declined",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether it takes one of the occurrence's places.
    pub fn takes_place(self) -> bool {
        matches!(self, Self::Going | Self::Offered)
    }

    /// Whether the person still means to come (or to wait, or be approved).
    pub fn is_active(self) -> bool {
        !matches!(self, Self::Cancelled | Self::Declined)
    }
}

/// Where a new answer lands: waiting for the organiser when they approve each person, else going
/// while `taken` (places going or offered) is below `capacity`, else at the end of the list.
pub fn answer(capacity: u32, taken: u32, requires_approval: bool) -> RsvpStatus {
    if requires_approval {
        RsvpStatus::Pending
    } else if taken < capacity {
        RsvpStatus::Going
    } else {
        RsvpStatus::Waiting
    }
}

/// Where someone the organiser says yes to lands: going while a place is free, else waiting.
pub fn approved(capacity: u32, taken: u32) -> RsvpStatus {
    answer(capacity, taken, false)
}

/// How many people waiting are offered a place when `taken` of `capacity` places are held.
pub fn places_to_offer(capacity: u32, taken: u32) -> u32 {
    capacity.saturating_sub(taken)
}

/// Until when an offered place is held: a day, and never past the occurrence's start.
pub fn offer_deadline(now: i64, starts_at: i64) -> i64 {
    (now + OFFER_SECONDS).min(starts_at)
}

/// Why an answer about an occurrence is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RsvpRefusal {
    #[error("This date has passed.")]
    Started,
    #[error("This date was cancelled.")]
    Cancelled,
    #[error("Only members may come to this gathering; sign in first.")]
    MembersOnly,
}

/// Whether an answer may be given about an occurrence that starts at `starts_at` at `now`.
pub fn may_answer(starts_at: i64, cancelled: bool, now: i64) -> Result<(), RsvpRefusal> {
    if cancelled {
        Err(RsvpRefusal::Cancelled)
    } else if starts_at <= now {
        Err(RsvpRefusal::Started)
    } else {
        Ok(())
    }
}

/// A one-off change of one date of a gathering: its local day and times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DateChange {
    /// The local date, "YYYY-MM-DD": from today to two years ahead.
    #[schema(value_type = String, format = Date, example = "2026-12-11")]
    #[serde(deserialize_with = "crate::hours::date::deserialize")]
    pub date: NaiveDate,
    #[schema(schema_with = crate::hours::clock_time_schema, example = "10:00")]
    pub start: ClockTime,
    /// At least 15 minutes after `start`, the same day.
    #[schema(schema_with = crate::hours::clock_time_schema, example = "12:30")]
    pub end: ClockTime,
}

/// Where a date moves by `change` in `tz`, seen at `now`: a span that ends after it starts, on a
/// day from today to [`MAX_DAYS_AHEAD`] days ahead, starting after `now`.
pub fn reschedule(change: DateChange, tz: Tz, now: i64) -> Result<Occurrence, Invalids> {
    let mut invalid = Invalids::default();
    if let Err(e) = hours::Span::new(change.start, change.end) {
        invalid.add(e);
    }
    let today = hours::local_now(tz, now).0;
    if change.date < today {
        invalid.add(Invalid::new("date", "is in the past"));
    } else if change.date > today + chrono::Duration::days(MAX_DAYS_AHEAD) {
        invalid.add(Invalid::new("date", format!("must be within {MAX_DAYS_AHEAD} days from today")));
    }
    let moved = Occurrence {
        date: change.date,
        starts_at: hours::instant(tz, change.date, change.start),
        ends_at: hours::instant(tz, change.date, change.end),
    };
    if change.date == today && moved.starts_at <= now {
        invalid.add(Invalid::new("start", "has passed today"));
    }
    invalid.finish(moved)
}

/// How long before a date starts a check-in counts as coming to it.
pub const EARLY_ARRIVAL_SECONDS: i64 = 1800;

/// Whether someone checked in at `checked_in_at` (and out at `checked_out_at`, if they did) was at
/// a date spanning `span`: they arrived before it ended, at most half an hour before it began,
/// and had not left before it began.
pub fn attended(checked_in_at: i64, checked_out_at: Option<i64>, span: (i64, i64)) -> bool {
    checked_in_at < span.1
        && checked_in_at >= span.0 - EARLY_ARRIVAL_SECONDS
        && checked_out_at.is_none_or(|out| out > span.0)
}

/// Whether an organiser may set `capacity` where `taken` places are held: never below them.
pub fn may_resize(capacity: u32, taken: u32) -> Result<(), Invalid> {
    if capacity < taken {
        Err(Invalid::new("capacity", format!("{taken} people already have a place; the capacity cannot go below that")))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
