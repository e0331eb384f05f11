//! One-time links sent by e-mail: log in without a password, choose a new password, or confirm
//! an address. And the attempts counted per key (failed log-ins, e-mails asked for), shared by
//! every instance.

use async_trait::async_trait;
use thirdspace_store::*;
use uuid::Uuid;

use crate::accounts::user_by;
use crate::{args, Backend, Columns, Sql, SqlStore, SqlWork, Transaction, Value};

/// Marks the person's links of `purposes` not yet used as used: they stop working.
async fn void_links<C: Sql>(c: &mut C, user: Uuid, purposes: &[LinkPurpose], now: i64) -> StoreResult<()> {
    let placeholders: Vec<String> = (0..purposes.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "UPDATE login_links SET used_at = $1 WHERE user_id = $2 AND purpose IN ({}) AND used_at IS NULL",
        placeholders.join(", ")
    );
    let mut args = vec![Value::from(now), Value::from(user)];
    args.extend(purposes.iter().map(|p| Value::from(p.as_str())));
    c.execute(&sql, &args).await?;
    Ok(())
}

/// Marks the link used and gives whom it was for, when it still works. Of two transactions using
/// one link, the second waits for the first and then finds it used. Using a link sent to the
/// address proves it: the person is verified from then on.
async fn consume<C: Sql>(c: &mut C, token_hash: &str, purpose: LinkPurpose, now: i64) -> StoreResult<Option<User>> {
    let sql = "UPDATE login_links SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL \
               AND expires_at > $1 RETURNING user_id";
    let Some(row) = c.fetch_optional(sql, args![now, token_hash, purpose.as_str()]).await? else {
        return Ok(None);
    };
    let user = row.uuid("user_id")?;
    let verify = "UPDATE users SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL";
    c.execute(verify, args![now, user]).await?;
    user_by(c, "u.id", user.into()).await
}

/// An attempt count, which is never negative.
fn count(r: &impl Columns) -> StoreResult<(u32, i64)> {
    Ok((r.unsigned("count").unwrap_or(0), r.int("since")?))
}

#[async_trait]
impl<B: Backend> Links for SqlStore<B> {
    async fn attempts(&self, key: &str) -> StoreResult<Option<(u32, i64)>> {
        let sql = "SELECT count, since FROM attempts WHERE key = $1";
        self.read().await?.fetch_optional(sql, args![key]).await?.map(|r| count(&r)).transpose()
    }
}

#[async_trait]
impl<T: Transaction> LinksWork for SqlWork<T> {
    async fn create_login_link(
        &mut self,
        user: Uuid,
        purpose: LinkPurpose,
        token_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        void_links(&mut self.tx, user, &[purpose], now).await?;
        let sql = "INSERT INTO login_links (token_hash, user_id, purpose, created_at, expires_at) \
                   VALUES ($1, $2, $3, $4, $5)";
        self.tx.execute(sql, args![token_hash, user, purpose.as_str(), now, expires_at]).await?;
        Ok(())
    }

    async fn use_login_link(&mut self, token_hash: &str, purpose: LinkPurpose, now: i64) -> StoreResult<Option<User>> {
        consume(&mut self.tx, token_hash, purpose, now).await
    }

    async fn reset_password(&mut self, token_hash: &str, password_hash: &str, now: i64) -> StoreResult<Option<User>> {
        let Some(user) = consume(&mut self.tx, token_hash, LinkPurpose::ResetPassword, now).await? else {
            return Ok(None);
        };
        self.tx.execute("UPDATE users SET password_hash = $1 WHERE id = $2", args![password_hash, user.id]).await?;
        self.tx.execute("DELETE FROM tokens WHERE user_id = $1", args![user.id]).await?;
        void_links(&mut self.tx, user.id, &[LinkPurpose::LogIn, LinkPurpose::ResetPassword], now).await?;
        Ok(Some(user))
    }

    /// One statement: of two instances counting at once, the second waits on the row and adds to it.
    async fn count_attempt(&mut self, key: &str, now: i64, window: i64) -> StoreResult<(u32, i64)> {
        let sql = "INSERT INTO attempts (key, count, since) VALUES ($1, 1, $2) ON CONFLICT (key) DO UPDATE SET \
                   count = CASE WHEN attempts.since + $3 <= $2 THEN 1 ELSE attempts.count + 1 END, \
                   since = CASE WHEN attempts.since + $3 <= $2 THEN $2 ELSE attempts.since END \
                   RETURNING count, since";
        let row = self.tx.fetch_optional(sql, args![key, now, window]).await?;
        count(&row.ok_or(StoreError::NotFound("attempts"))?)
    }

    async fn clear_attempts(&mut self, key: &str) -> StoreResult<()> {
        self.tx.execute("DELETE FROM attempts WHERE key = $1", args![key]).await?;
        Ok(())
    }

    async fn forget_attempts(&mut self, before: i64) -> StoreResult<u64> {
        self.tx.execute("DELETE FROM attempts WHERE since < $1", args![before]).await
    }
}
