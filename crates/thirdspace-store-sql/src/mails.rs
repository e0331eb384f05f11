//! E-mails to send and the kinds each member switched off.
//!
//! A claim is one statement that marks the rows it takes as held until a deadline: on PostgreSQL
//! it skips rows another instance is claiming at that moment, on SQLite the one writer serialises
//! claims. An e-mail held by an instance that stopped is claimed again once its hold lapses.

use async_trait::async_trait;
use thirdspace_domain::mail::MailKind;
use thirdspace_store::*;
use uuid::Uuid;

use crate::{args, Backend, Columns, Sql, SqlStore, SqlWork, Transaction, Value};

const JOB_COLUMNS: &str = "id, kind, user_id, subject_id, due_at, attempts, created_at";

fn job(r: &impl Columns) -> StoreResult<MailJob> {
    Ok(MailJob {
        id: r.uuid("id")?,
        kind: r.parsed("kind", MailKind::parse)?,
        user: r.uuid("user_id")?,
        subject: r.uuid("subject_id")?,
        due_at: r.int("due_at")?,
        attempts: r.unsigned("attempts")?,
        created_at: r.int("created_at")?,
    })
}

#[async_trait]
impl<B: Backend> Mails for SqlStore<B> {
    async fn claim_mails(&self, now: i64, until: i64, limit: u32) -> StoreResult<Vec<MailJob>> {
        let mut tx = self.begin_tx().await?;
        let skip = tx.dialect().skip_locked("");
        let sql = format!(
            "UPDATE mail_jobs SET claimed_until = $1, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM mail_jobs WHERE done_at IS NULL AND due_at <= $2 AND claimed_until <= $2 \
              ORDER BY due_at, id LIMIT $3{skip}) RETURNING {JOB_COLUMNS}"
        );
        let claimed = tx.fetch_all(&sql, args![until, now, i64::from(limit)]).await;
        let claimed = match claimed {
            Ok(rows) => rows,
            Err(e) => {
                tx.rollback().await;
                return Err(e);
            }
        };
        tx.commit().await?;
        let mut jobs = claimed.iter().map(job).collect::<StoreResult<Vec<_>>>()?;
        jobs.sort_by_key(|j| (j.due_at, j.id));
        Ok(jobs)
    }

    async fn finish_mail(&self, id: Uuid, done: MailDone, now: i64) -> StoreResult<()> {
        let (sql, args): (&str, Vec<Value>) = match done {
            MailDone::Sent | MailDone::Skipped | MailDone::Failed => {
                let outcome = match done {
                    MailDone::Sent => "sent",
                    MailDone::Skipped => "skipped",
                    _ => "failed",
                };
                (
                    "UPDATE mail_jobs SET done_at = $1, outcome = $2, claimed_until = 0 WHERE id = $3",
                    args![now, outcome, id].to_vec(),
                )
            }
            MailDone::Retry(at) => {
                ("UPDATE mail_jobs SET due_at = $1, claimed_until = 0 WHERE id = $2", args![at, id].to_vec())
            }
            MailDone::Later(at) => (
                "UPDATE mail_jobs SET due_at = $1, claimed_until = 0, attempts = attempts - 1 WHERE id = $2",
                args![at, id].to_vec(),
            ),
        };
        let mut tx = self.begin_tx().await?;
        match tx.execute(sql, &args).await {
            Ok(_) => tx.commit().await,
            Err(e) => {
                tx.rollback().await;
                Err(e)
            }
        }
    }

    async fn mail_off(&self, user: Uuid) -> StoreResult<Vec<MailKind>> {
        let rows = self.read().await?.fetch_all("SELECT kind FROM mail_off WHERE user_id = $1", args![user]).await?;
        let mut off: Vec<MailKind> =
            rows.iter().filter_map(|r| r.text("kind").ok().and_then(|k| MailKind::parse(&k))).collect();
        off.sort();
        Ok(off)
    }

    async fn mails_of(&self, user: Uuid, limit: u32) -> StoreResult<Vec<(MailJob, Option<String>)>> {
        let sql = format!(
            "SELECT {JOB_COLUMNS}, outcome FROM mail_jobs WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        );
        let rows = self.read().await?.fetch_all(&sql, args![user, i64::from(limit)]).await?;
        rows.iter().map(|r| Ok((job(r)?, r.opt_text("outcome")?))).collect()
    }
}

#[async_trait]
impl<T: Transaction> MailsWork for SqlWork<T> {
    async fn queue_mail(&mut self, mail: &NewMail, now: i64) -> StoreResult<bool> {
        let id = Uuid::now_v7();
        let key = mail.key.clone().unwrap_or_else(|| format!("{}:{id}", mail.kind.as_str()));
        let sql = "INSERT INTO mail_jobs (id, key, kind, user_id, subject_id, due_at, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING";
        let added = self
            .tx
            .execute(sql, args![id, &key, mail.kind.as_str(), mail.user, mail.subject, mail.due_at, now])
            .await?;
        Ok(added > 0)
    }

    async fn move_mails(&mut self, subject: Uuid, kind: MailKind, due_at: i64) -> StoreResult<u64> {
        let sql = "UPDATE mail_jobs SET due_at = $1 WHERE subject_id = $2 AND kind = $3 AND done_at IS NULL";
        self.tx.execute(sql, args![due_at, subject, kind.as_str()]).await
    }

    async fn forget_mails(&mut self, before: i64) -> StoreResult<u64> {
        self.tx.execute("DELETE FROM mail_jobs WHERE done_at < $1", args![before]).await
    }

    async fn set_mail_off(&mut self, user: Uuid, off: &[MailKind]) -> StoreResult<()> {
        self.tx.execute("DELETE FROM mail_off WHERE user_id = $1", args![user]).await?;
        for kind in off {
            let sql = "INSERT INTO mail_off (user_id, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING";
            self.tx.execute(sql, args![user, kind.as_str()]).await?;
        }
        Ok(())
    }
}
