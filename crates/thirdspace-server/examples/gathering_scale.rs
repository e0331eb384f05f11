//! How long a city's listing and a busy venue's calendar feed take with many gatherings: a
//! database with `GATHERINGS` one-date gatherings over four cities (six in ten in Utrecht, one in
//! twenty at one busy Utrecht venue), their dates spread from a month back to a year ahead, and
//! `RSVPS` answers spread unevenly over the dates (some fill up and form a line). Everything is
//! written through the store, in a few units of work. Then, many times each, with one client:
//! Utrecht's next 30 days through the store (`gathering_dates_in`, as `GET /api/v1/gatherings`
//! reads it), the same over HTTP, and the busy venue's and the city's calendar feeds over HTTP,
//! from a real server on a random port over the same database.
//!
//! `cargo run --release -p thirdspace-server --example gathering_scale -- 10000 100000 DB_FILE [POSTGRES_URL]`
//!
//! An existing `DB_FILE` (or PostgreSQL database) that was filled before is reused as it is.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use thirdspace_domain::email::Email;
use thirdspace_domain::gathering::{AtVenue, GatheringDraft, GatheringInput};
use thirdspace_domain::space::{SpaceDraft, SpaceInput, SpaceKind};
use thirdspace_domain::venue::{VenueDraft, VenueInput};
use thirdspace_server::clock::ManualClock;
use thirdspace_server::{AppState, Application, ServerConfig};
use thirdspace_store::{NewUser, Page, Store, Where};
use uuid::Uuid;

type Error = Box<dyn std::error::Error>;

/// Monday 7 January 2030, midnight UTC: "today" for every read.
const BASE: i64 = 1_893_974_400;
const DAY: i64 = 86_400;
/// The data is written as of five weeks before, so that every date is still to come then.
const FILLED_AT: i64 = BASE - 35 * DAY;
/// The dates run from this many days before `BASE` ...
const DAYS_BACK: i64 = 30;
/// ... over this many days.
const DAYS_SPREAD: i64 = 395;
/// Who answers: each date's answers come from consecutive members, so never twice the same.
const MEMBERS: usize = 3_000;
/// Written last: a database holding it was filled completely.
const FILLED: &str = "filled@example.org";
const CITIES: [&str; 4] = ["Utrecht", "Amsterdam", "Rotterdam", "Delft"];
const RUNS: usize = 200;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let gatherings: usize = args.next().map_or(Ok(10_000), |n| n.parse())?;
    let rsvps: usize = args.next().map_or(Ok(100_000), |n| n.parse())?;
    let file = std::path::PathBuf::from(args.next().ok_or("usage: GATHERINGS RSVPS DB_FILE [POSTGRES_URL]")?);
    let postgres = args.next();

    let sqlite = thirdspace_store_sqlite::open(&format!("sqlite://{}", file.display())).await?;
    println!("SQLite ({}):", file.display());
    measure(Arc::new(sqlite), gatherings, rsvps).await?;
    if let Some(url) = postgres {
        let pg = thirdspace_store_postgres::open(&url, thirdspace_store_postgres::PgOptions::default()).await?;
        println!("PostgreSQL:");
        measure(Arc::new(pg), gatherings, rsvps).await?;
    }
    Ok(())
}

