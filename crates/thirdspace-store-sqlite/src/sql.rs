//! Statements on SQLite: values bound in the types the schema keeps (UUIDs, dates and JSON as
//! `TEXT`), rows read back into the store's types.

use std::ops::DerefMut;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Row as _, Sqlite, SqliteConnection};
use thirdspace_store::StoreResult;
use thirdspace_store_sql::{undecodable, Columns, Dialect, Sql, Transaction, Value};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::db;

/// A connection (pooled, or a transaction's) running the shared statements.
pub struct Conn<C>(pub C);

/// A write transaction, which wakes the outbox's readers when it commits.
pub struct Tx {
    pub tx: sqlx::Transaction<'static, Sqlite>,
    pub written: Arc<Notify>,
}

impl std::ops::Deref for Tx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

fn bind<'q>(
    mut query: Query<'q, Sqlite, SqliteArguments<'q>>,
    args: &'q [Value],
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    for value in args {
        query = match value {
            Value::Uuid(v) => query.bind(v.map(|v| v.to_string())),
            Value::Text(v) => query.bind(v.as_deref()),
            Value::Int(v) => query.bind(*v),
            Value::Float(v) => query.bind(*v),
            Value::Bool(v) => query.bind(*v),
            Value::Date(v) => query.bind(v.format("%Y-%m-%d").to_string()),
            Value::Json(v) => query.bind(v.to_string()),
            Value::Bytes(v) => query.bind(v.as_slice()),
        };
    }
    query
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

#[async_trait]
impl<C: DerefMut<Target = SqliteConnection> + Send + Sync> Sql for Conn<C> {
    type Row = Row;

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    async fn execute(&mut self, sql: &str, args: &[Value]) -> StoreResult<u64> {
        Ok(bind(sqlx::query(sql), args).execute(&mut *self.0).await.map_err(db)?.rows_affected())
    }

    async fn insert(&mut self, sql: &str, args: &[Value]) -> StoreResult<Option<u64>> {
        match bind(sqlx::query(sql), args).execute(&mut *self.0).await {
            Ok(done) => Ok(Some(done.rows_affected())),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(db(e)),
        }
    }

    async fn fetch_all(&mut self, sql: &str, args: &[Value]) -> StoreResult<Vec<Row>> {
        let rows = bind(sqlx::query(sql), args).fetch_all(&mut *self.0).await.map_err(db)?;
        Ok(rows.into_iter().map(Row).collect())
    }

    async fn fetch_optional(&mut self, sql: &str, args: &[Value]) -> StoreResult<Option<Row>> {
        Ok(bind(sqlx::query(sql), args).fetch_optional(&mut *self.0).await.map_err(db)?.map(Row))
    }
}

#[async_trait]
impl Transaction for Conn<Tx> {
    async fn commit(self) -> StoreResult<()> {
        let Tx { tx, written } = self.0;
        tx.commit().await.map_err(db)?;
        written.notify_one();
        Ok(())
    }

    async fn rollback(self) {
        // A rollback that fails leaves a connection the next write replaces.
        self.0.tx.rollback().await.ok();
    }
}

/// A row of SQLite's.
pub struct Row(SqliteRow);

impl Row {
    fn get<T: for<'r> sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>>(&self, column: &str) -> StoreResult<Option<T>> {
        self.0.try_get::<Option<T>, _>(column).map_err(db)
    }

    fn parse<T, E: std::fmt::Display>(
        &self,
        column: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> StoreResult<Option<T>> {
        self.get::<String>(column)?.map(|raw| parse(&raw).map_err(|e| undecodable(column, e))).transpose()
    }
}

impl Columns for Row {
    fn opt_uuid(&self, column: &str) -> StoreResult<Option<Uuid>> {
        self.parse(column, Uuid::parse_str)
    }
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>> {
        self.get(column)
    }
    fn opt_int(&self, column: &str) -> StoreResult<Option<i64>> {
        self.get(column)
    }
    fn opt_float(&self, column: &str) -> StoreResult<Option<f64>> {
        self.get(column)
    }
    fn opt_bool(&self, column: &str) -> StoreResult<Option<bool>> {
        self.get(column)
    }
    fn opt_date(&self, column: &str) -> StoreResult<Option<NaiveDate>> {
        self.parse(column, |raw| NaiveDate::parse_from_str(raw, "%Y-%m-%d"))
    }
    fn opt_json(&self, column: &str) -> StoreResult<Option<serde_json::Value>> {
        self.parse(column, |raw| serde_json::from_str(raw))
    }
    fn opt_bytes(&self, column: &str) -> StoreResult<Option<Vec<u8>>> {
        self.get(column)
    }
}
