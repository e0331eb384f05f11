//! Tokens for a venue's screens.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use thirdspace_store::*;
use uuid::Uuid;

use crate::paging::{paged, Arg};
use crate::rows;
use crate::{db, SqliteStore};

fn screen_token(row: &SqliteRow) -> Result<ScreenToken, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    Ok(ScreenToken {
        id: rows::uuid(row, "id")?,
        venue_id: rows::uuid(row, "venue_id")?,
        kind: ScreenKind::from_str_opt(&kind)
            .ok_or_else(|| sqlx::Error::ColumnDecode { index: "kind".into(), source: "unknown screen kind".into() })?,
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

const COLUMNS: &str = "id, venue_id, kind, name, created_at, revoked_at";

async fn fetch(conn: &mut SqliteConnection, venue: Uuid, id: Uuid) -> StoreResult<Option<ScreenToken>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM screen_tokens WHERE id = ? AND venue_id = ?"))
        .bind(id.to_string())
        .bind(venue.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    row.map(|r| screen_token(&r)).transpose().map_err(db)
}

pub async fn create(
    store: &SqliteStore,
    venue: Uuid,
    kind: ScreenKind,
    name: &str,
    hash: &str,
    now: i64,
) -> StoreResult<ScreenToken> {
    let mut tx = store.write().await?;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO screen_tokens (id, venue_id, kind, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(venue.to_string())
    .bind(kind.as_str())
    .bind(name)
    .bind(hash)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    let token = fetch(&mut tx, venue, id).await?.ok_or(StoreError::NotFound("screen token"))?;
    tx.commit().await.map_err(db)?;
    Ok(token)
}

pub async fn list(store: &SqliteStore, venue: Uuid, page: Page) -> StoreResult<Paged<ScreenToken>> {
    let args = [Arg::Text(venue.to_string())];
    paged(
        &store.reader,
        COLUMNS,
        "screen_tokens WHERE venue_id = ?",
        "created_at DESC, id DESC",
        &args,
        page,
        screen_token,
    )
    .await
}

pub async fn revoke(store: &SqliteStore, venue: Uuid, id: Uuid, now: i64) -> StoreResult<ScreenToken> {
    let mut tx = store.write().await?;
    let done =
        sqlx::query("UPDATE screen_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND venue_id = ?")
            .bind(now)
            .bind(id.to_string())
            .bind(venue.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("screen token"));
    }
    let token = fetch(&mut tx, venue, id).await?.ok_or(StoreError::NotFound("screen token"))?;
    tx.commit().await.map_err(db)?;
    Ok(token)
}

pub async fn opens(store: &SqliteStore, hash: &str) -> StoreResult<Option<(Uuid, ScreenKind)>> {
    let row = sqlx::query("SELECT venue_id, kind FROM screen_tokens WHERE token_hash = ? AND revoked_at IS NULL")
        .bind(hash)
        .fetch_optional(&store.reader)
        .await
        .map_err(db)?;
    let Some(row) = row else { return Ok(None) };
    let venue = rows::uuid(&row, "venue_id").map_err(db)?;
    let kind: String = row.try_get("kind").map_err(db)?;
    Ok(ScreenKind::from_str_opt(&kind).map(|k| (venue, k)))
}
