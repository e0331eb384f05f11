//! Books seats from many concurrent clients and reports how many bookings per second the server
//! accepted, with latency percentiles.
//!
//! Each client is its own member booking spans of `--minutes` one after another (so no booking is
//! refused for overlapping), at a venue open round the clock with more seats than the run fills.

use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use clap::Args;
use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::api::{member, post, venue};
use crate::{latencies, sorted};

#[derive(Args)]
pub struct BookingArgs {
    /// The server's base URL; repeat it for several instances on one database (clients are
    /// spread over them in turn).
    #[arg(long = "url", default_value = "http://127.0.0.1:8080")]
    urls: Vec<String>,
    /// Concurrent clients, each a member of its own.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// How long to book, in seconds.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// The server's metrics address (its `metrics_bind`, e.g. `http://127.0.0.1:9464`): the
    /// outbox's lag is read there every 100 ms during the run.
    #[arg(long)]
    metrics: Option<String>,
    /// How long each booking is, in minutes, from 15 to 120 and a whole fraction of a day (15,
    /// 30, 60, 120…).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(15..=120))]
    minutes: u32,
    /// After the run, the same number of bookings' own SQLite transactions run by one writer
    /// without the server, on a new database file in this directory (on the disk the server's
    /// database is on), for as long: the physical limit the figure is a share of.
    #[arg(long)]
    reference: Option<std::path::PathBuf>,
}

/// The outbox's lag, in events, read from `metrics` every 100 ms until `deadline`.
async fn watch_lag(client: Client, metrics: String, deadline: Instant) -> Result<Vec<u64>> {
    let url = format!("{}/metrics", metrics.trim_end_matches('/'));
    let mut samples = Vec::new();
    while Instant::now() < deadline {
        let text = client.get(&url).send().await?.text().await?;
        let lag: Option<u64> =
            text.lines().find_map(|l| l.strip_prefix("thirdspace_outbox_lag_events ")?.trim().parse().ok());
        samples.extend(lag);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(samples)
}

#[derive(Default)]
struct Tally {
    accepted: u64,
    refused: u64,
    latencies: Vec<Duration>,
}

/// `minutes` after midnight as `HH:MM` (24:00 at the end of the day).
fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

async fn book_until(client: Client, url: String, token: String, minutes: u32, deadline: Instant) -> Result<Tally> {
    let first = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    let per_day = 24 * 60 / minutes;
    let mut tally = Tally::default();
    for slot in 0u32.. {
        if Instant::now() >= deadline {
            break;
        }
        let date = first + chrono::Duration::days(i64::from(slot / per_day));
        let start = (slot % per_day) * minutes;
        let body = json!({
            "date": date.format("%Y-%m-%d").to_string(),
            "start": clock(start), "end": clock(start + minutes),
            "focus": "Load testing", "pledge": "Happy to share benchmark figures"
        });
        let started = Instant::now();
        let (status, body) = post(&client, &url, Some(&token), body).await?;
        tally.latencies.push(started.elapsed());
        match status {
            StatusCode::CREATED => tally.accepted += 1,
            StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY => tally.refused += 1,
            other => bail!("unexpected {other}: {body}"),
        }
    }
    Ok(tally)
}

pub async fn run(args: BookingArgs) -> Result<()> {
    if (24 * 60) % args.minutes != 0 {
        bail!("--minutes must divide a day into whole spans (15, 30, 60, 120…), not {}", args.minutes);
    }
    let bases: Vec<String> = args.urls.iter().map(|u| u.trim_end_matches('/').to_owned()).collect();
    let base = bases.first().cloned().unwrap_or_default();
    let client = Client::builder().pool_max_idle_per_host(args.clients * 2).build()?;
    let host = member(&client, &base, "host").await?;
    let venue = venue(&client, &base, &host).await?;
    let mut tokens = Vec::with_capacity(args.clients);
    for i in 0..args.clients {
        tokens.push(member(&client, &base, &format!("member{i}")).await?);
    }
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let tasks: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let url = format!("{}/api/v1/venues/{venue}/bookings", bases[i % bases.len()]);
            tokio::spawn(book_until(client.clone(), url, t, args.minutes, deadline))
        })
        .collect();
    let lag = args.metrics.map(|metrics| tokio::spawn(watch_lag(client.clone(), metrics, deadline)));
    let mut total = Tally::default();
    for task in tasks {
        let tally = task.await??;
        total.accepted += tally.accepted;
        total.refused += tally.refused;
        total.latencies.extend(tally.latencies);
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!("clients            {} over {} instance(s), {}-minute bookings", args.clients, bases.len(), args.minutes);
    println!("duration           {elapsed:.1} s");
    println!("bookings accepted  {} ({:.0} per second)", total.accepted, total.accepted as f64 / elapsed);
    println!("bookings refused   {}", total.refused);
    println!("latency            {}", latencies(&sorted(total.latencies)));
    if let Some(dir) = args.reference {
        let rate = crate::reference::run(&dir, args.clients, args.minutes, args.seconds).await?;
        let served = total.accepted as f64 / elapsed;
        println!(
            "raw SQLite         {rate:.0} per second (the booking's transaction, one writer, no server): \
             the server reached {:.0} %",
            100.0 * served / rate
        );
    }
    if let Some(lag) = lag {
        let mut lag = lag.await??;
        lag.sort_unstable();
        let at = |p: f64| lag.get(((p / 100.0) * lag.len().saturating_sub(1) as f64).round() as usize).copied();
        println!(
            "outbox lag         p50 {}, p99 {}, max {} events ({} samples)",
            at(50.0).unwrap_or(0),
            at(99.0).unwrap_or(0),
            lag.last().copied().unwrap_or(0),
            lag.len()
        );
    }
    Ok(())
}
