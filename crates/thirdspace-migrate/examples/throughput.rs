//! How fast `migrate-data` moves a large network: a new SQLite file with `BOOKINGS` bookings (and
//! a member for every ten, each with a profile) moved to a new database on a throwaway PostgreSQL
//! cluster, and back into a new SQLite file.
//!
//! `cargo run --release -p thirdspace-migrate --example throughput -- 200000`

use std::time::Instant;

use thirdspace_migrate::migrate_data;
use thirdspace_store_postgres::cluster::TestCluster;

/// A random version-4 UUID, written by SQLite itself.
const UUID: &str = "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) \
                    || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bookings: i64 = std::env::args().nth(1).map_or(Ok(200_000), |n| n.parse())?;
    let members = (bookings / 10).max(1);
    let dir = tempfile::tempdir()?;
    let source = format!("sqlite://{}", dir.path().join("network.db").display());
    thirdspace_store_sqlite::open(&source).await?.close().await;
    let pool = sqlx::SqlitePool::connect(&source).await?;
    let venue = uuid::Uuid::new_v4().to_string();
    let space = uuid::Uuid::new_v4().to_string();
    for statement in [
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {members}) \
             INSERT INTO users (id, email, password_hash, is_admin, created_at) \
             SELECT {UUID}, 'member' || i || '@example.org', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', 0, \
             1893974400 + i FROM n"
        ),
        "INSERT INTO profiles (user_id, display_name, headline, offers, seeking, interests, links, visibility, \
         open_to_meet, updated_at) SELECT id, 'Member ' || rowid, 'Bookkeeper — “creative studios”', \
         '[\"python\",\"statistics\"]', '[\"rust\"]', '[]', '[]', 'venue', 1, created_at FROM users"
            .to_owned(),
        format!(
            "INSERT INTO venues (id, name, kind, address, city, city_key, country, latitude, longitude, time_zone, \
             opening_hours, no_show_grace_minutes, checkin_secret, created_at, updated_at) VALUES ('{venue}', \
             'Bibliotheek Neude', 'library', 'Neude 11', 'Utrecht', 'utrecht', 'NL', 52.0932, 5.1186, \
             'Europe/Amsterdam', '[{{\"day\":\"monday\",\"opens\":\"08:00\",\"closes\":\"22:00\"}}]', 15, \
             randomblob(32), 1893974400, 1893974400)"
        ),
        format!(
            "INSERT INTO spaces (id, venue_id, name, kind, capacity, social_capital_seats, created_at, updated_at) \
             VALUES ('{space}', '{venue}', 'Leeszaal', 'open_seating', 200, 100, 1893974400, 1893974400)"
        ),
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {bookings} - 1), \
             people AS (SELECT id, row_number() OVER (ORDER BY rowid) - 1 AS k FROM users) \
             INSERT INTO bookings (id, user_id, venue_id, space_id, date, start_minute, end_minute, starts_at, \
             ends_at, closes_at, status, focus, pledge, walk_in, checked_in_at, checked_out_at, created_at) \
             SELECT {UUID}, people.id, '{venue}', '{space}', date('2030-01-07', '+' || (i / {members}) || ' days'), \
             540, 1020, 1893999600 + (i / {members}) * 86400, 1894028400 + (i / {members}) * 86400, \
             1894046400 + (i / {members}) * 86400, 'checked_out', 'Writing my thesis', 'I can explain \
             statistics', 0, 1893999600 + (i / {members}) * 86400, 1894028400 + (i / {members}) * 86400, \
             1893974400 FROM n JOIN people ON people.k = i % {members}"
        ),
    ] {
        sqlx::query(&statement).execute(&pool).await?;
    }
    pool.close().await;

    let cluster = TestCluster::start()?;
    let postgres = cluster.create_database().await?;
    let back = format!("sqlite://{}", dir.path().join("back.db").display());
    for (from, to, what) in [(&source, &postgres, "SQLite → PostgreSQL"), (&postgres, &back, "PostgreSQL → SQLite")]
    {
        let started = Instant::now();
        let report = migrate_data(from, to).await?;
        let seconds = started.elapsed().as_secs_f64();
        assert!(report.matches());
        println!(
            "{what}: {} rows ({bookings} bookings, {members} members and profiles) in {seconds:.2} s, {:.0} rows/s",
            report.rows(),
            report.rows() as f64 / seconds
        );
    }
    Ok(())
}
