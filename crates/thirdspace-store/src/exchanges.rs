//! The social-capital ledger: exchanges of knowledge, and each person's record of them.

use async_trait::async_trait;
use thirdspace_domain::exchange::{self, Answer, ExchangeDraft, Source, Status};
use uuid::Uuid;

use crate::{Begin, Page, Paged, StoreResult};

/// An exchange as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub id: Uuid,
    pub giver_id: Uuid,
    pub receiver_id: Uuid,
    pub proposer_id: Uuid,
    pub venue_id: Option<Uuid>,
    pub source: Source,
    pub source_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub text: String,
    pub status: Status,
    pub proposed_at: i64,
    pub answered_at: Option<i64>,
}

impl Exchange {
    /// What an answer to it is judged against.
    pub fn proposal(&self) -> exchange::Proposal {
        exchange::Proposal {
            giver: self.giver_id,
            receiver: self.receiver_id,
            proposer: self.proposer_id,
            status: self.status,
            proposed_at: self.proposed_at,
        }
    }

    /// The other of its two people, seen from `user`.
    pub fn other(&self, user: Uuid) -> Uuid {
        if user == self.giver_id {
            self.receiver_id
        } else {
            self.giver_id
        }
    }
}

/// Confirmed exchanges given and received, counted apart (the ledger is not a balance).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub given: u32,
    pub received: u32,
}

/// A person's record in the ledger: only confirmed exchanges count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerRecord {
    pub total: Tally,
    /// By topic, most exchanged first (at most [`RECORD_TOPICS`]).
    pub topics: Vec<(String, Tally)>,
    /// By venue where they happened, most exchanged first.
    pub venues: Vec<(Uuid, Tally)>,
    /// By the UTC day they were confirmed (days since the epoch), oldest first.
    pub days: Vec<(i64, Tally)>,
}

/// How many topics a record lists.
pub const RECORD_TOPICS: u32 = 30;

/// What is read of the ledger.
#[async_trait]
pub trait Exchanges: Begin {
    async fn exchange(&self, id: Uuid) -> StoreResult<Option<Exchange>>;
    /// A person's exchanges, proposed by either side, newest first.
    async fn exchanges_of(&self, user: Uuid, page: Page) -> StoreResult<Paged<Exchange>>;
    /// The exchanges made at a venue, proposed within `span` (UTC instants, the end left out),
    /// earliest first: what an export reads, by the page.
    async fn venue_exchanges(&self, venue: Uuid, span: (i64, i64), page: Page) -> StoreResult<Paged<Exchange>>;
    /// A person's record of confirmed exchanges.
    async fn ledger_record(&self, user: Uuid) -> StoreResult<LedgerRecord>;

    /// [`ExchangesWork::propose_exchange`] in a unit of work of its own.
    async fn propose_exchange(&self, draft: &ExchangeDraft, now: i64) -> StoreResult<Exchange> {
        let mut work = self.begin().await?;
        let done = work.propose_exchange(draft, now).await;
        work.end(done).await
    }
    /// [`ExchangesWork::answer_exchange`] in a unit of work of its own.
    async fn answer_exchange(&self, id: Uuid, user: Uuid, answer: Answer, now: i64) -> StoreResult<Exchange> {
        let mut work = self.begin().await?;
        let done = work.answer_exchange(id, user, answer, now).await;
        work.end(done).await
    }
}

/// What is written of the ledger, inside a unit of work.
#[async_trait]
pub trait ExchangesWork: Send {
    /// Records a proposal and its `exchange.proposed` event; `AlreadyRecorded` when the same
    /// introduction, question or booking already gave one in this direction.
    async fn propose_exchange(&mut self, draft: &ExchangeDraft, now: i64) -> StoreResult<Exchange>;
    /// The other side's answer, as [`exchange::answer`] rules (`NotFound` for anyone but the two).
    /// Two confirmations at once confirm it once.
    async fn answer_exchange(&mut self, id: Uuid, user: Uuid, answer: Answer, now: i64) -> StoreResult<Exchange>;
}
