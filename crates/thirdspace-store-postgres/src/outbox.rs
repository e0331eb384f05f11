//! The outbox on PostgreSQL: events written inside the change's transaction, each instance woken
//! by a `NOTIFY` that PostgreSQL delivers only when that transaction commits.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};
use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use thirdspace_store::outbox::{EventType, NewEvent, StoredEvent, VERSION};
use thirdspace_store::{StoreError, StoreResult};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::{db, PgStore};

/// The channel every instance listens on.
const CHANNEL: &str = "thirdspace_events";

/// Writes `event` inside the open transaction on `conn`.
pub async fn record(conn: &mut PgConnection, event: &NewEvent) -> StoreResult<()> {
    sqlx::query(
        "WITH written AS (INSERT INTO outbox (type, version, venue_id, subject_id, data, occurred_at) \
         VALUES ($1, $2, $3, $4, $5, $6)) SELECT pg_notify($7, '')",
    )
    .bind(event.kind.as_str())
    .bind(VERSION as i32)
    .bind(event.venue)
    .bind(event.subject)
    .bind(Json(&event.data))
    .bind(event.occurred_at)
    .bind(CHANNEL)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// Writes one event of `kind` for each `(booking, venue)` a sweep changed.
pub async fn record_swept(
    conn: &mut PgConnection,
    kind: EventType,
    changed: &[(Uuid, Uuid)],
    now: i64,
) -> StoreResult<()> {
    for &(booking, venue) in changed {
        record(conn, &NewEvent::swept(kind, booking, venue, now)).await?;
    }
    Ok(())
}

pub async fn after(store: &PgStore, after: u64, limit: u32) -> StoreResult<Vec<StoredEvent>> {
    let rows = sqlx::query(
        "SELECT id, type, version, venue_id, subject_id, data, occurred_at FROM outbox WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(i64::try_from(after).unwrap_or(i64::MAX))
    .bind(i64::from(limit))
    .fetch_all(&store.pool)
    .await
    .map_err(db)?;
    rows.iter().map(stored).collect()
}

fn stored(row: &sqlx::postgres::PgRow) -> StoreResult<StoredEvent> {
    let kind: String = row.try_get("type").map_err(db)?;
    let Json(data) = row.try_get("data").map_err(db)?;
    Ok(StoredEvent {
        id: u64::try_from(row.try_get::<i64, _>("id").map_err(db)?).map_err(StoreError::backend)?,
        version: u32::try_from(row.try_get::<i32, _>("version").map_err(db)?).map_err(StoreError::backend)?,
        kind: EventType::stored(&kind)?,
        venue: row.try_get("venue_id").map_err(db)?,
        subject: row.try_get("subject_id").map_err(db)?,
        data,
        occurred_at: row.try_get("occurred_at").map_err(db)?,
    })
}

pub async fn forget(store: &PgStore, before: i64) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM outbox WHERE occurred_at < $1 AND id < (SELECT MAX(id) FROM outbox)")
        .bind(before)
        .execute(&store.pool)
        .await
        .map_err(db)?;
    Ok(done.rows_affected())
}

pub async fn last_id(store: &PgStore) -> StoreResult<u64> {
    let last: Option<i64> =
        sqlx::query_scalar("SELECT MAX(id) FROM outbox").fetch_one(&store.pool).await.map_err(db)?;
    Ok(last.and_then(|id| u64::try_from(id).ok()).unwrap_or(0))
}

/// Wakes `written` whenever any instance commits events, for as long as the task runs. When the
/// connection drops it reconnects, and wakes once after (events may have come meanwhile).
pub async fn listen(pool: PgPool, written: Arc<Notify>) -> StoreResult<tokio::task::JoinHandle<()>> {
    let mut listener = PgListener::connect_with(&pool).await.map_err(StoreError::backend)?;
    listener.listen(CHANNEL).await.map_err(StoreError::backend)?;
    Ok(tokio::spawn(async move {
        loop {
            match listener.try_recv().await {
                Ok(Some(_)) => written.notify_one(),
                // The connection was lost; the next call reconnects.
                Ok(None) => written.notify_one(),
                Err(e) => {
                    tracing::warn!(error = %e, "listening for events failed; reconnecting");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    written.notify_one();
                }
            }
        }
    }))
}
