//! Introductions and what became of them.

use async_trait::async_trait;
use uuid::Uuid;

use crate::{Begin, Intro, IntroStep, NewIntro, Page, Paged, Profile, SettledPair, StoreResult};

/// How many topics of a person's record of helping are kept.
pub const HELPED_TOPICS: usize = 5;

/// How many of a person's latest times of helping are kept, each with its moment and topics.
pub const HELPS_KEPT: usize = 100;

/// A person's record of helping over a span of time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Helping {
    pub times: u32,
    /// Topics they helped on, most often first.
    pub topics: Vec<String>,
    /// The latest times they helped, newest first (at most [`HELPS_KEPT`]).
    pub latest: Vec<Helped>,
}

/// One time someone helped: when (a met introduction the other side found useful: when they
/// met; a confirmed exchange: when it was confirmed), and on which topics (an exchange's tags).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Helped {
    pub at: i64,
    pub topics: Vec<String>,
}

/// What is read of introductions.
#[async_trait]
pub trait Intros: Begin {
    async fn intro(&self, id: Uuid) -> StoreResult<Option<Intro>>;
    /// The introductions suggested at a venue since `since`, newest first and, within one round
    /// of suggestions, best first (at most `limit`).
    async fn venue_intros(&self, venue: Uuid, since: i64, limit: u32) -> StoreResult<Vec<Intro>>;
    /// The introductions of a person, newest first and, within one round of suggestions, best
    /// first: one order on every page.
    async fn intros_of(&self, user: Uuid, page: Page) -> StoreResult<Paged<Intro>>;
    /// Pairs among `people` that met or where someone declined, since `since`.
    async fn settled_pairs(&self, people: &[Uuid], since: i64) -> StoreResult<Vec<SettledPair>>;
    /// Each person's record of helping since `since`: how often (met introductions the other
    /// side found useful, exchanges they gave that the receiver confirmed) and on which topics
    /// (of those exchanges, most often first, at most [`HELPED_TOPICS`]), and the latest times
    /// they helped.
    async fn helping(&self, people: &[Uuid], since: i64) -> StoreResult<Vec<Helping>>;
    /// Profiles of people who show themselves publicly and are open to meet, for suggestions
    /// across the network: at most `limit`, in the order of their ids, after `after`.
    async fn open_public_profiles(&self, after: Option<Uuid>, limit: u32) -> StoreResult<Vec<Profile>>;

    /// [`IntrosWork::suggest_intros`] in a unit of work of its own.
    async fn suggest_intros(&self, intros: Vec<NewIntro>, cool_down_since: i64, now: i64) -> StoreResult<Vec<Intro>> {
        let mut work = self.begin().await?;
        let done = work.suggest_intros(intros, cool_down_since, now).await;
        work.end(done).await
    }
    /// [`IntrosWork::step_intro`] in a unit of work of its own.
    async fn step_intro(&self, id: Uuid, user: Uuid, step: IntroStep, now: i64) -> StoreResult<Intro> {
        let mut work = self.begin().await?;
        let done = work.step_intro(id, user, step, now).await;
        work.end(done).await
    }
}

/// What is written of introductions, inside a unit of work.
#[async_trait]
pub trait IntrosWork: Send {
    /// Records suggested introductions. A pair that already has one not met — open, or declined
    /// since `cool_down_since` — keeps it (with the new score and reason), so that nobody can
    /// tell from a new suggestion that the other side declined.
    async fn suggest_intros(
        &mut self,
        intros: Vec<NewIntro>,
        cool_down_since: i64,
        now: i64,
    ) -> StoreResult<Vec<Intro>>;
    /// One side's step, as [`crate::steps::decide`] rules; `NotFound` unless `user` is one of the two.
    async fn step_intro(&mut self, id: Uuid, user: Uuid, step: IntroStep, now: i64) -> StoreResult<Intro>;
}
