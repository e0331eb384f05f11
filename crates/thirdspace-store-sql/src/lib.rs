//! What thirdspace's SQL backends share: every operation of the store, its SQL and its
//! orchestration (lock, load, decide with the domain's rules, apply, record the event), written
//! once over [`Sql`], a connection that runs a statement with [`Value`]s and gives rows that read
//! as [`Columns`].
//!
//! A backend crate brings what is its own: its pool and transactions ([`Backend`]), how values
//! are bound and read in its types (a UUID is `TEXT` on SQLite and `uuid` on PostgreSQL), how its
//! errors map, its migrations, and the few clauses where the dialects differ ([`Dialect`]). The
//! statements use `$1`-style placeholders, which both accept.

mod accounts;
mod board;
mod bookings;
mod exchanges;
mod gatherings;
mod intros;
mod links;
mod mails;
mod outbox;
mod outcomes;
mod paging;
mod presence;
mod questions;
mod reports;
mod rows;
mod screens;
mod venues;
mod webhooks;

pub use outbox::CHANNEL;

use std::ops::Deref;

use async_trait::async_trait;
use chrono::NaiveDate;
use thirdspace_store::{Begin, StoreResult, Work};
use uuid::Uuid;

/// A value bound to a statement's placeholder. Nulls carry their type, which PostgreSQL needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Uuid(Option<Uuid>),
    Text(Option<String>),
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(Option<bool>),
    Date(NaiveDate),
    Json(serde_json::Value),
    Bytes(Vec<u8>),
}

impl From<Uuid> for Value {
    fn from(v: Uuid) -> Self {
        Self::Uuid(Some(v))
    }
}
impl From<Option<Uuid>> for Value {
    fn from(v: Option<Uuid>) -> Self {
        Self::Uuid(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(Some(v.to_owned()))
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Self::Text(v.map(str::to_owned))
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Self::Text(Some(v.clone()))
    }
}
impl From<&Option<String>> for Value {
    fn from(v: &Option<String>) -> Self {
        Self::Text(v.clone())
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Self::Int(Some(i64::from(v)))
    }
}
impl From<u16> for Value {
    fn from(v: u16) -> Self {
        Self::Int(Some(i64::from(v)))
    }
}
impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Self::Float(Some(f64::from(v)))
    }
}
impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Self {
        Self::Float(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(Some(v))
    }
}
impl From<NaiveDate> for Value {
    fn from(v: NaiveDate) -> Self {
        Self::Date(v)
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Self::Bytes(v.to_vec())
    }
}

/// A JSON value for a JSON column (`jsonb` on PostgreSQL, `TEXT` on SQLite).
pub fn json<T: serde::Serialize>(value: &T) -> StoreResult<Value> {
    serde_json::to_value(value).map(Value::Json).map_err(thirdspace_store::StoreError::backend)
}

/// The arguments of a statement, in placeholder order.
#[macro_export]
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        &[$($crate::Value::from($value)),*]
    };
}

/// A row read by column name, in the store's types. A backend reads each type that may be null;
/// the rest is written here once.
pub trait Columns {
    fn opt_uuid(&self, column: &str) -> StoreResult<Option<Uuid>>;
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>>;
    /// Any integer column, whatever its width.
    fn opt_int(&self, column: &str) -> StoreResult<Option<i64>>;
    /// Any floating-point column, whatever its width.
    fn opt_float(&self, column: &str) -> StoreResult<Option<f64>>;
    fn opt_bool(&self, column: &str) -> StoreResult<Option<bool>>;
    fn opt_date(&self, column: &str) -> StoreResult<Option<NaiveDate>>;
    fn opt_json(&self, column: &str) -> StoreResult<Option<serde_json::Value>>;
    fn opt_bytes(&self, column: &str) -> StoreResult<Option<Vec<u8>>>;

