//! The two backends, read and written through one interface: a read transaction on the source
//! (one consistent snapshot, never a write), a write transaction on the target (all or nothing).

use std::path::PathBuf;
use std::str::FromStr;

use futures_util::stream::{BoxStream, StreamExt};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{Connection, Postgres, QueryBuilder, Row, Sqlite, Transaction};

use crate::schema::{Kind, Table, DERIVED, DERIVING_TRIGGERS, RECOUNT, TABLES};
use crate::value::Value;
use crate::{MigrateError, Side};

/// Rows per `INSERT`: well inside both backends' limits on bound values.
pub const BATCH: usize = 500;

pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One side's database.
pub struct Db {
    pub pool: Pool,
    pub side: Side,
    /// The SQLite file this run created (a target that did not exist), removed should it fail.
    pub created: Option<PathBuf>,
    /// An SQLite file's server lock, held during the move so that no server starts on it.
    _lock: Option<std::fs::File>,
}

pub enum Conn {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A transaction on one side.
pub struct Tx {
    conn: Conn,
    side: Side,
}

/// The table thirdspace's migrations record themselves in.
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

impl Db {
    /// Connects without changing anything. A source is opened read-only (an SQLite file must
    /// exist); a missing target SQLite file is created.
    pub async fn connect(url: &str, side: Side) -> Result<Self, MigrateError> {
        let failed = |e: &dyn std::fmt::Display| MigrateError::Open { side, message: e.to_string() };
        if thirdspace_store_sqlite::is_url(url) {
            let options = SqliteConnectOptions::from_str(url).map_err(|e| failed(&e))?.foreign_keys(true);
            let file = options.get_filename().to_path_buf();
            let exists = file.exists();
            if side == Side::Target
                && !exists
                && file.parent().is_some_and(|dir| !dir.as_os_str().is_empty() && !dir.exists())
            {
                return Err(failed(&format!("the folder of {} does not exist", file.display())));
            }
            let lock = match side {
                Side::Source if !exists => None,
                _ => thirdspace_store_sqlite::serving::not_served(url).map_err(|e| failed(&e))?,
            };
            let options = match side {
                Side::Source if !exists => return Err(failed(&format!("{} does not exist", file.display()))),
                Side::Source => options.read_only(true),
                Side::Target => options.create_if_missing(true).journal_mode(SqliteJournalMode::Wal),
            };
            let pool =
                SqlitePoolOptions::new().max_connections(1).connect_with(options).await.map_err(|e| failed(&e))?;
            let created = (side == Side::Target && !exists).then_some(file);
            return Ok(Self { pool: Pool::Sqlite(pool), side, created, _lock: lock });
        }
        if thirdspace_store_postgres::is_url(url) {
            let options = PgConnectOptions::from_str(url).map_err(|e| failed(&e))?;
            // One connection first: a pool would hide "connection refused" behind a time-out.
            sqlx::PgConnection::connect_with(&options).await.map_err(|e| failed(&e))?.close().await.ok();
            let pool = PgPoolOptions::new().max_connections(2).connect_with(options).await.map_err(|e| failed(&e))?;
            // Instances name their connections; one still connected would write what the move
            // misses (on the source) or mixes in (on the target). A connection just closed by a
            // stopping instance may linger a moment on the server: give it a few seconds.
            let mut waited = 0;
            loop {
                let instances: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
                     AND application_name = 'thirdspace' AND pid <> pg_backend_pid()",
                )
                .fetch_one(&pool)
                .await
                .map_err(|e| MigrateError::database(side, e))?;
                if instances == 0 {
                    break;
                }
                if waited >= 30 {
                    let message = format!(
                        "{instances} connections of running thirdspace instances are open on it: stop every instance first"
                    );
                    return Err(failed(&message));
                }
                waited += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            return Ok(Self { pool: Pool::Postgres(pool), side, created: None, _lock: None });
        }
        Err(MigrateError::Unsupported { side })
    }

    fn migrator(&self) -> &'static Migrator {
        match self.pool {
            Pool::Sqlite(_) => &thirdspace_store_sqlite::MIGRATOR,
            Pool::Postgres(_) => &thirdspace_store_postgres::MIGRATOR,
        }
    }