/// Fills `store` unless it was filled before, then times each read.
async fn measure(store: Arc<dyn Store>, gatherings: usize, rsvps: usize) -> Result<(), Error> {
    let venue = match store.credentials(&Email::parse(FILLED)?).await? {
        Some(_) => {
            println!("  reused the gatherings already there");
            store.venues(None, Page::new(1, 1)).await?.items.remove(0).id
        }
        None => fill(store.as_ref(), gatherings, rsvps).await?,
    };

    let city = store.gathering_dates_in(Where::City("utrecht"), (BASE, BASE + 30 * DAY), 200, false).await?;
    let next_30 = store.gathering_dates_in(Where::City("utrecht"), (BASE, BASE + 30 * DAY), 10_000, false).await?;
    let answers: u32 = next_30.iter().map(|(_, d)| d.taken + d.waiting).sum();
    println!(
        "  Utrecht's next 30 days: {} dates ({answers} places taken or in line), listed {} at most",
        next_30.len(),
        city.len()
    );
    timed("city listing, 30 days, store", || async {
        let found = store.gathering_dates_in(Where::City("utrecht"), (BASE, BASE + 30 * DAY), 200, false).await?;
        Ok(found.len())
    })
    .await?;

    let now = BASE + 8 * 3600;
    let (back, ahead) = thirdspace_server::app::gatherings::FEED_DAYS;
    let feed = (now - back * DAY, now + ahead * DAY);
    let max = thirdspace_server::app::gatherings::MAX_FEED;
    timed("busy venue's feed dates, store", || async {
        Ok(store.gathering_dates_in(Where::Venue(venue), feed, max, true).await?.len())
    })
    .await?;

    let state = AppState::new(store.clone(), Arc::new(ManualClock::new(now)), ServerConfig::default());
    let app = Application::bind(SocketAddr::from(([127, 0, 0, 1], 0)), state).await?;
    let base = format!("http://{}", app.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let get = |path: String, counted: &'static str| {
        let (client, url) = (client.clone(), format!("{base}{path}"));
        move || {
            let (client, url) = (client.clone(), url.clone());
            async move {
                let response = client.get(&url).send().await?;
                if !response.status().is_success() {
                    return Err(format!("{url}: {}", response.status()).into());
                }
                Ok(response.text().await?.matches(counted).count())
            }
        }
    };
    timed("city listing, 30 days, HTTP", get("/api/v1/gatherings?city=Utrecht&days=30".into(), "\"gathering_id\""))
        .await?;
    timed("busy venue's feed, HTTP", get(format!("/api/v1/venues/{venue}/gatherings.ics"), "BEGIN:VEVENT")).await?;
    timed("city's feed, HTTP", get("/api/v1/gatherings.ics?city=Utrecht".into(), "BEGIN:VEVENT")).await?;
    let _ = stop.send(());
    server.await??;
    Ok(())
}

/// Runs `read` a few times to warm up, then [`RUNS`] times, and prints the median and 95th
/// percentile, with how many items the last one returned.
async fn timed<F, Fut>(what: &str, read: F) -> Result<(), Error>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<usize, Error>>,
{
    for _ in 0..10 {
        read().await?;
    }
    let mut times = Vec::with_capacity(RUNS);
    let mut items = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        items = read().await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "  {what}: median {:.1} ms, p95 {:.1} ms, slowest {:.1} ms over {RUNS} runs ({items} dates)",
        times[RUNS / 2],
        times[RUNS * 95 / 100],
        times[RUNS - 1]
    );
    Ok(())
}

/// The busy venue: in Utrecht, open round the clock, with one open seating of 400 seats, all of them open to gatherings.
fn busy_venue() -> Result<(VenueDraft, SpaceDraft), Error> {
    let hours: Vec<_> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        .iter()
        .map(|day| serde_json::json!({"day": day, "opens": "00:00", "closes": "24:00"}))
        .collect();
    let input: VenueInput = serde_json::from_value(serde_json::json!({
        "name": "Busy library", "kind": "library", "address": "Neude 11", "city": "Utrecht", "country": "NL",
        "time_zone": "Europe/Amsterdam", "opening_hours": hours, "welcomes_gatherings": true
    }))?;
    let space =
        SpaceInput { name: "Leeszaal".into(), kind: SpaceKind::OpenSeating, capacity: 400, social_capital_seats: 400 };
    Ok((VenueDraft::parse(input)?, SpaceDraft::parse(space)?))
}

