//! Tokens for a venue's screens.

use async_trait::async_trait;
use thirdspace_store::*;
use uuid::Uuid;

use crate::paging::paged;
use crate::rows::{self, SCREEN_COLUMNS};
use crate::{args, Backend, Columns, Sql, SqlStore, SqlWork, Transaction};

async fn fetch<C: Sql>(c: &mut C, venue: Uuid, id: Uuid) -> StoreResult<ScreenToken> {
    let sql = format!("SELECT {SCREEN_COLUMNS} FROM screen_tokens WHERE id = $1 AND venue_id = $2");
    let row = c.fetch_optional(&sql, args![id, venue]).await?;
    rows::screen_token(&row.ok_or(StoreError::NotFound("screen token"))?)
}

#[async_trait]
impl<B: Backend> Screens for SqlStore<B> {
    async fn screen_tokens(&self, venue: Uuid, page: Page) -> StoreResult<Paged<ScreenToken>> {
        let from = "screen_tokens WHERE venue_id = $1";
        let order = "created_at DESC, id DESC";
        paged(&mut self.read().await?, SCREEN_COLUMNS, from, order, args![venue], page, rows::screen_token).await
    }

    async fn screen_token(&self, hash: &str) -> StoreResult<Option<(Uuid, ScreenKind)>> {
        let sql = "SELECT venue_id, kind FROM screen_tokens WHERE token_hash = $1 AND revoked_at IS NULL";
        let Some(row) = self.read().await?.fetch_optional(sql, args![hash]).await? else { return Ok(None) };
        let venue = row.uuid("venue_id")?;
        Ok(ScreenKind::from_str_opt(&row.text("kind")?).map(|kind| (venue, kind)))
    }
}

#[async_trait]
impl<T: Transaction> ScreensWork for SqlWork<T> {
    async fn create_screen_token(
        &mut self,
        venue: Uuid,
        kind: ScreenKind,
        name: &str,
        hash: &str,
        now: i64,
    ) -> StoreResult<ScreenToken> {
        let id = Uuid::now_v7();
        let sql = "INSERT INTO screen_tokens (id, venue_id, kind, name, token_hash, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6)";
        self.tx.execute(sql, args![id, venue, kind.as_str(), name, hash, now]).await?;
        fetch(&mut self.tx, venue, id).await
    }

    async fn revoke_screen_token(&mut self, venue: Uuid, id: Uuid, now: i64) -> StoreResult<ScreenToken> {
        let sql = "UPDATE screen_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND venue_id = $3";
        if self.tx.execute(sql, args![now, id, venue]).await? == 0 {
            return Err(StoreError::NotFound("screen token"));
        }
        fetch(&mut self.tx, venue, id).await
    }
}
