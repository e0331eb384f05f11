//! E-mails to send, queued in the transaction of the change they tell of and claimed by one
//! instance at a time; and the kinds each member switched off.

use async_trait::async_trait;
use thirdspace_domain::mail::MailKind;
use uuid::Uuid;

use crate::{Begin, StoreResult};

/// An e-mail to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub kind: MailKind,
    /// At most one e-mail is ever queued under a key; `None` for one that needs none.
    pub key: Option<String>,
    pub user: Uuid,
    /// What it is about (a booking, a gathering's date, an introduction, a post…).
    pub subject: Uuid,
    pub due_at: i64,
}

/// A queued e-mail, as the instance that claimed it sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailJob {
    pub id: Uuid,
    pub kind: MailKind,
    pub user: Uuid,
    pub subject: Uuid,
    pub due_at: i64,
    /// Tries so far, this one included.
    pub attempts: u32,
    pub created_at: i64,
}

/// How an e-mail's try ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailDone {
    Sent,
    /// Not sent, for good: no longer true, or switched off by its reader.
    Skipped,
    /// Failed; tried again at the instant given.
    Retry(i64),
    /// Not yet: what it tells of moved; tried at the instant given, without counting a try.
    Later(i64),
    /// Failed too often: given up.
    Failed,
}

/// What is read of e-mails.
#[async_trait]
pub trait Mails: Begin {
    /// Claims up to `limit` e-mails due at `now` that nobody holds, for this instance until
    /// `until`, soonest due first; each try is counted.
    async fn claim_mails(&self, now: i64, until: i64, limit: u32) -> StoreResult<Vec<MailJob>>;
    /// Records how a claimed e-mail's try ended.
    async fn finish_mail(&self, id: Uuid, done: MailDone, now: i64) -> StoreResult<()>;
    /// The kinds of e-mail the member switched off.
    async fn mail_off(&self, user: Uuid) -> StoreResult<Vec<MailKind>>;
    /// The e-mails queued for someone, with how each ended (`"sent"`, `"skipped"`, `"failed"`) or
    /// `None` while queued: newest first, at most `limit`.
    async fn mails_of(&self, user: Uuid, limit: u32) -> StoreResult<Vec<(MailJob, Option<String>)>>;

    /// [`MailsWork::set_mail_off`] in a unit of work of its own.
    async fn set_mail_off(&self, user: Uuid, off: &[MailKind]) -> StoreResult<()> {
        let mut work = self.begin().await?;
        let done = work.set_mail_off(user, off).await;
        work.end(done).await
    }
    /// [`MailsWork::forget_mails`] in a unit of work of its own.
    async fn forget_mails(&self, before: i64) -> StoreResult<u64> {
        let mut work = self.begin().await?;
        let done = work.forget_mails(before).await;
        work.end(done).await
    }
    /// [`MailsWork::queue_mail`] in a unit of work of its own.
    async fn queue_mail(&self, mail: &NewMail, now: i64) -> StoreResult<bool> {
        let mut work = self.begin().await?;
        let done = work.queue_mail(mail, now).await;
        work.end(done).await
    }
}

/// What is written of e-mails, inside a unit of work.
#[async_trait]
pub trait MailsWork: Send {
    /// Queues an e-mail; `false` when one was already queued under its key.
    async fn queue_mail(&mut self, mail: &NewMail, now: i64) -> StoreResult<bool>;
    /// Queues several e-mails in one statement, each but those already queued under their key.
    async fn queue_mails(&mut self, mails: &[NewMail], now: i64) -> StoreResult<()>;
    /// Moves the e-mails of `kind` about `subject` not yet sent to `due_at` (a date moved: its
    /// reminders follow).
    async fn move_mails(&mut self, subject: Uuid, kind: MailKind, due_at: i64) -> StoreResult<u64>;
    /// Forgets the e-mails sent, skipped or given up before `before`; how many.
    async fn forget_mails(&mut self, before: i64) -> StoreResult<u64>;
    /// Sets the kinds of e-mail the member switched off (every other kind is on).
    async fn set_mail_off(&mut self, user: Uuid, off: &[MailKind]) -> StoreResult<()>;
}
