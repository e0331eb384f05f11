//! Seat bookings: made, cancelled, released when nobody came.

use async_trait::async_trait;
use chrono::NaiveDate;
use thirdspace_domain::booking::BookingPlan;
use uuid::Uuid;

use crate::{Begin, Booking, DayBooking, Page, Paged, StoreResult};

/// Which of a person's bookings to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingsWhen {
    /// Not yet over, soonest first.
    Upcoming,
    /// Over, most recent first.
    Past,
}

/// A checked booking ready to be stored.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub user: Uuid,
    pub venue: Uuid,
    pub space: Option<Uuid>,
    pub plan: BookingPlan,
    pub now: i64,
}

/// What is read of bookings.
#[async_trait]
pub trait Bookings: Begin {
    async fn booking(&self, id: Uuid) -> StoreResult<Option<Booking>>;
    async fn bookings_of(&self, user: Uuid, when: BookingsWhen, now: i64, page: Page) -> StoreResult<Paged<Booking>>;
    async fn venue_day(&self, venue: Uuid, date: NaiveDate, page: Page) -> StoreResult<Paged<DayBooking>>;
    /// A venue's bookings of every status starting within `span` (UTC instants, the end left out),
    /// earliest first, with each person's name and who may see it: what an export reads, by the
    /// page.
    async fn venue_bookings(&self, venue: Uuid, span: (i64, i64), page: Page) -> StoreResult<Paged<DayBooking>>;
    /// A venue's bookings waiting for a host's approval that are not over at `now`, soonest first.
    async fn awaiting_approval(&self, venue: Uuid, now: i64, page: Page) -> StoreResult<Paged<DayBooking>>;
    /// Social-capital seats still free over the whole of `window` (within local `date`), summed over
    /// the venue's open-seating spaces.
    async fn free_seats(&self, venue: Uuid, date: NaiveDate, window: (i64, i64), now: i64) -> StoreResult<u32>;

    /// [`BookingsWork::book`] in a unit of work of its own.
    async fn book(&self, booking: NewBooking) -> StoreResult<Booking> {
        let mut work = self.begin().await?;
        let done = work.book(booking).await;
        work.end(done).await
    }
    /// [`BookingsWork::cancel_booking`] in a unit of work of its own.
    async fn cancel_booking(&self, id: Uuid, now: i64) -> StoreResult<Booking> {
        let mut work = self.begin().await?;
        let done = work.cancel_booking(id, now).await;
        work.end(done).await
    }
    /// [`BookingsWork::decide_booking`] in a unit of work of its own.
    async fn decide_booking(&self, id: Uuid, decision: Decision, now: i64) -> StoreResult<Booking> {
        let mut work = self.begin().await?;
        let done = work.decide_booking(id, decision, now).await;
        work.end(done).await
    }
    /// [`BookingsWork::answer_pledge`] in a unit of work of its own.
    async fn answer_pledge(&self, id: Uuid, kept: bool, exchange: Option<Uuid>, now: i64) -> StoreResult<Booking> {
        let mut work = self.begin().await?;
        let done = work.answer_pledge(id, kept, exchange, now).await;
        work.end(done).await
    }
    /// [`BookingsWork::release_no_shows`] in a unit of work of its own.
    async fn release_no_shows(&self, now: i64) -> StoreResult<u64> {
        let mut work = self.begin().await?;
        let done = work.release_no_shows(now).await;
        work.end(done).await
    }
}

/// What is written of bookings, inside a unit of work.
#[async_trait]
pub trait BookingsWork: Send {
    /// Books a social-capital seat: refused when the person holds an overlapping booking or no
    /// seat is free over the whole span. Capacity holds under any concurrency.
    async fn book(&mut self, booking: NewBooking) -> StoreResult<Booking>;
    /// Cancels a booking when [`thirdspace_domain::booking::may_cancel`] allows it.
    async fn cancel_booking(&mut self, id: Uuid, now: i64) -> StoreResult<Booking>;
    /// Releases bookings nobody checked in for within their venue's grace period.
    async fn release_no_shows(&mut self, now: i64) -> StoreResult<u64>;
    /// Approves or declines a booking waiting for a host, when
    /// [`thirdspace_domain::booking::may_decide`] allows it; a declined booking is cancelled.
    async fn decide_booking(&mut self, id: Uuid, decision: Decision, now: i64) -> StoreResult<Booking>;
    /// Records whether the person shared what they pledged (and the exchange it became), when
    /// [`thirdspace_domain::booking::may_answer_pledge`] allows it; a later answer replaces it.
    async fn answer_pledge(&mut self, id: Uuid, kept: bool, exchange: Option<Uuid>, now: i64) -> StoreResult<Booking>;
}

/// A host's answer to a booking that waits for approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub approve: bool,
    pub by: Uuid,
    pub message: Option<String>,
}
