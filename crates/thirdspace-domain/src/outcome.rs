//! Outcomes of coworking, in the categories of the research our users cite (business skills
//! developed, products or services improved, customer networks grown, jobs or assignments found,
//! collaborations and joint prospecting): what a member says came of their time at a venue.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{text, Invalid, Invalids};

/// The most exchanges or introductions one outcome names as what led to it.
pub const MAX_LINKS: usize = 10;
/// The most hours an outcome may say it was worth.
pub const MAX_HOURS: u32 = 10_000;
/// The most money an outcome may say it was worth, in cents.
pub const MAX_CENTS: u64 = 1_000_000_000_000;

/// What came of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Working together on a project.
    Collaboration,
    /// Prospecting together, or a new client.
    Client,
    /// A job or an assignment.
    Job,
    /// A business skill learned.
    Skill,
    /// A product or service improved.
    Product,
    /// A wider network.
    Network,
    Other,
}

impl Category {
    pub const ALL: [Category; 7] =
        [Self::Collaboration, Self::Client, Self::Job, Self::Skill, Self::Product, Self::Network, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Collaboration => "collaboration",
            Self::Client => "client",
            Self::Job => "job",
            Self::Skill => "skill",
            Self::Product => "product",
            Self::Network => "network",
            Self::Other => "other",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }

    /// In the reader's words.
    pub fn words(self) -> &'static str {
        match self {
            Self::Collaboration => "a collaboration on a project",
            Self::Client => "joint prospecting or a new client",
            Self::Job => "a job or assignment",
            Self::Skill => "a business skill learned",
            Self::Product => "a product or service improved",
            Self::Network => "a wider network",
            Self::Other => "something else",
        }
    }
}

/// Who may see an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sharing {
    /// Only the member (and the other person it names).
    #[default]
    Private,
    /// Also the venue where it came about, counted in its reports.
    Venue,
    /// Anyone.
    Public,
}

impl Sharing {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Private => "private",
            Self::Venue => "venue",
            Self::Public => "public",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        [Self::Private, Self::Venue, Self::Public].into_iter().find(|s| s.as_str() == raw)
    }
}

/// What a member sends to record an outcome.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    pub category: Category,
    /// What came of it, in a few words.
    #[serde(default)]
    #[schema(schema_with = text::schema::optional_lines::<500>)]
    pub note: Option<String>,
    /// The other person it came about with, who is asked to confirm their side.
    #[serde(default)]
    pub with: Option<Uuid>,
    /// The venue where it came about.
    #[serde(default)]
    pub venue_id: Option<Uuid>,
    /// Exchanges that led to it (yours).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub exchanges: Vec<Uuid>,
    /// Introductions that led to it (yours).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub intros: Vec<Uuid>,
    /// What it was worth in money, in cents of `currency`.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1_000_000_000_000_u64)]
    pub value_cents: Option<u64>,
    /// The currency of `value_cents`, as ISO 4217 (`EUR`).
    #[serde(default)]
    #[schema(pattern = "^[A-Z]{3}$", example = "EUR")]
    pub currency: Option<String>,
    /// What it was worth in hours.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10_000)]
    pub hours: Option<u32>,
    #[serde(default)]
    pub sharing: Sharing,
}

/// An outcome checked and ready to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeDraft {
    pub owner: Uuid,
    pub category: Category,
    pub note: Option<String>,
    pub with: Option<Uuid>,
    pub venue: Option<Uuid>,
    pub exchanges: Vec<Uuid>,
    pub intros: Vec<Uuid>,
    pub value: Option<(u64, String)>,
    pub hours: Option<u32>,
    pub sharing: Sharing,
}

/// The ids listed once each, at most [`MAX_LINKS`].
fn links(field: &str, ids: &[Uuid]) -> Result<Vec<Uuid>, Invalid> {
    let mut kept: Vec<Uuid> = Vec::with_capacity(ids.len());
    for id in ids {
        if !kept.contains(id) {
            kept.push(*id);
        }
    }
    if kept.len() > MAX_LINKS {
        return Err(Invalid::new(field, format!("name at most {MAX_LINKS}")));
    }
    Ok(kept)
}

