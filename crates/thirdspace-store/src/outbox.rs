//! The outbox: every change of state writes its event in the same transaction as the change, so
//! an event exists exactly when its change was committed. The live streams are fed from it (see
//! the server's relay), and so will webhooks and reports be.
//!
//! An event names what it is about by id only (a booking, a question, a profile…), never by a
//! person's name or contact: whoever reads it looks the subject up through the API, which shows a
//! person only as they allow at that moment. The shapes are documented in `docs/EVENTS.md`; a
//! change to one that a reader could notice gets a new [`VERSION`].

use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::events::EventKind;
use crate::{Booking, Exchange, Gathering, Intro, IntroStep, Outcome, Question, Rsvp, StoreError, StoreResult};

/// The version of the events' shapes written now.
pub const VERSION: u32 = 1;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    BookingMade,
    BookingCancelled,
    /// A booking whose holder did not arrive within the venue's grace period gave its seat back.
    BookingReleased,
    /// A host approved a booking that waited for them.
    BookingApproved,
    /// A host declined a booking that waited for them; it is cancelled.
    BookingDeclined,
    /// After the visit, the person said whether they shared what they pledged.
    PledgeAnswered,
    CheckedIn,
    CheckedOut,
    ProfileChanged,
    QuestionAsked,
    QuestionAnswered,
    IntroSuggested,
    /// One side accepted or declined; which of the two is not said (a decline is never shown).
    IntroAnswered,
    IntroMet,
    IntroFeedback,
    /// Someone proposed an exchange; the other side is asked to confirm it.
    ExchangeProposed,
    /// The other side confirmed an exchange: it counts. A decline writes no event.
    ExchangeConfirmed,
    /// A member recorded an outcome of coworking.
    OutcomeRecorded,
    /// The other person an outcome names confirmed their side.
    OutcomeConfirmed,
    /// A gathering was organised, with its dates.
    GatheringCreated,
    /// Someone's answer for a gathering's date changed (going, in line, offered, withdrawn, …).
    GatheringAnswered,
    /// One date of a gathering was cancelled.
    GatheringDateCancelled,
    /// A gathering or one of its dates changed (title, places, day or times).
    GatheringChanged,
    /// A post went up on the community board.
    BoardPosted,
    /// A post on the board was fulfilled or withdrawn.
    BoardClosed,
}

impl EventType {
    pub const ALL: [EventType; 25] = [
        Self::BookingMade,
        Self::BookingCancelled,
        Self::BookingReleased,
        Self::BookingApproved,
        Self::BookingDeclined,
        Self::PledgeAnswered,
        Self::CheckedIn,
        Self::CheckedOut,
        Self::ProfileChanged,
        Self::QuestionAsked,
        Self::QuestionAnswered,
        Self::IntroSuggested,
        Self::IntroAnswered,
        Self::IntroMet,
        Self::IntroFeedback,
        Self::ExchangeProposed,
        Self::ExchangeConfirmed,
        Self::OutcomeRecorded,
        Self::OutcomeConfirmed,
        Self::GatheringCreated,
        Self::GatheringAnswered,
        Self::GatheringDateCancelled,
        Self::GatheringChanged,
        Self::BoardPosted,
        Self::BoardClosed,
    ];

    /// The name written in the outbox and carried by the event (`booking.made`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BookingMade => "booking.made",
            Self::BookingCancelled => "booking.cancelled",
            Self::BookingReleased => "booking.released",
            Self::BookingApproved => "booking.approved",
            Self::BookingDeclined => "booking.declined",
            Self::PledgeAnswered => "booking.pledge_answered",
            Self::CheckedIn => "presence.checked_in",
            Self::CheckedOut => "presence.checked_out",
            Self::ProfileChanged => "profile.changed",
            Self::QuestionAsked => "question.asked",
            Self::QuestionAnswered => "question.answered",
            Self::IntroSuggested => "intro.suggested",
            Self::IntroAnswered => "intro.answered",
            Self::IntroMet => "intro.met",
            Self::IntroFeedback => "intro.feedback",
            Self::ExchangeProposed => "exchange.proposed",
            Self::ExchangeConfirmed => "exchange.confirmed",
            Self::OutcomeRecorded => "outcome.recorded",
            Self::OutcomeConfirmed => "outcome.confirmed",
            Self::GatheringCreated => "gathering.created",
            Self::GatheringAnswered => "gathering.answered",
            Self::GatheringDateCancelled => "gathering.date_cancelled",
            Self::GatheringChanged => "gathering.changed",
            Self::BoardPosted => "post.created",
            Self::BoardClosed => "post.closed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The type of an event read back from the outbox; a name this version does not know is the
    /// backend's error.
    pub fn stored(name: &str) -> Result<Self, StoreError> {
        Self::parse(name)
            .ok_or_else(|| StoreError::backend(std::io::Error::other(format!("unknown event type {name:?}"))))
    }

