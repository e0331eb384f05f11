//! Network suggestions over a large network: a database of `PEOPLE` public, open-to-meet members,
//! each offering six and looking for three of the tags of a real profile of the developer survey
//! (`crates/thirdspace-serendipity/benches/data/survey_profiles.tsv`), written through the store
//! in units of 5,000. Then a real server on a random port over it: how long its network index
//! takes to build, the process's resident memory before and after, and, many times over HTTP
//! with one client, `GET /api/v1/me/suggestions?scope=network` for members drawn at random.
//!
//! `cargo run --release -p thirdspace-server --example network_scale -- 1000000 DB_FILE`
//!
//! An existing `DB_FILE` that was filled before is reused as it is.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use thirdspace_domain::email::Email;
use thirdspace_domain::profile::{ProfileDraft, Visibility};
use thirdspace_server::clock::ManualClock;
use thirdspace_server::{AppState, Application, ServerConfig};
use thirdspace_store::{NewToken, NewUser, Store, TokenKind};

type Error = Box<dyn std::error::Error>;

/// Monday 7 January 2030, 09:00 UTC.
const NOW: i64 = 1_893_974_400 + 9 * 3600;
/// Written last: a database holding it was filled completely.
const FILLED: &str = "filled@example.org";
/// Members who ask, each with an API token `asker-token-{i}`.
const ASKERS: usize = 50;
const RUNS: usize = 200;
const BATCH: usize = 5_000;

fn survey() -> Vec<(Vec<String>, Vec<String>)> {
    include_str!("../../thirdspace-serendipity/benches/data/survey_profiles.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(o, n)| (o.split('|').map(str::to_owned).collect(), n.split('|').map(str::to_owned).collect()))
        .collect()
}

/// Person `i`'s profile: six offers and three needs of survey profile `i * 7919 % len`, taken
/// from places that move with `i`.
fn profile(i: usize, survey: &[(Vec<String>, Vec<String>)]) -> ProfileDraft {
    let (offers, needs) = &survey[i * 7_919 % survey.len()];
    let pick = |from: &[String], n: usize| -> Vec<String> {
        (0..n.min(from.len())).map(|k| from[(i / 3 + k * 5) % from.len()].clone()).collect()
    };
    let mut chosen = pick(offers, 6);
    chosen.dedup();
    let mut wanted = pick(needs, 3);
    wanted.dedup();
    ProfileDraft {
        display_name: format!("Member {i}"),
        headline: None,
        bio: None,
        offers: chosen,
        seeking: wanted,
        seeking_text: None,
        interests: Vec::new(),
        field: None,
        links: Vec::new(),
        visibility: Visibility::Public,
        open_to_meet: true,
        record_visibility: Visibility::Public,
    }
}

fn token_hash(token: &str) -> String {
    thirdspace_server::auth::token_hash(token)
}

/// Resident memory of this process, in MiB.
fn resident_mib() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0.0);
    pages * 4096.0 / (1024.0 * 1024.0)
}

async fn fill(store: &dyn Store, people: usize) -> Result<(), Error> {
    let started = Instant::now();
    let survey = survey();
    for batch in (0..people).collect::<Vec<_>>().chunks(BATCH) {
        let mut work = store.begin().await?;
        for &i in batch {
            let user = work
                .create_user(NewUser {
                    email: Email::parse(&format!("member{i}@example.org"))?,
                    password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
                    display_name: format!("Member {i}"),
                    is_admin: false,
                    email_verified: true,
                    now: NOW,
                })
                .await?;
            work.put_profile(user.id, &profile(i, &survey), NOW).await?;
            if i < ASKERS {
                let token = format!("asker-token-{i}");
                work.insert_token(NewToken {
                    user: user.id,
                    kind: TokenKind::Api,
                    token_hash: token_hash(&token),
                    name: "network_scale".into(),
                    now: NOW,
                    expires_at: None,
                })
                .await?;
            }
        }
        work.commit().await?;
        if batch[0] % 100_000 == 0 {
            println!("  {} written, {:.0} s", batch[0] + batch.len(), started.elapsed().as_secs_f64());
        }
    }
    store
        .create_user(NewUser {
            email: Email::parse(FILLED)?,
            password_hash: "x".into(),
            display_name: "Filled".into(),
            is_admin: false,
            email_verified: true,
            now: NOW,
        })
        .await?;
    println!("  wrote {people} members in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let people: usize = args.next().map_or(Ok(1_000_000), |n| n.parse())?;
    let file = std::path::PathBuf::from(args.next().ok_or("usage: PEOPLE DB_FILE")?);
    let store: Arc<dyn Store> = Arc::new(thirdspace_store_sqlite::open(&format!("sqlite://{}", file.display())).await?);
    if store.credentials(&Email::parse(FILLED)?).await?.is_some() {
        println!("reused the members already in {}", file.display());
    } else {
        fill(store.as_ref(), people).await?;
    }

    let before = resident_mib();
    let state = AppState::new(store.clone(), Arc::new(ManualClock::new(NOW)), ServerConfig::default());
    let network = state.network.clone();
    let app = Application::bind(SocketAddr::from(([127, 0, 0, 1], 0)), state).await?;
    let base = format!("http://{}", app.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let started = Instant::now();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    while network.size().0 < people {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (indexed, bytes) = network.size();
    println!(
        "index of {indexed} people built in {:.2} s: {:.1} MiB by its own count ({:.0} bytes a person); \
         resident memory {before:.0} MiB before, {:.0} MiB after",
        started.elapsed().as_secs_f64(),
        bytes as f64 / (1024.0 * 1024.0),
        bytes as f64 / indexed as f64,
        resident_mib()
    );

    let client = reqwest::Client::new();
    let mut times = Vec::with_capacity(RUNS);
    let mut suggested = 0;
    for run in 0..RUNS + 10 {
        let token = format!("asker-token-{}", run % ASKERS);
        let started = Instant::now();
        let response =
            client.get(format!("{base}/api/v1/me/suggestions?scope=network")).bearer_auth(&token).send().await?;
        if !response.status().is_success() {
            return Err(format!("suggestions: {} {}", response.status(), response.text().await?).into());
        }
        let body: serde_json::Value = response.json().await?;
        if run >= 10 {
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            suggested += body.as_array().map_or(0, Vec::len);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "network suggestions over HTTP: median {:.1} ms, p95 {:.1} ms, slowest {:.1} ms over {RUNS} runs \
         ({:.1} suggestions each); resident memory after {:.0} MiB",
        times[RUNS / 2],
        times[RUNS * 95 / 100],
        times[RUNS - 1],
        suggested as f64 / RUNS as f64,
        resident_mib()
    );
    let _ = stop.send(());
    server.await??;
    Ok(())
}