    /// Every table but the database's own.
    async fn tables(&self) -> Result<Vec<String>, MigrateError> {
        let tables =
            match &self.pool {
                Pool::Sqlite(pool) => sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )
                .fetch_all(pool)
                .await,
                Pool::Postgres(pool) => {
                    sqlx::query_scalar(
                        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
                     AND table_type = 'BASE TABLE' ORDER BY table_name",
                    )
                    .fetch_all(pool)
                    .await
                }
            };
        tables.map_err(|e| MigrateError::database(self.side, e))
    }

    /// The versions of the migrations applied, in order, given the database's `tables`; `None`
    /// when there is no record of any (not a thirdspace database, or an empty one).
    async fn applied(&self, tables: &[String]) -> Result<Option<Vec<i64>>, MigrateError> {
        if !tables.iter().any(|t| t == MIGRATIONS_TABLE) {
            return Ok(None);
        }
        let sql = format!("SELECT version FROM {MIGRATIONS_TABLE} WHERE success ORDER BY version");
        let versions = match &self.pool {
            Pool::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_all(pool).await,
            Pool::Postgres(pool) => sqlx::query_scalar(&sql).fetch_all(pool).await,
        };
        versions.map(Some).map_err(|e| MigrateError::database(self.side, e))
    }

    /// Refuses a source that is not a thirdspace database of exactly this version's schema; the
    /// source itself is never changed.
    pub async fn check_source(&self) -> Result<(), MigrateError> {
        let tables = self.tables().await?;
        let ours: Vec<i64> = self.migrator().iter().map(|m| m.version).collect();
        match self.applied(&tables).await? {
            None => Err(MigrateError::Schema {
                side: self.side,
                detail: "it is not a thirdspace database (it records no thirdspace migrations)".to_owned(),
            }),
            Some(applied) if applied == ours => self.check_schema(tables).await,
            Some(applied) if ours.starts_with(&applied) => Err(MigrateError::Schema {
                side: self.side,
                detail: format!(
                    "it is at schema version {}, this version's is {}: start `thirdspace serve` on it once (it \
                     brings the schema up to date), stop it, then move it",
                    applied.last().copied().unwrap_or(0),
                    ours.last().copied().unwrap_or(0)
                ),
            }),
            Some(_) => Err(MigrateError::Schema {
                side: self.side,
                detail: "it was written by a newer version of thirdspace: move it with that version".to_owned(),
            }),
        }
    }

    /// Accepts a target with no tables at all, or a thirdspace database whose tables are all
    /// empty, and brings its schema up to date; refuses anything else before changing it.
    pub async fn prepare_target(&self) -> Result<(), MigrateError> {
        let tables = self.tables().await?;
        let ours: Vec<i64> = self.migrator().iter().map(|m| m.version).collect();
        match self.applied(&tables).await? {
            None if tables.is_empty() => {}
            None => {
                return Err(MigrateError::Schema {
                    side: self.side,
                    detail: format!(
                        "it holds tables of something else ({}); give an empty database",
                        tables.join(", ")
                    ),
                })
            }
            Some(applied) if ours.starts_with(&applied) => {
                for table in TABLES.iter().filter(|t| tables.iter().any(|name| name == t.name)) {
                    let rows = self.count(table).await?;
                    if rows > 0 {
                        return Err(MigrateError::NotEmpty { table: table.name, rows });
                    }
                }
            }
            Some(_) => {
                return Err(MigrateError::Schema {
                    side: self.side,
                    detail: "it was written by a newer version of thirdspace".to_owned(),
                })
            }
        }
        let migrated = match &self.pool {
            Pool::Sqlite(pool) => self.migrator().run(pool).await,
            Pool::Postgres(pool) => self.migrator().run(pool).await,
        };
        migrated.map_err(|e| MigrateError::Open { side: self.side, message: e.to_string() })?;
        self.check_schema(self.tables().await?).await
    }

    async fn count(&self, table: &Table) -> Result<i64, MigrateError> {
        let sql = format!("SELECT COUNT(*) FROM {}", table.name);
        let rows = match &self.pool {
            Pool::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await,
            Pool::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await,
        };
        rows.map_err(|e| MigrateError::database(self.side, e))
    }

    /// Refuses a database whose `tables` or columns are not exactly those this version moves: a
    /// column left behind would be lost without a word.
    async fn check_schema(&self, tables: Vec<String>) -> Result<(), MigrateError> {
        let tables: Vec<String> = tables.into_iter().filter(|t| t != MIGRATIONS_TABLE).collect();
        let mut known: Vec<&str> = TABLES.iter().map(|t| t.name).chain(DERIVED.iter().copied()).collect();
        known.sort_unstable();
        if tables != known {
            let detail = format!("it holds the tables {tables:?}, this version expects {known:?}");
            return Err(MigrateError::Schema { side: self.side, detail });
        }
        for table in TABLES {
            let columns = match &self.pool {
                Pool::Sqlite(pool) => {
                    sqlx::query_scalar("SELECT name FROM pragma_table_info(?)").bind(table.name).fetch_all(pool).await
                }
                Pool::Postgres(pool) => {
                    sqlx::query_scalar(
                        "SELECT column_name::text FROM information_schema.columns \
                         WHERE table_schema = current_schema() AND table_name = $1",
                    )
                    .bind(table.name)
                    .fetch_all(pool)
                    .await
                }
            };
            let mut columns: Vec<String> = columns.map_err(|e| MigrateError::database(self.side, e))?;
            columns.sort_unstable();
            let mut expected: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
            expected.sort_unstable();
            if columns != expected {
                let detail = format!("{} has the columns {columns:?}, this version moves {expected:?}", table.name);
                return Err(MigrateError::Schema { side: self.side, detail });
            }
        }
        Ok(())
    }

    /// A transaction that sees one snapshot of the whole database and writes nothing.
    pub async fn read(&self) -> Result<Tx, MigrateError> {
        let conn = match &self.pool {
            Pool::Sqlite(pool) => pool.begin().await.map(Conn::Sqlite),
            Pool::Postgres(pool) => {
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await.map(Conn::Postgres)
            }
        };
        Ok(Tx { conn: conn.map_err(|e| MigrateError::database(self.side, e))?, side: self.side })
    }

    /// A transaction that writes all or nothing and keeps everyone else from writing meanwhile:
    /// SQLite's write lock from the start, every table locked on PostgreSQL, with the triggers that
    /// keep its derived tables off until [`Tx::recount`].
    pub async fn write(&self) -> Result<Tx, MigrateError> {
        let conn = match &self.pool {
            Pool::Sqlite(pool) => pool.begin_with("BEGIN IMMEDIATE").await.map(Conn::Sqlite),
            Pool::Postgres(pool) => match pool.begin().await {
                Ok(mut tx) => {
                    let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
                    let lock = format!("LOCK TABLE {} IN EXCLUSIVE MODE", names.join(", "));
                    let mut done = sqlx::query(&lock).execute(&mut *tx).await.map(|_| ());
                    for (table, trigger) in DERIVING_TRIGGERS {
                        if done.is_ok() {
                            let off = format!("ALTER TABLE {table} DISABLE TRIGGER {trigger}");
                            done = sqlx::query(&off).execute(&mut *tx).await.map(|_| ());
                        }
                    }
                    done.map(|()| Conn::Postgres(tx))
                }
                Err(e) => Err(e),
            },
        };
        Ok(Tx { conn: conn.map_err(|e| MigrateError::database(self.side, e))?, side: self.side })
    }

    /// Closes the pool; a target file this run created is removed when `keep` is false.
    pub async fn close(self, keep: bool) {
        match self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
        if let (false, Some(file)) = (keep, self.created) {
            for suffix in ["", "-wal", "-shm"] {
                let mut path = file.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

impl Tx {
    /// The `SELECT` reading every column of `table` in the schema's order, in a form this
    /// backend decodes into a [`Value`] of the column's kind.
    pub fn select(&self, table: &Table) -> String {
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| match (&self.conn, c.kind) {
                // INTEGER and BIGINT columns alike come back as 64-bit numbers; dates and JSON
                // as their text, read as strictly as SQLite's (a date of `infinity` is refused).
                (Conn::Postgres(_), Kind::Int | Kind::Int32) => format!("{}::BIGINT", c.name),
                (Conn::Postgres(_), Kind::Date | Kind::Json) => format!("{}::TEXT", c.name),
                _ => c.name.to_owned(),
            })
            .collect();
        format!("SELECT {} FROM {}", columns.join(", "), table.name)
    }

    /// Every row of `table`, read with `sql` (from [`Self::select`]).
    pub fn rows<'a>(
        &'a mut self,
        table: &'static Table,
        sql: &'a str,
    ) -> BoxStream<'a, Result<Vec<Value>, MigrateError>> {
        let side = self.side;
        let mut number = 0_u64;
        let mut decoded = move |row: Result<Vec<Result<Value, String>>, sqlx::Error>| {
            number += 1;
            row.map_err(|e| MigrateError::database(side, e)).and_then(|values| collect(table, values, number))
        };
        match &mut self.conn {
            Conn::Sqlite(tx) => {
                sqlx::query(sql).fetch(&mut **tx).map(move |row| decoded(row.map(|r| decode_sqlite(table, &r)))).boxed()
            }
            Conn::Postgres(tx) => sqlx::query(sql)
                .fetch(&mut **tx)
                .map(move |row| decoded(row.map(|r| decode_postgres(table, &r))))
                .boxed(),
        }
    }

    /// How many rows `table` holds.
    pub async fn count(&mut self, table: &Table) -> Result<i64, MigrateError> {
        let sql = format!("SELECT COUNT(*) FROM {}", table.name);
        let rows = match &mut self.conn {
            Conn::Sqlite(tx) => sqlx::query_scalar(&sql).fetch_one(&mut **tx).await,
            Conn::Postgres(tx) => sqlx::query_scalar(&sql).fetch_one(&mut **tx).await,
        };
        rows.map_err(|e| MigrateError::database(self.side, e))
    }

    /// Inserts `rows` of `table` (at most [`BATCH`]) in one statement.
    pub async fn insert(&mut self, table: &Table, rows: &[Vec<Value>]) -> Result<(), MigrateError> {
        if rows.is_empty() {
            return Ok(());
        }
        if let Conn::Postgres(_) = self.conn {
            refuse_nul(table, rows)?;
        }
        let head = format!("INSERT INTO {} ({}) ", table.name, table.column_list());
        let inserted = match &mut self.conn {
            Conn::Sqlite(tx) => {
                let mut query = QueryBuilder::<Sqlite>::new(head);
                query.push_values(rows, |mut b, row| {
                    for (column, value) in table.columns.iter().zip(row) {
                        bind_sqlite(&mut b, column.kind, value);
                    }
                });
                query.build().execute(&mut **tx).await.map(|_| ())
            }
            Conn::Postgres(tx) => {
                let mut query = QueryBuilder::<Postgres>::new(head);
                query.push_values(rows, |mut b, row| {
                    for (column, value) in table.columns.iter().zip(row) {
                        bind_postgres(&mut b, column.kind, value);
                    }
                });
                query.build().execute(&mut **tx).await.map(|_| ())
            }
        };
        inserted.map_err(|e| MigrateError::Insert { table: table.name, message: e.to_string() })
    }

    /// Switches a PostgreSQL target's deriving triggers back on and makes the derived tables from what
    /// was copied; on SQLite its triggers made them already.
    pub async fn recount(&mut self) -> Result<(), MigrateError> {
        if let Conn::Postgres(tx) = &mut self.conn {
            for (table, trigger) in DERIVING_TRIGGERS {
                let on = format!("ALTER TABLE {table} ENABLE TRIGGER {trigger}");
                sqlx::query(&on).execute(&mut **tx).await.map_err(|e| MigrateError::database(self.side, e))?;
            }
            sqlx::query(RECOUNT).execute(&mut **tx).await.map_err(|e| MigrateError::database(self.side, e))?;
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), MigrateError> {
        let committed = match self.conn {
            // SQLite's AUTOINCREMENT follows the largest id inserted by itself.
            Conn::Sqlite(tx) => tx.commit().await,
            Conn::Postgres(mut tx) => {
                // The outbox's ids were copied as they are: its sequence continues after them, so
                // events keep one order across the move.
                match sqlx::query("SELECT setval(pg_get_serial_sequence('outbox', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM outbox")
                    .execute(&mut *tx)
                    .await
                {
                    Ok(_) => tx.commit().await,
                    Err(e) => Err(e),
                }
            }
        };
        committed.map_err(|e| MigrateError::database(self.side, e))
    }

    /// Ends the transaction without keeping anything. A failure to roll back is not reported:
    /// the connection closes with the pool, which discards the transaction all the same.
    pub async fn rollback(self) {
        let _ = match self.conn {
            Conn::Sqlite(tx) => tx.rollback().await,
            Conn::Postgres(tx) => tx.rollback().await,
        };
    }
}

/// PostgreSQL's text and JSON cannot hold the NUL character, which SQLite's can: say which value
/// holds one rather than let the batch fail with a byte-sequence error.
fn refuse_nul(table: &Table, batch: &[Vec<Value>]) -> Result<(), MigrateError> {
    for row in batch {
        for (column, value) in table.columns.iter().zip(row) {
            let nul = match value {
                Value::Text(text) => text.contains('\0'),
                Value::Json(json) => json.to_string().contains("\\u0000"),
                _ => false,
            };
            if nul {
                return Err(MigrateError::Value {
                    table: table.name,
                    column: column.name,
                    row: row_key(table, row, None),
                    message: "holds the NUL character, which PostgreSQL cannot store".to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// A row's primary key, to name it in an error; its place in the table when the key itself is
/// what could not be read.
fn row_key(table: &Table, values: &[Value], number: Option<u64>) -> String {
    match (values.get(..table.key), number) {
        (Some(key), _) => key.iter().map(Value::shown).collect::<Vec<_>>().join(" / "),
        (None, Some(number)) => format!("number {number} (its key is unreadable)"),
        (None, None) => "(unknown)".to_owned(),
    }
}

/// The row's values, or the first that could not be read, named.
fn collect(table: &'static Table, values: Vec<Result<Value, String>>, number: u64) -> Result<Vec<Value>, MigrateError> {
    let mut row = Vec::with_capacity(values.len());
    for (column, value) in table.columns.iter().zip(values) {
        match value {
            Ok(value) => row.push(value),
            Err(message) => {
                let row = row_key(table, &row, Some(number));
                return Err(MigrateError::Value { table: table.name, column: column.name, row, message });
            }
        }
    }
    Ok(row)
}

/// Within PostgreSQL's `INTEGER`: the columns of that type hold minutes, seats and the like.
fn int32(n: i64) -> Result<Value, String> {
    i32::try_from(n).map(|_| Value::Int(n)).map_err(|_| format!("{n} is beyond a 32-bit INTEGER"))
}

fn decode_sqlite(table: &Table, row: &SqliteRow) -> Vec<Result<Value, String>> {
    let get_int = |i: usize| row.try_get::<Option<i64>, _>(i).map_err(|e| e.to_string());
    let get_real = |i: usize| row.try_get::<Option<f64>, _>(i).map_err(|e| e.to_string());
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| match column.kind {
            Kind::Uuid | Kind::Text | Kind::Json | Kind::Date => row
                .try_get::<Option<String>, _>(i)
                .map_err(|e| e.to_string())
                .and_then(|text| text.map_or(Ok(Value::Null), |text| Value::from_text(column.kind, text))),
            Kind::Int => get_int(i).map(|n| n.map_or(Value::Null, Value::Int)),
            Kind::Int32 => get_int(i).and_then(|n| n.map_or(Ok(Value::Null), int32)),
            Kind::Bool => get_int(i).and_then(|n| match n {
                None => Ok(Value::Null),
                Some(0) => Ok(Value::Bool(false)),
                Some(1) => Ok(Value::Bool(true)),
                Some(other) => Err(format!("{other} is neither 0 nor 1")),
            }),
            Kind::Real32 => get_real(i).and_then(|x| match x {
                None => Ok(Value::Null),
                // The store writes single-precision scores; anything else would be cut short.
                Some(x) if f64::from(x as f32) == x || x.is_nan() => Value::real(x).map(|x| Value::Real32(x as f32)),
                Some(x) => Err(format!("{x} does not fit single precision without loss")),
            }),
            Kind::Real64 => get_real(i).and_then(|x| x.map_or(Ok(Value::Null), |x| Value::real(x).map(Value::Real64))),
            Kind::Bytes => row
                .try_get::<Option<Vec<u8>>, _>(i)
                .map(|b| b.map_or(Value::Null, Value::Bytes))
                .map_err(|e| e.to_string()),
        })
        .collect()
}

fn decode_postgres(table: &Table, row: &PgRow) -> Vec<Result<Value, String>> {
    fn get<'r, T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>>(
        row: &'r PgRow,
        i: usize,
        wrap: impl FnOnce(T) -> Result<Value, String>,
    ) -> Result<Value, String> {
        row.try_get::<Option<T>, _>(i).map_err(|e| e.to_string()).and_then(|v| v.map_or(Ok(Value::Null), wrap))
    }
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| match column.kind {
            Kind::Uuid => get(row, i, |id| Ok(Value::Uuid(id))),
            Kind::Text => get(row, i, |text| Ok(Value::Text(text))),
            Kind::Int => get(row, i, |n| Ok(Value::Int(n))),
            Kind::Int32 => get(row, i, int32),
            Kind::Bool => get(row, i, |b| Ok(Value::Bool(b))),
            Kind::Real32 => get(row, i, |x: f32| Value::real(f64::from(x)).map(|x| Value::Real32(x as f32))),
            Kind::Real64 => get(row, i, |x| Value::real(x).map(Value::Real64)),
            Kind::Json | Kind::Date => get(row, i, |text| Value::from_text(column.kind, text)),
            Kind::Bytes => get(row, i, |bytes| Ok(Value::Bytes(bytes))),
        })
        .collect()
}

fn bind_sqlite(b: &mut sqlx::query_builder::Separated<'_, '_, Sqlite, &'static str>, kind: Kind, value: &Value) {
    match value {
        Value::Null => match kind {
            Kind::Int | Kind::Int32 | Kind::Bool => b.push_bind(None::<i64>),
            Kind::Real32 | Kind::Real64 => b.push_bind(None::<f64>),
            Kind::Bytes => b.push_bind(None::<Vec<u8>>),
            Kind::Uuid | Kind::Text | Kind::Json | Kind::Date => b.push_bind(None::<String>),
        },
        // As the SQLite store writes them: UUIDs hyphenated, dates as YYYY-MM-DD, JSON compact.
        Value::Uuid(id) => b.push_bind(id.to_string()),
        Value::Text(text) => b.push_bind(text.clone()),
        Value::Int(n) => b.push_bind(*n),
        Value::Bool(flag) => b.push_bind(i64::from(*flag)),
        Value::Real32(x) => b.push_bind(f64::from(*x)),
        Value::Real64(x) => b.push_bind(*x),
        Value::Json(json) => b.push_bind(json.to_string()),
        Value::Date(date) => b.push_bind(date.format("%Y-%m-%d").to_string()),
        Value::Bytes(bytes) => b.push_bind(bytes.clone()),
    };
}

fn bind_postgres(b: &mut sqlx::query_builder::Separated<'_, '_, Postgres, &'static str>, kind: Kind, value: &Value) {
    match value {
        // A NULL still carries its column's type, which PostgreSQL checks.
        Value::Null => match kind {
            Kind::Uuid => b.push_bind(None::<uuid::Uuid>),
            Kind::Text => b.push_bind(None::<String>),
            Kind::Int | Kind::Int32 => b.push_bind(None::<i64>),
            Kind::Bool => b.push_bind(None::<bool>),
            Kind::Real32 => b.push_bind(None::<f32>),
            Kind::Real64 => b.push_bind(None::<f64>),
            Kind::Json => b.push_bind(None::<serde_json::Value>),
            Kind::Date => b.push_bind(None::<chrono::NaiveDate>),
            Kind::Bytes => b.push_bind(None::<Vec<u8>>),
        },
        Value::Uuid(id) => b.push_bind(*id),
        Value::Text(text) => b.push_bind(text.clone()),
        Value::Int(n) => b.push_bind(*n),
        Value::Bool(flag) => b.push_bind(*flag),
        Value::Real32(x) => b.push_bind(*x),
        Value::Real64(x) => b.push_bind(*x),
        Value::Json(json) => b.push_bind(json.clone()),
        Value::Date(date) => b.push_bind(*date),
        Value::Bytes(bytes) => b.push_bind(bytes.clone()),
    };
}
