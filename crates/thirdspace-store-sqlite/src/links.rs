//! One-time links sent by e-mail: log in without a password, choose a new password, or confirm
//! an address. And the attempts counted per key (failed log-ins, e-mails asked for).

use sqlx::SqliteConnection;
use thirdspace_store::*;
use uuid::Uuid;

use crate::rows::{self, USER_COLUMNS};
use crate::{db, SqliteStore};

pub async fn create(
    store: &SqliteStore,
    user: Uuid,
    purpose: LinkPurpose,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> StoreResult<()> {
    let mut tx = store.write().await?;
    void_links(&mut tx, user, &[purpose], now).await?;
    sqlx::query(
        "INSERT INTO login_links (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(user.to_string())
    .bind(purpose.as_str())
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)
}

/// Marks the person's links of `purposes` not yet used as used: they stop working.
async fn void_links(conn: &mut SqliteConnection, user: Uuid, purposes: &[LinkPurpose], now: i64) -> StoreResult<()> {
    for purpose in purposes {
        sqlx::query("UPDATE login_links SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL")
            .bind(now)
            .bind(user.to_string())
            .bind(purpose.as_str())
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(())
}

/// Marks the link used and gives whom it was for, when it still works. Using a link sent to the
/// address proves it: the person is verified from then on.
async fn consume(
    conn: &mut SqliteConnection,
    token_hash: &str,
    purpose: LinkPurpose,
    now: i64,
) -> StoreResult<Option<User>> {
    let user: Option<String> = sqlx::query_scalar(
        "UPDATE login_links SET used_at = ? WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ? \
         RETURNING user_id",
    )
    .bind(now)
    .bind(token_hash)
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    let Some(user) = user else { return Ok(None) };
    sqlx::query("UPDATE users SET email_verified_at = ? WHERE id = ? AND email_verified_at IS NULL")
        .bind(now)
        .bind(&user)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    let sql = format!("SELECT {USER_COLUMNS} FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.id = ?");
    let row = sqlx::query(&sql).bind(user).fetch_optional(&mut *conn).await.map_err(db)?;
    row.map(|r| rows::user(&r)).transpose().map_err(db)
}

pub async fn use_link(
    store: &SqliteStore,
    token_hash: &str,
    purpose: LinkPurpose,
    now: i64,
) -> StoreResult<Option<User>> {
    let mut tx = store.write().await?;
    let user = consume(&mut tx, token_hash, purpose, now).await?;
    tx.commit().await.map_err(db)?;
    Ok(user)
}

pub async fn reset_password(
    store: &SqliteStore,
    token_hash: &str,
    password_hash: &str,
    now: i64,
) -> StoreResult<Option<User>> {
    let mut tx = store.write().await?;
    let Some(user) = consume(&mut tx, token_hash, LinkPurpose::ResetPassword, now).await? else {
        return Ok(None);
    };
    sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
        .bind(password_hash)
        .bind(user.id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    sqlx::query("DELETE FROM tokens WHERE user_id = ?")
        .bind(user.id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    void_links(&mut tx, user.id, &[LinkPurpose::LogIn, LinkPurpose::ResetPassword], now).await?;
    tx.commit().await.map_err(db)?;
    Ok(Some(user))
}

pub async fn attempts(store: &SqliteStore, key: &str) -> StoreResult<Option<(u32, i64)>> {
    let row: Option<(i64, i64)> = sqlx::query_as("SELECT count, since FROM attempts WHERE key = ?")
        .bind(key)
        .fetch_optional(&store.reader)
        .await
        .map_err(db)?;
    Ok(row.map(|(count, since)| (u32::try_from(count).unwrap_or(u32::MAX), since)))
}

pub async fn count_attempt(store: &SqliteStore, key: &str, now: i64, window: i64) -> StoreResult<(u32, i64)> {
    let mut tx = store.write().await?;
    // Every expression of the update reads the row as it was.
    let (count, since): (i64, i64) = sqlx::query_as(
        "INSERT INTO attempts (key, count, since) VALUES (?1, 1, ?2) ON CONFLICT (key) DO UPDATE SET \
         count = CASE WHEN attempts.since + ?3 <= ?2 THEN 1 ELSE attempts.count + 1 END, \
         since = CASE WHEN attempts.since + ?3 <= ?2 THEN ?2 ELSE attempts.since END \
         RETURNING count, since",
    )
    .bind(key)
    .bind(now)
    .bind(window)
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok((u32::try_from(count).unwrap_or(u32::MAX), since))
}

pub async fn clear_attempts(store: &SqliteStore, key: &str) -> StoreResult<()> {
    let mut tx = store.write().await?;
    sqlx::query("DELETE FROM attempts WHERE key = ?").bind(key).execute(&mut *tx).await.map_err(db)?;
    tx.commit().await.map_err(db)
}

pub async fn forget_attempts(store: &SqliteStore, before: i64) -> StoreResult<u64> {
    let mut tx = store.write().await?;
    let done = sqlx::query("DELETE FROM attempts WHERE since < ?").bind(before).execute(&mut *tx).await.map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(done.rows_affected())
}
