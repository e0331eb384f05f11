//! The physical limit the booking figure is compared with: a booking's own SQLite transaction —
//! the same statements the server's store runs, on a database with thirdspace's schema, in WAL
//! mode with `synchronous=NORMAL` — run one after another by one writer with nothing else around
//! it: no HTTP, no pool, no async runtime.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rusqlite::{params, Connection};
use thirdspace_domain::email::Email;
use thirdspace_domain::space::{SpaceDraft, SpaceInput, SpaceKind};
use thirdspace_domain::venue::{VenueDraft, VenueInput};
use thirdspace_store::{Accounts, Begin, NewUser, Store};
use uuid::Uuid;

const LIVE: &str = "('booked', 'checked_in', 'checked_out')";

/// People, a venue open round the clock and its space, written through the store (which creates
/// the schema); the ids of the people and the venue.
async fn seed(file: &Path, people: usize) -> Result<(Vec<Uuid>, Uuid)> {
    let store = thirdspace_store_sqlite::open(&format!("sqlite://{}", file.display())).await?;
    let now = chrono::Utc::now().timestamp();
    let mut ids = Vec::with_capacity(people);
    for i in 0..people {
        let user = store
            .create_user(NewUser {
                email: Email::parse(&format!("reference{i}@example.org"))?,
                password_hash: "not a hash".into(),
                display_name: format!("Reference {i}"),
                is_admin: false,
                email_verified: true,
                now,
            })
            .await?;
        ids.push(user.id);
    }
    let hours: Vec<_> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        .iter()
        .map(|day| serde_json::json!({"day": day, "opens": "00:00", "closes": "24:00"}))
        .collect();
    let input: VenueInput = serde_json::from_value(serde_json::json!({
        "name": "Reference café", "kind": "cafe", "address": "Oudegracht 1", "city": "Utrecht", "country": "NL",
        "time_zone": "UTC", "opening_hours": hours
    }))?;
    let space = SpaceInput {
        name: "Open seating".into(),
        kind: SpaceKind::OpenSeating,
        capacity: 10_000,
        social_capital_seats: 10_000,
    };
    let venue = VenueDraft::parse(input).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let space = SpaceDraft::parse(space).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut work = store.begin().await?;
    let venue = work.create_venue(ids[0], &venue, &[space], b"reference secret", now).await?;
    work.commit().await?;
    store.close().await;
    Ok((ids, venue.id))
}

