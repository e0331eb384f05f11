//! Seat bookings, check-in, check-out and presence.

use chrono::NaiveDate;
use sqlx::{SqliteConnection, SqlitePool};
use thirdspace_domain::booking::{self, BookingPlan, BookingStatus, Hold};
use thirdspace_store::outbox::{EventType, NewEvent};
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::{record, record_swept};
use crate::paging::{paged, Arg};
use crate::rows::{self, BOOKING_COLUMNS};
use crate::{db, SqliteStore};

/// Statuses that may still hold a seat; [`booking::held_interval`] decides the rest.
const LIVE: &str = "('booked', 'checked_in', 'checked_out')";

async fn grace_seconds(conn: &mut SqliteConnection, venue: Uuid) -> StoreResult<i64> {
    let minutes: Option<i64> = sqlx::query_scalar("SELECT no_show_grace_minutes FROM venues WHERE id = ?")
        .bind(venue.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    minutes.map(|m| m * 60).ok_or(StoreError::NotFound("venue"))
}

/// The bookings of a space on a local date that may hold a seat during `window`. Every booking
/// lies within one local date, so the date bounds the search.
async fn holds_of_space(
    conn: &mut SqliteConnection,
    space: &str,
    date: NaiveDate,
    window: (i64, i64),
) -> StoreResult<Vec<Hold>> {
    let sql = format!(
        "SELECT starts_at, ends_at, status, checked_out_at FROM bookings \
         WHERE space_id = ? AND date = ? AND status IN {LIVE} AND starts_at < ? AND ends_at > ?"
    );
    let rows = sqlx::query(&sql)
        .bind(space)
        .bind(date.format("%Y-%m-%d").to_string())
        .bind(window.1)
        .bind(window.0)
        .fetch_all(conn)
        .await
        .map_err(db)?;
    rows.iter().map(rows::hold).collect::<Result<_, _>>().map_err(db)
}

/// Whether the person holds a booking anywhere that overlaps `window`.
async fn holds_overlapping(conn: &mut SqliteConnection, user: Uuid, window: (i64, i64), now: i64) -> StoreResult<bool> {
    let sql = format!(
        "SELECT b.starts_at, b.ends_at, b.status, b.checked_out_at, v.no_show_grace_minutes FROM bookings b \
         JOIN venues v ON v.id = b.venue_id WHERE b.user_id = ? AND b.status IN {LIVE} AND b.starts_at < ? AND b.ends_at > ?"
    );
    let rows =
        sqlx::query(&sql).bind(user.to_string()).bind(window.1).bind(window.0).fetch_all(conn).await.map_err(db)?;
    for row in &rows {
        let hold = rows::hold(row).map_err(db)?;
        let grace: i64 = sqlx::Row::try_get(row, "no_show_grace_minutes").map_err(db)?;
        if booking::held_interval(&hold, now, grace * 60).is_some_and(|held| booking::overlaps(held, window)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Books a seat inside an open write transaction; `checked_in` makes it a walk-in.
async fn book_in(
    conn: &mut SqliteConnection,
    new: &NewBooking,
    checked_in_by: Option<Option<Uuid>>,
) -> StoreResult<Booking> {
    let plan = &new.plan;
    let window = (plan.starts_at, plan.ends_at);
    if holds_overlapping(conn, new.user, window, new.now).await? {
        return Err(Conflict::OverlappingBooking.into());
    }
    let grace = grace_seconds(conn, new.venue).await?;
    let candidates: Vec<(String, i64)> = match new.space {
        Some(space) => sqlx::query_as(
            "SELECT id, social_capital_seats FROM spaces WHERE venue_id = ? AND id = ? AND kind = 'open_seating'",
        )
        .bind(new.venue.to_string())
        .bind(space.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?,
        None => sqlx::query_as(
            "SELECT id, social_capital_seats FROM spaces WHERE venue_id = ? AND kind = 'open_seating' ORDER BY created_at, id",
        )
        .bind(new.venue.to_string())
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
        let holds = holds_of_space(conn, &space, plan.date, window).await?;
        if booking::seat_free(&holds, window, seats as u32, new.now, grace) {
            return insert(conn, new, &space, checked_in_by).await;
        }
    }
    Err(Conflict::SeatsGone.into())
}

async fn insert(
    conn: &mut SqliteConnection,
    new: &NewBooking,
    space: &str,
    checked_in_by: Option<Option<Uuid>>,
) -> StoreResult<Booking> {
    let BookingPlan { date, span, starts_at, ends_at, closes_at, focus, pledge } = &new.plan;
    let id = Uuid::now_v7();
    let status = if checked_in_by.is_some() { BookingStatus::CheckedIn } else { BookingStatus::Booked };
    sqlx::query(
        "INSERT INTO bookings (id, user_id, venue_id, space_id, date, start_minute, end_minute, starts_at, ends_at, closes_at, \
         status, focus, pledge, walk_in, checked_in_at, checked_in_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(new.user.to_string())
    .bind(new.venue.to_string())
    .bind(space)
    .bind(date.format("%Y-%m-%d").to_string())
    .bind(span.start.minutes())
    .bind(span.end.minutes())
    .bind(starts_at)
    .bind(ends_at)
    .bind(closes_at)
    .bind(status.as_str())
    .bind(focus)
    .bind(pledge)
    .bind(checked_in_by.is_some())
    .bind(checked_in_by.map(|_| new.now))
    .bind(checked_in_by.flatten().map(|u| u.to_string()))
    .bind(new.now)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    let booking = fetch(conn, id).await?.ok_or(StoreError::NotFound("booking"))?;
    record(conn, &NewEvent::booking(EventType::BookingMade, &booking, new.now)).await?;
    if checked_in_by.is_some() {
        record(conn, &NewEvent::booking(EventType::CheckedIn, &booking, new.now)).await?;
    }
    Ok(booking)
}

async fn fetch(conn: &mut SqliteConnection, id: Uuid) -> StoreResult<Option<Booking>> {
    let sql = format!("SELECT {BOOKING_COLUMNS} FROM bookings b WHERE b.id = ?");
    let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(conn).await.map_err(db)?;
    row.map(|r| rows::booking(&r)).transpose().map_err(db)
}

/// Moves a booking to `status`, stamping when (and, for a check-in by staff, by whom), and records
/// the event that says so.
async fn move_to(
    conn: &mut SqliteConnection,
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
        "UPDATE bookings SET status = ?, {stamp} = ?, checked_in_by = COALESCE(?, checked_in_by) WHERE id = ?"
    ))
    .bind(status.as_str())
    .bind(now)
    .bind(by_staff.map(|u| u.to_string()))
    .bind(id.to_string())
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    let booking = fetch(conn, id).await?.ok_or(StoreError::NotFound("booking"))?;
    record(conn, &NewEvent::booking(kind, &booking, now)).await?;
    Ok(booking)
}

pub async fn book(store: &SqliteStore, new: NewBooking) -> StoreResult<Booking> {
    let mut tx = store.write().await?;
    let booking = book_in(&mut tx, &new, None).await?;
    store.commit(tx).await?;
    Ok(booking)
}

pub async fn booking(pool: &SqlitePool, id: Uuid) -> StoreResult<Option<Booking>> {
    let mut conn = pool.acquire().await.map_err(db)?;
    fetch(&mut conn, id).await
}

pub async fn cancel(store: &SqliteStore, id: Uuid, now: i64) -> StoreResult<Booking> {
    let mut tx = store.write().await?;
    let current = fetch(&mut tx, id).await?.ok_or(StoreError::NotFound("booking"))?;
    let grace = grace_seconds(&mut tx, current.venue_id).await?;
    let hold =
        Hold { starts_at: current.starts_at, ends_at: current.ends_at, status: current.status, checked_out_at: None };
    if !booking::may_cancel(&hold, now, grace) {
        return Err(Conflict::NotCancellable.into());
    }
    let cancelled = move_to(&mut tx, id, BookingStatus::Cancelled, now, None).await?;
    store.commit(tx).await?;
    Ok(cancelled)
}

pub async fn bookings_of(
    store: &SqliteStore,
    user: Uuid,
    when: BookingsWhen,
    now: i64,
    page: Page,
) -> StoreResult<Paged<Booking>> {
    let (from, order) = match when {
        BookingsWhen::Upcoming => ("bookings b WHERE b.user_id = ? AND b.ends_at > ?", "b.starts_at ASC, b.id ASC"),
        BookingsWhen::Past => ("bookings b WHERE b.user_id = ? AND b.ends_at <= ?", "b.starts_at DESC, b.id DESC"),
    };
    let args = [Arg::Text(user.to_string()), Arg::Int(now)];
    paged(&store.reader, BOOKING_COLUMNS, from, order, &args, page, rows::booking).await
}

pub async fn venue_day(
    store: &SqliteStore,
    venue: Uuid,
    date: NaiveDate,
    page: Page,
) -> StoreResult<Paged<DayBooking>> {
    let columns = format!("{BOOKING_COLUMNS}, p.display_name, p.visibility");
    let from = "bookings b JOIN profiles p ON p.user_id = b.user_id WHERE b.venue_id = ? AND b.date = ?";
    let args = [Arg::Text(venue.to_string()), Arg::Text(date.format("%Y-%m-%d").to_string())];
    paged(&store.reader, &columns, from, "b.starts_at, b.created_at, b.id", &args, page, |r| {
        Ok(DayBooking {
            booking: rows::booking(r)?,
            display_name: sqlx::Row::try_get(r, "display_name")?,
            visibility: rows::visibility(r)?,
        })
    })
    .await
}

pub async fn check_in(store: &SqliteStore, c: CheckIn) -> StoreResult<CheckedIn> {
    let mut tx = store.write().await?;
    let grace = grace_seconds(&mut tx, c.venue).await?;
    let here = format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings b WHERE b.user_id = ? AND b.venue_id = ? AND b.status = 'checked_in' \
         AND b.ends_at > ? AND b.closes_at > ?"
    );
    let row = sqlx::query(&here)
        .bind(c.user.to_string())
        .bind(c.venue.to_string())
        .bind(c.now)
        .bind(c.now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
    if let Some(row) = row {
        let booking = rows::booking(&row).map_err(db)?;
        return Ok(CheckedIn { booking, walk_in: false });
    }
    // Still checked in on a booking that is over, here or anywhere: it ends where it ended, and the
    // person moves on to a booking for now (committed only if that succeeds).
    let ended: Vec<(String, String)> = sqlx::query_as(
        "UPDATE bookings SET status = 'checked_out', checked_out_at = ends_at \
         WHERE user_id = ? AND status = 'checked_in' AND ends_at <= ? RETURNING id, venue_id",
    )
    .bind(c.user.to_string())
    .bind(c.now)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    record_swept(&mut tx, EventType::CheckedOut, &ended, c.now).await?;
    let today = format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings b WHERE b.user_id = ? AND b.venue_id = ? AND b.status = 'booked' AND b.date = ? \
         ORDER BY b.starts_at"
    );
    let rows = sqlx::query(&today)
        .bind(c.user.to_string())
        .bind(c.venue.to_string())
        .bind(c.today.format("%Y-%m-%d").to_string())
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
    for row in &rows {
        let hold = rows::hold(row).map_err(db)?;
        if booking::may_check_in(&hold, c.now, grace) {
            let claimed = rows::booking(row).map_err(db)?;
            if c.now < claimed.starts_at {
                arrive_early(&mut tx, &claimed, &c, grace).await?;
            }
            let booking = move_to(&mut tx, claimed.id, BookingStatus::CheckedIn, c.now, c.by_staff).await?;
            store.commit(tx).await?;
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
    let booking = book_in(&mut tx, &new, Some(c.by_staff)).await?;
    store.commit(tx).await?;
    Ok(CheckedIn { booking, walk_in: true })
}

/// Someone arriving before their booking starts takes their seat from now, if the booking lies in
/// the opening period under way, they hold nothing else until then, and a seat is free until the
/// booking begins.
async fn arrive_early(conn: &mut SqliteConnection, claimed: &Booking, c: &CheckIn, grace: i64) -> StoreResult<()> {
    if claimed.ends_at > c.open_until {
        return Err(Conflict::TooEarly.into());
    }
    let early = (c.now, claimed.starts_at);
    if holds_overlapping(conn, c.user, early, c.now).await? {
        return Err(Conflict::OverlappingBooking.into());
    }
    let space = claimed.space_id.to_string();
    let seats: i64 = sqlx::query_scalar("SELECT social_capital_seats FROM spaces WHERE id = ?")
        .bind(&space)
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
    let holds = holds_of_space(conn, &space, claimed.date, early).await?;
    if !booking::seat_free(&holds, early, seats as u32, c.now, grace) {
        return Err(Conflict::SeatsGone.into());
    }
    sqlx::query("UPDATE bookings SET starts_at = ?, start_minute = ? WHERE id = ?")
        .bind(c.now)
        .bind(c.at.minutes().min(claimed.start.minutes()))
        .bind(claimed.id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

pub async fn check_out(store: &SqliteStore, venue: Uuid, user: Uuid, now: i64) -> StoreResult<Booking> {
    let mut tx = store.write().await?;
    let id: Option<String> = sqlx::query_scalar(
        "SELECT id FROM bookings WHERE user_id = ? AND venue_id = ? AND status = 'checked_in' AND closes_at > ? LIMIT 1",
    )
    .bind(user.to_string())
    .bind(venue.to_string())
    .bind(now)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    let id = id.and_then(|s| Uuid::parse_str(&s).ok()).ok_or(Conflict::NotCheckedIn)?;
    let booking = move_to(&mut tx, id, BookingStatus::CheckedOut, now, None).await?;
    store.commit(tx).await?;
    Ok(booking)
}

pub async fn release_no_shows(store: &SqliteStore, now: i64) -> StoreResult<u64> {
    let mut tx = store.write().await?;
    let done: Vec<(String, String)> = sqlx::query_as(
        "UPDATE bookings SET status = 'released' WHERE status = 'booked' AND starts_at + \
         (SELECT v.no_show_grace_minutes * 60 FROM venues v WHERE v.id = bookings.venue_id) <= ? \
         RETURNING id, venue_id",
    )
    .bind(now)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    record_swept(&mut tx, EventType::BookingReleased, &done, now).await?;
    store.commit(tx).await?;
    Ok(done.len() as u64)
}

pub async fn check_out_at_closing(store: &SqliteStore, now: i64) -> StoreResult<u64> {
    let mut tx = store.write().await?;
    let done: Vec<(String, String)> = sqlx::query_as(
        "UPDATE bookings SET status = 'checked_out', checked_out_at = closes_at WHERE status = 'checked_in' AND closes_at <= ? \
         RETURNING id, venue_id",
    )
    .bind(now)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    record_swept(&mut tx, EventType::CheckedOut, &done, now).await?;
    store.commit(tx).await?;
    Ok(done.len() as u64)
}

pub async fn present(store: &SqliteStore, venue: Uuid, now: i64) -> StoreResult<Vec<PresentPerson>> {
    let rows = sqlx::query(
        "SELECT p.*, b.checked_in_at AS since, b.focus FROM bookings b JOIN profiles p ON p.user_id = b.user_id \
         WHERE b.venue_id = ? AND b.status = 'checked_in' AND b.closes_at > ? ORDER BY b.checked_in_at, b.id",
    )
    .bind(venue.to_string())
    .bind(now)
    .fetch_all(&store.reader)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| {
            Ok(PresentPerson {
                profile: rows::profile(r)?,
                checked_in_at: sqlx::Row::try_get(r, "since")?,
                focus: sqlx::Row::try_get(r, "focus")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(db)
}

pub async fn checked_in_at(conn: &mut SqliteConnection, user: Uuid, now: i64) -> StoreResult<Option<Uuid>> {
    let venue: Option<String> = sqlx::query_scalar(
        "SELECT venue_id FROM bookings WHERE user_id = ? AND status = 'checked_in' AND closes_at > ? ORDER BY checked_in_at DESC LIMIT 1",
    )
    .bind(user.to_string())
    .bind(now)
    .fetch_optional(conn)
    .await
    .map_err(db)?;
    Ok(venue.and_then(|v| Uuid::parse_str(&v).ok()))
}

pub async fn free_seats(
    store: &SqliteStore,
    venue: Uuid,
    date: NaiveDate,
    window: (i64, i64),
    now: i64,
) -> StoreResult<u32> {
    let mut conn = store.reader.acquire().await.map_err(db)?;
    let grace = grace_seconds(&mut conn, venue).await?;
    let spaces: Vec<(String, i64)> =
        sqlx::query_as("SELECT id, social_capital_seats FROM spaces WHERE venue_id = ? AND kind = 'open_seating'")
            .bind(venue.to_string())
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    let mut free = 0u32;
    for (space, seats) in spaces {
        let holds = holds_of_space(&mut conn, &space, date, window).await?;
        let held = holds.iter().filter_map(|h| booking::held_interval(h, now, grace));
        free += (seats as u32).saturating_sub(booking::peak_occupancy(held, window));
    }
    Ok(free)
}