    fn uuid(&self, column: &str) -> StoreResult<Uuid> {
        required(self.opt_uuid(column)?, column)
    }
    fn text(&self, column: &str) -> StoreResult<String> {
        required(self.opt_text(column)?, column)
    }
    fn int(&self, column: &str) -> StoreResult<i64> {
        required(self.opt_int(column)?, column)
    }
    fn float(&self, column: &str) -> StoreResult<f64> {
        required(self.opt_float(column)?, column)
    }
    fn bool(&self, column: &str) -> StoreResult<bool> {
        required(self.opt_bool(column)?, column)
    }
    fn date(&self, column: &str) -> StoreResult<NaiveDate> {
        required(self.opt_date(column)?, column)
    }
    /// A whole number column as the unsigned type it stands for.
    fn unsigned<T: TryFrom<i64>>(&self, column: &str) -> StoreResult<T> {
        required(self.opt_unsigned(column)?, column)
    }
    /// A whole number column that may be null, as the unsigned type it stands for.
    fn opt_unsigned<T: TryFrom<i64>>(&self, column: &str) -> StoreResult<Option<T>> {
        self.opt_int(column)?
            .map(|raw| T::try_from(raw).map_err(|_| undecodable(column, format!("{raw} out of range"))))
            .transpose()
    }
    /// A JSON column as the type it holds.
    fn json<T: serde::de::DeserializeOwned>(&self, column: &str) -> StoreResult<T> {
        let raw = required(self.opt_json(column)?, column)?;
        serde_json::from_value(raw).map_err(|e| undecodable(column, e))
    }
    /// A text column holding one of a set of names.
    fn parsed<T>(&self, column: &str, parse: impl Fn(&str) -> Option<T>) -> StoreResult<T> {
        required(self.opt_parsed(column, parse)?, column)
    }
    /// A text column that may be null, holding one of a set of names.
    fn opt_parsed<T>(&self, column: &str, parse: impl Fn(&str) -> Option<T>) -> StoreResult<Option<T>> {
        self.opt_text(column)?
            .map(|raw| parse(&raw).ok_or_else(|| undecodable(column, format!("unexpected value {raw:?}"))))
            .transpose()
    }
}

fn required<T>(value: Option<T>, column: &str) -> StoreResult<T> {
    value.ok_or_else(|| undecodable(column, "unexpected null"))
}

/// A column whose stored value does not read as its type.
pub fn undecodable(column: &str, what: impl std::fmt::Display) -> thirdspace_store::StoreError {
    thirdspace_store::StoreError::backend(std::io::Error::other(format!("column {column}: {what}")))
}

/// Where the two dialects differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// One writer at a time (`BEGIN IMMEDIATE`): nothing needs a row lock.
    Sqlite,
    /// READ COMMITTED with row locks taken before reading, in one order: the person's `users`
    /// row, the venue's spaces by creation, then bookings.
    Postgres,
}

impl Dialect {
    /// The clause that locks the rows a `SELECT` reads until the transaction ends (empty where the
    /// single writer makes it needless). `FOR NO KEY UPDATE`, which foreign-key checks never wait on.
    pub fn lock(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR NO KEY UPDATE",
        }
    }

    /// The clause by which a sweep skips rows another transaction holds, locking those it takes
    /// (`of` names the table when the `SELECT` joins).
    pub fn skip_locked(self, of: &str) -> String {
        match self {
            Self::Sqlite => String::new(),
            Self::Postgres if of.is_empty() => " FOR NO KEY UPDATE SKIP LOCKED".to_owned(),
            Self::Postgres => format!(" FOR NO KEY UPDATE OF {of} SKIP LOCKED"),
        }
    }
}

