//! Tokens for a venue's screens.

use sqlx::{PgConnection, Row};
use thirdspace_store::*;
use uuid::Uuid;

use crate::paging::{paged, Arg};
use crate::rows;
use crate::{db, finish, PgStore};

const COLUMNS: &str = "id, venue_id, kind, name, created_at, revoked_at";

async fn fetch(conn: &mut PgConnection, venue: Uuid, id: Uuid) -> StoreResult<Option<ScreenToken>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM screen_tokens WHERE id = $1 AND venue_id = $2"))
        .bind(id)
        .bind(venue)
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    row.map(|r| rows::screen_token(&r)).transpose().map_err(db)
}

pub async fn create(
    store: &PgStore,
    venue: Uuid,
    kind: ScreenKind,
    name: &str,
    hash: &str,
    now: i64,
) -> StoreResult<ScreenToken> {
    let mut tx = store.write().await?;
    let outcome = async {
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO screen_tokens (id, venue_id, kind, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(venue)
        .bind(kind.as_str())
        .bind(name)
        .bind(hash)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let token = fetch(&mut tx, venue, id).await?.ok_or(StoreError::NotFound("screen token"))?;
        Ok(token)
    }
    .await;
    finish(tx, outcome).await
}

pub async fn list(store: &PgStore, venue: Uuid, page: Page) -> StoreResult<Paged<ScreenToken>> {
    let args = [Arg::Id(venue)];
    let from = "screen_tokens WHERE venue_id = $1";
    paged(&store.pool, COLUMNS, from, "created_at DESC, id DESC", &args, page, rows::screen_token).await
}

pub async fn revoke(store: &PgStore, venue: Uuid, id: Uuid, now: i64) -> StoreResult<ScreenToken> {
    let mut tx = store.write().await?;
    let outcome = async {
        let done = sqlx::query(
            "UPDATE screen_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND venue_id = $3",
        )
        .bind(now)
        .bind(id)
        .bind(venue)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("screen token"));
        }
        let token = fetch(&mut tx, venue, id).await?.ok_or(StoreError::NotFound("screen token"))?;
        Ok(token)
    }
    .await;
    finish(tx, outcome).await
}

pub async fn opens(store: &PgStore, hash: &str) -> StoreResult<Option<(Uuid, ScreenKind)>> {
    let row = sqlx::query("SELECT venue_id, kind FROM screen_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(hash)
        .fetch_optional(&store.pool)
        .await
        .map_err(db)?;
    let Some(row) = row else { return Ok(None) };
    let venue: Uuid = row.try_get("venue_id").map_err(db)?;
    let kind: String = row.try_get("kind").map_err(db)?;
    Ok(ScreenKind::from_str_opt(&kind).map(|k| (venue, k)))
}
