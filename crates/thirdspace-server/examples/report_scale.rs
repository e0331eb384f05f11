//! How long a venue's report takes on a large network: a new SQLite file with `MEMBERS` members
//! (each with a profile), 100 venues, a year of visits, `EXCHANGES` confirmed exchanges with their
//! topics, introductions, questions and outcomes, spread over the venues and the year. Then a
//! venue's month and year, the network's year and a member's year are read and added up, as the
//! API does, many times each.
//!
//! `cargo run --release -p thirdspace-server --example report_scale -- 100000 1000000 [DB_FILE [POSTGRES_URL]]`

use std::time::Instant;

use chrono::NaiveDate;
use thirdspace_domain::report::By;
use thirdspace_server::app::reports;
use thirdspace_store::{Scope, Store};
use uuid::Uuid;

/// A random version-4 UUID, written by SQLite itself.
const UUID: &str = "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) \
                    || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";
/// Monday 7 January 2030, midnight UTC: the first day of the generated year.
const BASE: i64 = 1_893_974_400;
const VENUES: i64 = 100;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let members: i64 = std::env::args().nth(1).map_or(Ok(100_000), |n| n.parse())?;
    let exchanges: i64 = std::env::args().nth(2).map_or(Ok(1_000_000), |n| n.parse())?;
    let visits = exchanges / 2;
    // A third argument keeps the generated database at that path, and reuses it when it exists.
    let dir = tempfile::tempdir()?;
    let kept = std::env::args().nth(3).map(std::path::PathBuf::from);
    let file = kept.clone().unwrap_or_else(|| dir.path().join("network.db"));
    let reuse = kept.is_some() && file.exists();
    let url = format!("sqlite://{}", file.display());
    thirdspace_store_sqlite::open(&url).await?.close().await;
    let pool = sqlx::SqlitePool::connect(&url).await?;
    let started = Instant::now();
    let people = "people AS (SELECT id, row_number() OVER (ORDER BY rowid) - 1 AS k FROM users)";
    let places = "places AS (SELECT v.id AS venue, s.id AS space, row_number() OVER (ORDER BY v.rowid) - 1 AS k \
                  FROM venues v JOIN spaces s ON s.venue_id = v.id)";
    let mut statements = vec![
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {members}) \
             INSERT INTO users (id, email, password_hash, is_admin, created_at) \
             SELECT {UUID}, 'member' || i || '@example.org', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', 0, \
             {BASE} FROM n"
        ),
        "INSERT INTO profiles (user_id, display_name, offers, seeking, interests, links, field, visibility, \
         open_to_meet, updated_at) SELECT id, 'Member ' || rowid, '[\"python\"]', '[\"rust\"]', '[]', '[]', \
         'field ' || (rowid % 40), 'public', 1, created_at FROM users"
            .to_owned(),
    ];
    for v in 0..VENUES {
        let (venue, space) = (Uuid::new_v4(), Uuid::new_v4());
        statements.push(format!(
            "INSERT INTO venues (id, name, kind, address, city, city_key, country, time_zone, opening_hours, \
             no_show_grace_minutes, checkin_secret, created_at, updated_at) VALUES ('{venue}', 'Venue {v}', \
             'library', 'Neude 11', 'Utrecht', 'utrecht', 'NL', 'Europe/Amsterdam', '[]', 15, randomblob(32), \
             {BASE}, {BASE})"
        ));
        statements.push(format!(
            "INSERT INTO spaces (id, venue_id, name, kind, capacity, social_capital_seats, created_at, updated_at) \
             VALUES ('{space}', '{venue}', 'Leeszaal', 'open_seating', 200, 100, {BASE}, {BASE})"
        ));
    }
    statements.extend([
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {visits} - 1), {people}, {places} \
             INSERT INTO bookings (id, user_id, venue_id, space_id, date, start_minute, end_minute, starts_at, \
             ends_at, closes_at, status, focus, pledge, walk_in, checked_in_at, checked_out_at, created_at) \
             SELECT {UUID}, p.id, pl.venue, pl.space, date('2030-01-07', '+' || (i % 365) || ' days'), 540, 1020, \
             {BASE} + (i % 365) * 86400 + 28800, {BASE} + (i % 365) * 86400 + 57600, {BASE} + (i % 365) * 86400 + 72000, \
             'checked_out', 'Writing', 'Statistics', 0, {BASE} + (i % 365) * 86400 + 28800, \
             {BASE} + (i % 365) * 86400 + 50400, {BASE} FROM n JOIN people p ON p.k = i % {members} \
             JOIN places pl ON pl.k = i % {VENUES}"
        ),
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {exchanges} - 1), {people}, \
             {places} INSERT INTO exchanges (id, giver_id, receiver_id, proposer_id, venue_id, source, tags, text, \
             status, proposed_at, answered_at) SELECT {UUID}, g.id, r.id, g.id, pl.venue, 'free', \
             '[\"topic ' || (i % 500) || '\"]', 'Shared what I know', 'confirmed', {BASE} + (i % 365) * 86400 + 36000, \
             {BASE} + (i % 365) * 86400 + 39600 FROM n JOIN people g ON g.k = i % {members} \
             JOIN people r ON r.k = (i * 7 + 1) % {members} JOIN places pl ON pl.k = i % {VENUES} WHERE g.id <> r.id"
        ),
        "INSERT INTO exchange_tags (exchange_id, tag, confirmed_at) SELECT id, json_extract(tags, '$[0]'), answered_at \
         FROM exchanges"
            .to_owned(),
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {visits} / 5 - 1), {people}, \
             {places} INSERT INTO intros (id, venue_id, person_a, person_b, score, reason, a_answer, b_answer, met_at, \
             a_useful, created_at, settled_at) SELECT {UUID}, pl.venue, min(a.id, b.id), max(a.id, b.id), 0.5, '{{}}', \
             'accepted', 'accepted', {BASE} + (i % 365) * 86400 + 43200, 1, {BASE} + (i % 365) * 86400 + 40000, \
             {BASE} + (i % 365) * 86400 + 43200 FROM n JOIN people a ON a.k = i % {members} \
             JOIN people b ON b.k = (i * 3 + 1) % {members} JOIN places pl ON pl.k = i % {VENUES} WHERE a.id <> b.id"
        ),
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {visits} / 5 - 1), {people}, \
             {places} INSERT INTO questions (id, venue_id, asker_id, text, tags, answered_at, created_at) \
             SELECT {UUID}, pl.venue, p.id, 'Who knows VAT?', '[]', {BASE} + (i % 365) * 86400 + 50000, \
             {BASE} + (i % 365) * 86400 + 45000 FROM n JOIN people p ON p.k = i % {members} \
             JOIN places pl ON pl.k = i % {VENUES}"
        ),
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {visits} / 10 - 1), {people}, \
             {places} INSERT INTO outcomes (id, owner_id, category, venue_id, sharing, created_at) \
             SELECT {UUID}, p.id, 'skill', pl.venue, 'venue', {BASE} + (i % 365) * 86400 + 60000 FROM n \
             JOIN people p ON p.k = i % {members} JOIN places pl ON pl.k = i % {VENUES}"
        ),
        "ANALYZE".to_owned(),
    ]);
    for statement in statements.iter().filter(|_| !reuse) {
        sqlx::query(statement).execute(&pool).await?;
    }
    pool.close().await;
    if reuse {
        println!("reused the network in {}", file.display());
    } else {
        println!(
            "generated {members} members, {VENUES} venues, {visits} visits and {exchanges} exchanges in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }

    let sqlite = thirdspace_store_sqlite::open(&url).await?;
    println!("SQLite:");
    measure(&sqlite).await?;
    sqlite.close().await;
    // A fourth argument: a PostgreSQL database the same network was moved to
    // (`thirdspace migrate-data --from sqlite://DB_FILE --to URL`), measured the same way.
    if let Some(pg) = std::env::args().nth(4) {
        let pg = thirdspace_store_postgres::open(&pg, thirdspace_store_postgres::PgOptions::default()).await?;
        println!("PostgreSQL:");
        measure(&pg).await?;
        pg.close().await;
    }
    Ok(())
}

/// Each report, many times, on `store`.
async fn measure(store: &dyn Store) -> Result<(), Box<dyn std::error::Error>> {
    let venue = store.venues(None, thirdspace_store::Page::new(1, 1)).await?.items.remove(0);
    let tz = chrono_tz::Europe::Amsterdam;
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("a date");
    let midnight = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp();
    for (what, from, to, by, runs) in [
        ("a venue's month", day(2030, 3, 1)?, day(2030, 4, 1)?, By::Week, 50),
        ("a venue's year", day(2030, 1, 7)?, day(2031, 1, 7)?, By::Month, 10),
    ] {
        let dates = (from - chrono::Duration::days(1), to + chrono::Duration::days(1));
        let venue = &venue;
        let report = || async move {
            let facts = store.venue_facts(venue.id, dates, midnight(dates.0), midnight(dates.1)).await?;
            Ok(reports::build((venue.id, venue.day_pass.as_ref()), &facts, tz, (from, to), by))
        };
        timed(what, runs, report).await?;
    }
    // The network's year and a member's, as `GET /network/report` and `GET /me/report` make them.
    let (from, to) = (day(2030, 1, 7)?, day(2031, 1, 7)?);
    let member =
        store.venue_day(venue.id, from, thirdspace_store::Page::new(1, 1)).await?.items.remove(0).booking.user_id;
    for (what, scope, runs) in
        [("the network's year, by month", Scope::Network, 5), ("a member's year, by month", Scope::Member(member), 50)]
    {
        timed(what, runs, || async move { Ok(reports::of_scope(store, scope, from, to, By::Month).await?) }).await?;
    }
    Ok(())
}

/// Makes a report `runs` times and prints the median and slowest time.
async fn timed<F, Fut>(what: &str, runs: usize, report: F) -> Result<(), Box<dyn std::error::Error>>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<reports::Report, Box<dyn std::error::Error>>>,
{
    let mut times = Vec::with_capacity(runs);
    let mut counted = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let made = report().await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        counted = made.total.visits + made.total.exchanges;
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{what}: median {:.1} ms, slowest {:.1} ms over {runs} runs ({counted} visits and exchanges counted)",
        times[runs / 2],
        times[runs - 1]
    );
    Ok(())
}
