//! The two backends, read and written through one interface: a read transaction on the source
//! (one consistent snapshot), a write transaction on the target (all or nothing).

use std::str::FromStr;

use futures_util::stream::{BoxStream, StreamExt};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{Postgres, QueryBuilder, Row, Sqlite, Transaction};

use crate::schema::{Kind, Table, TABLES};
use crate::value::Value;
use crate::{MigrateError, Side};

/// Rows per `INSERT`: well inside both backends' limits on bound values.
pub const BATCH: usize = 500;

pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

impl Db {
    /// Opens the database at `url` and brings its schema up to date with the store's own
    /// migrations. A source SQLite file must exist; a target one is created when missing.
    pub async fn open(url: &str, side: Side) -> Result<Self, MigrateError> {
        let failed = |e: &dyn std::fmt::Display| MigrateError::Open { side, message: e.to_string() };
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url).map_err(|e| failed(&e))?.foreign_keys(true);
            if side == Side::Source && !options.get_filename().exists() {
                return Err(failed(&format!("{} does not exist", options.get_filename().display())));
            }
            thirdspace_store_sqlite::SqliteStore::open(url).await.map_err(|e| failed(&e))?.close().await;
            let pool =
                SqlitePoolOptions::new().max_connections(1).connect_with(options).await.map_err(|e| failed(&e))?;
            return Ok(Self::Sqlite(pool));
        }
        if is_postgres(url) {
            // The store's options bring the schema up to date; the copy then runs without the
            // statement timeout meant for requests, since reading a large table takes a while.
            let options = thirdspace_store_postgres::PgOptions::default();
            drop(thirdspace_store_postgres::PgStore::open(url, options).await.map_err(|e| failed(&e))?);
            let options = PgConnectOptions::from_str(url).map_err(|e| failed(&e))?;
            let pool = PgPoolOptions::new().max_connections(2).connect_with(options).await.map_err(|e| failed(&e))?;
            return Ok(Self::Postgres(pool));
        }
        Err(MigrateError::Unsupported { side })
    }

    /// Refuses a database whose tables or columns are not exactly those this version moves: a
    /// column left behind would be lost without a word.
    pub async fn check_schema(&self, side: Side) -> Result<(), MigrateError> {
        let tables: Vec<String> = match self {
            Db::Sqlite(pool) => {
                sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name <> '_sqlx_migrations' ORDER BY name",
                )
                .fetch_all(pool)
                .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
                 AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY table_name",
                )
                .fetch_all(pool)
                .await?
            }
        };
        let mut known: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        known.sort_unstable();
        if tables != known {
            let detail = format!("it holds the tables {tables:?}, this version moves {known:?}");
            return Err(MigrateError::Schema { side, detail });
        }
        for table in TABLES {
            let mut columns: Vec<String> = match self {
                Db::Sqlite(pool) => {
                    sqlx::query_scalar("SELECT name FROM pragma_table_info(?)").bind(table.name).fetch_all(pool).await?
                }
                Db::Postgres(pool) => {
                    sqlx::query_scalar(
                        "SELECT column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1",
                    )
                    .bind(table.name)
                    .fetch_all(pool)
                    .await?
                }
            };
            columns.sort_unstable();
            let mut expected: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
            expected.sort_unstable();
            if columns != expected {
                let detail = format!("{} has the columns {columns:?}, this version moves {expected:?}", table.name);
                return Err(MigrateError::Schema { side, detail });
            }
        }
        Ok(())
    }

    /// A transaction that sees one snapshot of the whole database.
    pub async fn read(&self) -> Result<Tx, MigrateError> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Db::Postgres(pool) => {
                Tx::Postgres(pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?)
            }
        })
    }

    /// A transaction that writes all or nothing, holding SQLite's write lock from the start.
    pub async fn write(&self) -> Result<Tx, MigrateError> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    pub async fn close(self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
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
            .map(|c| match (self, c.kind) {
                // INTEGER and BIGINT columns alike come back as 64-bit numbers.
                (Tx::Postgres(_), Kind::Int) => format!("{}::BIGINT", c.name),
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
        match self {
            Tx::Sqlite(tx) => sqlx::query(sql).fetch(&mut **tx).map(move |row| decode_sqlite(table, &row?)).boxed(),
            Tx::Postgres(tx) => sqlx::query(sql).fetch(&mut **tx).map(move |row| decode_postgres(table, &row?)).boxed(),
        }
    }

    /// How many rows `table` holds.
    pub async fn count(&mut self, table: &Table) -> Result<i64, MigrateError> {
        let sql = format!("SELECT COUNT(*) FROM {}", table.name);
        Ok(match self {
            Tx::Sqlite(tx) => sqlx::query_scalar(&sql).fetch_one(&mut **tx).await?,
            Tx::Postgres(tx) => sqlx::query_scalar(&sql).fetch_one(&mut **tx).await?,
        })
    }

    /// Inserts `rows` of `table`, in batches.
    pub async fn insert(&mut self, table: &Table, rows: &[Vec<Value>]) -> Result<(), MigrateError> {
        for batch in rows.chunks(BATCH) {
            if let Tx::Postgres(_) = self {
                refuse_nul(table, batch)?;
            }
            let head = format!("INSERT INTO {} ({}) ", table.name, table.column_list());
            let inserted = match self {
                Tx::Sqlite(tx) => {
                    let mut query = QueryBuilder::<Sqlite>::new(head);
                    query.push_values(batch, |mut b, row| {
                        for (column, value) in table.columns.iter().zip(row) {
                            bind_sqlite(&mut b, column.kind, value);
                        }
                    });
                    query.build().execute(&mut **tx).await.map(|_| ())
                }
                Tx::Postgres(tx) => {
                    let mut query = QueryBuilder::<Postgres>::new(head);
                    query.push_values(batch, |mut b, row| {
                        for (column, value) in table.columns.iter().zip(row) {
                            bind_postgres(&mut b, column.kind, value);
                        }
                    });
                    query.build().execute(&mut **tx).await.map(|_| ())
                }
            };
            inserted.map_err(|e| MigrateError::Insert { table: table.name, message: e.to_string() })?;
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), MigrateError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), MigrateError> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

/// PostgreSQL's text cannot hold the NUL character, which SQLite's can: say which value holds
/// one rather than let the batch fail with a byte-sequence error.
fn refuse_nul(table: &Table, batch: &[Vec<Value>]) -> Result<(), MigrateError> {
    for row in batch {
        for (column, value) in table.columns.iter().zip(row) {
            if matches!(value, Value::Text(text) if text.contains('\0')) {
                return Err(MigrateError::Value {
                    table: table.name,
                    column: column.name,
                    row: row_key(row),
                    message: "holds the NUL character, which PostgreSQL's text cannot store".to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// The first column of a row (its id), to name the row in an error.
fn row_key(row: &[Value]) -> String {
    match row.first() {
        Some(Value::Uuid(id)) => id.to_string(),
        Some(Value::Text(text)) => text.clone(),
        other => format!("{other:?}"),
    }
}

fn decode_sqlite(table: &'static Table, row: &SqliteRow) -> Result<Vec<Value>, MigrateError> {
    let mut values = Vec::with_capacity(table.columns.len());
    for (i, column) in table.columns.iter().enumerate() {
        let value = match column.kind {
            Kind::Uuid | Kind::Text | Kind::Json | Kind::Date => row
                .try_get::<Option<String>, _>(i)
                .map_err(|e| e.to_string())
                .and_then(|text| text.map_or(Ok(Value::Null), |text| Value::from_text(column.kind, text))),
            Kind::Int => {
                row.try_get::<Option<i64>, _>(i).map(|n| n.map_or(Value::Null, Value::Int)).map_err(|e| e.to_string())
            }
            Kind::Bool => row.try_get::<Option<i64>, _>(i).map_err(|e| e.to_string()).and_then(|n| match n {
                None => Ok(Value::Null),
                Some(0) => Ok(Value::Bool(false)),
                Some(1) => Ok(Value::Bool(true)),
                Some(other) => Err(format!("{other} is neither 0 nor 1")),
            }),
            Kind::Real32 => row.try_get::<Option<f64>, _>(i).map_err(|e| e.to_string()).and_then(|x| match x {
                None => Ok(Value::Null),
                // The store writes single-precision scores; anything else would be cut short.
                Some(x) if f64::from(x as f32) == x => Ok(Value::Real32(x as f32)),
                Some(x) => Err(format!("{x} does not fit single precision without loss")),
            }),
            Kind::Real64 => row
                .try_get::<Option<f64>, _>(i)
                .map(|x| x.map_or(Value::Null, Value::Real64))
                .map_err(|e| e.to_string()),
            Kind::Bytes => row
                .try_get::<Option<Vec<u8>>, _>(i)
                .map(|b| b.map_or(Value::Null, Value::Bytes))
                .map_err(|e| e.to_string()),
        };
        match value {
            Ok(value) => values.push(value),
            Err(message) => {
                return Err(MigrateError::Value {
                    table: table.name,
                    column: column.name,
                    row: row_key(&values),
                    message,
                })
            }
        }
    }
    Ok(values)
}

fn decode_postgres(table: &'static Table, row: &PgRow) -> Result<Vec<Value>, MigrateError> {
    fn get<'r, T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>>(
        row: &'r PgRow,
        i: usize,
        wrap: impl FnOnce(T) -> Value,
    ) -> Result<Value, sqlx::Error> {
        row.try_get::<Option<T>, _>(i).map(|v| v.map_or(Value::Null, wrap))
    }
    let mut values = Vec::with_capacity(table.columns.len());
    for (i, column) in table.columns.iter().enumerate() {
        let value = match column.kind {
            Kind::Uuid => get(row, i, Value::Uuid),
            Kind::Text => get(row, i, Value::Text),
            Kind::Int => get(row, i, Value::Int),
            Kind::Bool => get(row, i, Value::Bool),
            Kind::Real32 => get(row, i, Value::Real32),
            Kind::Real64 => get(row, i, Value::Real64),
            Kind::Json => get(row, i, Value::Json),
            Kind::Date => get(row, i, Value::Date),
            Kind::Bytes => get(row, i, Value::Bytes),
        };
        match value {
            Ok(value) => values.push(value),
            Err(e) => {
                let message = e.to_string();
                return Err(MigrateError::Value {
                    table: table.name,
                    column: column.name,
                    row: row_key(&values),
                    message,
                });
            }
        }
    }
    Ok(values)
}

fn bind_sqlite(b: &mut sqlx::query_builder::Separated<'_, '_, Sqlite, &'static str>, kind: Kind, value: &Value) {
    match value {
        Value::Null => match kind {
            Kind::Int | Kind::Bool => b.push_bind(None::<i64>),
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
            Kind::Int => b.push_bind(None::<i64>),
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
