//! Users, their tokens and profiles.

use async_trait::async_trait;
use thirdspace_domain::email::Email;
use thirdspace_domain::profile::ProfileDraft;
use thirdspace_store::outbox::NewEvent;
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::record;
use crate::paging::paged;
use crate::rows::{self, USER_COLUMNS};
use crate::{args, json, Backend, Columns, Sql, SqlStore, SqlWork, Transaction};

const USER_FROM: &str = "users u JOIN profiles p ON p.user_id = u.id";

/// A user by a column of `users` (`u.id`, `u.email`).
pub async fn user_by<C: Sql>(c: &mut C, column: &str, value: crate::Value) -> StoreResult<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM {USER_FROM} WHERE {column} = $1");
    c.fetch_optional(&sql, &[value]).await?.map(|r| rows::user(&r)).transpose()
}

async fn profile_of<C: Sql>(c: &mut C, user: Uuid) -> StoreResult<Option<Profile>> {
    let row = c.fetch_optional("SELECT * FROM profiles WHERE user_id = $1", args![user]).await?;
    row.map(|r| rows::profile(&r)).transpose()
}

async fn write_profile<C: Sql>(c: &mut C, user: Uuid, p: &ProfileDraft, now: i64) -> StoreResult<()> {
    let sql = "INSERT INTO profiles (user_id, display_name, headline, bio, offers, seeking, seeking_text, interests, \
         field, links, visibility, open_to_meet, updated_at, record_visibility) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, headline = excluded.headline, \
         bio = excluded.bio, offers = excluded.offers, seeking = excluded.seeking, seeking_text = excluded.seeking_text, \
         interests = excluded.interests, field = excluded.field, links = excluded.links, visibility = excluded.visibility, \
         open_to_meet = excluded.open_to_meet, updated_at = excluded.updated_at, \
         record_visibility = excluded.record_visibility";
    let args = [
        user.into(),
        (&p.display_name).into(),
        (&p.headline).into(),
        (&p.bio).into(),
        json(&p.offers)?,
        json(&p.seeking)?,
        (&p.seeking_text).into(),
        json(&p.interests)?,
        (&p.field).into(),
        json(&p.links)?,
        p.visibility.as_str().into(),
        p.open_to_meet.into(),
        now.into(),
        p.record_visibility.as_str().into(),
    ];
    c.execute(sql, &args).await?;
    Ok(())
}

#[async_trait]
impl<B: Backend> Accounts for SqlStore<B> {
    async fn credentials(&self, email: &Email) -> StoreResult<Option<Credentials>> {
        let sql = format!("SELECT {USER_COLUMNS}, u.password_hash FROM {USER_FROM} WHERE u.email = $1");
        let row = self.read().await?.fetch_optional(&sql, args![email.as_str()]).await?;
        row.map(|r| Ok(Credentials { user: rows::user(&r)?, password_hash: r.text("password_hash")? })).transpose()
    }

    async fn user(&self, id: Uuid) -> StoreResult<Option<User>> {
        user_by(&mut self.read().await?, "u.id", id.into()).await
    }

    async fn token_user(&self, token_hash: &str, now: i64) -> StoreResult<Option<(User, TokenKind)>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, t.kind FROM tokens t JOIN users u ON u.id = t.user_id \
             JOIN profiles p ON p.user_id = u.id \
             WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2)"
        );
        let row = self.read().await?.fetch_optional(&sql, args![token_hash, now]).await?;
        row.map(|r| {
            let kind = if r.text("kind")? == "api" { TokenKind::Api } else { TokenKind::Session };
            Ok((rows::user(&r)?, kind))
        })
        .transpose()
    }

    async fn api_tokens(&self, user: Uuid, page: Page) -> StoreResult<Paged<ApiToken>> {
        let from = "tokens WHERE user_id = $1 AND kind = 'api'";
        let columns = "id, name, created_at, expires_at";
        paged(&mut self.read().await?, columns, from, "created_at DESC, id DESC", args![user], page, rows::api_token)
            .await
    }

    async fn profile(&self, user: Uuid) -> StoreResult<Option<Profile>> {
        profile_of(&mut self.read().await?, user).await
    }

    async fn profiles(&self, users: &[Uuid]) -> StoreResult<Vec<Profile>> {
        let mut c = self.read().await?;
        let mut out = Vec::with_capacity(users.len());
        for chunk in users.chunks(500) {
            let list = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
            let args: Vec<crate::Value> = chunk.iter().map(|u| crate::Value::from(*u)).collect();
            let sql = format!("SELECT * FROM profiles WHERE user_id IN ({list})");
            for row in &c.fetch_all(&sql, &args).await? {
                out.push(rows::profile(row)?);
            }
        }
        Ok(out)
    }
}

