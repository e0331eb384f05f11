//! Users, their tokens and profiles.

use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use thirdspace_domain::email::Email;
use thirdspace_domain::profile::ProfileDraft;
use thirdspace_store::outbox::NewEvent;
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::record;
use crate::paging::{paged, Arg};
use crate::rows::{self, USER_COLUMNS};
use crate::{db, finish, is_unique_violation, PgStore};

pub async fn create_user(store: &PgStore, new: NewUser) -> StoreResult<User> {
    let mut tx = store.write().await?;
    let id = Uuid::now_v7();
    let outcome = async {
        let inserted = sqlx::query(
            "INSERT INTO users (id, email, password_hash, is_admin, email_verified_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(new.email.as_str())
        .bind(&new.password_hash)
        .bind(new.is_admin)
        .bind(new.email_verified.then_some(new.now))
        .bind(new.now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(Conflict::EmailTaken.into()),
            other => other.map_err(db)?,
        };
        write_profile(&mut tx, id, &ProfileDraft::new_member(new.display_name.clone()), new.now).await
    }
    .await;
    finish(tx, outcome).await?;
    Ok(User {
        id,
        email: new.email.to_string(),
        display_name: new.display_name,
        is_admin: new.is_admin,
        email_verified: new.email_verified,
        created_at: new.now,
    })
}

pub async fn credentials(store: &PgStore, email: &Email) -> StoreResult<Option<Credentials>> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, u.password_hash FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.email = $1"
    );
    let row = sqlx::query(&sql).bind(email.as_str()).fetch_optional(&store.pool).await.map_err(db)?;
    row.map(|r| Ok(Credentials { user: rows::user(&r)?, password_hash: r.try_get("password_hash")? }))
        .transpose()
        .map_err(db)
}

pub async fn user(store: &PgStore, id: Uuid) -> StoreResult<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&store.pool).await.map_err(db)?;
    row.map(|r| rows::user(&r)).transpose().map_err(db)
}

pub async fn set_admin(store: &PgStore, email: &Email, is_admin: bool) -> StoreResult<User> {
    let mut tx = store.write().await?;
    let outcome = async {
        let done = sqlx::query("UPDATE users SET is_admin = $1 WHERE email = $2")
            .bind(is_admin)
            .bind(email.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        let sql = format!("SELECT {USER_COLUMNS} FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.email = $1");
        let row = sqlx::query(&sql).bind(email.as_str()).fetch_one(&mut *tx).await.map_err(db)?;
        rows::user(&row).map_err(db)
    }
    .await;
    finish(tx, outcome).await
}

pub async fn insert_token(store: &PgStore, token: NewToken) -> StoreResult<ApiToken> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO tokens (id, user_id, kind, token_hash, name, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(token.user)
    .bind(token.kind.as_str())
    .bind(&token.token_hash)
    .bind(&token.name)
    .bind(token.now)
    .bind(token.expires_at)
    .execute(&store.pool)
    .await
    .map_err(db)?;
    Ok(ApiToken { id, name: token.name, created_at: token.now, expires_at: token.expires_at })
}

pub async fn token_user(store: &PgStore, token_hash: &str, now: i64) -> StoreResult<Option<(User, TokenKind)>> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, t.kind FROM tokens t JOIN users u ON u.id = t.user_id JOIN profiles p ON p.user_id = u.id \
         WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2)"
    );
    let row = sqlx::query(&sql).bind(token_hash).bind(now).fetch_optional(&store.pool).await.map_err(db)?;
    row.map(|r| {
        let kind: String = r.try_get("kind")?;
        let kind = if kind == "api" { TokenKind::Api } else { TokenKind::Session };
        Ok((rows::user(&r)?, kind))
    })
    .transpose()
    .map_err(db)
}

pub async fn delete_token_by_hash(store: &PgStore, token_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM tokens WHERE token_hash = $1").bind(token_hash).execute(&store.pool).await.map_err(db)?;
    Ok(())
}

pub async fn api_tokens(store: &PgStore, user: Uuid, page: Page) -> StoreResult<Paged<ApiToken>> {
    let from = "tokens WHERE user_id = $1 AND kind = 'api'";
    let args = [Arg::Id(user)];
    paged(
        &store.pool,
        "id, name, created_at, expires_at",
        from,
        "created_at DESC, id DESC",
        &args,
        page,
        rows::api_token,
    )
    .await
}

pub async fn delete_api_token(store: &PgStore, user: Uuid, id: Uuid) -> StoreResult<()> {
    let done = sqlx::query("DELETE FROM tokens WHERE id = $1 AND user_id = $2 AND kind = 'api'")
        .bind(id)
        .bind(user)
        .execute(&store.pool)
        .await
        .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("token"));
    }
    Ok(())
}

pub async fn profile(store: &PgStore, user: Uuid) -> StoreResult<Option<Profile>> {
    let row = sqlx::query("SELECT * FROM profiles WHERE user_id = $1")
        .bind(user)
        .fetch_optional(&store.pool)
        .await
        .map_err(db)?;
    row.map(|r| rows::profile(&r)).transpose().map_err(db)
}

pub async fn put_profile(store: &PgStore, user: Uuid, draft: &ProfileDraft, now: i64) -> StoreResult<Profile> {
    let mut tx = store.write().await?;
    let outcome = async {
        let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        if exists.is_none() {
            return Err(StoreError::NotFound("user"));
        }
        write_profile(&mut tx, user, draft, now).await?;
        let row = sqlx::query("SELECT * FROM profiles WHERE user_id = $1")
            .bind(user)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        let here = crate::bookings::checked_in_at(&mut tx, user, now).await?;
        record(&mut tx, &NewEvent::profile(user, here, now)).await?;
        rows::profile(&row).map_err(db)
    }
    .await;
    finish(tx, outcome).await
}

async fn write_profile(conn: &mut PgConnection, user: Uuid, p: &ProfileDraft, now: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO profiles (user_id, display_name, headline, bio, offers, seeking, seeking_text, interests, field, links, \
         visibility, open_to_meet, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, headline = excluded.headline, \
         bio = excluded.bio, offers = excluded.offers, seeking = excluded.seeking, seeking_text = excluded.seeking_text, \
         interests = excluded.interests, field = excluded.field, links = excluded.links, visibility = excluded.visibility, \
         open_to_meet = excluded.open_to_meet, updated_at = excluded.updated_at",
    )
    .bind(user)
    .bind(&p.display_name)
    .bind(&p.headline)
    .bind(&p.bio)
    .bind(Json(&p.offers))
    .bind(Json(&p.seeking))
    .bind(&p.seeking_text)
    .bind(Json(&p.interests))
    .bind(&p.field)
    .bind(Json(&p.links))
    .bind(p.visibility.as_str())
    .bind(p.open_to_meet)
    .bind(now)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}
