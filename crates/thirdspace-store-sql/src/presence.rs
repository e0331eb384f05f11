//! Checking in and out, and who is where.

use async_trait::async_trait;
use thirdspace_domain::booking::{self, Approval, BookingStatus};
use thirdspace_store::outbox::EventType;
use thirdspace_store::*;
use uuid::Uuid;

use crate::bookings::{book_in, grace_seconds, holds_of_space, holds_overlapping, lock, lock_person, move_to};
use crate::outbox::sweep;
use crate::rows::{self, BOOKING_COLUMNS};
use crate::{args, Backend, Columns, Sql, SqlStore, SqlWork, Transaction};

/// The venue where a person is checked in now, if any.
pub async fn checked_in_at<C: Sql>(c: &mut C, user: Uuid, now: i64) -> StoreResult<Option<Uuid>> {
    let sql = "SELECT venue_id FROM bookings WHERE user_id = $1 AND status = 'checked_in' AND closes_at > $2 \
               ORDER BY checked_in_at DESC LIMIT 1";
    c.fetch_optional(sql, args![user, now]).await?.map(|r| r.uuid("venue_id")).transpose()
}

async fn check_in<C: Sql>(c: &mut C, ci: CheckIn) -> StoreResult<CheckedIn> {
    let grace = grace_seconds(c, ci.venue).await?;
    lock_person(c, ci.user).await?;
    lock(c, "SELECT 1 FROM spaces WHERE venue_id = $1 ORDER BY created_at, id", args![ci.venue]).await?;
    if let Some(booking) = visit_now(c, ci.user, ci.venue, ci.now).await? {
        return Ok(CheckedIn { booking, walk_in: false });
    }
    // Still checked in on a booking that is over, here or anywhere: it ends where it ended, and the
    // person moves on to a booking for now (committed only if that succeeds).
    let ended = "UPDATE bookings SET status = 'checked_out', checked_out_at = ends_at \
                 WHERE user_id = $1 AND status = 'checked_in' AND ends_at <= $2 RETURNING id, venue_id";
    sweep(c, ended, args![ci.user, ci.now], EventType::CheckedOut, ci.now).await?;
    // Locked, so that a cancellation or the no-show sweep either comes first (and the booking
    // drops out here) or waits for this check-in.
    let today = format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings b WHERE b.user_id = $1 AND b.venue_id = $2 AND b.status = 'booked' \
         AND b.date = $3 ORDER BY b.starts_at, b.id{}",
        c.dialect().lock()
    );
    let booked = c.fetch_all(&today, args![ci.user, ci.venue, ci.today]).await?;
    let mut later_today = false;
    let mut waiting = false;
    for row in &booked {
        let hold = rows::hold(row)?;
        if row.opt_parsed("approval", Approval::from_str_opt)? == Some(Approval::Pending) {
            waiting |= booking::may_check_in(&hold, ci.now, grace);
            continue;
        }
        if booking::may_check_in(&hold, ci.now, grace) {
            let claimed = rows::booking(row)?;
            if ci.now < claimed.starts_at {
                arrive_early(c, &claimed, &ci, grace).await?;
            }
            let booking = move_to(c, claimed.id, BookingStatus::CheckedIn, ci.now, ci.by_staff).await?;
            return Ok(CheckedIn { booking, walk_in: false });
        }
        later_today |= hold.starts_at > ci.now;
    }
    if waiting {
        return Err(PresenceConflict::AwaitingApproval.into());
    }
    if later_today {
        return Err(PresenceConflict::TooEarly.into());
    }
    let Some(plan) = ci.walk_in else {
        return Err(PresenceConflict::NoBookingNow.into());
    };
    let new = NewBooking { user: ci.user, venue: ci.venue, space: None, plan, now: ci.now };
    let booking = book_in(c, &new, Some(ci.by_staff)).await?;
    Ok(CheckedIn { booking, walk_in: true })
}

