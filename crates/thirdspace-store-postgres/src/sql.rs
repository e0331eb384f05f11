//! Statements on PostgreSQL: values bound in the schema's own types (`uuid`, `date`, `jsonb`),
//! rows read back into the store's types whatever the width of their numbers.

use std::ops::DerefMut;

use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::types::Json;
use sqlx::{Column as _, PgConnection, Postgres, Row as _, TypeInfo as _};
use thirdspace_store::StoreResult;
use thirdspace_store_sql::{Columns, Dialect, Sql, Transaction, Value};
use uuid::Uuid;

use crate::db;

/// A connection (pooled, or a transaction's) running the shared statements.
pub struct Conn<C>(pub C);

fn bind<'q>(mut query: Query<'q, Postgres, PgArguments>, args: &'q [Value]) -> Query<'q, Postgres, PgArguments> {
    for value in args {
        query = match value {
            Value::Uuid(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.as_deref()),
            Value::Int(v) => query.bind(*v),
            Value::Float(v) => query.bind(*v),
            Value::Bool(v) => query.bind(*v),
            Value::Date(v) => query.bind(*v),
            Value::Json(v) => query.bind(Json(v)),
            Value::Bytes(v) => query.bind(v.as_slice()),
        };
    }
    query
}

#[async_trait]
impl<C: DerefMut<Target = PgConnection> + Send + Sync> Sql for Conn<C> {
    type Row = Row;

    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    async fn execute(&mut self, sql: &str, args: &[Value]) -> StoreResult<u64> {
        Ok(bind(sqlx::query(sql), args).execute(&mut *self.0).await.map_err(db)?.rows_affected())
    }

    async fn insert(&mut self, sql: &str, args: &[Value]) -> StoreResult<Option<u64>> {
        match bind(sqlx::query(sql), args).execute(&mut *self.0).await {
            Ok(done) => Ok(Some(done.rows_affected())),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
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
impl Transaction for Conn<sqlx::Transaction<'static, Postgres>> {
    /// The `NOTIFY` sent with each event is delivered now, to every instance listening.
    async fn commit(self) -> StoreResult<()> {
        self.0.commit().await.map_err(db)
    }

    async fn rollback(self) {
        // A rollback that fails leaves a broken connection, which the pool discards.
        self.0.rollback().await.ok();
    }
}

/// A row of PostgreSQL's.
pub struct Row(PgRow);

impl Row {
    fn get<T: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>>(
        &self,
        column: &str,
    ) -> StoreResult<Option<T>> {
        self.0.try_get::<Option<T>, _>(column).map_err(db)
    }

    /// The name of a column's type (`INT4`, `FLOAT8`, …).
    fn type_of(&self, column: &str) -> StoreResult<&str> {
        let index = self.0.try_column(column).map_err(db)?.ordinal();
        Ok(self.0.columns()[index].type_info().name())
    }
}

impl Columns for Row {
    fn opt_uuid(&self, column: &str) -> StoreResult<Option<Uuid>> {
        self.get(column)
    }
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>> {
        self.get(column)
    }
    fn opt_int(&self, column: &str) -> StoreResult<Option<i64>> {
        Ok(match self.type_of(column)? {
            "INT2" => self.get::<i16>(column)?.map(i64::from),
            "INT4" => self.get::<i32>(column)?.map(i64::from),
            _ => self.get(column)?,
        })
    }
    fn opt_float(&self, column: &str) -> StoreResult<Option<f64>> {
        Ok(match self.type_of(column)? {
            "FLOAT4" => self.get::<f32>(column)?.map(f64::from),
            _ => self.get(column)?,
        })
    }
    fn opt_bool(&self, column: &str) -> StoreResult<Option<bool>> {
        self.get(column)
    }
    fn opt_date(&self, column: &str) -> StoreResult<Option<NaiveDate>> {
        self.get(column)
    }
    fn opt_json(&self, column: &str) -> StoreResult<Option<serde_json::Value>> {
        Ok(self.get::<Json<serde_json::Value>>(column)?.map(|Json(v)| v))
    }
    fn opt_bytes(&self, column: &str) -> StoreResult<Option<Vec<u8>>> {
        self.get(column)
    }
}
