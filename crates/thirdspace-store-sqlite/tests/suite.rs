//! The store suite on SQLite: a file in a temporary directory for each test.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::Row;
use tempfile::TempDir;
use thirdspace_domain::booking::BookingStatus;
use thirdspace_store::Store;
use thirdspace_store_sqlite::SqliteStore;
use thirdspace_store_tests::{Backend, StoredBooking, TestDatabase};
use uuid::Uuid;

struct Sqlite;

struct SqliteDatabase {
    dir: TempDir,
    opened: Mutex<Vec<SqliteStore>>,
    /// A read-only pool of our own on the same file, opened with the first check.
    raw: Mutex<Option<SqlitePool>>,
}

impl SqliteDatabase {
    fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("thirdspace.db")
    }

    async fn raw(&self) -> SqlitePool {
        if let Some(pool) = self.raw.lock().unwrap().clone() {
            return pool;
        }
        let options = SqliteConnectOptions::new().filename(self.path()).read_only(true);
        let pool = SqlitePoolOptions::new().max_connections(2).connect_with(options).await.unwrap();
        self.raw.lock().unwrap().get_or_insert(pool).clone()
    }
}

#[async_trait]
impl Backend for Sqlite {
    async fn database(&self) -> Box<dyn TestDatabase> {
        Box::new(SqliteDatabase { dir: TempDir::new().unwrap(), opened: Mutex::default(), raw: Mutex::default() })
    }
}

#[async_trait]
impl TestDatabase for SqliteDatabase {
    async fn open(&self) -> Arc<dyn Store> {
        let store = thirdspace_store_sqlite::open(&format!("sqlite://{}", self.path().display())).await.unwrap();
        self.opened.lock().unwrap().push(store.clone());
        Arc::new(store)
    }

    async fn stored_bookings(&self) -> Vec<StoredBooking> {
        let rows =
            sqlx::query("SELECT id, user_id, space_id, starts_at, ends_at, status, checked_out_at FROM bookings")
                .fetch_all(&self.raw().await)
                .await
                .unwrap();
        rows.iter()
            .map(|row| {
                let uuid = |column: &str| Uuid::parse_str(&row.get::<String, _>(column)).unwrap();
                let status: String = row.get("status");
                StoredBooking {
                    id: uuid("id"),
                    user: uuid("user_id"),
                    space: uuid("space_id"),
                    starts_at: row.get("starts_at"),
                    ends_at: row.get("ends_at"),
                    status: BookingStatus::from_str_opt(&status).unwrap(),
                    checked_out_at: row.get("checked_out_at"),
                }
            })
            .collect()
    }

    async fn delete(&self, table: &str, id: Uuid) {
        let options = SqliteConnectOptions::new()
            .filename(self.path())
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10));
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.unwrap();
        sqlx::query(&format!("DELETE FROM {table} WHERE id = ?")).bind(id.to_string()).execute(&pool).await.unwrap();
        pool.close().await;
    }

    async fn close(&self) {
        let raw = self.raw.lock().unwrap().take();
        if let Some(raw) = raw {
            raw.close().await;
        }
        let opened = std::mem::take(&mut *self.opened.lock().unwrap());
        for store in opened {
            store.close().await;
        }
    }
}

fn backend() -> Option<Sqlite> {
    Some(Sqlite)
}

thirdspace_store_tests::store_suite!(backend);