impl OutcomeDraft {
    /// Checks what `owner` sent, and names every field that breaks a rule.
    pub fn parse(owner: Uuid, input: OutcomeInput) -> Result<Self, Invalids> {
        let mut invalid = Invalids::default();
        let note = invalid.or_default(text::optional("note", input.note.as_deref(), 500, true));
        if input.with == Some(owner) {
            invalid.add(Invalid::new("with", "name someone other than yourself, or no one"));
        }
        let exchanges = invalid.or_default(links("exchanges", &input.exchanges));
        let intros = invalid.or_default(links("intros", &input.intros));
        let value = match (input.value_cents, input.currency) {
            (None, None) => None,
            (Some(_), None) => {
                invalid.add(Invalid::new("currency", "say which currency the value is in, e.g. EUR"));
                None
            }
            (None, Some(_)) => {
                invalid.add(Invalid::new("value_cents", "give the value the currency is for"));
                None
            }
            (Some(cents), Some(currency)) => {
                if !(1..=MAX_CENTS).contains(&cents) {
                    invalid.add(Invalid::new("value_cents", "a value is from 1 cent to 10 billion"));
                }
                if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
                    invalid.add(Invalid::new("currency", "a currency is three capital letters, e.g. EUR"));
                }
                Some((cents, currency))
            }
        };
        if input.hours.is_some_and(|h| !(1..=MAX_HOURS).contains(&h)) {
            invalid.add(Invalid::new("hours", format!("hours are from 1 to {MAX_HOURS}")));
        }
        invalid.finish(Self {
            owner,
            category: input.category,
            note,
            with: input.with,
            venue: input.venue_id,
            exchanges,
            intros,
            value,
            hours: input.hours,
            sharing: input.sharing,
        })
    }
}