    /// What a live screen refreshes on this event.
    pub fn live_kind(self) -> EventKind {
        match self {
            Self::BookingMade
            | Self::BookingCancelled
            | Self::BookingReleased
            | Self::BookingApproved
            | Self::BookingDeclined
            | Self::PledgeAnswered => EventKind::Booking,
            Self::CheckedIn | Self::CheckedOut => EventKind::Presence,
            Self::ProfileChanged => EventKind::Profile,
            Self::QuestionAsked | Self::QuestionAnswered => EventKind::Question,
            Self::IntroSuggested | Self::IntroAnswered | Self::IntroMet | Self::IntroFeedback => EventKind::Intro,
            Self::ExchangeProposed | Self::ExchangeConfirmed => EventKind::Exchange,
            Self::OutcomeRecorded | Self::OutcomeConfirmed => EventKind::Outcome,
            Self::GatheringCreated
            | Self::GatheringAnswered
            | Self::GatheringDateCancelled
            | Self::GatheringChanged => EventKind::Gathering,
            Self::BoardPosted | Self::BoardClosed => EventKind::Board,
        }
    }

    /// What kind of thing the event's subject id names.
    pub fn subject(self) -> &'static str {
        match self.live_kind() {
            EventKind::Booking | EventKind::Presence => "booking",
            EventKind::Profile => "profile",
            EventKind::Question => "question",
            EventKind::Intro => "intro",
            EventKind::Exchange => "exchange",
            EventKind::Outcome => "outcome",
            EventKind::Gathering => "gathering",
            EventKind::Board => "post",
        }
    }
}

/// An event to write with the change it records.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub kind: EventType,
    pub venue: Option<Uuid>,
    pub subject: Uuid,
    pub data: Value,
    pub occurred_at: i64,
}

impl NewEvent {
    /// A booking made, cancelled or released, or a check-in or check-out on it.
    pub fn booking(kind: EventType, booking: &Booking, now: i64) -> Self {
        Self {
            kind,
            venue: Some(booking.venue_id),
            subject: booking.id,
            data: json!({
                "space": booking.space_id,
                "date": booking.date.format("%Y-%m-%d").to_string(),
                "start": booking.start.to_string(),
                "end": booking.end.to_string(),
                "walk_in": booking.walk_in,
            }),
            occurred_at: now,
        }
    }

    /// The sweep's changes, known by ids only: no booking record is loaded for them.
    pub fn swept(kind: EventType, booking: Uuid, venue: Uuid, now: i64) -> Self {
        Self { kind, venue: Some(venue), subject: booking, data: json!({ "by": "sweep" }), occurred_at: now }
    }

    /// A person's profile changed; `venue` is where they are checked in, if anywhere.
    pub fn profile(user: Uuid, venue: Option<Uuid>, now: i64) -> Self {
        Self { kind: EventType::ProfileChanged, venue, subject: user, data: json!({}), occurred_at: now }
    }

    pub fn question(kind: EventType, question: &Question, now: i64) -> Self {
        Self {
            kind,
            venue: Some(question.venue_id),
            subject: question.id,
            data: json!({ "tags": question.tags }),
            occurred_at: now,
        }
    }

    pub fn intro_suggested(intro: &Intro, now: i64) -> Self {
        Self::intro(EventType::IntroSuggested, intro, json!({}), now)
    }

