//! The community board: offers and needs beyond skills — a desk lamp to lend, a spare monitor, a
//! service, "looking for a co-founder" — at a venue or in a city, each until it expires (reminded
//! a week and a day before, and renewable).

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{hours, tag, text, Invalid, Invalids};

/// How long a post stands when its author gives no expiry, and after a renewal.
pub const STANDING_DAYS: i64 = 30;
/// The latest a post may expire, in days from today.
pub const MAX_DAYS: i64 = 90;
/// Days before its expiry when the author is reminded.
pub const REMINDERS: [i64; 2] = [7, 1];

/// Whether a post offers something or asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    Offer,
    Need,
}

impl PostKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offer => "offer",
            Self::Need => "need",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        [Self::Offer, Self::Need].into_iter().find(|k| k.as_str() == raw)
    }
}

/// What a post is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A thing to lend, give or borrow: a lamp, a monitor, a standing desk.
    Equipment,
    /// A service: proofreading, a photo shoot, bookkeeping.
    Service,
    /// People: a co-founder, a collaborator, a study partner.
    People,
    /// Money or backing: an investor, a grant partner.
    Capital,
    /// Technology: software licences, a server, a 3D printer's time.
    Technology,
    /// An idea to share or test.
    Idea,
    Other,
}

impl Category {
    pub const ALL: [Category; 7] =
        [Self::Equipment, Self::Service, Self::People, Self::Capital, Self::Technology, Self::Idea, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equipment => "equipment",
            Self::Service => "service",
            Self::People => "people",
            Self::Capital => "capital",
            Self::Technology => "technology",
            Self::Idea => "idea",
            Self::Other => "other",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }

    pub fn words(self) -> &'static str {
        match self {
            Self::Equipment => "Equipment",
            Self::Service => "A service",
            Self::People => "People",
            Self::Capital => "Capital",
            Self::Technology => "Technology",
            Self::Idea => "An idea",
            Self::Other => "Something else",
        }
    }
}

/// A post as its author sends it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostInput {
    pub kind: PostKind,
    pub category: Category,
    #[schema(schema_with = text::schema::line::<1, 120>, example = "Desk lamp to lend")]
    pub title: String,
    #[serde(default)]
    #[schema(schema_with = text::schema::optional_lines::<2000>)]
    pub body: Option<String>,
    #[serde(default)]
    #[schema(schema_with = tag::schema::list)]
    pub tags: Vec<String>,
    /// At a venue; left out, in `city`.
    #[serde(default)]
    pub venue_id: Option<Uuid>,
    /// The city, when not at a venue.
    #[serde(default)]
    #[schema(schema_with = text::schema::optional_line::<80>, example = "Utrecht")]
    pub city: Option<String>,
    /// The last day it stands, "YYYY-MM-DD": from tomorrow to 90 days ahead; 30 days when left out.
    #[serde(default, deserialize_with = "crate::hours::date::option::deserialize")]
    #[schema(value_type = Option<String>, format = Date, example = "2027-01-15")]
    pub expires_on: Option<NaiveDate>,
}

/// A post that follows every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostDraft {
    pub kind: PostKind,
    pub category: Category,
    pub title: String,
    pub body: Option<String>,
    pub tags: Vec<String>,
    pub venue_id: Option<Uuid>,
    pub city: String,
    /// The instant it stops standing: the end of its last day in its time zone.
    pub expires_at: i64,
}

/// The venue a post is at, as the rules need it.
#[derive(Debug, Clone, Copy)]
pub struct PostVenue<'a> {
    pub city: &'a str,
    pub time_zone: Tz,
}

/// When a post whose last day is `last_day` in `tz` stops standing: at the end of that day.
pub fn expiry(last_day: NaiveDate, tz: Tz) -> i64 {
    hours::instant(tz, last_day, hours::ClockTime::END_OF_DAY)
}

impl PostDraft {
    /// Checks a post sent at `now`; at a venue (`venue` is then the venue found for `venue_id`)
    /// the city is the venue's, elsewhere it is given. Every broken rule is named.
    pub fn parse(input: PostInput, venue: Option<PostVenue<'_>>, tz: Tz, now: i64) -> Result<Self, Invalids> {
        let mut invalid = Invalids::default();
        let title = invalid.or_default(text::bounded("title", &input.title, 1, 120, false));
        let body = invalid.or_default(text::optional("body", input.body.as_deref(), 2000, true));
        let tags = invalid.or_default(tag::normalise_list("tags", &input.tags));
        let (city, tz) = match (input.venue_id, venue) {
            (Some(_), Some(v)) => {
                if input.city.is_some() {
                    invalid.add(Invalid::new("city", "comes from the venue: leave it out when the post is at one"));
                }
                (v.city.to_owned(), v.time_zone)
            }
            (Some(_), None) => {
                invalid.add(Invalid::new("venue_id", "no such venue"));
                (String::new(), tz)
            }
            (None, _) => {
                let city = invalid.or_default(text::bounded("city", input.city.as_deref().unwrap_or(""), 1, 80, false));
                (city, tz)
            }
        };
        let today = hours::local_now(tz, now).0;
        let last_day = input.expires_on.unwrap_or(today + Duration::days(STANDING_DAYS));
        if last_day <= today {
            invalid.add(Invalid::new("expires_on", "must be after today"));
        } else if last_day > today + Duration::days(MAX_DAYS) {
            invalid.add(Invalid::new("expires_on", format!("must be within {MAX_DAYS} days from today")));
        }
        invalid.finish(Self {
            kind: input.kind,
            category: input.category,
            title,
            body,
            tags,
            venue_id: input.venue_id,
            city,
            expires_at: expiry(last_day, tz),
        })
    }
}

