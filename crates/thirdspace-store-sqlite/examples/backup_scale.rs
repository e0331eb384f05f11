//! How long a backup (and a restore) of a large network takes: a database of N bookings (one
//! venue, a thousand members, bookings spread over years), then `backup::backup` three times and
//! `backup::restore` once.
//!
//! `cargo run --release -p thirdspace-store-sqlite --example backup_scale -- 1000000 /tmp/backup-bench`
//! (the directory is made; a database filled by an earlier run is reused).

use std::time::Instant;

use thirdspace_domain::space::SpaceKind;
use thirdspace_store::Store;
use thirdspace_store_sqlite::backup;
use thirdspace_store_tests::fixtures;

const MEMBERS: usize = 1000;
const CHUNK: i64 = 100_000;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let wanted: i64 = args.next().map_or(Ok(1_000_000), |n| n.parse())?;
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| "backup-bench".to_owned()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}", dir.join("network.db").display());
    let store = thirdspace_store_sqlite::open(&url).await?;
    // One connection: the temporary table of members lives on it.
    let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(&url).await?;
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bookings").fetch_one(&pool).await?;
    if have < wanted {
        let now = 1_780_000_000;
        let users = fixtures::create_users(&store, MEMBERS, now).await;
        let venue = fixtures::create_venue(&store, users[0], now).await;
        let space = fixtures::create_space(&store, venue, SpaceKind::OpenSeating, 2000, 2000, now).await;
        sqlx::query("CREATE TEMP TABLE members (n INTEGER PRIMARY KEY, id TEXT NOT NULL)").execute(&pool).await?;
        for (n, id) in users.iter().enumerate() {
            sqlx::query("INSERT INTO members (n, id) VALUES (?, ?)")
                .bind(n as i64)
                .bind(id.to_string())
                .execute(&pool)
                .await?;
        }
        let started = Instant::now();
        let mut from = have;
        while from < wanted {
            let to = (from + CHUNK).min(wanted);
            // Two-hour bookings, eight a day per member, a day after another.
            sqlx::query(
                "WITH RECURSIVE k(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM k WHERE x + 1 < ?) \
                 INSERT INTO bookings (id, user_id, venue_id, space_id, date, start_minute, end_minute, starts_at, ends_at, \
                    closes_at, status, focus, pledge, created_at) \
                 SELECT printf('%08x-0000-7000-8000-%012x', x / 65536, x), m.id, ?, ?, \
                    date(?, 'unixepoch', '+' || (x / 8000) || ' days'), 480 + (x % 8) * 60, 600 + (x % 8) * 60, \
                    ? + (x / 8000) * 86400 + (x % 8) * 3600, ? + (x / 8000) * 86400 + (x % 8) * 3600 + 7200, \
                    ? + (x / 8000) * 86400 + 36000, 'checked_out', 'Writing my thesis', 'I can explain statistics', ? \
                 FROM k JOIN members m ON m.n = (x / 8) % ?",
            )
            .bind(from)
            .bind(to)
            .bind(venue.to_string())
            .bind(space.to_string())
            .bind(now)
            .bind(now)
            .bind(now)
            .bind(now)
            .bind(now)
            .bind(MEMBERS as i64)
            .execute(&pool)
            .await?;
            from = to;
        }
        println!("filled {wanted} bookings in {:.1} s", started.elapsed().as_secs_f64());
    }
    pool.close().await;
    store.close().await;

    for n in 1..=3 {
        let to = dir.join(format!("backup-{n}.db"));
        let _ = std::fs::remove_file(&to);
        let made = backup::backup(&url, &to).await?;
        println!(
            "backup {n}: {} bookings, {:.1} MiB, {:.2} s",
            made.bookings,
            made.bytes as f64 / 1_048_576.0,
            made.took.as_secs_f64()
        );
    }
    let restored = backup::restore(&dir.join("backup-1.db"), &url, chrono::Utc::now().timestamp()).await?;
    println!("restore: {} bookings, {:.2} s", restored.bookings, restored.took.as_secs_f64());
    if let Some(kept) = restored.replaced {
        std::fs::remove_file(kept)?;
    }
    Ok(())
}