/// Whether `viewer` may see an outcome shared as `sharing` by `owner` with `with`: its two people
/// always; the venue's staff when shared with the venue (`runs_its_venue`); anyone when public.
pub fn may_see(sharing: Sharing, owner: Uuid, with: Option<Uuid>, viewer: Option<Uuid>, runs_its_venue: bool) -> bool {
    let party = viewer.is_some_and(|v| v == owner || Some(v) == with);
    party
        || match sharing {
            Sharing::Public => true,
            Sharing::Venue => runs_its_venue,
            Sharing::Private => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: Uuid = Uuid::from_u128(1);
    const OTHER: Uuid = Uuid::from_u128(2);
    const STRANGER: Uuid = Uuid::from_u128(3);

    fn input() -> OutcomeInput {
        OutcomeInput {
            category: Category::Client,
            note: Some("  Landed a bookkeeping client through Bo  ".into()),
            with: Some(OTHER),
            venue_id: None,
            exchanges: vec![STRANGER, STRANGER],
            intros: Vec::new(),
            value_cents: Some(120_000),
            currency: Some("EUR".into()),
            hours: Some(12),
            sharing: Sharing::Venue,
        }
    }

    #[test]
    fn an_outcome_keeps_what_was_said_tidied() {
        let draft = OutcomeDraft::parse(OWNER, input()).unwrap();
        assert_eq!(draft.note.as_deref(), Some("Landed a bookkeeping client through Bo"));
        assert_eq!(draft.exchanges, [STRANGER], "each link once");
        assert_eq!(draft.value, Some((120_000, "EUR".to_owned())));
        assert_eq!((draft.hours, draft.sharing, draft.with), (Some(12), Sharing::Venue, Some(OTHER)));
    }

    #[test]
    fn every_broken_rule_is_named_at_its_field() {
        let mut bad = input();
        bad.with = Some(OWNER);
        bad.currency = Some("eur".into());
        bad.value_cents = Some(0);
        bad.hours = Some(MAX_HOURS + 1);
        bad.intros = (0..=MAX_LINKS as u128).map(Uuid::from_u128).collect();
        bad.note = Some("x".repeat(501));
        let fields: Vec<String> =
            OutcomeDraft::parse(OWNER, bad).unwrap_err().iter().map(|i| i.field.clone()).collect();
        assert_eq!(fields, ["note", "with", "intros", "value_cents", "currency", "hours"]);
    }

    #[test]
    fn a_value_needs_its_currency_and_a_currency_its_value() {
        let mut only_value = input();
        only_value.currency = None;
        let fields: Vec<String> =
            OutcomeDraft::parse(OWNER, only_value).unwrap_err().iter().map(|i| i.field.clone()).collect();
        assert_eq!(fields, ["currency"]);
        let mut only_currency = input();
        only_currency.value_cents = None;
        let fields: Vec<String> =
            OutcomeDraft::parse(OWNER, only_currency).unwrap_err().iter().map(|i| i.field.clone()).collect();
        assert_eq!(fields, ["value_cents"]);
        let mut neither = input();
        (neither.value_cents, neither.currency, neither.hours) = (None, None, None);
        assert_eq!(OutcomeDraft::parse(OWNER, neither).unwrap().value, None);
        let mut edges = input();
        (edges.value_cents, edges.hours) = (Some(MAX_CENTS), Some(MAX_HOURS));
        assert!(OutcomeDraft::parse(OWNER, edges).is_ok());
        let mut least = input();
        (least.value_cents, least.hours) = (Some(1), Some(1));
        assert!(OutcomeDraft::parse(OWNER, least).is_ok());
        let mut too_much = input();
        too_much.value_cents = Some(MAX_CENTS + 1);
        assert!(OutcomeDraft::parse(OWNER, too_much).is_err());
        let mut no_hours = input();
        no_hours.hours = Some(0);
        assert!(OutcomeDraft::parse(OWNER, no_hours).is_err());
    }

    #[test]
    fn at_most_ten_links_of_each_kind() {
        let mut ten = input();
        ten.exchanges = (0..MAX_LINKS as u128).map(Uuid::from_u128).collect();
        assert!(OutcomeDraft::parse(OWNER, ten).is_ok());
    }

    #[test]
    fn its_two_people_always_see_it_the_venue_when_shared_with_it_anyone_when_public() {
        for sharing in [Sharing::Private, Sharing::Venue, Sharing::Public] {
            assert!(may_see(sharing, OWNER, Some(OTHER), Some(OWNER), false));
            assert!(may_see(sharing, OWNER, Some(OTHER), Some(OTHER), false));
        }
        assert!(!may_see(Sharing::Private, OWNER, Some(OTHER), Some(STRANGER), true));
        assert!(!may_see(Sharing::Private, OWNER, None, None, true));
        assert!(may_see(Sharing::Venue, OWNER, None, Some(STRANGER), true));
        assert!(!may_see(Sharing::Venue, OWNER, None, Some(STRANGER), false));
        assert!(may_see(Sharing::Public, OWNER, None, None, false));
    }

    #[test]
    fn names_read_back_as_themselves() {
        for c in Category::ALL {
            assert_eq!(Category::from_str_opt(c.as_str()), Some(c));
        }
        let words: Vec<&str> = Category::ALL.iter().map(|c| c.words()).collect();
        assert_eq!(
            words,
            [
                "a collaboration on a project",
                "joint prospecting or a new client",
                "a job or assignment",
                "a business skill learned",
                "a product or service improved",
                "a wider network",
                "something else",
            ],
            "in the reader's words, as the research names them"
        );
        for s in [Sharing::Private, Sharing::Venue, Sharing::Public] {
            assert_eq!(Sharing::from_str_opt(s.as_str()), Some(s));
        }
        assert_eq!(Category::from_str_opt("fame"), None);
        assert_eq!(Sharing::from_str_opt("friends"), None);
    }
}
