//! Seat bookings, check-in, check-out and presence.
//!
//! Locks are taken in one order — the person's `users` row, the venue's spaces by creation, then
//! bookings — and each check reads after the locks it relies on, in a statement of its own, so
//! it sees every commit made before the lock was granted.

use chrono::NaiveDate;
use sqlx::{PgConnection, Row};
use thirdspace_domain::booking::{self, BookingPlan, BookingStatus, Hold};
use thirdspace_store::outbox::{EventType, NewEvent};
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::{record, record_swept};
use crate::paging::{paged, Arg};
use crate::rows::{self, BOOKING_COLUMNS};
use crate::{db, finish, PgStore};

/// Statuses that may still hold a seat; [`booking::held_interval`] decides the rest.
const LIVE: &str = "('booked', 'checked_in', 'checked_out')";

/// Locks a person's row: whatever may add to the seats they hold takes this lock first, so their
/// overlap check and what follows it cannot interleave with another of theirs.
async fn lock_person(conn: &mut PgConnection, user: Uuid) -> StoreResult<()> {
    sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE").bind(user).execute(conn).await.map_err(db)?;
    Ok(())
}

/// Locks every space of a venue, in the order bookings try them.
async fn lock_spaces(conn: &mut PgConnection, venue: Uuid) -> StoreResult<()> {
    sqlx::query("SELECT 1 FROM spaces WHERE venue_id = $1 ORDER BY created_at, id FOR NO KEY UPDATE")
        .bind(venue)
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

async fn grace_seconds(conn: &mut PgConnection, venue: Uuid) -> StoreResult<i64> {
    let minutes: Option<i32> = sqlx::query_scalar("SELECT no_show_grace_minutes FROM venues WHERE id = $1")
        .bind(venue)
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    minutes.map(|m| i64::from(m) * 60).ok_or(StoreError::NotFound("venue"))
}

/// The bookings of a space on a local date that may hold a seat during `window`. Every booking
/// lies within one local date, so the date bounds the search.
async fn holds_of_space(
    conn: &mut PgConnection,
    space: Uuid,
    date: NaiveDate,
    window: (i64, i64),
) -> StoreResult<Vec<Hold>> {
    let sql = format!(
        "SELECT starts_at, ends_at, status, checked_out_at FROM bookings \
         WHERE space_id = $1 AND date = $2 AND status IN {LIVE} AND starts_at < $3 AND ends_at > $4"
    );
    let rows =
        sqlx::query(&sql).bind(space).bind(date).bind(window.1).bind(window.0).fetch_all(conn).await.map_err(db)?;
    rows.iter().map(rows::hold).collect::<Result<_, _>>().map_err(db)
}

/// Whether the person holds a booking anywhere that overlaps `window`.
async fn holds_overlapping(conn: &mut PgConnection, user: Uuid, window: (i64, i64), now: i64) -> StoreResult<bool> {
    let sql = format!(
        "SELECT b.starts_at, b.ends_at, b.status, b.checked_out_at, v.no_show_grace_minutes FROM bookings b \
         JOIN venues v ON v.id = b.venue_id \
         WHERE b.user_id = $1 AND b.status IN {LIVE} AND b.starts_at < $2 AND b.ends_at > $3"
    );
    let rows = sqlx::query(&sql).bind(user).bind(window.1).bind(window.0).fetch_all(conn).await.map_err(db)?;
    for row in &rows {
        let hold = rows::hold(row).map_err(db)?;
        let grace: i32 = row.try_get("no_show_grace_minutes").map_err(db)?;
        if booking::held_interval(&hold, now, i64::from(grace) * 60).is_some_and(|held| booking::overlaps(held, window))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Books a seat inside an open transaction; `checked_in_by` makes it a walk-in.
async fn book_in(
    conn: &mut PgConnection,
    new: &NewBooking,
    checked_in_by: Option<Option<Uuid>>,
) -> StoreResult<Booking> {
    let plan = &new.plan;
    let window = (plan.starts_at, plan.ends_at);
    lock_person(conn, new.user).await?;
    if holds_overlapping(conn, new.user, window, new.now).await? {
        return Err(Conflict::OverlappingBooking.into());
    }
    let grace = grace_seconds(conn, new.venue).await?;
    let candidates: Vec<(Uuid, i32)> = match new.space {
        Some(space) => sqlx::query_as(
            "SELECT id, social_capital_seats FROM spaces WHERE venue_id = $1 AND id = $2 AND kind = 'open_seating' \
             FOR NO KEY UPDATE",
        )
        .bind(new.venue)
        .bind(space)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?,
        None => sqlx::query_as(
            "SELECT id, social_capital_seats FROM spaces WHERE venue_id = $1 AND kind = 'open_seating' \
             ORDER BY created_at, id FOR NO KEY UPDATE",
        )
        .bind(new.venue)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?,
    };
    if candidates.is_empty() {
        return Err(match new.space {
            Some(_) => StoreError::NotFound("space"),
            None => Conflict::NoOpenSeating.into(),
        });
    }
    for (space, seats) in candidates {
        let seats = u32::try_from(seats).map_err(StoreError::backend)?;
        let holds = holds_of_space(conn, space, plan.date, window).await?;
        if booking::seat_free(&holds, window, seats, new.now, grace) {
            return insert(conn, new, space, checked_in_by).await;
        }
    }
    Err(Conflict::SeatsGone.into())
}

async fn insert(
    conn: &mut PgConnection,
    new: &NewBooking,
    space: Uuid,
    checked_in_by: Option<Option<Uuid>>,
) -> StoreResult<Booking> {
    let BookingPlan { date, span, starts_at, ends_at, closes_at, focus, pledge } = &new.plan;
    let id = Uuid::now_v7();
    let status = if checked_in_by.is_some() { BookingStatus::CheckedIn } else { BookingStatus::Booked };
    sqlx::query(
        "INSERT INTO bookings (id, user_id, venue_id, space_id, date, start_minute, end_minute, starts_at, ends_at, \
         closes_at, status, focus, pledge, walk_in, checked_in_at, checked_in_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(id)
    .bind(new.user)
    .bind(new.venue)
    .bind(space)
    .bind(date)
    .bind(i32::from(span.start.minutes()))
    .bind(i32::from(span.end.minutes()))
    .bind(starts_at)
    .bind(ends_at)
    .bind(closes_at)
    .bind(status.as_str())
    .bind(focus)
    .bind(pledge)
    .bind(checked_in_by.is_some())
    .bind(checked_in_by.map(|_| new.now))
    .bind(checked_in_by.flatten())
    .bind(new.now)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    let booking = fetch(conn, id, "").await?.ok_or(StoreError::NotFound("booking"))?;
    record(conn, &NewEvent::booking(EventType::BookingMade, &booking, new.now)).await?;
    if checked_in_by.is_some() {
        record(conn, &NewEvent::booking(EventType::CheckedIn, &booking, new.now)).await?;
    }
    Ok(booking)
}

/// A booking by id; `lock` is empty or a locking clause such as `FOR NO KEY UPDATE`.
async fn fetch(conn: &mut PgConnection, id: Uuid, lock: &str) -> StoreResult<Option<Booking>> {
    let sql = format!("SELECT {BOOKING_COLUMNS} FROM bookings b WHERE b.id = $1 {lock}");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await.map_err(db)?;
    row.map(|r| rows::booking(&r)).transpose().map_err(db)
}

/// Moves a booking (already locked) to `status`, stamping when (and, for a check-in by staff, by
/// whom), and records the event that says so.
async fn move_to(
    conn: &mut PgConnection,
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
    sqlx::query(&format!(
        "UPDATE bookings SET status = $1, {stamp} = $2, checked_in_by = COALESCE($3, checked_in_by) WHERE id = $4"
    ))
    .bind(status.as_str())
    .bind(now)
    .bind(by_staff)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    let booking = fetch(conn, id, "").await?.ok_or(StoreError::NotFound("booking"))?;
    record(conn, &NewEvent::booking(kind, &booking, now)).await?;
    Ok(booking)
}

pub async fn book(store: &PgStore, new: NewBooking) -> StoreResult<Booking> {
    let mut tx = store.write().await?;
    let outcome = book_in(&mut tx, &new, None).await;
    finish(tx, outcome).await
}

pub async fn booking(store: &PgStore, id: Uuid) -> StoreResult<Option<Booking>> {
    let mut conn = store.pool.acquire().await.map_err(db)?;
    fetch(&mut conn, id, "").await
}

pub async fn cancel(store: &PgStore, id: Uuid, now: i64) -> StoreResult<Booking> {
    let mut tx = store.write().await?;
    let outcome = async {
        let current = fetch(&mut tx, id, "FOR NO KEY UPDATE").await?.ok_or(StoreError::NotFound("booking"))?;
        let grace = grace_seconds(&mut tx, current.venue_id).await?;
        let hold = Hold {
            starts_at: current.starts_at,
            ends_at: current.ends_at,
            status: current.status,
            checked_out_at: None,
        };
        if !booking::may_cancel(&hold, now, grace) {
            return Err(Conflict::NotCancellable.into());
        }
        move_to(&mut tx, id, BookingStatus::Cancelled, now, None).await
    }
    .await;
    finish(tx, outcome).await
}

pub async fn bookings_of(
    store: &PgStore,
    user: Uuid,
    when: BookingsWhen,
    now: i64,
    page: Page,
) -> StoreResult<Paged<Booking>> {
    let (from, order) = match when {
        BookingsWhen::Upcoming => ("bookings b WHERE b.user_id = $1 AND b.ends_at > $2", "b.starts_at ASC, b.id ASC"),
        BookingsWhen::Past => ("bookings b WHERE b.user_id = $1 AND b.ends_at <= $2", "b.starts_at DESC, b.id DESC"),
    };
    let args = [Arg::Id(user), Arg::Int(now)];
    paged(&store.pool, BOOKING_COLUMNS, from, order, &args, page, rows::booking).await
}

pub async fn venue_day(store: &PgStore, venue: Uuid, date: NaiveDate, page: Page) -> StoreResult<Paged<DayBooking>> {
    let columns = format!("{BOOKING_COLUMNS}, p.display_name, p.visibility");
    let from = "bookings b JOIN profiles p ON p.user_id = b.user_id WHERE b.venue_id = $1 AND b.date = $2";
    let args = [Arg::Id(venue), Arg::Date(date)];
    paged(&store.pool, &columns, from, "b.starts_at, b.created_at, b.id", &args, page, |r| {
        Ok(DayBooking {
            booking: rows::booking(r)?,
            display_name: r.try_get("display_name")?,
            visibility: rows::visibility(r)?,
        })
    })
    .await
}

pub async fn check_in(store: &PgStore, c: CheckIn) -> StoreResult<CheckedIn> {
    let mut tx = store.write().await?;
    let outcome = check_in_within(&mut tx, c).await;
    finish(tx, outcome).await
}

async fn check_in_within(conn: &mut PgConnection, c: CheckIn) -> StoreResult<CheckedIn> {
    let grace = grace_seconds(conn, c.venue).await?;
    lock_person(conn, c.user).await?;
    lock_spaces(conn, c.venue).await?;
    let here = format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings b WHERE b.user_id = $1 AND b.venue_id = $2 AND b.status = 'checked_in' \
         AND b.ends_at > $3 AND b.closes_at > $3"
    );
    let row = sqlx::query(&here).bind(c.user).bind(c.venue).bind(c.now).fetch_optional(&mut *conn).await.map_err(db)?;
    if let Some(row) = row {
        let booking = rows::booking(&row).map_err(db)?;
        return Ok(CheckedIn { booking, walk_in: false });
    }
    // Still checked in on a booking that is over, here or anywhere: it ends where it ended, and the
    // person moves on to a booking for now (committed only if that succeeds).
    let ended: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "UPDATE bookings SET status = 'checked_out', checked_out_at = ends_at \
         WHERE user_id = $1 AND status = 'checked_in' AND ends_at <= $2 RETURNING id, venue_id",
    )
    .bind(c.user)
    .bind(c.now)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    record_swept(conn, EventType::CheckedOut, &ended, c.now).await?;
    // Locked, so that a cancellation or the no-show sweep either comes first (and the booking
    // drops out here) or waits for this check-in.
    let today = format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings b WHERE b.user_id = $1 AND b.venue_id = $2 AND b.status = 'booked' \
         AND b.date = $3 ORDER BY b.starts_at, b.id FOR NO KEY UPDATE"
    );
    let rows = sqlx::query(&today).bind(c.user).bind(c.venue).bind(c.today).fetch_all(&mut *conn).await.map_err(db)?;
    for row in &rows {
        let hold = rows::hold(row).map_err(db)?;
        if booking::may_check_in(&hold, c.now, grace) {
            let claimed = rows::booking(row).map_err(db)?;
            if c.now < claimed.starts_at {
                arrive_early(conn, &claimed, &c, grace).await?;
            }
            let booking = move_to(conn, claimed.id, BookingStatus::CheckedIn, c.now, c.by_staff).await?;
            return Ok(CheckedIn { booking, walk_in: false });
        }
    }
    let later_today = rows.iter().filter_map(|r| rows::hold(r).ok()).any(|h| h.starts_at > c.now);
    if later_today {
        return Err(Conflict::TooEarly.into());
    }
    let Some(plan) = c.walk_in else {
        return Err(Conflict::NoBookingNow.into());
    };
    let new = NewBooking { user: c.user, venue: c.venue, space: None, plan, now: c.now };
    let booking = book_in(conn, &new, Some(c.by_staff)).await?;
    Ok(CheckedIn { booking, walk_in: true })
}

/// Someone arriving before their booking starts takes their seat from now, if the booking lies in
/// the opening period under way, they hold nothing else until then, and a seat is free until the
/// booking begins. The caller holds the person's and the venue's spaces' locks.
async fn arrive_early(conn: &mut PgConnection, claimed: &Booking, c: &CheckIn, grace: i64) -> StoreResult<()> {
    if claimed.ends_at > c.open_until {
        return Err(Conflict::TooEarly.into());
    }
    let early = (c.now, claimed.starts_at);
    if holds_overlapping(conn, c.user, early, c.now).await? {
        return Err(Conflict::OverlappingBooking.into());
    }
    let seats: i32 = sqlx::query_scalar("SELECT social_capital_seats FROM spaces WHERE id = $1")
        .bind(claimed.space_id)
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
    let seats = u32::try_from(seats).map_err(StoreError::backend)?;
    let holds = holds_of_space(conn, claimed.space_id, claimed.date, early).await?;
    if !booking::seat_free(&holds, early, seats, c.now, grace) {
        return Err(Conflict::SeatsGone.into());
    }
    sqlx::query("UPDATE bookings SET starts_at = $1, start_minute = $2 WHERE id = $3")
        .bind(c.now)
        .bind(i32::from(c.at.minutes().min(claimed.start.minutes())))
        .bind(claimed.id)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

pub async fn check_out(store: &PgStore, venue: Uuid, user: Uuid, now: i64) -> StoreResult<Booking> {
    let mut tx = store.write().await?;
    let outcome = async {
        lock_person(&mut tx, user).await?;
        let id: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM bookings WHERE user_id = $1 AND venue_id = $2 AND status = 'checked_in' AND closes_at > $3 \
             LIMIT 1 FOR NO KEY UPDATE",
        )
        .bind(user)
        .bind(venue)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let id = id.ok_or(Conflict::NotCheckedIn)?;
        move_to(&mut tx, id, BookingStatus::CheckedOut, now, None).await
    }
    .await;
    finish(tx, outcome).await
}

/// The sweeps skip bookings another transaction holds (a check-in or a cancellation under way):
/// they never wait on a lock, and the next sweep picks up whatever is still due.
pub async fn release_no_shows(store: &PgStore, now: i64) -> StoreResult<u64> {
    let sql = "UPDATE bookings SET status = 'released' WHERE id IN (SELECT b.id FROM bookings b \
         JOIN venues v ON v.id = b.venue_id WHERE b.status = 'booked' AND b.starts_at + v.no_show_grace_minutes * 60 <= $1 \
         FOR NO KEY UPDATE OF b SKIP LOCKED) RETURNING id, venue_id";
    sweep(store, sql, EventType::BookingReleased, now).await
}

/// Runs a sweep's `UPDATE … RETURNING id, venue_id` and records an event of `kind` for each row.
async fn sweep(store: &PgStore, sql: &str, kind: EventType, now: i64) -> StoreResult<u64> {
    let mut tx = store.write().await?;
    let outcome = async {
        let done: Vec<(Uuid, Uuid)> = sqlx::query_as(sql).bind(now).fetch_all(&mut *tx).await.map_err(db)?;
        record_swept(&mut tx, kind, &done, now).await?;
        Ok(done.len() as u64)
    }
    .await;
    finish(tx, outcome).await
}

pub async fn check_out_at_closing(store: &PgStore, now: i64) -> StoreResult<u64> {
    let sql =
        "UPDATE bookings SET status = 'checked_out', checked_out_at = closes_at WHERE id IN (SELECT id FROM bookings \
         WHERE status = 'checked_in' AND closes_at <= $1 FOR NO KEY UPDATE SKIP LOCKED) RETURNING id, venue_id";
    sweep(store, sql, EventType::CheckedOut, now).await
}

pub async fn present(store: &PgStore, venue: Uuid, now: i64) -> StoreResult<Vec<PresentPerson>> {
    let rows = sqlx::query(
        "SELECT p.*, b.checked_in_at AS since, b.focus FROM bookings b JOIN profiles p ON p.user_id = b.user_id \
         WHERE b.venue_id = $1 AND b.status = 'checked_in' AND b.closes_at > $2 ORDER BY b.checked_in_at, b.id",
    )
    .bind(venue)
    .bind(now)
    .fetch_all(&store.pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| {
            Ok(PresentPerson {
                profile: rows::profile(r)?,
                checked_in_at: r.try_get("since")?,
                focus: r.try_get("focus")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(db)
}

pub async fn checked_in_at(conn: &mut PgConnection, user: Uuid, now: i64) -> StoreResult<Option<Uuid>> {
    sqlx::query_scalar(
        "SELECT venue_id FROM bookings WHERE user_id = $1 AND status = 'checked_in' AND closes_at > $2 \
         ORDER BY checked_in_at DESC LIMIT 1",
    )
    .bind(user)
    .bind(now)
    .fetch_optional(conn)
    .await
    .map_err(db)
}

pub async fn free_seats(
    store: &PgStore,
    venue: Uuid,
    date: NaiveDate,
    window: (i64, i64),
    now: i64,
) -> StoreResult<u32> {
    let mut conn = store.pool.acquire().await.map_err(db)?;
    let grace = grace_seconds(&mut conn, venue).await?;
    let spaces: Vec<(Uuid, i32)> =
        sqlx::query_as("SELECT id, social_capital_seats FROM spaces WHERE venue_id = $1 AND kind = 'open_seating'")
            .bind(venue)
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    let mut free = 0u32;
    for (space, seats) in spaces {
        let seats = u32::try_from(seats).map_err(StoreError::backend)?;
        let holds = holds_of_space(&mut conn, space, date, window).await?;
        let held = holds.iter().filter_map(|h| booking::held_interval(h, now, grace));
        free += seats.saturating_sub(booking::peak_occupancy(held, window));
    }
    Ok(free)
}