/// Someone arriving before their booking starts takes their seat from now, if the booking lies in
/// the opening period under way, they hold nothing else until then, and a seat is free until the
/// booking begins. The caller holds the person's and the venue's spaces' locks.
async fn arrive_early<C: Sql>(c: &mut C, claimed: &Booking, ci: &CheckIn, grace: i64) -> StoreResult<()> {
    if claimed.ends_at > ci.open_until {
        return Err(PresenceConflict::TooEarly.into());
    }
    let early = (ci.now, claimed.starts_at);
    if holds_overlapping(c, ci.user, early, ci.now).await? {
        return Err(BookingConflict::OverlappingBooking.into());
    }
    let space =
        c.fetch_optional("SELECT social_capital_seats FROM spaces WHERE id = $1", args![claimed.space_id]).await?;
    let seats = space.ok_or(StoreError::NotFound("space"))?.unsigned("social_capital_seats")?;
    let holds = holds_of_space(c, claimed.space_id, claimed.date, early).await?;
    if !booking::seat_free(&holds, early, seats, ci.now, grace) {
        return Err(BookingConflict::SeatsGone.into());
    }
    let start = ci.at.minutes().min(claimed.start.minutes());
    c.execute("UPDATE bookings SET starts_at = $1, start_minute = $2 WHERE id = $3", args![ci.now, start, claimed.id])
        .await?;
    Ok(())
}

/// The booking `user` is checked in on at `venue` at `now`, if any.
async fn visit_now<C: Sql>(c: &mut C, user: Uuid, venue: Uuid, now: i64) -> StoreResult<Option<Booking>> {
    let here = format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings b WHERE b.user_id = $1 AND b.venue_id = $2 \
         AND b.status = 'checked_in' AND b.ends_at > $3 AND b.closes_at > $3"
    );
    c.fetch_optional(&here, args![user, venue, now]).await?.map(|row| rows::booking(&row)).transpose()
}

#[async_trait]
impl<B: Backend> Presence for SqlStore<B> {
    async fn present(&self, venue: Uuid, now: i64) -> StoreResult<Vec<PresentPerson>> {
        let sql = "SELECT p.*, b.checked_in_at AS since, b.focus, b.closes_at FROM bookings b \
                   JOIN profiles p ON p.user_id = b.user_id \
                   WHERE b.venue_id = $1 AND b.status = 'checked_in' AND b.closes_at > $2 \
                   ORDER BY b.checked_in_at, b.id";
        let rows = self.read().await?.fetch_all(sql, args![venue, now]).await?;
        rows.iter()
            .map(|r| {
                Ok(PresentPerson {
                    profile: rows::profile(r)?,
                    checked_in_at: r.int("since")?,
                    focus: r.text("focus")?,
                    closes_at: r.int("closes_at")?,
                })
            })
            .collect()
    }

    async fn checked_in_at(&self, user: Uuid, now: i64) -> StoreResult<Option<Uuid>> {
        checked_in_at(&mut self.read().await?, user, now).await
    }

    async fn visit_now(&self, user: Uuid, venue: Uuid, now: i64) -> StoreResult<Option<Booking>> {
        visit_now(&mut self.read().await?, user, venue, now).await
    }
}

#[async_trait]
impl<T: Transaction> PresenceWork for SqlWork<T> {
    async fn check_in(&mut self, ci: CheckIn) -> StoreResult<CheckedIn> {
        check_in(&mut self.tx, ci).await
    }

    async fn check_out(&mut self, venue: Uuid, user: Uuid, now: i64) -> StoreResult<Booking> {
        lock_person(&mut self.tx, user).await?;
        let sql = format!(
            "SELECT id FROM bookings WHERE user_id = $1 AND venue_id = $2 AND status = 'checked_in' \
             AND closes_at > $3 LIMIT 1{}",
            self.tx.dialect().lock()
        );
        let row = self.tx.fetch_optional(&sql, args![user, venue, now]).await?;
        let id = row.ok_or(PresenceConflict::NotCheckedIn)?.uuid("id")?;
        move_to(&mut self.tx, id, BookingStatus::CheckedOut, now, None).await
    }

    /// Skips bookings another transaction holds, as the no-show sweep does.
    async fn check_out_at_closing(&mut self, now: i64) -> StoreResult<u64> {
        let skip = self.tx.dialect().skip_locked("");
        let sql = format!(
            "UPDATE bookings SET status = 'checked_out', checked_out_at = closes_at WHERE id IN \
             (SELECT id FROM bookings WHERE status = 'checked_in' AND closes_at <= $1{skip}) RETURNING id, venue_id"
        );
        sweep(&mut self.tx, &sql, args![now], EventType::CheckedOut, now).await
    }
}