/// One booking of `user` over `window` on `date`, as the store's transaction runs it.
fn book(c: &mut Connection, user: Uuid, venue: Uuid, date: NaiveDate, window: (i64, i64)) -> Result<()> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let (user_s, venue_s) = (user.to_string(), venue.to_string());
    let overlapping = format!(
        "SELECT b.starts_at, b.ends_at, b.status, b.checked_out_at, v.no_show_grace_minutes FROM bookings b \
         JOIN venues v ON v.id = b.venue_id WHERE b.user_id = ?1 AND b.status IN {LIVE} AND b.starts_at < ?2 \
         AND b.ends_at > ?3 AND (b.status <> 'checked_out' OR b.checked_out_at IS NULL OR b.checked_out_at > ?3)"
    );
    tx.prepare_cached(&overlapping)?.query_map(params![user_s, window.1, window.0], |_| Ok(()))?.count();
    let (space, grace): (String, i64) = tx
        .prepare_cached(
            "SELECT id, social_capital_seats, (SELECT no_show_grace_minutes FROM venues WHERE id = ?1) AS grace \
             FROM spaces WHERE venue_id = ?1 AND kind = 'open_seating' ORDER BY created_at, id",
        )?
        .query_row(params![venue_s], |r| Ok((r.get(0)?, r.get(2)?)))?;
    let day = date.format("%Y-%m-%d").to_string();
    let holds = format!(
        "SELECT starts_at, ends_at, status, checked_out_at FROM bookings WHERE space_id = ?1 AND date = ?2 \
         AND status IN {LIVE} AND NOT resident AND starts_at < ?3 AND ends_at > ?4 \
         AND (status <> 'checked_out' OR checked_out_at IS NULL OR checked_out_at > ?4)"
    );
    tx.prepare_cached(&holds)?.query_map(params![space, day, window.1, window.0], |_| Ok(()))?.count();
    tx.prepare_cached(
        "SELECT id, starts_at, ends_at, capacity FROM gathering_dates WHERE space_id = ?1 \
         AND cancelled_at IS NULL AND starts_at < ?2 AND ends_at > ?3",
    )?
    .query_map(params![space, window.1, window.0], |_| Ok(()))?
    .count();
    let id = Uuid::now_v7().to_string();
    let now = chrono::Utc::now().timestamp();
    let (start_minute, end_minute) = ((window.0 % 86_400) / 60, (window.1 - 1) % 86_400 / 60 + 1);
    tx.prepare_cached(
        "INSERT INTO bookings (id, user_id, venue_id, space_id, date, start_minute, end_minute, starts_at, \
         ends_at, closes_at, status, focus, pledge, walk_in, checked_in_at, checked_in_by, created_at, approval, \
         rules_accepted_at, resident) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'booked', 'Load testing', \
         'Happy to share benchmark figures', 0, NULL, NULL, ?11, NULL, NULL, 0) \
         RETURNING bookings.id, bookings.user_id, bookings.venue_id, bookings.space_id, bookings.date, \
         bookings.start_minute, bookings.end_minute, bookings.starts_at, bookings.ends_at, bookings.status, \
         bookings.focus, bookings.pledge, bookings.walk_in, bookings.checked_in_at, bookings.checked_out_at, \
         bookings.created_at, bookings.approval, bookings.approval_message, bookings.rules_accepted_at, \
         bookings.pledge_kept, bookings.pledge_exchange_id, bookings.resident",
    )?
    .query_row(
        params![
            id,
            user_s,
            venue_s,
            space,
            day,
            start_minute,
            end_minute,
            window.0,
            window.1,
            window.1 + grace * 60,
            now
        ],
        |_| Ok(()),
    )?;
    let data =
        serde_json::json!({"space": space, "date": day, "start": start_minute, "end": end_minute, "walk_in": false});
    tx.prepare_cached(
        "INSERT INTO outbox (type, version, venue_id, subject_id, data, occurred_at) VALUES ('booking.made', 1, ?1, ?2, ?3, ?4)",
    )?
    .execute(params![venue_s, id, data.to_string(), now])?;
    tx.prepare_cached(
        "INSERT INTO mail_jobs (id, key, kind, user_id, subject_id, due_at, created_at) \
         VALUES (?1, ?2, 'booking_confirmed', ?3, ?4, ?5, ?5), (?6, ?7, 'booking_reminder', ?3, ?4, ?8, ?5) \
         ON CONFLICT (key) DO NOTHING",
    )?
    .execute(params![
        Uuid::now_v7().to_string(),
        format!("booking_confirmed:{id}"),
        user_s,
        id,
        now,
        Uuid::now_v7().to_string(),
        format!("booking_reminder:{id}"),
        window.0 - 12 * 3600
    ])?;
    tx.commit()?;
    Ok(())
}

/// Bookings per second of the raw transaction over `seconds`, for `people` booking spans of
/// `minutes` in turn, on a new database file in `dir`.
pub async fn run(dir: &Path, people: usize, minutes: u32, seconds: u64) -> Result<f64> {
    let file = dir.join(format!("thirdspace-reference-{}.db", Uuid::now_v7()));
    let (people, venue) = seed(&file, people).await?;
    let rate = tokio::task::spawn_blocking(move || -> Result<f64> {
        let mut c = Connection::open(&file)?;
        c.pragma_update(None, "journal_mode", "WAL")?;
        c.pragma_update(None, "synchronous", "NORMAL")?;
        c.pragma_update(None, "foreign_keys", "ON")?;
        let first = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
        let per_day = 24 * 60 / minutes;
        let started = Instant::now();
        let deadline = started + Duration::from_secs(seconds);
        let mut made = 0u64;
        'run: for slot in 0u32.. {
            let date = first + chrono::Duration::days(i64::from(slot / per_day));
            let midnight = date.and_hms_opt(0, 0, 0).context("midnight")?.and_utc().timestamp();
            let start = midnight + i64::from((slot % per_day) * minutes) * 60;
            for &user in &people {
                if Instant::now() >= deadline {
                    break 'run;
                }
                book(&mut c, user, venue, date, (start, start + i64::from(minutes) * 60))?;
                made += 1;
            }
        }
        let rate = made as f64 / started.elapsed().as_secs_f64();
        drop(c);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        Ok(rate)
    })
    .await??;
    Ok(rate)
}
