//! thirdspace's store on PostgreSQL.
//!
//! Transactions run at PostgreSQL's default READ COMMITTED level, where each statement sees what
//! was committed before it began. What SQLite gets from its single writer, this backend gets from
//! row locks taken before reading: anything that may add to the seats a person holds (a booking,
//! a check-in) first locks that person's `users` row, then the spaces the seat may be in, in
//! their creation order, and only then reads the bookings it checks. No two transactions can both
//! see the last seat free or both miss each other's overlapping booking, whether they run in one
//! process or several. Locks are `FOR NO KEY UPDATE`, which foreign-key checks never wait on;
//! the sweeps (no-shows, closing) skip rows another transaction holds and never wait, so the lock
//! order (person, then spaces, then bookings) has no cycle.
//!
//! Every operation's SQL is shared with SQLite ([`thirdspace_store_sql`]); this crate brings the
//! pool, the `LISTEN` that wakes the outbox's readers, and how errors map.

pub mod cluster;
mod sql;

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgListener, PgPool, PgPoolOptions};
use sqlx::Connection;
use thirdspace_store::{Outage, PoolUse, StoreError, StoreResult};
use thirdspace_store_sql::{Backend, SqlStore, CHANNEL};
use tokio::sync::Notify;

use crate::sql::Conn;

/// How the store connects; TLS follows the URL's `sslmode`.
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// The most connections the pool opens.
    pub max_connections: u32,
    /// How long one statement may run before the server cancels it; zero means no limit.
    pub statement_timeout: Duration,
    /// How long a request waits for a connection (a new one included) before it is refused as
    /// unavailable: an outage is answered at once instead of after a long wait.
    pub acquire_timeout: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            statement_timeout: Duration::from_secs(30),
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

/// Whether `url` names a PostgreSQL database (`postgres://…` or `postgresql://…`).
pub fn is_url(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

/// The schema's migrations, in order (`migrations/`, the same versions as SQLite's).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The store on one PostgreSQL database.
pub type PgStore = SqlStore<Postgres>;

/// One PostgreSQL database: its pool, and the task listening for events.
#[derive(Clone)]
pub struct Postgres {
    pool: PgPool,
    /// Woken when any instance commits events (once [`Postgres::listen`] runs).
    written: Arc<Notify>,
    listening: Arc<Mutex<Option<tokio::task::JoinHandle<()>>>>,
}

/// Connects to the database at `url` (`postgres://…`) and brings its schema up to date.
pub async fn open(url: &str, options: PgOptions) -> Result<PgStore, StoreError> {
    let timeout = options.statement_timeout.as_millis().to_string();
    let connect = PgConnectOptions::from_str(url)
        .map_err(StoreError::backend)?
        .application_name("thirdspace")
        .options([("statement_timeout", timeout)]);
    // One connection first: when the server is unreachable or refuses the password, the pool
    // would only report a time-out after half a minute.
    let first = options.acquire_timeout.max(Duration::from_secs(10));
    tokio::time::timeout(first, PgConnection::connect_with(&connect))
        .await
        .map_err(|_| StoreError::unavailable(Outage::Unreachable, std::io::Error::from(std::io::ErrorKind::TimedOut)))?
        .map_err(StoreError::backend)?
        .close()
        .await
        .map_err(db)?;
    let pool = PgPoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        .connect_with(connect)
        .await
        .map_err(StoreError::backend)?;
    MIGRATOR.run(&pool).await.map_err(StoreError::backend)?;
    Ok(SqlStore::new(Postgres { pool, written: Arc::new(Notify::new()), listening: Arc::default() }))
}

impl Postgres {
    /// Listens for the events every instance on this database commits, so that
    /// [`thirdspace_store::Events::events_written`] wakes at once rather than only when its
    /// reader looks anyway. When the connection drops it reconnects, and wakes once after
    /// (events may have come meanwhile).
    pub async fn listen(&self) -> Result<(), StoreError> {
        let mut listener = PgListener::connect_with(&self.pool).await.map_err(StoreError::backend)?;
        listener.listen(CHANNEL).await.map_err(StoreError::backend)?;
        let written = self.written.clone();
        let task = tokio::spawn(async move {
            loop {
                match listener.try_recv().await {
                    Ok(Some(_)) => written.notify_one(),
                    // The connection was lost; the next call reconnects.
                    Ok(None) => written.notify_one(),
                    Err(e) => {
                        tracing::warn!(error = %e, "listening for events failed; reconnecting");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        written.notify_one();
                    }
                }
            }
        });
        let earlier = self.listening.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).replace(task);
        if let Some(earlier) = earlier {
            earlier.abort();
        }
        Ok(())
    }

    /// Closes the pool's connections, and stops listening.
    pub async fn close(&self) {
        if let Some(task) = self.listening.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take() {
            task.abort();
        }
        self.pool.close().await;
    }
}

#[async_trait]
impl Backend for Postgres {
    type Tx = Conn<sqlx::Transaction<'static, sqlx::Postgres>>;
    type Read = Conn<PoolConnection<sqlx::Postgres>>;

    /// A transaction at the server's default isolation (READ COMMITTED).
    async fn begin(&self) -> StoreResult<Self::Tx> {
        Ok(Conn(self.pool.begin().await.map_err(db)?))
    }

    async fn read(&self) -> StoreResult<Self::Read> {
        Ok(Conn(self.pool.acquire().await.map_err(db)?))
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db)?;
        Ok(())
    }

    async fn ready(&self) -> StoreResult<()> {
        self.ping().await?;
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
        thirdspace_store::schema_current(&applied, MIGRATOR.iter().map(|m| m.version))
            .map_err(|why| StoreError::unavailable(Outage::Schema, std::io::Error::other(why)))
    }

    fn pools(&self) -> Vec<PoolUse> {
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX);
        vec![PoolUse { name: "main", open: self.pool.size(), idle, max: self.pool.options().get_max_connections() }]
    }

    fn one_writer(&self) -> bool {
        false
    }

    async fn close(&self) {
        Postgres::close(self).await;
    }

    async fn events_written(&self) {
        self.written.notified().await;
    }
}

/// Maps a database error; the cause is kept for the log.
fn db(err: sqlx::Error) -> StoreError {
    let state = match &err {
        sqlx::Error::Database(e) => e.code().map(|c| c.into_owned()),
        _ => None,
    };
    match (&err, state.as_deref()) {
        // disk_full, out_of_memory, and the rest of "insufficient resources" (class 53).
        (_, Some("53100")) => StoreError::unavailable(Outage::Full, err),
        // Connection exceptions (class 08), the server shutting down or starting (57P0x), too
        // many connections (53300).
        (_, Some(code)) if code.starts_with("08") || code.starts_with("57P0") || code.starts_with("53") => {
            StoreError::unavailable(Outage::Unreachable, err)
        }
        (sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_), _) => {
            StoreError::unavailable(Outage::Unreachable, err)
        }
        _ => StoreError::backend(err),
    }
}
