//! Opens many dashboards of one venue on its live event stream (Server-Sent Events) and times how
//! long a check-in or a check-out takes to reach each of them.
//!
//! One member checks in and out in turn, one event at a time: the clock starts just before the
//! request is sent and stops, for each dashboard, when the `presence` event it caused has arrived
//! there. The next event waits until every dashboard has the previous one.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use reqwest::{Client, StatusCode};
use serde_json::json;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::api::{member, post, venue};
use crate::proc::{open_files_limit, rss_kb, Usage};
use crate::sse::{SseEvent, SseParser};
use crate::{latencies, sorted};

#[derive(Args)]
pub struct DashboardArgs {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Dashboards following the venue's events, each on a connection of its own.
    #[arg(long, default_value_t = 1000)]
    dashboards: usize,
    /// Check-ins and check-outs to time.
    #[arg(long, default_value_t = 200)]
    events: usize,
    /// Pause after an event has reached every dashboard, in milliseconds.
    #[arg(long, default_value_t = 50)]
    pause_ms: u64,
    /// The server's process id, to report its memory and CPU time (from /proc, same machine).
    #[arg(long)]
    pid: Option<u32>,
}

/// How many streams are being opened at once.
const OPENING_AT_ONCE: usize = 64;
/// How long opening every stream may take.
const OPEN_TIMEOUT: Duration = Duration::from_secs(60);
/// How long an event may take to reach every dashboard.
const EVENT_TIMEOUT: Duration = Duration::from_secs(10);

/// What a dashboard's task tells the run; a failure ends the run.
enum Note {
    Open,
    Event { dashboard: usize, at: Instant, event: SseEvent },
}

/// Opens one dashboard's stream and passes on every event it receives, with the instant it arrived.
async fn follow(
    dashboard: usize,
    client: Client,
    url: String,
    opening: Arc<Semaphore>,
    notes: UnboundedSender<Result<Note>>,
) {
    let followed = async {
        let permit = opening.acquire().await?;
        let mut resp = client.get(&url).send().await.context("opening the stream")?;
        drop(permit);
        let status = resp.status();
        if status != StatusCode::OK {
            bail!("opening the stream: {status} {}", resp.text().await.unwrap_or_default());
        }
        if notes.send(Ok(Note::Open)).is_err() {
            return Ok(());
        }
        let mut parser = SseParser::default();
        while let Some(chunk) = resp.chunk().await.context("reading the stream")? {
            let at = Instant::now();
            for event in parser.push(&chunk) {
                if notes.send(Ok(Note::Event { dashboard, at, event })).is_err() {
                    return Ok(());
                }
            }
        }
        bail!("the server ended the stream")
    };
    if let Err(error) = followed.await {
        let _ = notes.send(Err(error.context(format!("dashboard {dashboard}"))));
    }
}

/// The next note, or an error when a dashboard failed or `deadline` passed.
async fn next(notes: &mut UnboundedReceiver<Result<Note>>, deadline: Instant, waiting: &str) -> Result<Note> {
    match tokio::time::timeout_at(deadline.into(), notes.recv()).await {
        Err(_) => Err(anyhow!("timed out waiting for {waiting}")),
        Ok(None) => Err(anyhow!("every dashboard stopped while waiting for {waiting}")),
        Ok(Some(note)) => note,
    }
}

/// kB as MB (both of 1024).
fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// A venue with a display token, and a member who can check in there.
struct Stage {
    base: String,
    venue: String,
    display: String,
    code: String,
    walker: String,
}

async fn set_up(client: &Client, base: &str) -> Result<Stage> {
    let host = member(client, base, "host").await?;
    let venue = venue(client, base, &host).await?;
    let screen = json!({"kind": "display", "name": "Load test screen"});
    let (status, body) =
        post(client, &format!("{base}/api/v1/venues/{venue}/screen-tokens"), Some(&host), screen).await?;
    let Some(display) = body["token"].as_str().filter(|_| status == StatusCode::CREATED).map(str::to_owned) else {
        bail!("screen token failed: {status} {body}")
    };
    let resp = client
        .get(format!("{base}/api/v1/venues/{venue}/check-in-code"))
        .bearer_auth(&host)
        .send()
        .await
        .context("GET check-in-code")?;
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.unwrap_or_default();
    let Some(code) = body["code"].as_str().filter(|_| status == StatusCode::OK).map(str::to_owned) else {
        bail!("check-in code failed: {status} {body}")
    };
    let walker = member(client, base, "walker").await?;
    Ok(Stage { base: base.to_owned(), venue, display, code, walker })
}

impl Stage {
    /// Checks the member in (a walk-in) or out; either publishes a `presence` event.
    async fn presence(&self, client: &Client, check_in: bool) -> Result<()> {
        let (path, body) = if check_in {
            ("check-ins", json!({"code": self.code, "walk_in": true}))
        } else {
            ("check-outs", json!({}))
        };
        let url = format!("{}/api/v1/venues/{}/{path}", self.base, self.venue);
        let (status, body) = post(client, &url, Some(&self.walker), body).await?;
        if status != StatusCode::OK {
            bail!("{path} failed: {status} {body}");
        }
        Ok(())
    }
}