    /// A step on an introduction; an accept and a decline look the same.
    pub fn intro_step(intro: &Intro, step: IntroStep, now: i64) -> Self {
        match step {
            IntroStep::Accept | IntroStep::Decline => Self::intro(EventType::IntroAnswered, intro, json!({}), now),
            IntroStep::Met => Self::intro(EventType::IntroMet, intro, json!({}), now),
            IntroStep::Feedback { .. } => Self::intro(EventType::IntroFeedback, intro, json!({}), now),
        }
    }

    /// An exchange proposed or confirmed: its topics and where it came from, never who.
    pub fn exchange(kind: EventType, exchange: &Exchange, now: i64) -> Self {
        Self {
            kind,
            venue: exchange.venue_id,
            subject: exchange.id,
            data: json!({ "tags": exchange.tags, "source": exchange.source.as_str() }),
            occurred_at: now,
        }
    }

    /// An outcome recorded or confirmed: its category, and the venue only when it is shared with
    /// the venue or everyone (a private outcome belongs to no venue's stream).
    pub fn outcome(kind: EventType, outcome: &Outcome, now: i64) -> Self {
        let shared = outcome.sharing != thirdspace_domain::outcome::Sharing::Private;
        Self {
            kind,
            venue: outcome.venue_id.filter(|_| shared),
            subject: outcome.id,
            data: json!({ "category": outcome.category.as_str() }),
            occurred_at: now,
        }
    }

    /// A gathering organised: its kind and how many dates, at its venue if any.
    pub fn gathering(gathering: &Gathering, dates: usize, now: i64) -> Self {
        Self {
            kind: EventType::GatheringCreated,
            venue: gathering.venue_id,
            subject: gathering.id,
            data: json!({ "kind": gathering.kind.as_str(), "dates": dates }),
            occurred_at: now,
        }
    }

    /// An answer for a gathering's date changed: the date and where the answer stands now,
    /// never who gave it.
    pub fn rsvp(gathering: &Gathering, rsvp: &Rsvp, now: i64) -> Self {
        Self {
            kind: EventType::GatheringAnswered,
            venue: gathering.venue_id,
            subject: gathering.id,
            data: json!({ "date": rsvp.date_id, "status": rsvp.status.as_str() }),
            occurred_at: now,
        }
    }

    /// One date of a gathering cancelled.
    pub fn date_cancelled(gathering: &Gathering, date: Uuid, now: i64) -> Self {
        Self {
            kind: EventType::GatheringDateCancelled,
            venue: gathering.venue_id,
            subject: gathering.id,
            data: json!({ "date": date }),
            occurred_at: now,
        }
    }

    /// A gathering changed: which dates (one, or every date still to come).
    pub fn gathering_changed(gathering: &Gathering, dates: &[Uuid], now: i64) -> Self {
        Self {
            kind: EventType::GatheringChanged,
            venue: gathering.venue_id,
            subject: gathering.id,
            data: json!({ "dates": dates }),
            occurred_at: now,
        }
    }

    /// A post put up on the board, or closed: its kind and category (and, closed, how).
    pub fn post(kind: EventType, post: &crate::Post, now: i64) -> Self {
        let mut data = json!({ "kind": post.kind.as_str(), "category": post.category.as_str() });
        if kind == EventType::BoardClosed {
            data["status"] = json!(post.status.as_str());
        }
        Self { kind, venue: post.venue_id, subject: post.id, data, occurred_at: now }
    }

    fn intro(kind: EventType, intro: &Intro, data: Value, now: i64) -> Self {
        Self { kind, venue: intro.venue_id, subject: intro.id, data, occurred_at: now }
    }
}

/// An event as written, with its place in the outbox's one order.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Grows with every event written; one order for every instance on a database.
    pub id: u64,
    pub version: u32,
    pub kind: EventType,
    pub venue: Option<Uuid>,
    pub subject: Uuid,
    pub data: Value,
    pub occurred_at: i64,
}

