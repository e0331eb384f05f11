//! Exchanges of knowledge: one person helped another. Either side proposes one; it counts in the
//! social-capital ledger only once the other side confirms it, within [`LAPSE_SECONDS`].

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{tag, text, Invalid, Invalids};

/// A proposal not confirmed within 30 days lapses.
pub const LAPSE_SECONDS: i64 = 30 * 86_400;

/// The most characters of what was shared, in the words of who proposed it.
pub const MAX_TEXT_CHARS: usize = 280;

/// The proposer's part in the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// I helped the other person.
    Gave,
    /// The other person helped me.
    Received,
}

/// Where an exchange came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// An introduction both sides marked as met.
    Introduction,
    /// A question its asker marked answered by someone.
    Question,
    /// What a member pledged when booking a seat.
    Pledge,
    /// Recorded freely.
    Free,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Introduction => "introduction",
            Self::Question => "question",
            Self::Pledge => "pledge",
            Self::Free => "free",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        [Self::Introduction, Self::Question, Self::Pledge, Self::Free].into_iter().find(|s| s.as_str() == raw)
    }
}

/// Where it stands, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Proposed,
    Confirmed,
    Declined,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Confirmed => "confirmed",
            Self::Declined => "declined",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        [Self::Proposed, Self::Confirmed, Self::Declined].into_iter().find(|s| s.as_str() == raw)
    }
}

/// What a member sends to record an exchange.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeInput {
    /// The other person.
    pub with: Uuid,
    /// Whether you helped them or they helped you.
    pub role: Role,
    /// Topics, from the vocabulary.
    #[serde(default)]
    #[schema(schema_with = tag::schema::list)]
    pub tags: Vec<String>,
    /// What was shared, in a line.
    #[schema(schema_with = text::schema::line::<1, 280>, example = "Walked me through VAT for a first invoice")]
    pub text: String,
    /// The venue where it happened.
    #[serde(default)]
    pub venue_id: Option<Uuid>,
    /// What it came from; recorded freely when absent.
    #[serde(default)]
    pub source: Option<Source>,
    /// The introduction, question or booking it came from (not for one recorded freely).
    #[serde(default)]
    pub source_id: Option<Uuid>,
}

/// An exchange checked and ready to be proposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeDraft {
    pub proposer: Uuid,
    pub giver: Uuid,
    pub receiver: Uuid,
    pub tags: Vec<String>,
    pub text: String,
    pub venue: Option<Uuid>,
    pub source: Source,
    pub source_id: Option<Uuid>,
}

impl ExchangeDraft {
    /// Checks what `proposer` sent, and names every field that breaks a rule.
    pub fn parse(proposer: Uuid, input: ExchangeInput) -> Result<Self, Invalids> {
        let mut invalid = Invalids::default();
        if input.with == proposer {
            invalid.add(Invalid::new("with", "an exchange is between two people: choose someone other than yourself"));
        }
        let tags = invalid.or_default(tag::normalise_list("tags", &input.tags));
        let text = invalid.or_default(text::bounded("text", &input.text, 1, MAX_TEXT_CHARS, false));
        let source = input.source.unwrap_or(Source::Free);
        match (source, input.source_id) {
            (Source::Free, Some(_)) => {
                invalid.add(Invalid::new("source_id", "an exchange recorded freely comes from nothing to name"))
            }
            (Source::Introduction | Source::Question | Source::Pledge, None) => {
                invalid.add(Invalid::new("source_id", format!("name the {} it came from", source.as_str())))
            }
            _ => {}
        }
        let (giver, receiver) = match input.role {
            Role::Gave => (proposer, input.with),
            Role::Received => (input.with, proposer),
        };
        invalid.finish(Self {
            proposer,
            giver,
            receiver,
            tags,
            text,
            venue: input.venue_id,
            source,
            source_id: input.source_id,
        })
    }
}

/// What an answer is judged against: the exchange as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal {
    pub giver: Uuid,
    pub receiver: Uuid,
    pub proposer: Uuid,
    pub status: Status,
    pub proposed_at: i64,
}

