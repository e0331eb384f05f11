//! Seat bookings.
//!
//! On PostgreSQL locks are taken in one order — the person's `users` row, the venue's spaces by
//! creation, then bookings — and each check reads after the locks it relies on, in a statement of
//! its own, so it sees every commit made before the lock was granted. On SQLite the one writer
//! holds the database's write lock from the transaction's first statement.

use async_trait::async_trait;
use chrono::NaiveDate;
use thirdspace_domain::booking::{self, Approval, BookingStatus, Hold};
use thirdspace_store::outbox::{EventType, NewEvent};
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::{record, sweep};
use crate::paging::paged;
use crate::rows::{self, BOOKING_COLUMNS};
use crate::{args, Backend, Columns, Sql, SqlStore, SqlWork, Transaction, Value};

/// Statuses that may still hold a seat; [`booking::held_interval`] decides the rest.
const LIVE: &str = "('booked', 'checked_in', 'checked_out')";

/// Leaves out, before the domain looks, the bookings checked out by the instant bound to `$n`
/// (the start of the window asked about): they hold nothing from then on, and a venue's walk-ins
/// in and out all day would otherwise be read again by every later booking there.
fn left_by(n: u8) -> String {
    format!("(b.status <> 'checked_out' OR b.checked_out_at IS NULL OR b.checked_out_at > ${n})")
}

/// Locks the rows `sql` (a `SELECT` without its locking clause) reads, where the dialect needs
/// row locks.
pub async fn lock<C: Sql>(c: &mut C, sql: &str, args: &[Value]) -> StoreResult<()> {
    let lock = c.dialect().lock();
    if !lock.is_empty() {
        c.execute(&format!("{sql}{lock}"), args).await?;
    }
    Ok(())
}

/// Locks a person's row: whatever may add to the seats they hold takes this lock first, so their
/// overlap check and what follows it cannot interleave with another of theirs.
pub async fn lock_person<C: Sql>(c: &mut C, user: Uuid) -> StoreResult<()> {
    lock(c, "SELECT 1 FROM users WHERE id = $1", args![user]).await
}

pub async fn grace_seconds<C: Sql>(c: &mut C, venue: Uuid) -> StoreResult<i64> {
    let row = c.fetch_optional("SELECT no_show_grace_minutes FROM venues WHERE id = $1", args![venue]).await?;
    Ok(row.ok_or(StoreError::NotFound("venue"))?.int("no_show_grace_minutes")? * 60)
}

/// What holds a seat kept for social capital in a space during `window`: its bookings on a local
/// date (a resident's visit holds none; every booking lies within one local date, so the date
/// bounds the search) and the seats gatherings' dates keep there.
pub async fn holds_of_space<C: Sql>(
    c: &mut C,
    space: Uuid,
    date: NaiveDate,
    window: (i64, i64),
) -> StoreResult<Vec<Hold>> {
    holds_but(c, space, (window, date), None).await
}

/// [`holds_of_space`] without what gathering date `except` keeps.
async fn holds_but<C: Sql>(
    c: &mut C,
    space: Uuid,
    (window, date): ((i64, i64), NaiveDate),
    except: Option<Uuid>,
) -> StoreResult<Vec<Hold>> {
    let sql = format!(
        "SELECT b.starts_at, b.ends_at, b.status, b.checked_out_at FROM bookings b \
         WHERE b.space_id = $1 AND b.date = $2 AND b.status IN {LIVE} AND NOT b.resident AND b.starts_at < $3 \
         AND b.ends_at > $4 AND {}",
        left_by(4)
    );
    let rows = c.fetch_all(&sql, args![space, date, window.1, window.0]).await?;
    let mut holds = rows.iter().map(rows::hold).collect::<StoreResult<Vec<_>>>()?;
    holds.extend(reservations(c, space, window, except).await?);
    Ok(holds)
}