/// A connection, or a transaction, running statements.
#[async_trait]
pub trait Sql: Send {
    type Row: Columns + Send + Sync;
    fn dialect(&self) -> Dialect;
    /// Runs a statement; how many rows it changed.
    async fn execute(&mut self, sql: &str, args: &[Value]) -> StoreResult<u64>;
    /// Runs an insert; `None` when it would break a unique constraint (on PostgreSQL the
    /// transaction can then only roll back).
    async fn insert(&mut self, sql: &str, args: &[Value]) -> StoreResult<Option<u64>>;
    async fn fetch_all(&mut self, sql: &str, args: &[Value]) -> StoreResult<Vec<Self::Row>>;
    async fn fetch_optional(&mut self, sql: &str, args: &[Value]) -> StoreResult<Option<Self::Row>>;
}

/// A write transaction.
#[async_trait]
pub trait Transaction: Sql + 'static {
    /// Commits, and wakes whoever reads the outbox.
    async fn commit(self) -> StoreResult<()>;
    /// Rolls back now, letting go of the locks held (a transaction merely dropped may hold them
    /// until its connection is used again).
    async fn rollback(self);
}

/// A database: its transactions and read connections, and its own checks.
#[async_trait]
pub trait Backend: Send + Sync + 'static {
    type Tx: Transaction;
    type Read: Sql;
    async fn begin(&self) -> StoreResult<Self::Tx>;
    async fn read(&self) -> StoreResult<Self::Read>;
    async fn ping(&self) -> StoreResult<()>;
    async fn ready(&self) -> StoreResult<()>;
    async fn close(&self);
    /// How the backend's connection pools are used now.
    fn pools(&self) -> Vec<thirdspace_store::PoolUse>;
    /// Whether it takes one write transaction at a time.
    fn one_writer(&self) -> bool;
    /// Completes when events may have been committed (see [`thirdspace_store::Events`]).
    async fn events_written(&self);
}

/// The store on a backend: every trait of [`thirdspace_store`], written once.
#[derive(Clone)]
pub struct SqlStore<B> {
    backend: B,
}

impl<B: Backend> SqlStore<B> {
    pub fn new(backend: B) -> Self {
        Self { backend }
    }

    /// A read connection.
    async fn read(&self) -> StoreResult<B::Read> {
        self.backend.read().await
    }

    /// A write transaction of its own, for a write that is not part of a unit of work.
    async fn begin_tx(&self) -> StoreResult<B::Tx> {
        self.backend.begin().await
    }
}

impl<B> Deref for SqlStore<B> {
    type Target = B;
    fn deref(&self) -> &B {
        &self.backend
    }
}

/// A unit of work on a backend's transaction.
pub struct SqlWork<T> {
    tx: T,
}

#[async_trait]
impl<B: Backend> Begin for SqlStore<B> {
    async fn begin(&self) -> StoreResult<Box<dyn Work>> {
        Ok(Box::new(SqlWork { tx: self.backend.begin().await? }))
    }
}

#[async_trait]
impl<T: Transaction> Work for SqlWork<T> {
    async fn commit(self: Box<Self>) -> StoreResult<()> {
        self.tx.commit().await
    }
    async fn rollback(self: Box<Self>) {
        self.tx.rollback().await;
    }
    async fn mark(&mut self) -> StoreResult<()> {
        self.tx.execute("SAVEPOINT mark", &[]).await.map(drop)
    }
    async fn keep_since_mark(&mut self) -> StoreResult<()> {
        self.tx.execute("RELEASE SAVEPOINT mark", &[]).await.map(drop)
    }
    async fn undo_to_mark(&mut self) -> StoreResult<()> {
        self.tx.execute("ROLLBACK TO SAVEPOINT mark", &[]).await?;
        self.keep_since_mark().await
    }
}

#[async_trait]
impl<B: Backend> thirdspace_store::Store for SqlStore<B> {
    async fn ping(&self) -> StoreResult<()> {
        self.backend.ping().await
    }
    async fn ready(&self) -> StoreResult<()> {
        self.backend.ready().await
    }
    async fn close(&self) {
        self.backend.close().await;
    }
    fn pools(&self) -> Vec<thirdspace_store::PoolUse> {
        self.backend.pools()
    }
    fn one_writer(&self) -> bool {
        self.backend.one_writer()
    }
}
