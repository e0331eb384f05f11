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

/// The columns of a table whose rows are e-mails to send: when each is due, held until, tried how
/// often, and when and how it ended.
pub(crate) struct Queue {
    pub table: &'static str,
    pub due: &'static str,
    pub claimed: &'static str,
    pub attempts: &'static str,
    pub done: &'static str,
    pub outcome: &'static str,
}

const MAIL_JOBS: Queue = Queue {
    table: "mail_jobs",
    due: "due_at",
    claimed: "claimed_until",
    attempts: "attempts",
    done: "done_at",
    outcome: "outcome",
};

/// Claims up to `limit` rows of `queue` due at `now` that nobody holds, for this instance until
/// `until`, counting a try of each, in one statement of its own transaction; `returning` names
/// the columns `read` reads.
pub(crate) async fn claim<B: Backend, T>(
    store: &SqlStore<B>,
    queue: &Queue,
    returning: &str,
    (now, until, limit): (i64, i64, u32),
    read: impl Fn(&<B::Tx as Sql>::Row) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let Queue { table, due, claimed, attempts, done, .. } = queue;
    let mut tx = store.begin_tx().await?;
    let skip = tx.dialect().skip_locked("");
    let sql = format!(
        "UPDATE {table} SET {claimed} = $1, {attempts} = {attempts} + 1 WHERE id IN \
         (SELECT id FROM {table} WHERE {done} IS NULL AND {due} IS NOT NULL AND {due} <= $2 AND {claimed} <= $2 \
          ORDER BY {due}, id LIMIT $3{skip}) RETURNING {returning}"
    );
    match tx.fetch_all(&sql, args![until, now, i64::from(limit)]).await {
        Ok(rows) => {
            tx.commit().await?;
            rows.iter().map(read).collect()
        }
        Err(e) => {
            tx.rollback().await;
            Err(e)
        }
    }
}

/// Records how a claimed row of `queue` was tried, in a transaction of its own.
pub(crate) async fn finish<B: Backend>(
    store: &SqlStore<B>,
    queue: &Queue,
    id: Uuid,
    done: MailDone,
    now: i64,
) -> StoreResult<()> {
    let Queue { table, due, claimed, attempts, done: done_at, outcome } = queue;
    let (sql, args): (String, Vec<Value>) = match done {
        MailDone::Sent | MailDone::Skipped | MailDone::Failed => {
            let ended = match done {
                MailDone::Sent => "sent",
                MailDone::Skipped => "skipped",
                _ => "failed",
            };
            (
                format!("UPDATE {table} SET {done_at} = $1, {outcome} = $2, {claimed} = 0 WHERE id = $3"),
                args![now, ended, id].to_vec(),
            )
        }
        MailDone::Retry(at) => {
            (format!("UPDATE {table} SET {due} = $1, {claimed} = 0 WHERE id = $2"), args![at, id].to_vec())
        }
        MailDone::Later(at) => (
            format!("UPDATE {table} SET {due} = $1, {claimed} = 0, {attempts} = {attempts} - 1 WHERE id = $2"),
            args![at, id].to_vec(),
        ),
    };
    let mut tx = store.begin_tx().await?;
    match tx.execute(&sql, &args).await {
        Ok(_) => tx.commit().await,
        Err(e) => {
            tx.rollback().await;
            Err(e)
        }
    }
}

#[async_trait]
impl<B: Backend> Mails for SqlStore<B> {
    async fn claim_mails(&self, now: i64, until: i64, limit: u32) -> StoreResult<Vec<MailJob>> {
        let mut jobs = claim(self, &MAIL_JOBS, JOB_COLUMNS, (now, until, limit), job).await?;
        jobs.sort_by_key(|j| (j.due_at, j.id));
        Ok(jobs)
    }

    async fn finish_mail(&self, id: Uuid, done: MailDone, now: i64) -> StoreResult<()> {
        finish(self, &MAIL_JOBS, id, done, now).await
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
    async fn queue_mails(&mut self, mails: &[NewMail], now: i64) -> StoreResult<()> {
        // 500 rows a statement keeps well inside both databases' limits on bound values.
        for chunk in mails.chunks(500) {
            let mut rows = Vec::with_capacity(chunk.len());
            let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * 7);
            for (i, mail) in chunk.iter().enumerate() {
                let id = Uuid::now_v7();
                let key = mail.key.clone().unwrap_or_else(|| format!("{}:{id}", mail.kind.as_str()));
                let n = i * 7;
                rows.push(format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    n + 1,
                    n + 2,
                    n + 3,
                    n + 4,
                    n + 5,
                    n + 6,
                    n + 7
                ));
                args.extend(
                    args![id, &key, mail.kind.as_str(), mail.user, mail.subject, mail.due_at, now].iter().cloned(),
                );
            }
            let sql = format!(
                "INSERT INTO mail_jobs (id, key, kind, user_id, subject_id, due_at, created_at) VALUES {} \
                 ON CONFLICT (key) DO NOTHING",
                rows.join(", ")
            );
            self.tx.execute(&sql, &args).await?;
        }
        Ok(())
    }

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
