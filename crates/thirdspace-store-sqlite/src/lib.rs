//! thirdspace's store on an embedded SQLite file.
//!
//! Writes go through one connection, each in a transaction opened with `BEGIN IMMEDIATE` so the
//! write lock is taken before anything is read: a booking reads the seats held and inserts in
//! one step that no other writer (in this process or another) can interleave with. Reads use a
//! pool of their own. The file runs in WAL mode with `synchronous=NORMAL`.
//!
//! Every operation's SQL is shared with PostgreSQL ([`thirdspace_store_sql`]); this crate brings
//! the connections, how values are kept (UUIDs, dates and JSON as `TEXT`) and how errors map.

pub mod backup;
pub mod serving;
mod sql;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use thirdspace_store::{Outage, PoolUse, StoreError, StoreResult};
use thirdspace_store_sql::{Backend, SqlStore};
use tokio::sync::Notify;

use crate::sql::{Conn, Tx};

/// Whether `url` names an SQLite database (`sqlite://…`).
pub fn is_url(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// The schema's migrations, in order (`migrations/`, the same versions as PostgreSQL's).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The store on one SQLite file.
pub type SqliteStore = SqlStore<Sqlite>;

/// One SQLite file: its writer, its readers, and who waits for events.
#[derive(Clone)]
pub struct Sqlite {
    writer: SqlitePool,
    reader: SqlitePool,
    /// Woken after every commit (of events, among others).
    written: Arc<Notify>,
}

/// How long a request waits for a connection by default.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating it when missing) the database at `url` (`sqlite://path`) and brings its
/// schema up to date.
pub async fn open(url: &str) -> Result<SqliteStore, StoreError> {
    open_with(url, DEFAULT_ACQUIRE_TIMEOUT).await
}

/// As [`open`], with how long a request waits for a connection before it is refused as
/// unavailable.
pub async fn open_with(url: &str, acquire_timeout: Duration) -> Result<SqliteStore, StoreError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(StoreError::backend)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(acquire_timeout)
        .connect_with(options.clone())
        .await
        .map_err(StoreError::backend)?;
    MIGRATOR.run(&writer).await.map_err(StoreError::backend)?;
    let readers = std::thread::available_parallelism().map_or(4, |n| n.get() as u32 * 2).max(4);
    // A reader hands its rows over as SQLite steps through them: room for a whole listing (a
    // calendar feed holds up to a thousand dates) lets it finish without waiting for the request
    // to take them, which on a busy machine costs a wake-up each time the buffer fills. Its own
    // page cache (16 MiB instead of 2) holds the pages of such a listing from one read to the next.
    let options = options.read_only(true).row_buffer_size(1024).pragma("cache_size", "-16384");
    let reader = SqlitePoolOptions::new()
        .max_connections(readers)
        .acquire_timeout(acquire_timeout)
        .connect_with(options)
        .await
        .map_err(StoreError::backend)?;
    Ok(SqlStore::new(Sqlite { writer, reader, written: Arc::new(Notify::new()) }))
}

impl Sqlite {
    /// Starts a write transaction holding SQLite's write lock from its first statement.
    ///
    /// A write whose commit failed (a full disk, say) can leave the connection believing a
    /// transaction is still open after SQLite rolled it back; that connection is replaced, so
    /// writes work again as soon as the cause is gone.
    async fn write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        match self.writer.begin_with("BEGIN IMMEDIATE").await {
            Err(sqlx::Error::InvalidSavePointStatement) => {
                tracing::warn!("replacing the writer connection, left inside a failed transaction");
                if let Ok(stuck) = self.writer.acquire().await {
                    let _ = stuck.close().await;
                }
                self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(db)
            }
            begun => begun.map_err(db),
        }
    }

    /// Closes both pools, flushing the WAL.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

#[async_trait]
impl Backend for Sqlite {
    type Tx = Conn<Tx>;
    type Read = Conn<PoolConnection<sqlx::Sqlite>>;

    async fn begin(&self) -> StoreResult<Self::Tx> {
        Ok(Conn(Tx { tx: self.write().await?, written: self.written.clone() }))
    }

    async fn read(&self) -> StoreResult<Self::Read> {
        Ok(Conn(self.reader.acquire().await.map_err(db)?))
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await.map_err(db)?;
        Ok(())
    }

    async fn ready(&self) -> StoreResult<()> {
        self.ping().await?;
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(&self.reader)
                .await
                .map_err(db)?;
        thirdspace_store::schema_current(&applied, MIGRATOR.iter().map(|m| m.version))
            .map_err(|why| StoreError::unavailable(Outage::Schema, std::io::Error::other(why)))?;
        // Rewriting the header's user version with its own value commits a page: it fails when
        // nothing can be written, and changes nothing when it succeeds.
        let mut tx = self.write().await?;
        let version: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(&mut *tx).await.map_err(db)?;
        sqlx::query(&format!("PRAGMA user_version = {version}")).execute(&mut *tx).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn close(&self) {
        Sqlite::close(self).await;
    }

    fn pools(&self) -> Vec<PoolUse> {
        vec![pool_use("reader", &self.reader), pool_use("writer", &self.writer)]
    }

    fn one_writer(&self) -> bool {
        true
    }

    async fn events_written(&self) {
        self.written.notified().await;
    }
}

/// Maps a database error; the cause is kept for the log. A disk that is full or failing, or a
/// database busy or out of reach, is an outage the same request may get past later.
fn db(err: sqlx::Error) -> StoreError {
    // SQLite's primary result codes (the low byte of the extended code).
    const BUSY: i64 = 5;
    const LOCKED: i64 = 6;
    const READONLY: i64 = 8;
    const IOERR: i64 = 10;
    const FULL: i64 = 13;
    const CANTOPEN: i64 = 14;
    let primary = match &err {
        sqlx::Error::Database(e) => e.code().and_then(|c| c.parse::<i64>().ok()).map(|c| c & 0xff),
        _ => None,
    };
    match (&err, primary) {
        (_, Some(FULL | IOERR | READONLY | CANTOPEN)) => StoreError::unavailable(Outage::Full, err),
        (_, Some(BUSY | LOCKED)) => StoreError::unavailable(Outage::Unreachable, err),
        (sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed, _) => {
            StoreError::unavailable(Outage::Unreachable, err)
        }
        _ => StoreError::backend(err),
    }
}

fn pool_use(name: &'static str, pool: &SqlitePool) -> PoolUse {
    let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
    PoolUse { name, open: pool.size(), idle, max: pool.options().get_max_connections() }
}
