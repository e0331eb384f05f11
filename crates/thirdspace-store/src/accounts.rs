//! Accounts: people, their sessions and API tokens, and their profiles.

use async_trait::async_trait;
use thirdspace_domain::email::Email;
use thirdspace_domain::profile::ProfileDraft;
use uuid::Uuid;

use crate::{ApiToken, Begin, Credentials, NewToken, NewUser, Page, Paged, Profile, StoreResult, TokenKind, User};

/// What is read of accounts.
#[async_trait]
pub trait Accounts: Begin {
    async fn credentials(&self, email: &Email) -> StoreResult<Option<Credentials>>;
    async fn user(&self, id: Uuid) -> StoreResult<Option<User>>;
    /// The user a token (by its hash) belongs to, if it exists and has not expired.
    async fn token_user(&self, token_hash: &str, now: i64) -> StoreResult<Option<(User, TokenKind)>>;
    async fn api_tokens(&self, user: Uuid, page: Page) -> StoreResult<Paged<ApiToken>>;
    async fn profile(&self, user: Uuid) -> StoreResult<Option<Profile>>;
    /// The profiles of `users` that exist, in no particular order.
    async fn profiles(&self, users: &[Uuid]) -> StoreResult<Vec<Profile>>;

    /// [`AccountsWork::create_user`] in a unit of work of its own.
    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        let mut work = self.begin().await?;
        let done = work.create_user(user).await;
        work.end(done).await
    }
    /// [`AccountsWork::set_admin`] in a unit of work of its own.
    async fn set_admin(&self, email: &Email, is_admin: bool) -> StoreResult<User> {
        let mut work = self.begin().await?;
        let done = work.set_admin(email, is_admin).await;
        work.end(done).await
    }
    /// [`AccountsWork::insert_token`] in a unit of work of its own.
    async fn insert_token(&self, token: NewToken) -> StoreResult<ApiToken> {
        let mut work = self.begin().await?;
        let done = work.insert_token(token).await;
        work.end(done).await
    }
    /// [`AccountsWork::delete_token_by_hash`] in a unit of work of its own.
    async fn delete_token_by_hash(&self, token_hash: &str) -> StoreResult<()> {
        let mut work = self.begin().await?;
        let done = work.delete_token_by_hash(token_hash).await;
        work.end(done).await
    }
    /// [`AccountsWork::delete_api_token`] in a unit of work of its own.
    async fn delete_api_token(&self, user: Uuid, id: Uuid) -> StoreResult<()> {
        let mut work = self.begin().await?;
        let done = work.delete_api_token(user, id).await;
        work.end(done).await
    }
    /// [`AccountsWork::put_profile`] in a unit of work of its own.
    async fn put_profile(&self, user: Uuid, profile: &ProfileDraft, now: i64) -> StoreResult<Profile> {
        let mut work = self.begin().await?;
        let done = work.put_profile(user, profile, now).await;
        work.end(done).await
    }
}

/// What is written of accounts, inside a unit of work.
#[async_trait]
pub trait AccountsWork: Send {
    /// A new account with its first profile (`EmailTaken` when the address has one).
    async fn create_user(&mut self, user: NewUser) -> StoreResult<User>;
    async fn set_admin(&mut self, email: &Email, is_admin: bool) -> StoreResult<User>;
    async fn insert_token(&mut self, token: NewToken) -> StoreResult<ApiToken>;
    async fn delete_token_by_hash(&mut self, token_hash: &str) -> StoreResult<()>;
    async fn delete_api_token(&mut self, user: Uuid, id: Uuid) -> StoreResult<()>;
    /// Saves a profile and records `profile.changed`.
    async fn put_profile(&mut self, user: Uuid, profile: &ProfileDraft, now: i64) -> StoreResult<Profile>;
}
