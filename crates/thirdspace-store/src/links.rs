//! One-time links sent by e-mail, and the attempts counted per key (failed log-ins of an address
//! from a client, e-mails asked for an address, …) in the database, so that every instance sees
//! the same count wherever the attempts landed.

use async_trait::async_trait;
use uuid::Uuid;

use crate::{Begin, LinkPurpose, StoreResult, User};

/// What is read of links and attempts.
#[async_trait]
pub trait Links: Begin {
    /// The attempts counted for `key` and when their window began, if any are.
    async fn attempts(&self, key: &str) -> StoreResult<Option<(u32, i64)>>;

    /// [`LinksWork::create_login_link`] in a unit of work of its own.
    async fn create_login_link(
        &self,
        user: Uuid,
        purpose: LinkPurpose,
        token_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        let mut work = self.begin().await?;
        let done = work.create_login_link(user, purpose, token_hash, now, expires_at).await;
        work.end(done).await
    }
    /// [`LinksWork::use_login_link`] in a unit of work of its own.
    async fn use_login_link(&self, token_hash: &str, purpose: LinkPurpose, now: i64) -> StoreResult<Option<User>> {
        let mut work = self.begin().await?;
        let done = work.use_login_link(token_hash, purpose, now).await;
        work.end(done).await
    }
    /// [`LinksWork::reset_password`] in a unit of work of its own.
    async fn reset_password(&self, token_hash: &str, password_hash: &str, now: i64) -> StoreResult<Option<User>> {
        let mut work = self.begin().await?;
        let done = work.reset_password(token_hash, password_hash, now).await;
        work.end(done).await
    }
    /// [`LinksWork::count_attempt`] in a unit of work of its own.
    async fn count_attempt(&self, key: &str, now: i64, window: i64) -> StoreResult<(u32, i64)> {
        let mut work = self.begin().await?;
        let done = work.count_attempt(key, now, window).await;
        work.end(done).await
    }
    /// [`LinksWork::clear_attempts`] in a unit of work of its own.
    async fn clear_attempts(&self, key: &str) -> StoreResult<()> {
        let mut work = self.begin().await?;
        let done = work.clear_attempts(key).await;
        work.end(done).await
    }
    /// [`LinksWork::forget_attempts`] in a unit of work of its own.
    async fn forget_attempts(&self, before: i64) -> StoreResult<u64> {
        let mut work = self.begin().await?;
        let done = work.forget_attempts(before).await;
        work.end(done).await
    }
}

/// What is written of links and attempts, inside a unit of work.
#[async_trait]
pub trait LinksWork: Send {
    /// Stores a new link; the person's links of the same purpose not yet used stop working.
    async fn create_login_link(
        &mut self,
        user: Uuid,
        purpose: LinkPurpose,
        token_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()>;
    /// Uses a link once: the person it was sent to, or `None` when it is unknown, of another
    /// purpose, used or expired. Any link used proves the address: the person is verified.
    async fn use_login_link(&mut self, token_hash: &str, purpose: LinkPurpose, now: i64) -> StoreResult<Option<User>>;
    /// Uses a password-reset link: sets the new password, ends every session and API token of
    /// the person and voids their other log-in and reset links. `None` when the link does not work.
    async fn reset_password(&mut self, token_hash: &str, password_hash: &str, now: i64) -> StoreResult<Option<User>>;
    /// Counts an attempt at `now`; a window that began `window` seconds or more before `now`
    /// starts again at one. Gives the count and the window's start.
    async fn count_attempt(&mut self, key: &str, now: i64, window: i64) -> StoreResult<(u32, i64)>;
    /// Forgets the attempts of `key` (failed log-ins, after a successful one).
    async fn clear_attempts(&mut self, key: &str) -> StoreResult<()>;
    /// Forgets every window that began before `before`; how many were.
    async fn forget_attempts(&mut self, before: i64) -> StoreResult<u64>;
}