/// The seats gatherings' dates keep in a space over `window` (but `except`'s), as holds.
async fn reservations<C: Sql>(
    c: &mut C,
    space: Uuid,
    window: (i64, i64),
    except: Option<Uuid>,
) -> StoreResult<Vec<Hold>> {
    let sql = "SELECT id, starts_at, ends_at, capacity FROM gathering_dates WHERE space_id = $1 \
               AND cancelled_at IS NULL AND starts_at < $2 AND ends_at > $3";
    let mut holds = Vec::new();
    for r in c.fetch_all(sql, args![space, window.1, window.0]).await? {
        if Some(r.uuid("id")?) != except {
            holds.extend(booking::reserved((r.int("starts_at")?, r.int("ends_at")?), r.unsigned("capacity")?));
        }
    }
    Ok(holds)
}

/// The open seating of `venue` where a gathering's date (`except`, when it is moved or resized)
/// can keep `places` seats over `window` as well as every booking and gathering already there:
/// the venue's spaces are locked first, in the order bookings lock them.
pub async fn seats_for_gathering<C: Sql>(
    c: &mut C,
    venue: Uuid,
    (window, date): ((i64, i64), NaiveDate),
    places: u32,
    (except, now): (Option<Uuid>, i64),
) -> StoreResult<Option<Uuid>> {
    let lock = c.dialect().lock();
    let (spaces, grace) = candidates(c, venue, None, lock).await?;
    for (space, seats) in spaces {
        let holds = holds_but(c, space, (window, date), except).await?;
        if booking::seats_free(&holds, window, (seats, places), now, grace) {
            return Ok(Some(space));
        }
    }
    Ok(None)
}

