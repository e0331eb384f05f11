//! Requests the web app's pages at a steady rate, as a logged-in host checked in at a venue with
//! people, and reports each page's latency: the server's time plus a loopback round trip.
//!
//! Requests are sent on a fixed schedule whatever the answers (an open loop), so a slow server
//! shows up as latency instead of a lower rate.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;
use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::api::{member, post, venue, PASSWORD};
use crate::{latencies, sorted};

#[derive(Args)]
pub struct PageArgs {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Requests per second, all pages together.
    #[arg(long, default_value_t = 200)]
    rate: u32,
    /// How long to send, in seconds.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// People checked in at the venue, so that its pages have something to show.
    #[arg(long, default_value_t = 30)]
    people: usize,
}

/// Signs a host up in `client` (which keeps the session cookie) and returns an API token too.
async fn host(client: &Client, base: &str) -> Result<String> {
    let email = format!("host-{}@load.test", uuid::Uuid::new_v4().simple());
    let body = json!({"email": email, "password": PASSWORD, "display_name": "Load host"});
    let (status, answer) = post(client, &format!("{base}/api/v1/auth/signup"), None, body).await?;
    if status != StatusCode::CREATED {
        bail!("sign-up failed: {status} {answer}");
    }
    let body = json!({"email": email, "password": PASSWORD, "name": "loadgen"});
    let (status, answer) = post(client, &format!("{base}/api/v1/auth/tokens"), None, body).await?;
    match answer["token"].as_str() {
        Some(token) if status == StatusCode::CREATED => Ok(token.to_owned()),
        _ => bail!("token failed: {status} {answer}"),
    }
}

pub async fn run(args: PageArgs) -> Result<()> {
    let base = args.url.trim_end_matches('/').to_owned();
    let plain = Client::new();
    let browser = Client::builder().cookie_store(true).pool_max_idle_per_host(256).build()?;
    let token = host(&browser, &base).await?;
    let id = venue(&plain, &base, &token).await?;
    let code = plain
        .get(format!("{base}/api/v1/venues/{id}/check-in-code"))
        .bearer_auth(&token)
        .send()
        .await?
        .json::<serde_json::Value>()
        .await?["code"]
        .as_str()
        .context("the check-in code")?
        .to_owned();
    for i in 0..args.people {
        let who = member(&plain, &base, &format!("person{i}")).await?;
        let offers = ["python", "bookkeeping", "ux design"][i % 3];
        let seeking = ["marketing", "python"][i % 2];
        let profile = json!({"display_name": format!("Person {i}"), "offers": [offers], "seeking": [seeking], "visibility": "public"});
        plain.put(format!("{base}/api/v1/me/profile")).bearer_auth(&who).json(&profile).send().await?;
        let (status, body) =
            post(&plain, &format!("{base}/api/v1/venues/{id}/check-ins"), Some(&who), json!({"code": code})).await?;
        if status != StatusCode::OK {
            bail!("check-in failed: {status} {body}");
        }
    }
    // The host is checked in too, so that "Today" works out suggestions among everyone here.
    let (status, body) =
        post(&plain, &format!("{base}/api/v1/venues/{id}/check-ins"), Some(&token), json!({"code": code})).await?;
    if status != StatusCode::OK {
        bail!("the host's check-in failed: {status} {body}");
    }
    let pages = [
        "/".to_owned(),
        format!("/?city=loadtown&date={}", chrono::Utc::now().date_naive()),
        format!("/venues/{id}"),
        "/today".to_owned(),
        "/me/bookings".to_owned(),
        "/me/profile".to_owned(),
        format!("/host/venues/{id}/today"),
    ];
    for page in &pages {
        let status = browser.get(format!("{base}{page}")).send().await?.status();
        if status != StatusCode::OK {
            bail!("{page} answered {status}");
        }
    }
    println!(
        "{} pages, {} requests/s for {} s, {} people checked in at the venue",
        pages.len(),
        args.rate,
        args.seconds,
        args.people
    );
    let samples: Arc<Mutex<BTreeMap<usize, Vec<Duration>>>> = Arc::default();
    let failures = Arc::new(Mutex::new(0u64));
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(args.rate.max(1))));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let total = u64::from(args.rate) * args.seconds;
    let mut tasks = Vec::with_capacity(total as usize);
    for n in 0..total {
        tick.tick().await;
        let which = n as usize % pages.len();
        let url = format!("{base}{}", pages[which]);
        let (client, samples, failures) = (browser.clone(), samples.clone(), failures.clone());
        tasks.push(tokio::spawn(async move {
            let started = Instant::now();
            let ok = match client.get(&url).send().await {
                Ok(resp) if resp.status() == StatusCode::OK => resp.bytes().await.is_ok(),
                _ => false,
            };
            let took = started.elapsed();
            if ok {
                samples.lock().unwrap_or_else(|p| p.into_inner()).entry(which).or_default().push(took);
            } else {
                *failures.lock().unwrap_or_else(|p| p.into_inner()) += 1;
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let samples = std::mem::take(&mut *samples.lock().unwrap_or_else(|p| p.into_inner()));
    let mut all = Vec::new();
    for (which, times) in samples {
        all.extend(times.iter().copied());
        println!("{:<48} {:>5} requests  {}", pages[which], times.len(), latencies(&sorted(times)));
    }
    println!("{:<48} {:>5} requests  {}", "all pages", all.len(), latencies(&sorted(all)));
    println!("failed requests: {}", failures.lock().unwrap_or_else(|p| p.into_inner()));
    Ok(())
}
