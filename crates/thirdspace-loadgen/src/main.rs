//! Books seats against a running thirdspace server from many concurrent clients and reports how
//! many bookings per second it accepted, with latency percentiles.
//!
//! Each client is its own member booking one-hour spans one after another (so no booking is
//! refused for overlapping), at a venue open round the clock with more seats than the run fills.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

#[derive(Parser)]
#[command(about = "Measure seat bookings per second on a running thirdspace server")]
struct Args {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Concurrent clients, each a member of its own.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// How long to book, in seconds.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
}

const PASSWORD: &str = "load generator password";

async fn post(client: &Client, url: &str, token: Option<&str>, body: Value) -> Result<(StatusCode, Value)> {
    let mut req = client.post(url).json(&body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.with_context(|| format!("POST {url}"))?;
    let status = resp.status();
    Ok((status, resp.json().await.unwrap_or(Value::Null)))
}

/// Signs a new member up and returns an API token.
async fn member(client: &Client, base: &str, name: &str) -> Result<String> {
    let email = format!("{name}-{}@load.test", uuid::Uuid::new_v4().simple());
    let (status, body) = post(
        client,
        &format!("{base}/api/v1/auth/signup"),
        None,
        json!({"email": email, "password": PASSWORD, "display_name": name}),
    )
    .await?;
    if status != StatusCode::CREATED {
        bail!("sign-up failed: {status} {body}");
    }
    let (status, body) = post(
        client,
        &format!("{base}/api/v1/auth/tokens"),
        None,
        json!({"email": email, "password": PASSWORD, "name": "loadgen"}),
    )
    .await?;
    match body["token"].as_str() {
        Some(token) if status == StatusCode::CREATED => Ok(token.to_owned()),
        _ => bail!("token failed: {status} {body}"),
    }
}

async fn venue(client: &Client, base: &str, host: &str) -> Result<String> {
    let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let body = json!({
        "name": "Load test hall", "kind": "coworking_centre", "address": "Benchmark 1", "city": "Loadtown",
        "country": "NL", "time_zone": "UTC",
        "opening_hours": days.iter().map(|d| json!({"day": d, "opens": "00:00", "closes": "24:00"})).collect::<Vec<_>>(),
    });
    let (status, venue) = post(client, &format!("{base}/api/v1/venues"), Some(host), body).await?;
    let id = venue["id"].as_str().map(str::to_owned);
    let Some(id) = id.filter(|_| status == StatusCode::CREATED) else { bail!("venue failed: {status} {venue}") };
    let space = json!({"name": "Hall", "kind": "open_seating", "capacity": 10000, "social_capital_seats": 10000});
    let (status, body) = post(client, &format!("{base}/api/v1/venues/{id}/spaces"), Some(host), space).await?;
    if status != StatusCode::CREATED {
        bail!("space failed: {status} {body}");
    }
    Ok(id)
}

#[derive(Default)]
struct Tally {
    accepted: u64,
    refused: u64,
    latencies: Vec<Duration>,
}

async fn book_until(client: Client, url: String, token: String, deadline: Instant) -> Result<Tally> {
    let first = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    let mut tally = Tally::default();
    for slot in 0u32.. {
        if Instant::now() >= deadline {
            break;
        }
        let date = first + chrono::Duration::days(i64::from(slot / 24));
        let hour = slot % 24;
        let body = json!({
            "date": date.format("%Y-%m-%d").to_string(),
            "start": format!("{hour:02}:00"), "end": format!("{:02}:00", hour + 1),
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

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let base = args.url.trim_end_matches('/').to_owned();
    let client = Client::builder().pool_max_idle_per_host(args.clients * 2).build()?;
    let host = member(&client, &base, "host").await?;
    let venue = venue(&client, &base, &host).await?;
    let mut tokens = Vec::with_capacity(args.clients);
    for i in 0..args.clients {
        tokens.push(member(&client, &base, &format!("member{i}")).await?);
    }
    let url = format!("{base}/api/v1/venues/{venue}/bookings");
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let tasks: Vec<_> =
        tokens.into_iter().map(|t| tokio::spawn(book_until(client.clone(), url.clone(), t, deadline))).collect();
    let mut total = Tally::default();
    for task in tasks {
        let tally = task.await??;
        total.accepted += tally.accepted;
        total.refused += tally.refused;
        total.latencies.extend(tally.latencies);
    }
    let elapsed = started.elapsed().as_secs_f64();
    total.latencies.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("clients            {}", args.clients);
    println!("duration           {elapsed:.1} s");
    println!("bookings accepted  {} ({:.0} per second)", total.accepted, total.accepted as f64 / elapsed);
    println!("bookings refused   {}", total.refused);
    println!(
        "latency            p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(percentile(&total.latencies, 50.0)),
        ms(percentile(&total.latencies, 90.0)),
        ms(percentile(&total.latencies, 99.0)),
        ms(percentile(&total.latencies, 100.0)),
    );
    Ok(())
}
