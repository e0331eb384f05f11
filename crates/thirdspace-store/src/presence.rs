//! Checking in and out, and who is where.

use async_trait::async_trait;
use chrono::NaiveDate;
use thirdspace_domain::booking::BookingPlan;
use thirdspace_domain::hours::ClockTime;
use uuid::Uuid;

use crate::{Begin, Booking, CheckedIn, PresentPerson, StoreResult};

/// A check-in to perform.
#[derive(Debug, Clone)]
pub struct CheckIn {
    pub venue: Uuid,
    pub user: Uuid,
    pub today: NaiveDate,
    /// The local time of day at the venue now.
    pub at: ClockTime,
    pub now: i64,
    /// When the venue's current opening period ends: an early arrival stays within it.
    pub open_until: i64,
    /// The booking to make when the person holds none for now; `None` means no walk-in.
    pub walk_in: Option<BookingPlan>,
    /// Who checked the person in, when it was not themselves.
    pub by_staff: Option<Uuid>,
}

/// What is read of presence.
#[async_trait]
pub trait Presence: Begin {
    /// Everyone checked in at a venue now, in order of arrival, with their profiles.
    async fn present(&self, venue: Uuid, now: i64) -> StoreResult<Vec<PresentPerson>>;
    /// The venue where a person is checked in now, if any.
    async fn checked_in_at(&self, user: Uuid, now: i64) -> StoreResult<Option<Uuid>>;
    /// The booking `user` is checked in on at `venue` now, read without writing (a check-in
    /// repeated by someone already here changes nothing).
    async fn visit_now(&self, user: Uuid, venue: Uuid, now: i64) -> StoreResult<Option<Booking>>;

    /// [`PresenceWork::check_in`] in a unit of work of its own.
    async fn check_in(&self, check_in: CheckIn) -> StoreResult<CheckedIn> {
        let mut work = self.begin().await?;
        let done = work.check_in(check_in).await;
        work.end(done).await
    }
    /// [`PresenceWork::check_out`] in a unit of work of its own.
    async fn check_out(&self, venue: Uuid, user: Uuid, now: i64) -> StoreResult<Booking> {
        let mut work = self.begin().await?;
        let done = work.check_out(venue, user, now).await;
        work.end(done).await
    }
    /// [`PresenceWork::check_out_at_closing`] in a unit of work of its own.
    async fn check_out_at_closing(&self, now: i64) -> StoreResult<u64> {
        let mut work = self.begin().await?;
        let done = work.check_out_at_closing(now).await;
        work.end(done).await
    }
}

/// What is written of presence, inside a unit of work.
#[async_trait]
pub trait PresenceWork: Send {
    /// Checks a person in: their booking for now at the venue (arriving up to an hour early
    /// moves its start to now when a seat is free until then), or else a walk-in booking made
    /// from `walk_in` when a seat is free. A booking already over that they are still checked in
    /// on ends where it ended.
    async fn check_in(&mut self, check_in: CheckIn) -> StoreResult<CheckedIn>;
    async fn check_out(&mut self, venue: Uuid, user: Uuid, now: i64) -> StoreResult<Booking>;
    /// Checks out everyone whose venue has closed.
    async fn check_out_at_closing(&mut self, now: i64) -> StoreResult<u64>;
}
