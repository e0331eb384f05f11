//! The storage traits of thirdspace, the records they return and their error type.
//!
//! Storage is cut by feature — accounts, venues, bookings, presence, questions, introductions,
//! the exchanges of the social-capital ledger, outcomes, screens, links and the outbox — each with a small
//! trait of what is read ([`Bookings`]) and one of what is written inside a **unit of work**
//! ([`BookingsWork`]). A unit of work ([`Work`]) is
//! one transaction: an operation that makes several writes (a booking and an event of its own, a
//! ledger entry) begins one with [`Begin::begin`], writes through it and commits it, so that
//! every write lands or none does. Each write method of a read trait is the same write in a unit
//! of work of its own.
//!
//! Rules that need no data (spans, hours, tags) are checked by the domain crate before a call;
//! rules that depend on what is stored (capacity, overlapping bookings) are checked inside the
//! transaction with the domain's pure functions. All SQL lives in the backend crates.

mod accounts;
mod board;
mod bookings;
mod error;
pub mod events;
mod exchanges;
mod gatherings;
mod intros;
mod links;
mod mails;
pub mod outbox;
mod outcomes;
mod presence;
mod questions;
mod records;
mod reports;
mod screens;
pub mod steps;
mod venues;
pub mod webhooks;

use async_trait::async_trait;

pub use accounts::{Accounts, AccountsWork};
pub use board::{Board, BoardMessage, BoardWork, Post, PostStatus};
pub use bookings::{Bookings, BookingsWhen, BookingsWork, Decision, NewBooking};
pub use error::{
    AccountConflict, BoardConflict, BookingConflict, Conflict, ExchangeConflict, GatheringConflict, IntroConflict,
    Outage, OutcomeConflict, PresenceConflict, QuestionConflict, StoreError, VenueConflict, WebhookConflict,
};
pub use exchanges::{Exchange, Exchanges, ExchangesWork, LedgerRecord, Tally, RECORD_TOPICS};
pub use gatherings::{
    Answered, Changed, Gathering, GatheringChange, GatheringDate, GatheringMessage, Gatherings, GatheringsWork, Rsvp,
    Where,
};
pub use intros::{Helping, Intros, IntrosWork, HELPED_TOPICS};
pub use links::{Links, LinksWork};
pub use mails::{MailDone, MailJob, Mails, MailsWork, NewMail};
pub use outbox::{Events, EventsWork};
pub use outcomes::{Outcome, Outcomes, OutcomesWork};
pub use presence::{CheckIn, Presence, PresenceWork};
pub use questions::{Questions, QuestionsWork};
pub use records::*;
pub use reports::{DayCounts, DayTotals, ExchangeFact, IntroFact, Reports, Scope, VenueFacts, Visit};
pub use screens::{Screens, ScreensWork};
pub use venues::{Venues, VenuesWork};
pub use webhooks::{Webhooks, WebhooksWork};

pub type StoreResult<T> = Result<T, StoreError>;

/// Begins units of work.
#[async_trait]
pub trait Begin: Send + Sync {
    /// A unit of work: one transaction, holding whatever it writes until it commits.
    async fn begin(&self) -> StoreResult<Box<dyn Work>>;
}

/// One transaction's writes, feature by feature. Dropped without [`Work::commit`], nothing of it
/// is kept.
#[async_trait]
pub trait Work:
    AccountsWork
    + VenuesWork
    + BookingsWork
    + PresenceWork
    + QuestionsWork
    + IntrosWork
    + ExchangesWork
    + OutcomesWork
    + GatheringsWork
    + BoardWork
    + ScreensWork
    + LinksWork
    + MailsWork
    + WebhooksWork
    + EventsWork
{
    /// Keeps every write of the unit, and wakes whoever reads the outbox.
    async fn commit(self: Box<Self>) -> StoreResult<()>;
    /// Drops every write of the unit now, letting go of whatever it locked.
    async fn rollback(self: Box<Self>);
}

impl dyn Work {
    /// Commits when the work succeeded and rolls back, before returning, when it failed: the
    /// work's own error is the one reported.
    pub async fn end<T: Send>(self: Box<Self>, outcome: StoreResult<T>) -> StoreResult<T> {
        match outcome {
            Ok(value) => self.commit().await.map(|()| value),
            Err(err) => {
                self.rollback().await;
                Err(err)
            }
        }
    }
}

/// Everything thirdspace keeps. Instants are UTC seconds since the epoch; `now` is passed in so
/// that the caller's clock rules (and tests can move it).
#[async_trait]
pub trait Store:
    Accounts
    + Venues
    + Bookings
    + Presence
    + Questions
    + Intros
    + Exchanges
    + Outcomes
    + Gatherings
    + Board
    + Reports
    + Screens
    + Links
    + Mails
    + Webhooks
    + Events
    + 'static
{
    /// Checks the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// Checks the database can take writes now (a write that changes nothing is committed where
    /// that is the only way to know); by default, that it answers.
    async fn ready(&self) -> StoreResult<()> {
        self.ping().await
    }
    /// Closes the store's connections, waiting for them: on SQLite the last one to close folds
    /// the write-ahead log back into the database file, so a stopped server leaves one file.
    async fn close(&self);
}
