//! Requests from many concurrent connections: who is here at a venue with many people checked in,
//! a first check-in (a walk-in, then a check-out before the next), a check-in repeated by people
//! already checked in, and network suggestions among many public members. Each reports requests
//! per second and latency percentiles.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::api::{member, post, venue};
use crate::{latencies, sorted};

#[derive(Args)]
pub struct ReadArgs {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Concurrent connections, each asking again as soon as it is answered.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// How long to ask, in seconds.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// People checked in at the venue before the run, or (`network`) public members (each signs
    /// up: about 0.1 s each).
    #[arg(long, default_value_t = 200)]
    present: usize,
}

/// What each connection asks for.
#[derive(Clone, Copy)]
pub enum Ask {
    /// `GET /api/v1/venues/{id}/presence` as someone checked in there.
    Presence,
    /// `POST /api/v1/venues/{id}/check-ins` with today's code by someone checked in already.
    RepeatCheckIn,
    /// `POST /api/v1/venues/{id}/check-ins` with today's code by someone not checked in, who walks
    /// in; each connection's member then checks out (`POST …/check-outs`, not timed) and comes in
    /// again.
    FirstCheckIn,
    /// `GET /api/v1/me/suggestions?scope=network` by members who show themselves publicly (each
    /// answer records the introductions it suggests).
    NetworkSuggestions,
}

/// Tags the members offer and look for, in turn.
const TAGS: [&str; 12] = [
    "python",
    "javascript",
    "ux design",
    "bookkeeping",
    "vat",
    "seo",
    "copywriting",
    "kubernetes",
    "rust",
    "fundraising",
    "photography",
    "data analysis",
];

/// Makes `token`'s member public and open to meet, offering three tags and looking for two, taken
/// from [`TAGS`] by `i`.
async fn public_profile(client: &Client, base: &str, token: &str, i: usize) -> Result<()> {
    let tag = |k: usize| TAGS[(i * 5 + k) % TAGS.len()];
    let body = json!({
        "display_name": format!("Member {i}"), "visibility": "public", "open_to_meet": true,
        "offers": [tag(0), tag(1), tag(2)], "seeking": [tag(7), tag(9)]
    });
    let resp = client.put(format!("{base}/api/v1/me/profile")).bearer_auth(token).json(&body).send().await?;
    if !resp.status().is_success() {
        bail!("profile failed: {} {}", resp.status(), resp.text().await?);
    }
    Ok(())
}

/// Today's check-in code of `venue`, as its host reads it.
async fn code(client: &Client, base: &str, venue: &str, host: &str) -> Result<String> {
    let url = format!("{base}/api/v1/venues/{venue}/check-in-code");
    let body: Value = client.get(&url).bearer_auth(host).send().await.context("the check-in code")?.json().await?;
    match body["code"].as_str() {
        Some(code) => Ok(code.to_owned()),
        None => bail!("no check-in code: {body}"),
    }
}

/// Checks `token`'s member in with `code`, walking in.
async fn check_in(client: &Client, base: &str, venue: &str, token: &str, code: &str) -> Result<()> {
    let url = format!("{base}/api/v1/venues/{venue}/check-ins");
    let body = json!({"code": code, "focus": "Load testing", "pledge": "Happy to share benchmark figures"});
    let (status, body) = post(client, &url, Some(token), body).await?;
    if status != StatusCode::OK {
        bail!("check-in failed: {status} {body}");
    }
    Ok(())
}

async fn ask_until(
    client: Client,
    ask: Ask,
    url: String,
    token: String,
    code: String,
    deadline: Instant,
) -> Result<Vec<Duration>> {
    let mut times = Vec::new();
    let check_out = url.replace("/check-ins", "/check-outs");
    while Instant::now() < deadline {
        let started = Instant::now();
        let req = match ask {
            Ask::Presence | Ask::NetworkSuggestions => client.get(&url),
            Ask::RepeatCheckIn => client.post(&url).json(&json!({"code": code})),
            Ask::FirstCheckIn => client.post(&url).json(&json!({"code": code, "focus": "Load testing"})),
        };
        let resp = req.bearer_auth(&token).send().await?;
        let status = resp.status();
        let body = resp.bytes().await?;
        times.push(started.elapsed());
        if !status.is_success() {
            bail!("unexpected {status}: {}", String::from_utf8_lossy(&body));
        }
        if let Ask::FirstCheckIn = ask {
            let (status, body) = post(&client, &check_out, Some(&token), json!({})).await?;
            if !status.is_success() {
                bail!("check-out failed: {status} {body}");
            }
        }
    }
    Ok(times)
}

pub async fn run(ask: Ask, args: ReadArgs) -> Result<()> {
    let base = args.url.trim_end_matches('/').to_owned();
    let client = Client::builder().pool_max_idle_per_host(args.clients * 2).build()?;
    let host = member(&client, &base, "host").await?;
    let venue = venue(&client, &base, &host).await?;
    let code = code(&client, &base, &venue, &host).await?;
    // A first check-in needs a member of its own per connection, not checked in yet.
    let members = match ask {
        Ask::FirstCheckIn => args.clients.max(1),
        _ => args.present.max(1),
    };
    let mut tokens = Vec::with_capacity(members);
    for i in 0..members {
        let token = member(&client, &base, &format!("present{i}")).await?;
        match ask {
            Ask::NetworkSuggestions => public_profile(&client, &base, &token, i).await?,
            Ask::Presence | Ask::RepeatCheckIn => check_in(&client, &base, &venue, &token, &code).await?,
            Ask::FirstCheckIn => {}
        }
        tokens.push(token);
    }
    let url = match ask {
        Ask::Presence => format!("{base}/api/v1/venues/{venue}/presence"),
        Ask::RepeatCheckIn | Ask::FirstCheckIn => format!("{base}/api/v1/venues/{venue}/check-ins"),
        Ask::NetworkSuggestions => format!("{base}/api/v1/me/suggestions?scope=network"),
    };
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let tasks: Vec<_> = (0..args.clients)
        .map(|i| {
            let token = tokens[i % tokens.len()].clone();
            tokio::spawn(ask_until(client.clone(), ask, url.clone(), token, code.clone(), deadline))
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let who = match ask {
        Ask::NetworkSuggestions => "public members in the network",
        Ask::Presence | Ask::RepeatCheckIn => "checked in at the venue",
        Ask::FirstCheckIn => "members, each walking in and out in turn; check-ins counted and timed",
    };
    println!("connections        {} ({} {who})", args.clients, tokens.len());
    println!("duration           {elapsed:.1} s");
    println!("answered           {} ({:.0} per second)", all.len(), all.len() as f64 / elapsed);
    println!("latency            {}", latencies(&sorted(all)));
    Ok(())
}
