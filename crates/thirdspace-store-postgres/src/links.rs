//! One-time links sent by e-mail: log in without a password, or choose a new password. And the
//! count of failed log-ins per address, shared by every instance.

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
    sqlx::query(
        "INSERT INTO login_links (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user)
    .bind(purpose.as_str())
    .bind(now)
    .bind(expires_at)
    .execute(&store.pool)
    .await
    .map_err(db)?;
    Ok(())
}

/// Marks the link used and gives whom it was for, when it still works. Of two transactions using
/// one link, the second waits for the first and then finds it used.
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
        sqlx::query("DELETE FROM tokens WHERE user_id = $1 AND kind = 'session'")
            .bind(user.id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        Ok(Some(user))
    }
    .await;
    finish(tx, outcome).await
}

pub async fn failures(store: &PgStore, email: &str) -> StoreResult<Option<(u32, i64)>> {
    let row: Option<(i32, i64)> = sqlx::query_as("SELECT failures, since FROM login_failures WHERE email = $1")
        .bind(email)
        .fetch_optional(&store.pool)
        .await
        .map_err(db)?;
    Ok(row.map(|(failures, since)| (u32::try_from(failures).unwrap_or(0), since)))
}

/// One statement: of two instances counting at once, the second waits on the row and adds to it.
pub async fn record_failure(store: &PgStore, email: &str, now: i64, window: i64) -> StoreResult<(u32, i64)> {
    let (failures, since): (i32, i64) = sqlx::query_as(
        "INSERT INTO login_failures (email, failures, since) VALUES ($1, 1, $2) ON CONFLICT (email) DO UPDATE SET \
         failures = CASE WHEN login_failures.since + $3 <= $2 THEN 1 ELSE login_failures.failures + 1 END, \
         since = CASE WHEN login_failures.since + $3 <= $2 THEN $2 ELSE login_failures.since END \
         RETURNING failures, since",
    )
    .bind(email)
    .bind(now)
    .bind(window)
    .fetch_one(&store.pool)
    .await
    .map_err(db)?;
    Ok((u32::try_from(failures).unwrap_or(0), since))
}

pub async fn clear_failures(store: &PgStore, email: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE email = $1").bind(email).execute(&store.pool).await.map_err(db)?;
    Ok(())
}

pub async fn forget_failures(store: &PgStore, before: i64) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM login_failures WHERE since < $1")
        .bind(before)
        .execute(&store.pool)
        .await
        .map_err(db)?;
    Ok(done.rows_affected())
}
