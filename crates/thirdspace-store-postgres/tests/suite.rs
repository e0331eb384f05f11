//! The store suite on PostgreSQL: a database of its own for each test, on one throwaway cluster
//! for the whole run. Skipped, loudly, where PostgreSQL is not installed (but never on CI).

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::Row;
use thirdspace_domain::booking::BookingStatus;
use thirdspace_store::Store;
use thirdspace_store_postgres::cluster::TestCluster;
use thirdspace_store_postgres::{PgOptions, PgStore};
use thirdspace_store_tests::{Backend, StoredBooking, TestDatabase};

struct Postgres(&'static TestCluster);

struct PgDatabase {
    cluster: &'static TestCluster,
    url: String,
    opened: Mutex<Vec<PgStore>>,
    /// A pool of our own on the same database, for reading behind the stores' back.
    raw: PgPool,
}

#[async_trait]
impl Backend for Postgres {
    async fn database(&self) -> Box<dyn TestDatabase> {
        let url = self.0.create_database().await.unwrap();
        let raw = PgPoolOptions::new().max_connections(2).connect_lazy(&url).unwrap();
        Box::new(PgDatabase { cluster: self.0, url, opened: Mutex::default(), raw })
    }

    /// Half of SQLite's 24: each case starts on a database of its own, which PostgreSQL takes
    /// about half a second to create and migrate. `PROPTEST_CASES` runs more.
    fn property_cases(&self) -> u32 {
        12
    }
}

#[async_trait]
impl TestDatabase for PgDatabase {
    async fn open(&self) -> Arc<dyn Store> {
        let store = thirdspace_store_postgres::open(&self.url, PgOptions::default()).await.unwrap();
        self.opened.lock().unwrap().push(store.clone());
        Arc::new(store)
    }

    async fn stored_bookings(&self) -> Vec<StoredBooking> {
        let rows =
            sqlx::query("SELECT id, user_id, space_id, starts_at, ends_at, status, checked_out_at FROM bookings")
                .fetch_all(&self.raw)
                .await
                .unwrap();
        rows.iter()
            .map(|row| StoredBooking {
                id: row.get("id"),
                user: row.get("user_id"),
                space: row.get("space_id"),
                starts_at: row.get("starts_at"),
                ends_at: row.get("ends_at"),
                status: BookingStatus::from_str_opt(row.get("status")).unwrap(),
                checked_out_at: row.get("checked_out_at"),
            })
            .collect()
    }

    async fn delete(&self, table: &str, id: uuid::Uuid) {
        sqlx::query(&format!("DELETE FROM {table} WHERE id = $1")).bind(id).execute(&self.raw).await.unwrap();
    }

    async fn close(&self) {
        self.raw.close().await;
        let opened = std::mem::take(&mut *self.opened.lock().unwrap());
        for store in opened {
            store.close().await;
        }
        self.cluster.drop_database(&self.url).await.unwrap();
    }
}

fn backend() -> Option<Postgres> {
    TestCluster::shared().map(Postgres)
}

thirdspace_store_tests::store_suite!(backend);