/// Starts a task per dashboard and waits until every stream is open.
async fn open(stage: &Stage, n: usize) -> Result<(Vec<JoinHandle<()>>, UnboundedReceiver<Result<Note>>)> {
    let client = Client::builder().connect_timeout(Duration::from_secs(10)).build()?;
    let url = format!("{}/api/v1/venues/{}/events?token={}", stage.base, stage.venue, stage.display);
    let (tx, mut notes) = unbounded_channel();
    let opening = Arc::new(Semaphore::new(OPENING_AT_ONCE));
    let tasks = (0..n).map(|i| tokio::spawn(follow(i, client.clone(), url.clone(), opening.clone(), tx.clone())));
    let tasks: Vec<_> = tasks.collect();
    drop(tx);
    let deadline = Instant::now() + OPEN_TIMEOUT;
    for open in 0..n {
        let waiting = format!("the streams to open ({open} of {n} open; may the server open that many files?)");
        if let Note::Event { dashboard, event, .. } = next(&mut notes, deadline, &waiting).await? {
            bail!("dashboard {dashboard} received {event:?} before any event was timed: is this venue in use?");
        }
    }
    Ok((tasks, notes))
}

#[derive(Default)]
struct Timings {
    /// From sending the request to the event's arrival, for every event at every dashboard.
    deliveries: Vec<Duration>,
    /// From sending the request to the event's arrival at the first dashboard, per event.
    first: Vec<Duration>,
    /// From sending the request to the event's arrival at the last dashboard, per event.
    last: Vec<Duration>,
    /// The check-in and check-out requests themselves.
    requests: Vec<Duration>,
}

/// Checks in and out `events` times, each time waiting until every dashboard has the event.
async fn time_events(
    stage: &Stage,
    client: &Client,
    notes: &mut UnboundedReceiver<Result<Note>>,
    n: usize,
    events: usize,
    pause: Duration,
) -> Result<Timings> {
    let mut timings = Timings::default();
    for k in 0..events {
        let sent = Instant::now();
        stage.presence(client, k % 2 == 0).await?;
        timings.requests.push(sent.elapsed());
        let mut reached = vec![false; n];
        let mut id: Option<String> = None;
        let (mut first, mut last) = (Duration::MAX, Duration::ZERO);
        let deadline = sent + EVENT_TIMEOUT;
        for count in 0..n {
            let waiting = format!("event {k} to reach every dashboard ({count} of {n} have it)");
            let Note::Event { dashboard, at, event } = next(notes, deadline, &waiting).await? else {
                bail!("a dashboard opened again while event {k} was being timed");
            };
            if event.event != "presence" {
                bail!(
                    "dashboard {dashboard} received `{}` ({}) instead of the presence event",
                    event.event,
                    event.data
                );
            }
            let expected = id.get_or_insert_with(|| event.id.clone());
            if *expected != event.id {
                bail!("dashboard {dashboard} received event {} while {expected} was being timed", event.id);
            }
            if std::mem::replace(&mut reached[dashboard], true) {
                bail!("dashboard {dashboard} received event {expected} twice");
            }
            let took = at.saturating_duration_since(sent);
            timings.deliveries.push(took);
            first = first.min(took);
            last = last.max(took);
        }
        timings.first.push(first);
        timings.last.push(last);
        tokio::time::sleep(pause).await;
    }
    Ok(timings)
}

pub async fn run(args: DashboardArgs) -> Result<()> {
    let n = args.dashboards;
    if n == 0 || args.events == 0 {
        bail!("--dashboards and --events must be at least 1");
    }
    if let Some(limit) = open_files_limit().filter(|&limit| limit < n as u64 + 16) {
        bail!("{n} dashboards need {n} connections but this process may open only {limit} files: raise `ulimit -n`");
    }
    let base = args.url.trim_end_matches('/');
    let client = Client::new();
    let stage = set_up(&client, base).await?;
    let server_rss = || args.pid.map(rss_kb).transpose();

    let rss_idle = server_rss()?;
    let opening = Instant::now();
    let (tasks, mut notes) = open(&stage, n).await?;
    let opened_in = opening.elapsed();
    let rss_open = server_rss()?;

    let before = Usage::now(args.pid)?;
    let pause = Duration::from_millis(args.pause_ms);
    let timings = time_events(&stage, &client, &mut notes, n, args.events, pause).await?;
    let after = Usage::now(args.pid)?;
    let rss_end = server_rss()?;
    if args.events % 2 == 1 {
        stage.presence(&client, false).await?;
    }
    for task in tasks {
        task.abort();
    }

    println!("dashboards         {n} (all open in {:.2} s)", opened_in.as_secs_f64());
    println!("events             {} check-ins and check-outs, one at a time, {} ms apart", args.events, args.pause_ms);
    println!("delivery           {} ({} deliveries)", latencies(&sorted(timings.deliveries)), args.events * n);
    println!("first dashboard    {} (per event)", latencies(&sorted(timings.first)));
    println!("last dashboard     {} (per event)", latencies(&sorted(timings.last)));
    println!("check-in/out       {} (the request itself)", latencies(&sorted(timings.requests)));
    for line in before.report(&after, args.events) {
        println!("{line}");
    }
    if let (Some(idle), Some(open), Some(end)) = (rss_idle, rss_open, rss_end) {
        println!(
            "server RSS         {:.1} MB idle, {:.1} MB with the streams open, {:.1} MB after the events \
             ({:.1} kB per stream)",
            mb(idle),
            mb(open),
            mb(end),
            open.saturating_sub(idle) as f64 / n as f64
        );
    }
    Ok(())
}