#[async_trait]
impl<T: Transaction> AccountsWork for SqlWork<T> {
    async fn create_user(&mut self, new: NewUser) -> StoreResult<User> {
        let id = Uuid::now_v7();
        let sql = "INSERT INTO users (id, email, password_hash, is_admin, email_verified_at, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6)";
        let verified = new.email_verified.then_some(new.now);
        let args = args![id, new.email.as_str(), &new.password_hash, new.is_admin, verified, new.now];
        if self.tx.insert(sql, args).await?.is_none() {
            return Err(AccountConflict::EmailTaken.into());
        }
        write_profile(&mut self.tx, id, &ProfileDraft::new_member(new.display_name.clone()), new.now).await?;
        Ok(User {
            id,
            email: new.email.to_string(),
            display_name: new.display_name,
            is_admin: new.is_admin,
            email_verified: new.email_verified,
            created_at: new.now,
        })
    }

    async fn set_admin(&mut self, email: &Email, is_admin: bool) -> StoreResult<User> {
        let sql = "UPDATE users SET is_admin = $1 WHERE email = $2";
        if self.tx.execute(sql, args![is_admin, email.as_str()]).await? == 0 {
            return Err(StoreError::NotFound("user"));
        }
        user_by(&mut self.tx, "u.email", email.as_str().into()).await?.ok_or(StoreError::NotFound("user"))
    }

    async fn insert_token(&mut self, token: NewToken) -> StoreResult<ApiToken> {
        let id = Uuid::now_v7();
        let sql = "INSERT INTO tokens (id, user_id, kind, token_hash, name, created_at, expires_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7)";
        let args =
            args![id, token.user, token.kind.as_str(), &token.token_hash, &token.name, token.now, token.expires_at];
        self.tx.execute(sql, args).await?;
        Ok(ApiToken { id, name: token.name, created_at: token.now, expires_at: token.expires_at })
    }

    async fn delete_token_by_hash(&mut self, token_hash: &str) -> StoreResult<()> {
        self.tx.execute("DELETE FROM tokens WHERE token_hash = $1", args![token_hash]).await?;
        Ok(())
    }

    async fn delete_api_token(&mut self, user: Uuid, id: Uuid) -> StoreResult<()> {
        let sql = "DELETE FROM tokens WHERE id = $1 AND user_id = $2 AND kind = 'api'";
        if self.tx.execute(sql, args![id, user]).await? == 0 {
            return Err(StoreError::NotFound("token"));
        }
        Ok(())
    }

    async fn put_profile(&mut self, user: Uuid, draft: &ProfileDraft, now: i64) -> StoreResult<Profile> {
        if self.tx.fetch_optional("SELECT 1 FROM users WHERE id = $1", args![user]).await?.is_none() {
            return Err(StoreError::NotFound("user"));
        }
        write_profile(&mut self.tx, user, draft, now).await?;
        let profile = profile_of(&mut self.tx, user).await?.ok_or(StoreError::NotFound("user"))?;
        let here = crate::presence::checked_in_at(&mut self.tx, user, now).await?;
        record(&mut self.tx, &NewEvent::profile(user, here, now)).await?;
        Ok(profile)
    }
}
