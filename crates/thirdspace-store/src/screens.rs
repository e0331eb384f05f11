//! Tokens that open a venue's screens.

use async_trait::async_trait;
use uuid::Uuid;

use crate::{Begin, Page, Paged, ScreenKind, ScreenToken, StoreResult};

/// What is read of screens.
#[async_trait]
pub trait Screens: Begin {
    async fn screen_tokens(&self, venue: Uuid, page: Page) -> StoreResult<Paged<ScreenToken>>;
    /// The venue and kind a token (by its hash) opens, unless revoked.
    async fn screen_token(&self, token_hash: &str) -> StoreResult<Option<(Uuid, ScreenKind)>>;

    /// [`ScreensWork::create_screen_token`] in a unit of work of its own.
    async fn create_screen_token(
        &self,
        venue: Uuid,
        kind: ScreenKind,
        name: &str,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<ScreenToken> {
        let mut work = self.begin().await?;
        let done = work.create_screen_token(venue, kind, name, token_hash, now).await;
        work.end(done).await
    }
    /// [`ScreensWork::revoke_screen_token`] in a unit of work of its own.
    async fn revoke_screen_token(&self, venue: Uuid, id: Uuid, now: i64) -> StoreResult<ScreenToken> {
        let mut work = self.begin().await?;
        let done = work.revoke_screen_token(venue, id, now).await;
        work.end(done).await
    }
}

/// What is written of screens, inside a unit of work.
#[async_trait]
pub trait ScreensWork: Send {
    async fn create_screen_token(
        &mut self,
        venue: Uuid,
        kind: ScreenKind,
        name: &str,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<ScreenToken>;
    async fn revoke_screen_token(&mut self, venue: Uuid, id: Uuid, now: i64) -> StoreResult<ScreenToken>;
}
