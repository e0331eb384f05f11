//! Outcomes of coworking: what a member says came of it.

use async_trait::async_trait;
use thirdspace_domain::outcome::{Category, OutcomeDraft, Sharing};
use uuid::Uuid;

use crate::{Begin, Page, Paged, StoreResult};

/// An outcome as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub category: Category,
    pub note: Option<String>,
    pub with_id: Option<Uuid>,
    /// When the other person confirmed their side.
    pub with_confirmed_at: Option<i64>,
    pub venue_id: Option<Uuid>,
    /// Cents, and their currency.
    pub value: Option<(u64, String)>,
    pub hours: Option<u32>,
    pub sharing: Sharing,
    pub exchanges: Vec<Uuid>,
    pub intros: Vec<Uuid>,
    pub created_at: i64,
}

/// What is read of outcomes.
#[async_trait]
pub trait Outcomes: Begin {
    async fn outcome(&self, id: Uuid) -> StoreResult<Option<Outcome>>;
    /// The outcomes a person recorded or is named in, newest first.
    async fn outcomes_of(&self, user: Uuid, page: Page) -> StoreResult<Paged<Outcome>>;
    /// The outcomes recorded at a venue within `span` (UTC instants, the end left out), of every
    /// sharing, earliest first: what an export reads, by the page (the application keeps those
    /// its reader may see).
    async fn venue_outcomes(&self, venue: Uuid, span: (i64, i64), page: Page) -> StoreResult<Paged<Outcome>>;

    /// [`OutcomesWork::record_outcome`] in a unit of work of its own.
    async fn record_outcome(&self, draft: &OutcomeDraft, now: i64) -> StoreResult<Outcome> {
        let mut work = self.begin().await?;
        let done = work.record_outcome(draft, now).await;
        work.end(done).await
    }
    /// [`OutcomesWork::confirm_outcome`] in a unit of work of its own.
    async fn confirm_outcome(&self, id: Uuid, user: Uuid, now: i64) -> StoreResult<Outcome> {
        let mut work = self.begin().await?;
        let done = work.confirm_outcome(id, user, now).await;
        work.end(done).await
    }
}

/// What is written of outcomes, inside a unit of work.
#[async_trait]
pub trait OutcomesWork: Send {
    /// Records an outcome with what led to it, and its `outcome.recorded` event.
    async fn record_outcome(&mut self, draft: &OutcomeDraft, now: i64) -> StoreResult<Outcome>;
    /// The other person it names confirms their side (`NotFound` for anyone but the two,
    /// `OwnOutcome` for its owner); confirming twice changes nothing.
    async fn confirm_outcome(&mut self, id: Uuid, user: Uuid, now: i64) -> StoreResult<Outcome>;
}
