//! The outbox on SQLite: events written inside the change's transaction, read in id order.

use sqlx::{Row, SqliteConnection};
use thirdspace_store::outbox::{EventType, NewEvent, StoredEvent, VERSION};
use thirdspace_store::{StoreError, StoreResult};
use uuid::Uuid;

use crate::{db, SqliteStore};

/// Writes `event` inside the open transaction on `conn`.
pub async fn record(conn: &mut SqliteConnection, event: &NewEvent) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO outbox (type, version, venue_id, subject_id, data, occurred_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(event.kind.as_str())
    .bind(VERSION)
    .bind(event.venue.map(|v| v.to_string()))
    .bind(event.subject.to_string())
    .bind(event.data.to_string())
    .bind(event.occurred_at)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// Writes one event of `kind` for each `(booking, venue)` a sweep changed.
pub async fn record_swept(
    conn: &mut SqliteConnection,
    kind: EventType,
    changed: &[(String, String)],
    now: i64,
) -> StoreResult<()> {
    for (booking, venue) in changed {
        let (booking, venue) = (parse(booking)?, parse(venue)?);
        record(conn, &NewEvent::swept(kind, booking, venue, now)).await?;
    }
    Ok(())
}

fn parse(id: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(id).map_err(StoreError::backend)
}

pub async fn after(store: &SqliteStore, after: u64, limit: u32) -> StoreResult<Vec<StoredEvent>> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let rows = sqlx::query(
        "SELECT id, type, version, venue_id, subject_id, data, occurred_at FROM outbox WHERE id > ? ORDER BY id LIMIT ?",
    )
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(&store.reader)
    .await
    .map_err(db)?;
    rows.iter().map(stored).collect()
}

fn stored(row: &sqlx::sqlite::SqliteRow) -> StoreResult<StoredEvent> {
    let kind: String = row.try_get("type").map_err(db)?;
    let venue: Option<String> = row.try_get("venue_id").map_err(db)?;
    let data: String = row.try_get("data").map_err(db)?;
    Ok(StoredEvent {
        id: u64::try_from(row.try_get::<i64, _>("id").map_err(db)?).map_err(StoreError::backend)?,
        version: row.try_get("version").map_err(db)?,
        kind: EventType::stored(&kind)?,
        venue: venue.as_deref().map(parse).transpose()?,
        subject: parse(&row.try_get::<String, _>("subject_id").map_err(db)?)?,
        data: serde_json::from_str(&data).map_err(StoreError::backend)?,
        occurred_at: row.try_get("occurred_at").map_err(db)?,
    })
}

pub async fn forget(store: &SqliteStore, before: i64) -> StoreResult<u64> {
    let mut tx = store.write().await?;
    let done = sqlx::query("DELETE FROM outbox WHERE occurred_at < ? AND id < (SELECT MAX(id) FROM outbox)")
        .bind(before)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(done.rows_affected())
}

pub async fn last_id(store: &SqliteStore) -> StoreResult<u64> {
    let last: Option<i64> =
        sqlx::query_scalar("SELECT MAX(id) FROM outbox").fetch_one(&store.reader).await.map_err(db)?;
    Ok(last.and_then(|id| u64::try_from(id).ok()).unwrap_or(0))
}