/// An answer to a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Confirm,
    Decline,
}

/// What an answer changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Nothing: it was confirmed already.
    Nothing,
    Confirm,
    Decline,
}

/// Why an answer changes nothing and is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The person is neither side: to them the exchange does not exist.
    NotFound,
    /// The proposer waits for the other side.
    OwnProposal,
    /// It was answered already, the other way.
    Answered,
    /// It was not confirmed within 30 days.
    Lapsed,
}

/// Whether a proposal made at `proposed_at` has lapsed at `now`.
pub fn lapsed(proposed_at: i64, now: i64) -> bool {
    now >= proposed_at.saturating_add(LAPSE_SECONDS)
}

/// Whether `person` may name this exchange as the pledge they kept: they gave it, and it was
/// neither declined nor left to lapse.
pub fn keeps_pledge_of(proposal: &Proposal, person: Uuid, now: i64) -> bool {
    proposal.giver == person
        && match proposal.status {
            Status::Confirmed => true,
            Status::Proposed => !lapsed(proposal.proposed_at, now),
            Status::Declined => false,
        }
}

/// What `by`'s answer changes. Confirming twice changes nothing; a decline is final; only the side
/// that did not propose answers, before the proposal lapses.
pub fn answer(proposal: &Proposal, by: Uuid, answer: Answer, now: i64) -> Result<Change, Refusal> {
    if by != proposal.giver && by != proposal.receiver {
        return Err(Refusal::NotFound);
    }
    if by == proposal.proposer {
        return Err(Refusal::OwnProposal);
    }
    match (proposal.status, answer) {
        (Status::Confirmed, Answer::Confirm) => Ok(Change::Nothing),
        (Status::Confirmed | Status::Declined, _) => Err(Refusal::Answered),
        (Status::Proposed, _) if lapsed(proposal.proposed_at, now) => Err(Refusal::Lapsed),
        (Status::Proposed, Answer::Confirm) => Ok(Change::Confirm),
        (Status::Proposed, Answer::Decline) => Ok(Change::Decline),
    }
}

/// Where an exchange stands, as one of its two people sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Shown {
    /// Waiting for the other side (or, to the proposer, not answered yet as far as they know).
    Pending,
    /// Counted in both people's records.
    Confirmed,
    /// Declined, shown only to who declined it.
    Declined,
    /// Not confirmed within 30 days.
    Lapsed,
}