/// Whether the person holds a booking anywhere that overlaps `window`.
pub async fn holds_overlapping<C: Sql>(c: &mut C, user: Uuid, window: (i64, i64), now: i64) -> StoreResult<bool> {
    let sql = format!(
        "SELECT b.starts_at, b.ends_at, b.status, b.checked_out_at, v.no_show_grace_minutes FROM bookings b \
         JOIN venues v ON v.id = b.venue_id \
         WHERE b.user_id = $1 AND b.status IN {LIVE} AND b.starts_at < $2 AND b.ends_at > $3 AND {}",
        left_by(3)
    );
    for row in &c.fetch_all(&sql, args![user, window.1, window.0]).await? {
        let hold = rows::hold(row)?;
        let grace = row.int("no_show_grace_minutes")? * 60;
        if booking::held_interval(&hold, now, grace).is_some_and(|held| booking::overlaps(held, window)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The open-seating spaces a booking may take a seat in (the one asked for, or all of the
/// venue's by creation), with their social-capital seats, and the venue's no-show grace in
/// seconds (0 when there is no such space); `lock` is empty or the dialect's locking clause,
/// which locks the spaces only.
async fn candidates<C: Sql>(
    c: &mut C,
    venue: Uuid,
    space: Option<Uuid>,
    lock: &str,
) -> StoreResult<(Vec<(Uuid, u32)>, i64)> {
    let columns = "id, social_capital_seats, (SELECT no_show_grace_minutes FROM venues WHERE id = $1) AS grace";
    let rows = match space {
        Some(space) => {
            let sql =
                format!("SELECT {columns} FROM spaces WHERE venue_id = $1 AND id = $2 AND kind = 'open_seating'{lock}");
            c.fetch_all(&sql, args![venue, space]).await?
        }
        None => {
            let sql = format!(
                "SELECT {columns} FROM spaces WHERE venue_id = $1 AND kind = 'open_seating' \
                 ORDER BY created_at, id{lock}"
            );
            c.fetch_all(&sql, args![venue]).await?
        }
    };
    let grace = match rows.first() {
        Some(row) => row.int("grace")? * 60,
        None => 0,
    };
    let spaces = rows.iter().map(|r| Ok((r.uuid("id")?, r.unsigned("social_capital_seats")?)));
    Ok((spaces.collect::<StoreResult<_>>()?, grace))
}

/// Books a seat inside an open transaction; `checked_in_by` makes it a walk-in.
pub async fn book_in<C: Sql>(c: &mut C, new: &NewBooking, checked_in_by: Option<Option<Uuid>>) -> StoreResult<Booking> {
    let plan = &new.plan;
    let window = (plan.starts_at, plan.ends_at);
    lock_person(c, new.user).await?;
    if holds_overlapping(c, new.user, window, new.now).await? {
        return Err(BookingConflict::OverlappingBooking.into());
    }
    let lock = c.dialect().lock();
    let (candidates, grace) = candidates(c, new.venue, new.space, lock).await?;
    if candidates.is_empty() {
        // No venue at all is not found, rather than without open seating.
        grace_seconds(c, new.venue).await?;
        return Err(match new.space {
            Some(_) => StoreError::NotFound("space"),
            None => BookingConflict::NoOpenSeating.into(),
        });
    }
    if plan.resident {
        // A resident's visit takes no seat kept for social capital: it is filed under the first
        // open seating, whatever is free there.
        return insert(c, new, candidates[0].0, checked_in_by).await;
    }
    for (space, seats) in candidates {
        let holds = holds_of_space(c, space, plan.date, window).await?;
        if booking::seat_free(&holds, window, seats, new.now, grace) {
            return insert(c, new, space, checked_in_by).await;
        }
    }
    Err(BookingConflict::SeatsGone.into())
}

async fn insert<C: Sql>(
    c: &mut C,
    new: &NewBooking,
    space: Uuid,
    checked_in_by: Option<Option<Uuid>>,
) -> StoreResult<Booking> {
    let plan = &new.plan;
    let id = Uuid::now_v7();
    let status = if checked_in_by.is_some() { BookingStatus::CheckedIn } else { BookingStatus::Booked };
    let sql = format!(
        "INSERT INTO bookings (id, user_id, venue_id, space_id, date, start_minute, end_minute, starts_at, ends_at, \
         closes_at, status, focus, pledge, walk_in, checked_in_at, checked_in_by, created_at, approval, \
         rules_accepted_at, resident) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
         RETURNING {}",
        *rows::BOOKING_RETURNING
    );
    let args = args![
        id,
        new.user,
        new.venue,
        space,
        plan.date,
        plan.span.start.minutes(),
        plan.span.end.minutes(),
        plan.starts_at,
        plan.ends_at,
        plan.closes_at,
        status.as_str(),
        &plan.focus,
        &plan.pledge,
        checked_in_by.is_some(),
        checked_in_by.map(|_| new.now),
        checked_in_by.flatten(),
        new.now,
        plan.approval.map(Approval::as_str),
        plan.rules_accepted.then_some(new.now),
        plan.resident,
    ];
    let booking = returned(c.fetch_optional(&sql, args).await?)?;
    record(c, &NewEvent::booking(EventType::BookingMade, &booking, new.now)).await?;
    if checked_in_by.is_some() {
        record(c, &NewEvent::booking(EventType::CheckedIn, &booking, new.now)).await?;
    }
    Ok(booking)
}

/// The booking a statement's `RETURNING` gave back.
fn returned(row: Option<impl Columns>) -> StoreResult<Booking> {
    rows::booking(&row.ok_or(StoreError::NotFound("booking"))?)
}

/// A booking by id; `lock` is empty or the dialect's locking clause.
pub async fn fetch<C: Sql>(c: &mut C, id: Uuid, lock: &str) -> StoreResult<Option<Booking>> {
    let sql = format!("SELECT {BOOKING_COLUMNS} FROM bookings b WHERE b.id = $1{lock}");
    c.fetch_optional(&sql, args![id]).await?.map(|r| rows::booking(&r)).transpose()
}

/// Moves a booking (already locked) to `status`, stamping when (and, for a check-in by staff, by
/// whom), and records the event that says so.
pub async fn move_to<C: Sql>(
    c: &mut C,
    id: Uuid,
    status: BookingStatus,
    now: i64,
    by_staff: Option<Uuid>,
) -> StoreResult<Booking> {
    let (stamp, kind) = match status {
        BookingStatus::CheckedIn => ("checked_in_at", EventType::CheckedIn),
        BookingStatus::CheckedOut => ("checked_out_at", EventType::CheckedOut),
        _ => ("cancelled_at", EventType::BookingCancelled),
    };
    let sql = format!(
        "UPDATE bookings SET status = $1, {stamp} = $2, checked_in_by = COALESCE($3, checked_in_by) WHERE id = $4 \
         RETURNING {}",
        *rows::BOOKING_RETURNING
    );
    let booking = returned(c.fetch_optional(&sql, args![status.as_str(), now, by_staff, id]).await?)?;
    record(c, &NewEvent::booking(kind, &booking, now)).await?;
    Ok(booking)
}

/// A booking in a host's list, with who made it.
fn day_columns() -> String {
    format!("{BOOKING_COLUMNS}, p.display_name, p.visibility")
}
const DAY_ORDER: &str = "b.starts_at, b.created_at, b.id";

fn day_booking(r: &impl Columns) -> StoreResult<DayBooking> {
    Ok(DayBooking {
        booking: rows::booking(r)?,
        display_name: r.text("display_name")?,
        visibility: rows::visibility(r)?,
    })
}

#[async_trait]
impl<B: Backend> Bookings for SqlStore<B> {
    async fn booking(&self, id: Uuid) -> StoreResult<Option<Booking>> {
        fetch(&mut self.read().await?, id, "").await
    }

    async fn bookings_of(&self, user: Uuid, when: BookingsWhen, now: i64, page: Page) -> StoreResult<Paged<Booking>> {
        let (from, order) = match when {
            BookingsWhen::Upcoming => {
                ("bookings b WHERE b.user_id = $1 AND b.ends_at > $2", "b.starts_at ASC, b.id ASC")
            }
            BookingsWhen::Past => {
                ("bookings b WHERE b.user_id = $1 AND b.ends_at <= $2", "b.starts_at DESC, b.id DESC")
            }
        };
        paged(&mut self.read().await?, BOOKING_COLUMNS, from, order, args![user, now], page, rows::booking).await
    }

    async fn venue_day(&self, venue: Uuid, date: NaiveDate, page: Page) -> StoreResult<Paged<DayBooking>> {
        let from = "bookings b JOIN profiles p ON p.user_id = b.user_id WHERE b.venue_id = $1 AND b.date = $2";
        paged(&mut self.read().await?, &day_columns(), from, DAY_ORDER, args![venue, date], page, day_booking).await
    }

    async fn venue_bookings(&self, venue: Uuid, span: (i64, i64), page: Page) -> StoreResult<Paged<DayBooking>> {
        let from = "bookings b JOIN profiles p ON p.user_id = b.user_id \
                    WHERE b.venue_id = $1 AND b.starts_at >= $2 AND b.starts_at < $3";
        let args = args![venue, span.0, span.1];
        paged(&mut self.read().await?, &day_columns(), from, DAY_ORDER, args, page, day_booking).await
    }

    async fn awaiting_approval(&self, venue: Uuid, now: i64, page: Page) -> StoreResult<Paged<DayBooking>> {
        let from = "bookings b JOIN profiles p ON p.user_id = b.user_id WHERE b.venue_id = $1 \
                    AND b.approval = 'pending' AND b.status = 'booked' AND b.ends_at > $2";
        paged(&mut self.read().await?, &day_columns(), from, DAY_ORDER, args![venue, now], page, day_booking).await
    }

    async fn free_seats(&self, venue: Uuid, date: NaiveDate, window: (i64, i64), now: i64) -> StoreResult<u32> {
        let mut c = self.read().await?;
        let grace = grace_seconds(&mut c, venue).await?;
        let mut free = 0u32;
        let (spaces, _) = candidates(&mut c, venue, None, "").await?;
        for (space, seats) in spaces {
            let holds = holds_of_space(&mut c, space, date, window).await?;
            let held = holds.iter().filter_map(|h| booking::held_interval(h, now, grace));
            free += seats.saturating_sub(booking::peak_occupancy(held, window));
        }
        Ok(free)
    }
}

#[async_trait]
impl<T: Transaction> BookingsWork for SqlWork<T> {
    async fn book(&mut self, new: NewBooking) -> StoreResult<Booking> {
        book_in(&mut self.tx, &new, None).await
    }

    async fn cancel_booking(&mut self, id: Uuid, now: i64) -> StoreResult<Booking> {
        let lock = self.tx.dialect().lock();
        let current = fetch(&mut self.tx, id, lock).await?.ok_or(StoreError::NotFound("booking"))?;
        let grace = grace_seconds(&mut self.tx, current.venue_id).await?;
        if !booking::may_cancel(&current.hold(), now, grace) {
            return Err(BookingConflict::NotCancellable.into());
        }
        move_to(&mut self.tx, id, BookingStatus::Cancelled, now, None).await
    }

    async fn decide_booking(&mut self, id: Uuid, decision: Decision, now: i64) -> StoreResult<Booking> {
        let lock = self.tx.dialect().lock();
        let current = fetch(&mut self.tx, id, lock).await?.ok_or(StoreError::NotFound("booking"))?;
        let grace = grace_seconds(&mut self.tx, current.venue_id).await?;
        if !booking::may_decide(current.approval, &current.hold(), now, grace) {
            return Err(BookingConflict::NotAwaitingApproval.into());
        }
        let (approval, status, kind) = if decision.approve {
            (Approval::Approved, BookingStatus::Booked, EventType::BookingApproved)
        } else {
            (Approval::Declined, BookingStatus::Cancelled, EventType::BookingDeclined)
        };
        let sql = "UPDATE bookings SET approval = $1, approval_message = $2, approved_by = $3, status = $4, \
                   cancelled_at = COALESCE($5, cancelled_at) WHERE id = $6";
        let cancelled_at = (!decision.approve).then_some(now);
        let args = args![approval.as_str(), &decision.message, decision.by, status.as_str(), cancelled_at, id];
        self.tx.execute(sql, args).await?;
        let booking = fetch(&mut self.tx, id, "").await?.ok_or(StoreError::NotFound("booking"))?;
        record(&mut self.tx, &NewEvent::booking(kind, &booking, now)).await?;
        Ok(booking)
    }

    async fn answer_pledge(&mut self, id: Uuid, kept: bool, exchange: Option<Uuid>, now: i64) -> StoreResult<Booking> {
        let lock = self.tx.dialect().lock();
        let current = fetch(&mut self.tx, id, lock).await?.ok_or(StoreError::NotFound("booking"))?;
        if !booking::may_answer_pledge(current.status, current.ends_at, now) {
            return Err(BookingConflict::PledgeNotDue.into());
        }
        let sql =
            "UPDATE bookings SET pledge_kept = $1, pledge_exchange_id = $2, pledge_answered_at = $3 WHERE id = $4";
        self.tx.execute(sql, args![kept, exchange, now, id]).await?;
        let booking = fetch(&mut self.tx, id, "").await?.ok_or(StoreError::NotFound("booking"))?;
        record(&mut self.tx, &NewEvent::booking(EventType::PledgeAnswered, &booking, now)).await?;
        Ok(booking)
    }

    /// The sweep skips bookings another transaction holds (a check-in or a cancellation under
    /// way): it never waits on a lock, and the next sweep picks up whatever is still due.
    async fn release_no_shows(&mut self, now: i64) -> StoreResult<u64> {
        let skip = self.tx.dialect().skip_locked("b");
        let sql = format!(
            "UPDATE bookings SET status = 'released' WHERE id IN (SELECT b.id FROM bookings b \
             JOIN venues v ON v.id = b.venue_id WHERE b.status = 'booked' \
             AND b.starts_at + v.no_show_grace_minutes * 60 <= $1{skip}) RETURNING id, venue_id"
        );
        sweep(&mut self.tx, &sql, args![now], EventType::BookingReleased, now).await
    }
}