/// Gathering `i`: its city, day, hours, places and whether it is at the busy venue.
fn input(i: usize, venue: Uuid) -> Result<(GatheringInput, bool), Error> {
    let at_venue = i.is_multiple_of(20);
    let city = CITIES[match i % 10 {
        0..=5 => 0,
        6 | 7 => 1,
        8 => 2,
        _ => 3,
    }];
    let day = (i as i64 * 7_919 + i as i64 / 7) % DAYS_SPREAD - DAYS_BACK;
    let date = chrono::DateTime::from_timestamp(BASE + day * DAY, 0).ok_or("a date")?.date_naive();
    let start = 9 + (i * 3) % 10;
    let kind = ["coworking_day", "knowledge_session", "group_meetup"][i % 3];
    let mut json = serde_json::json!({
        "kind": kind,
        "title": format!("Gathering {i}"), "description": "Bring a laptop and something to share.",
        "tags": ["rust", "writing"], "date": date.to_string(), "start": format!("{start:02}:00"),
        "end": format!("{:02}:00", start + 2), "capacity": 5 + (i * 13) % 36,
        "members_only": i % 7 == 3, "requires_approval": i % 25 == 7
    });
    if at_venue {
        json["venue_id"] = venue.to_string().into();
    } else {
        json["address"] = format!("Kanaalstraat {}", i % 200 + 1).into();
        json["city"] = city.into();
        json["time_zone"] = "Europe/Amsterdam".into();
    }
    Ok((serde_json::from_value(json)?, at_venue))
}

/// Writes the members, the busy venue, the gatherings and the answers through the store; returns
/// the venue.
async fn fill(store: &dyn Store, gatherings: usize, rsvps: usize) -> Result<Uuid, Error> {
    let started = Instant::now();
    let user = |email: String| -> Result<NewUser, Error> {
        Ok(NewUser {
            email: Email::parse(&email)?,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            display_name: email.replace("@example.org", ""),
            is_admin: false,
            email_verified: true,
            now: FILLED_AT,
        })
    };
    let mut work = store.begin().await?;
    let mut members = Vec::with_capacity(MEMBERS);
    for i in 0..MEMBERS {
        members.push(work.create_user(user(format!("member{i}@example.org"))?).await?.id);
    }
    let (venue, space) = busy_venue()?;
    let venue = work.create_venue(members[0], &venue, &[space], b"check-in secret", FILLED_AT).await?.id;
    work.commit().await?;

    let at = AtVenue { time_zone: chrono_tz::Europe::Amsterdam, city: "Utrecht" };
    let mut dates = Vec::with_capacity(gatherings);
    for batch in (0..gatherings).collect::<Vec<_>>().chunks(1_000) {
        let mut work = store.begin().await?;
        for &i in batch {
            let (input, at_venue) = input(i, venue)?;
            let draft = GatheringDraft::parse(input, at_venue.then_some(at), FILLED_AT)?;
            let made = work.create_gathering(members[(i * 31) % MEMBERS], &draft, FILLED_AT).await?;
            dates.push(made.id);
        }
        work.commit().await?;
    }
    // A gathering's one date, by gathering.
    let mut date_ids = Vec::with_capacity(dates.len());
    for gathering in &dates {
        date_ids.push(store.gathering_dates(*gathering).await?[0].id);
    }
    println!("  wrote {MEMBERS} members and {gatherings} gatherings in {:.1} s", started.elapsed().as_secs_f64());

    // Each date gets a share of the answers by its weight (1 to 19), from consecutive members.
    let weights: Vec<usize> = (0..date_ids.len()).map(|k| 1 + (k * 31) % 19).collect();
    let total: usize = weights.iter().sum();
    let mut answers = Vec::with_capacity(rsvps);
    for (k, weight) in weights.iter().enumerate() {
        let share = (rsvps * weight / total).min(MEMBERS);
        answers.extend((0..share).map(|j| (date_ids[k], members[(k * 97 + j) % MEMBERS])));
    }
    let mut k = 0;
    while answers.len() < rsvps && !date_ids.is_empty() {
        let date = k % date_ids.len();
        answers.push((date_ids[date], members[(date * 97 + MEMBERS - 1 - k / date_ids.len()) % MEMBERS]));
        k += 1;
    }
    for batch in answers.chunks(5_000) {
        let mut work = store.begin().await?;
        for &(date, member) in batch {
            work.answer_gathering(date, member, FILLED_AT).await?;
        }
        work.commit().await?;
    }
    store.create_user(user(FILLED.into())?).await?;
    println!("  wrote {} answers; filled in {:.1} s", answers.len(), started.elapsed().as_secs_f64());
    Ok(venue)
}
