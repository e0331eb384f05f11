//! One-time links sent by e-mail: log in without a password, choose a new password, or confirm
//! an address. And the attempts counted per key (failed log-ins, e-mails asked for), shared by
//! every instance.

use sqlx::PgConnection;
use thirdspace_store::*;
use uuid::Uuid;

use crate::rows::{self, USER_COLUMNS};
use crate::{db, finish, PgStore};

pub async fn create(
    store: &PgStore,
    user: Uuid,
    purpose: LinkPurpose,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> StoreResult<()> {
    let mut tx = store.write().await?;
    let outcome = async {
        void_links(&mut tx, user, &[purpose], now).await?;
        sqlx::query(
            "INSERT INTO login_links (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user)
        .bind(purpose.as_str())
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        Ok(())
    }
    .await;
    finish(tx, outcome).await
}

/// Marks the person's links of `purposes` not yet used as used: they stop working.
async fn void_links(conn: &mut PgConnection, user: Uuid, purposes: &[LinkPurpose], now: i64) -> StoreResult<()> {
    let purposes: Vec<&str> = purposes.iter().map(|p| p.as_str()).collect();
    sqlx::query("UPDATE login_links SET used_at = $1 WHERE user_id = $2 AND purpose = ANY($3) AND used_at IS NULL")
        .bind(now)
        .bind(user)
        .bind(&purposes)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

/// Marks the link used and gives whom it was for, when it still works. Of two transactions using
/// one link, the second waits for the first and then finds it used. Using a link sent to the
/// address proves it: the person is verified from then on.
async fn consume(
    conn: &mut PgConnection,
    token_hash: &str,
    purpose: LinkPurpose,
    now: i64,
) -> StoreResult<Option<User>> {
    let user: Option<Uuid> = sqlx::query_scalar(
        "UPDATE login_links SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL \
         AND expires_at > $1 RETURNING user_id",
    )
    .bind(now)
    .bind(token_hash)
    .bind(purpose.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    let Some(user) = user else { return Ok(None) };
    sqlx::query("UPDATE users SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL")
        .bind(now)
        .bind(user)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    let sql = format!("SELECT {USER_COLUMNS} FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.id = $1");
    let row = sqlx::query(&sql).bind(user).fetch_optional(&mut *conn).await.map_err(db)?;
    row.map(|r| rows::user(&r)).transpose().map_err(db)
}

pub async fn use_link(store: &PgStore, token_hash: &str, purpose: LinkPurpose, now: i64) -> StoreResult<Option<User>> {
    let mut tx = store.write().await?;
    let outcome = async {
        let user = consume(&mut tx, token_hash, purpose, now).await?;
        Ok(user)
    }
    .await;
    finish(tx, outcome).await
}

pub async fn reset_password(
    store: &PgStore,
    token_hash: &str,
    password_hash: &str,
    now: i64,
) -> StoreResult<Option<User>> {
    let mut tx = store.write().await?;
    let outcome = async {
        let Some(user) = consume(&mut tx, token_hash, LinkPurpose::ResetPassword, now).await? else {
            return Ok(None);
        };
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user.id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query("DELETE FROM tokens WHERE user_id = $1").bind(user.id).execute(&mut *tx).await.map_err(db)?;
        void_links(&mut tx, user.id, &[LinkPurpose::LogIn, LinkPurpose::ResetPassword], now).await?;
        Ok(Some(user))
    }
    .await;
    finish(tx, outcome).await
}

pub async fn attempts(store: &PgStore, key: &str) -> StoreResult<Option<(u32, i64)>> {
    let row: Option<(i32, i64)> = sqlx::query_as("SELECT count, since FROM attempts WHERE key = $1")
        .bind(key)
        .fetch_optional(&store.pool)
        .await
        .map_err(db)?;
    Ok(row.map(|(count, since)| (u32::try_from(count).unwrap_or(0), since)))
}

/// One statement: of two instances counting at once, the second waits on the row and adds to it.
pub async fn count_attempt(store: &PgStore, key: &str, now: i64, window: i64) -> StoreResult<(u32, i64)> {
    let (count, since): (i32, i64) = sqlx::query_as(
        "INSERT INTO attempts (key, count, since) VALUES ($1, 1, $2) ON CONFLICT (key) DO UPDATE SET \
         count = CASE WHEN attempts.since + $3 <= $2 THEN 1 ELSE attempts.count + 1 END, \
         since = CASE WHEN attempts.since + $3 <= $2 THEN $2 ELSE attempts.since END \
         RETURNING count, since",
    )
    .bind(key)
    .bind(now)
    .bind(window)
    .fetch_one(&store.pool)
    .await
    .map_err(db)?;
    Ok((u32::try_from(count).unwrap_or(0), since))
}

pub async fn clear_attempts(store: &PgStore, key: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM attempts WHERE key = $1").bind(key).execute(&store.pool).await.map_err(db)?;
    Ok(())
}

pub async fn forget_attempts(store: &PgStore, before: i64) -> StoreResult<u64> {
    let done =
        sqlx::query("DELETE FROM attempts WHERE since < $1").bind(before).execute(&store.pool).await.map_err(db)?;
    Ok(done.rows_affected())
}