/// The documented JSON shape of an event.
#[derive(Debug, Serialize)]
pub struct EventJson<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub version: u32,
    pub id: u64,
    /// RFC 3339, UTC.
    pub occurred_at: String,
    pub venue: Option<Uuid>,
    pub subject: Subject,
    pub data: &'a Value,
}

#[derive(Debug, Serialize)]
pub struct Subject {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: Uuid,
}

impl StoredEvent {
    pub fn to_json(&self) -> EventJson<'_> {
        let occurred_at = chrono::DateTime::from_timestamp(self.occurred_at, 0)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default();
        EventJson {
            kind: self.kind.as_str(),
            version: self.version,
            id: self.id,
            occurred_at,
            venue: self.venue,
            subject: Subject { kind: self.kind.subject(), id: self.subject },
            data: &self.data,
        }
    }
}

/// What is read of the outbox.
#[async_trait::async_trait]
pub trait Events: crate::Begin {
    /// Up to `limit` events after `after`, in the outbox's order.
    async fn events_after(&self, after: u64, limit: u32) -> StoreResult<Vec<StoredEvent>>;
    /// The id of the latest event written (0 when none).
    async fn last_event_id(&self) -> StoreResult<u64>;
    /// Completes when events may have been committed since the last time it completed (on a
    /// shared database, by any instance). A reader must still look: a wake-up may be spurious.
    async fn events_written(&self);

    /// [`EventsWork::forget_events`] in a unit of work of its own.
    async fn forget_events(&self, before: i64) -> StoreResult<u64> {
        let mut work = self.begin().await?;
        let done = work.forget_events(before).await;
        work.end(done).await
    }
}

/// What is written of the outbox, inside a unit of work. Every write of the other features that
/// changes state records its own event; [`EventsWork::record`] is for what an operation adds.
#[async_trait::async_trait]
pub trait EventsWork: Send {
    /// Writes `event`, to be delivered once the unit of work commits.
    async fn record(&mut self, event: &NewEvent) -> StoreResult<()>;
    /// Forgets the events that occurred before `before`, but never the latest one (its id is
    /// where the order goes on).
    async fn forget_events(&mut self, before: i64) -> StoreResult<u64>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_a_distinct_name_that_reads_back() {
        let names: std::collections::HashSet<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(names.len(), EventType::ALL.len());
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
            assert!(t.as_str().starts_with(t.subject()) || t.subject() == "booking", "{}", t.as_str());
        }
        assert_eq!(EventType::parse("booking.deleted"), None);
    }

    #[test]
    fn an_accept_and_a_decline_write_the_same_event() {
        let intro = Intro {
            id: Uuid::now_v7(),
            venue_id: Some(Uuid::now_v7()),
            person_a: Uuid::now_v7(),
            person_b: Uuid::now_v7(),
            score: 0.5,
            reason: String::new(),
            a_answer: crate::IntroAnswer::Pending,
            b_answer: crate::IntroAnswer::Pending,
            met_at: None,
            a_useful: None,
            b_useful: None,
            created_at: 0,
        };
        assert_eq!(
            NewEvent::intro_step(&intro, IntroStep::Accept, 5),
            NewEvent::intro_step(&intro, IntroStep::Decline, 5)
        );
        assert_eq!(NewEvent::intro_step(&intro, IntroStep::Met, 5).kind, EventType::IntroMet);
        assert_eq!(
            NewEvent::intro_step(&intro, IntroStep::Feedback { useful: false }, 5).kind,
            EventType::IntroFeedback
        );
    }

    #[test]
    fn the_json_shape_names_type_version_subject_and_utc_time() {
        let subject = Uuid::now_v7();
        let event = StoredEvent {
            id: 7,
            version: VERSION,
            kind: EventType::QuestionAnswered,
            venue: None,
            subject,
            data: json!({"tags": ["rust"]}),
            occurred_at: 1_700_000_000,
        };
        let shape = serde_json::to_value(event.to_json()).unwrap();
        assert_eq!(
            shape,
            json!({
                "type": "question.answered", "version": 1, "id": 7, "occurred_at": "2023-11-14T22:13:20Z",
                "venue": null, "subject": {"type": "question", "id": subject}, "data": {"tags": ["rust"]}
            })
        );
    }
}