/// When the author of a post expiring at `expires_at` is reminded, of those still to come at
/// `now`: a week and a day before.
pub fn reminders(expires_at: i64, now: i64) -> Vec<(i64, i64)> {
    REMINDERS.iter().map(|&days| (days, expires_at - days * 86_400)).filter(|&(_, at)| at > now).collect()
}

/// A renewed post stands [`STANDING_DAYS`] from today (in `tz`), never less than it already did.
pub fn renewed(expires_at: i64, tz: Tz, now: i64) -> i64 {
    let today = hours::local_now(tz, now).0;
    expiry(today + Duration::days(STANDING_DAYS - 1), tz).max(expires_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const TZ: Tz = chrono_tz::Europe::Amsterdam;

    fn now() -> i64 {
        TZ.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap().timestamp()
    }

    fn input(extra: impl FnOnce(&mut PostInput)) -> PostInput {
        let mut input = PostInput {
            kind: PostKind::Offer,
            category: Category::Equipment,
            title: "Desk lamp to lend".into(),
            body: None,
            tags: vec!["Lighting".into()],
            venue_id: None,
            city: Some("Utrecht".into()),
            expires_on: None,
        };
        extra(&mut input);
        input
    }

    fn fields(r: Result<PostDraft, Invalids>) -> Vec<String> {
        r.unwrap_err().iter().map(|i| i.field.clone()).collect()
    }

    #[test]
    fn a_post_stands_thirty_days_unless_its_author_says_otherwise() {
        let draft = PostDraft::parse(input(|_| {}), None, TZ, now()).unwrap();
        assert_eq!(draft.tags, ["lighting"]);
        assert_eq!(draft.expires_at, TZ.with_ymd_and_hms(2027, 1, 3, 0, 0, 0).unwrap().timestamp());
        let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let soon = PostDraft::parse(input(|i| i.expires_on = Some(day)), None, TZ, now()).unwrap();
        assert_eq!(soon.expires_at, TZ.with_ymd_and_hms(2026, 12, 5, 0, 0, 0).unwrap().timestamp(), "end of its day");
    }

    #[test]
    fn a_post_expires_from_tomorrow_to_ninety_days_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(fields(PostDraft::parse(input(|i| i.expires_on = Some(today)), None, TZ, now())), ["expires_on"]);
        let last = today + Duration::days(MAX_DAYS);
        assert!(PostDraft::parse(input(|i| i.expires_on = Some(last)), None, TZ, now()).is_ok());
        let beyond = last + Duration::days(1);
        assert_eq!(fields(PostDraft::parse(input(|i| i.expires_on = Some(beyond)), None, TZ, now())), ["expires_on"]);
    }

    #[test]
    fn every_broken_rule_is_named() {
        let bad = input(|i| {
            i.title = " ".into();
            i.city = None;
            i.tags = vec!["x".repeat(49)];
        });
        assert_eq!(fields(PostDraft::parse(bad, None, TZ, now())), ["title", "tags[0]", "city"]);
        let at_venue = input(|i| i.venue_id = Some(Uuid::nil()));
        assert_eq!(fields(PostDraft::parse(at_venue.clone(), None, TZ, now())), ["venue_id"]);
        let venue = PostVenue { city: "Rotterdam", time_zone: TZ };
        assert_eq!(fields(PostDraft::parse(at_venue.clone(), Some(venue), TZ, now())), ["city"]);
        let ok = PostDraft::parse(PostInput { city: None, ..at_venue }, Some(venue), TZ, now()).unwrap();
        assert_eq!(ok.city, "Rotterdam");
    }

    #[test]
    fn the_author_is_reminded_a_week_and_a_day_before_while_that_is_to_come() {
        let expires = 100 * 86_400;
        assert_eq!(reminders(expires, 0), vec![(7, 93 * 86_400), (1, 99 * 86_400)]);
        assert_eq!(reminders(expires, 93 * 86_400), vec![(1, 99 * 86_400)], "the week's reminder has passed");
        assert_eq!(reminders(expires, 99 * 86_400), vec![]);
        assert_eq!(reminders(expires, 99 * 86_400 - 1), vec![(1, 99 * 86_400)]);
    }

    #[test]
    fn a_renewal_gives_thirty_days_from_today_and_never_takes_days_away() {
        let renewed_at = renewed(now(), TZ, now());
        assert_eq!(renewed_at, TZ.with_ymd_and_hms(2027, 1, 2, 0, 0, 0).unwrap().timestamp());
        let far = renewed_at + 10 * 86_400;
        assert_eq!(renewed(far, TZ, now()), far);
    }

    #[test]
    fn kinds_and_categories_read_back_from_their_names() {
        for kind in [PostKind::Offer, PostKind::Need] {
            assert_eq!(PostKind::from_str_opt(kind.as_str()), Some(kind));
        }
        for c in Category::ALL {
            assert_eq!(Category::from_str_opt(c.as_str()), Some(c));
            assert!(c.words().chars().next().is_some_and(char::is_uppercase), "{}", c.words());
        }
        let words: std::collections::HashSet<_> = Category::ALL.iter().map(|c| c.words()).collect();
        assert_eq!(words.len(), Category::ALL.len(), "each in its own words");
        assert_eq!(Category::Equipment.words(), "Equipment");
        assert_eq!(Category::from_str_opt("spam"), None);
        assert_eq!(PostKind::from_str_opt("gift"), None);
    }
}
