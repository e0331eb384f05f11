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
pub use intros::{Helped, Helping, Intros, IntrosWork, HELPED_TOPICS, HELPS_KEPT};
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
    /// Marks the unit's state now, so that what follows can be dropped alone
    /// ([`Work::undo_to_mark`]) or kept ([`Work::keep_since_mark`]); one mark at a time.
    async fn mark(&mut self) -> StoreResult<()>;
    /// Keeps what was written since the mark, which it removes.
    async fn keep_since_mark(&mut self) -> StoreResult<()>;
    /// Drops what was written since the mark, which it removes; what came before it stays.
    async fn undo_to_mark(&mut self) -> StoreResult<()>;
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
    /// How each of the store's connection pools is used now.
    fn pools(&self) -> Vec<PoolUse>;
    /// Whether the database takes one write transaction at a time (SQLite): then writes that
    /// arrive together are better written together, in one transaction.
    fn one_writer(&self) -> bool;
}

/// How one pool of database connections is used at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Which pool (`reader`, `writer`, `main`).
    pub name: &'static str,
    /// Connections open.
    pub open: u32,
    /// Of those, waiting for work.
    pub idle: u32,
    /// The most it may open.
    pub max: u32,
}

/// Whether the migrations a database records (`applied`, ascending versions of those that
/// succeeded) are exactly this version's (`known`): `Err` says how they differ, for the log.
pub fn schema_current(applied: &[i64], known: impl IntoIterator<Item = i64>) -> Result<(), String> {
    let known: Vec<i64> = known.into_iter().collect();
    if applied == known.as_slice() {
        return Ok(());
    }
    let missing = known.iter().filter(|v| !applied.contains(v)).count();
    let unknown = applied.iter().filter(|v| !known.contains(v)).count();
    Err(format!(
        "the database records {} migrations, this version has {}: {missing} not applied, {unknown} unknown to it",
        applied.len(),
        known.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::schema_current;

    #[test]
    fn the_schema_is_current_only_with_exactly_this_version_s_migrations() {
        assert_eq!(schema_current(&[1, 2, 3], [1, 2, 3]), Ok(()));
        assert_eq!(schema_current(&[], []), Ok(()));
        let behind = schema_current(&[1, 2], [1, 2, 3]).unwrap_err();
        assert!(behind.contains("records 2 migrations, this version has 3: 1 not applied, 0 unknown"), "{behind}");
        let ahead = schema_current(&[1, 2, 3, 4], [1, 2, 3]).unwrap_err();
        assert!(ahead.contains("1 unknown"), "{ahead}");
        let other = schema_current(&[1, 5], [1, 2]).unwrap_err();
        assert!(other.contains("1 not applied, 1 unknown"), "{other}");
    }
}