/// How the exchange shows to `viewer`: a decline is never shown to the proposer as such; to them
/// it stays pending until it would have lapsed.
pub fn shown(proposal: &Proposal, viewer: Uuid, now: i64) -> Shown {
    let lapsed = lapsed(proposal.proposed_at, now);
    match proposal.status {
        Status::Confirmed => Shown::Confirmed,
        Status::Declined if viewer != proposal.proposer => Shown::Declined,
        Status::Declined | Status::Proposed if lapsed => Shown::Lapsed,
        Status::Declined | Status::Proposed => Shown::Pending,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const GIVER: Uuid = Uuid::from_u128(1);
    const RECEIVER: Uuid = Uuid::from_u128(2);
    const STRANGER: Uuid = Uuid::from_u128(3);
    const AT: i64 = 1_000_000;

    fn input(with: Uuid, role: Role) -> ExchangeInput {
        ExchangeInput {
            with,
            role,
            tags: vec!["VAT".into(), " vat ".into(), "Bookkeeping".into()],
            text: "  Walked me through VAT  ".into(),
            venue_id: None,
            source: None,
            source_id: None,
        }
    }

    fn proposal(status: Status) -> Proposal {
        Proposal { giver: GIVER, receiver: RECEIVER, proposer: GIVER, status, proposed_at: AT }
    }

    #[test]
    fn a_pledge_is_kept_by_an_exchange_its_maker_gave_that_still_stands() {
        assert!(keeps_pledge_of(&proposal(Status::Confirmed), GIVER, AT + LAPSE_SECONDS * 10));
        assert!(keeps_pledge_of(&proposal(Status::Proposed), GIVER, AT + LAPSE_SECONDS - 1));
        assert!(!keeps_pledge_of(&proposal(Status::Proposed), GIVER, AT + LAPSE_SECONDS), "lapsed");
        assert!(!keeps_pledge_of(&proposal(Status::Declined), GIVER, AT));
        assert!(!keeps_pledge_of(&proposal(Status::Confirmed), RECEIVER, AT), "received, not given");
        assert!(!keeps_pledge_of(&proposal(Status::Confirmed), STRANGER, AT));
    }

    #[test]
    fn either_side_proposes_and_the_roles_follow_what_they_say() {
        let gave = ExchangeDraft::parse(GIVER, input(RECEIVER, Role::Gave)).unwrap();
        assert_eq!((gave.giver, gave.receiver, gave.proposer), (GIVER, RECEIVER, GIVER));
        let received = ExchangeDraft::parse(RECEIVER, input(GIVER, Role::Received)).unwrap();
        assert_eq!((received.giver, received.receiver, received.proposer), (GIVER, RECEIVER, RECEIVER));
        assert_eq!(gave.tags, ["vat", "bookkeeping"], "tags from the vocabulary, normalised once each");
        assert_eq!(gave.text, "Walked me through VAT");
        assert_eq!((gave.source, gave.source_id), (Source::Free, None));
    }

    #[test]
    fn nobody_records_an_exchange_with_themselves_and_every_broken_rule_is_named() {
        let mut bad = input(GIVER, Role::Gave);
        bad.text = " ".into();
        bad.source = Some(Source::Question);
        let fields: Vec<String> =
            ExchangeDraft::parse(GIVER, bad).unwrap_err().iter().map(|i| i.field.clone()).collect();
        assert_eq!(fields, ["with", "text", "source_id"]);
        let mut free_with_id = input(RECEIVER, Role::Gave);
        free_with_id.source_id = Some(STRANGER);
        let fields: Vec<String> =
            ExchangeDraft::parse(GIVER, free_with_id).unwrap_err().iter().map(|i| i.field.clone()).collect();
        assert_eq!(fields, ["source_id"]);
        let mut long = input(RECEIVER, Role::Gave);
        long.text = "x".repeat(MAX_TEXT_CHARS + 1);
        assert!(ExchangeDraft::parse(GIVER, long).is_err());
        let mut longest = input(RECEIVER, Role::Gave);
        longest.text = "x".repeat(MAX_TEXT_CHARS);
        assert!(ExchangeDraft::parse(GIVER, longest).is_ok());
    }

    #[test]
    fn a_source_named_by_id_is_kept() {
        let mut from_intro = input(RECEIVER, Role::Gave);
        (from_intro.source, from_intro.source_id) = (Some(Source::Introduction), Some(STRANGER));
        let draft = ExchangeDraft::parse(GIVER, from_intro).unwrap();
        assert_eq!((draft.source, draft.source_id), (Source::Introduction, Some(STRANGER)));
    }

    #[test]
    fn only_the_other_side_answers_and_only_before_the_proposal_lapses() {
        let open = proposal(Status::Proposed);
        assert_eq!(answer(&open, RECEIVER, Answer::Confirm, AT), Ok(Change::Confirm));
        assert_eq!(answer(&open, RECEIVER, Answer::Decline, AT), Ok(Change::Decline));
        assert_eq!(answer(&open, GIVER, Answer::Confirm, AT), Err(Refusal::OwnProposal));
        assert_eq!(answer(&open, STRANGER, Answer::Confirm, AT), Err(Refusal::NotFound));
        let last = AT + LAPSE_SECONDS - 1;
        assert_eq!(answer(&open, RECEIVER, Answer::Confirm, last), Ok(Change::Confirm));
        assert_eq!(answer(&open, RECEIVER, Answer::Confirm, last + 1), Err(Refusal::Lapsed));
        assert_eq!(answer(&open, RECEIVER, Answer::Decline, last + 1), Err(Refusal::Lapsed));
    }

    #[test]
    fn a_proposal_lapses_thirty_whole_days_after_it_was_made() {
        let thirty_days = 30 * 24 * 3600;
        assert!(!lapsed(AT, AT + thirty_days - 1));
        assert!(lapsed(AT, AT + thirty_days));
        assert!(!lapsed(i64::MAX - 1, 0), "no overflow at the end of time");
    }

    #[test]
    fn confirming_twice_changes_nothing_and_a_decline_is_final() {
        let confirmed = proposal(Status::Confirmed);
        assert_eq!(answer(&confirmed, RECEIVER, Answer::Confirm, AT), Ok(Change::Nothing));
        assert_eq!(answer(&confirmed, RECEIVER, Answer::Confirm, AT + 2 * LAPSE_SECONDS), Ok(Change::Nothing));
        assert_eq!(answer(&confirmed, RECEIVER, Answer::Decline, AT), Err(Refusal::Answered));
        let declined = proposal(Status::Declined);
        assert_eq!(answer(&declined, RECEIVER, Answer::Confirm, AT), Err(Refusal::Answered));
        assert_eq!(answer(&declined, RECEIVER, Answer::Decline, AT), Err(Refusal::Answered));
        assert_eq!(answer(&declined, STRANGER, Answer::Decline, AT), Err(Refusal::NotFound));
    }

    #[test]
    fn a_decline_is_never_shown_to_the_proposer_as_such() {
        let declined = proposal(Status::Declined);
        assert_eq!(shown(&declined, GIVER, AT), Shown::Pending);
        assert_eq!(shown(&declined, GIVER, AT + LAPSE_SECONDS - 1), Shown::Pending);
        assert_eq!(shown(&declined, GIVER, AT + LAPSE_SECONDS), Shown::Lapsed);
        assert_eq!(shown(&declined, RECEIVER, AT), Shown::Declined);
        let open = proposal(Status::Proposed);
        assert_eq!(shown(&open, RECEIVER, AT), Shown::Pending);
        assert_eq!(shown(&open, RECEIVER, AT + LAPSE_SECONDS), Shown::Lapsed);
        assert_eq!(shown(&proposal(Status::Confirmed), GIVER, AT + 9 * LAPSE_SECONDS), Shown::Confirmed);
    }

    #[test]
    fn names_read_back_as_themselves() {
        for source in [Source::Introduction, Source::Question, Source::Pledge, Source::Free] {
            assert_eq!(Source::from_str_opt(source.as_str()), Some(source));
        }
        for status in [Status::Proposed, Status::Confirmed, Status::Declined] {
            assert_eq!(Status::from_str_opt(status.as_str()), Some(status));
        }
        assert_eq!(Source::from_str_opt("event"), None);
        assert_eq!(Status::from_str_opt("lapsed"), None);
    }

    proptest! {
        /// Whatever the state and the clock, the proposer and strangers never change anything,
        /// and a proposal that has lapsed is never confirmed.
        #[test]
        fn nobody_but_the_other_side_changes_anything(
            status in prop_oneof![Just(Status::Proposed), Just(Status::Confirmed), Just(Status::Declined)],
            confirm in any::<bool>(),
            elapsed in 0i64..(3 * LAPSE_SECONDS),
            by in prop_oneof![Just(GIVER), Just(RECEIVER), Just(STRANGER)],
        ) {
            let p = proposal(status);
            let what = if confirm { Answer::Confirm } else { Answer::Decline };
            let outcome = answer(&p, by, what, AT + elapsed);
            if by != RECEIVER {
                prop_assert!(outcome.is_err());
            }
            if outcome == Ok(Change::Confirm) {
                prop_assert!(status == Status::Proposed && !lapsed(AT, AT + elapsed));
            }
            prop_assert!(outcome != Ok(Change::Decline) || status == Status::Proposed);
        }
    }
}
