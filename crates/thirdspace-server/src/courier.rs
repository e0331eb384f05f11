//! The courier: fans the outbox's events out into webhook deliveries and makes them.
//!
//! The fan-out reads the outbox in order from the cursor every instance shares, waits at a gap
//! as the relay does (a later id committed first on PostgreSQL), and writes each event's
//! deliveries and the moved cursor in one transaction, so an event becomes a delivery once,
//! whichever instance gets there first. Deliveries are claimed like e-mails, each held for
//! [`HOLD_SECONDS`] (longer than a try may take): no two instances send one at once, and one that
//! stops mid-way leaves it to be claimed again once its hold lapses (at least once). Only the
//! oldest pending delivery of an endpoint is ever claimed, so each endpoint receives its events in
//! order. Every try carries the same `webhook-id` (the delivery's id).
//!
//! No server-side request forgery: the host is resolved here, every address it resolves to is
//! checked with [`webhook::forbidden`] unless the operator allowed the host by name, and the
//! connection is pinned to the checked addresses (a second lookup cannot answer otherwise);
//! redirects are not followed.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use thirdspace_domain::webhook::{self, Secret, Verdict};
use thirdspace_store::webhooks::{Delivery, DeliveryAttempt, DeliveryDone};
use thirdspace_store::StoreResult;

use crate::relay::Cursor;
use crate::AppState;

/// How long an instance holds the deliveries it claimed: longer than one try may take.
pub const HOLD_SECONDS: i64 = 60;
/// Events fanned out, and deliveries claimed, at once.
const BATCH: u32 = 64;
/// How soon the courier looks again while waiting at a gap of the outbox.
const GAP_POLL: Duration = Duration::from_millis(20);
/// How a try refused for its address begins.
const REFUSED: &str = "refused:";
/// The longest error kept of a try, in characters.
const MAX_ERROR: usize = 300;

/// Fans out and delivers, every `webhook_every`, whenever a change is committed and after each
/// round that delivered something, until aborted.
pub async fn run(state: AppState) {
    let mut cursor: Option<Cursor> = None;
    loop {
        let fanned = fan_out(&state, &mut cursor).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "fanning events out to webhooks failed; trying again");
            false
        });
        let delivered = deliver(&state).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "reading the webhook deliveries failed; trying again");
            0
        });
        // A delivery made may have freed its endpoint's next one: look again at once.
        if fanned || delivered > 0 {
            continue;
        }
        let wait = if cursor.as_ref().is_some_and(Cursor::waiting) { GAP_POLL } else { state.config.webhook_every };
        tokio::select! {
            () = state.store.events_written() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Fans out the events after the shared cursor that may be taken now; `true` when a full batch
/// was taken (more may follow).
pub async fn fan_out(state: &AppState, cursor: &mut Option<Cursor>) -> StoreResult<bool> {
    let from = state.store.webhook_cursor().await?;
    let local = match cursor {
        Some(c) if c.last == from => c,
        _ => cursor.insert(Cursor::at(from, from)),
    };
    let batch = state.store.events_after(from, BATCH).await?;
    let taken = local.take(&batch, Instant::now());
    let Some(last) = taken.checked_sub(1).and_then(|i| batch.get(i)) else { return Ok(false) };
    if state.store.fan_out(from, last.id, &batch[..taken], state.clock.now()).await?.is_none() {
        // Another instance moved the cursor first: start again from where it stands.
        *cursor = None;
    }
    Ok(taken == BATCH as usize)
}

/// Claims the deliveries due now and tries each once, endpoints side by side; how many.
pub async fn deliver(state: &AppState) -> StoreResult<usize> {
    let now = state.clock.now();
    let claimed = state.store.claim_deliveries(now, now + HOLD_SECONDS, BATCH).await?;
    futures_util::future::join_all(claimed.iter().map(|d| attempt(state, d))).await;
    Ok(claimed.len())
}

/// What came of one try.
struct Answer {
    code: Option<u16>,
    error: Option<String>,
    retry_after: Option<i64>,
}

impl Answer {
    fn failed(error: impl Into<String>) -> Self {
        let mut error: String = error.into();
        if let Some((cut, _)) = error.char_indices().nth(MAX_ERROR) {
            error.truncate(cut);
        }
        Self { code: None, error: Some(error), retry_after: None }
    }
}

async fn attempt(state: &AppState, delivery: &Delivery) {
    let started = Instant::now();
    let at = state.clock.now();
    let answer = send(state, delivery, at).await;
    let done = match webhook::verdict(answer.code) {
        Verdict::Delivered => DeliveryDone::Delivered,
        Verdict::Disable => DeliveryDone::Gone,
        Verdict::Retry => {
            let jitter = rand::random::<f64>() * 2.0 - 1.0;
            match webhook::retry_at(delivery.attempts, at, jitter, answer.retry_after) {
                Some(next) => DeliveryDone::Retry(next),
                None => DeliveryDone::GaveUp,
            }
        }
    };
    state.metrics.webhook_delivery(match (&done, &answer.error) {
        (DeliveryDone::Delivered, _) => "delivered",
        (_, Some(error)) if error.starts_with(REFUSED) => "refused",
        _ => "failed",
    });
    let error = answer.error.or_else(|| match answer.code {
        Some(code) if !(200..300).contains(&code) => Some(format!("the receiver answered {code}")),
        _ => None,
    });
    let tried = DeliveryAttempt {
        delivery_id: delivery.id,
        attempt: delivery.attempts,
        at,
        code: answer.code,
        error,
        duration_ms: u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX),
    };
    if let Err(e) = crate::app::webhooks::finish(state, &tried, done).await {
        tracing::warn!(error = %e, delivery = %delivery.id, "a webhook was tried, but how it went was not recorded");
    }
}

async fn send(state: &AppState, delivery: &Delivery, now: i64) -> Answer {
    let endpoint = match state.store.endpoint(delivery.endpoint_id).await {
        Ok(Some(endpoint)) => endpoint,
        Ok(None) => return Answer::failed("the endpoint was deleted"),
        Err(e) => return Answer::failed(format!("the endpoint could not be read: {e}")),
    };
    let secrets: Vec<Secret> = match state.store.endpoint_secrets(endpoint.id).await {
        Ok(all) => all
            .iter()
            .filter(|s| s.expires_at.is_none_or(|at| at > now))
            .filter_map(|s| Secret::parse(&s.secret).ok())
            .collect(),
        Err(e) => return Answer::failed(format!("the secrets could not be read: {e}")),
    };
    let Ok(url) = reqwest::Url::parse(&endpoint.url) else { return Answer::failed("the URL does not read") };
    let client = match client_for(&url, &state.config.webhook_allow_hosts).await {
        Ok(client) => client,
        Err(refused) => return Answer::failed(refused),
    };
    let id = delivery.id.to_string();
    let signature = webhook::signature(&secrets, &id, now, delivery.body.as_bytes());
    let sent = client
        .post(url)
        .header("webhook-id", &id)
        .header("webhook-timestamp", now.to_string())
        .header("webhook-signature", signature)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(reqwest::header::USER_AGENT, "thirdspace-webhooks/1")
        .body(delivery.body.clone())
        .send()
        .await;
    match sent {
        Ok(response) => {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| webhook::parse_retry_after(v, now));
            Answer { code: Some(response.status().as_u16()), error: None, retry_after }
        }
        Err(e) if e.is_timeout() => Answer::failed(format!("no answer within {} seconds", webhook::TIMEOUT_SECONDS)),
        Err(e) if e.is_connect() => Answer::failed(format!("could not connect: {}", root_cause(&e))),
        Err(e) => Answer::failed(format!("the request failed: {}", root_cause(&e))),
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// A client for one try to `url`: no redirects followed, the time limit, no proxy, and its host
/// pinned to the addresses checked here. Refused (in words) when the host resolves to an address
/// a webhook may not reach and the operator did not allow it by name.
async fn client_for(url: &reqwest::Url, allowed: &[String]) -> Result<reqwest::Client, String> {
    let host = url.host_str().ok_or("the URL names no host")?.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_or_known_default().ok_or("the URL names no port")?;
    let host_allowed =
        allowed.iter().any(|a| a.trim_start_matches('[').trim_end_matches(']') == host.to_ascii_lowercase());
    let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("{host} could not be resolved: {e}"))?
            .collect(),
    };
    if addrs.is_empty() {
        return Err(format!("{host} resolves to no address"));
    }
    if let Some(bad) = addrs.iter().find(|a| webhook::forbidden(a.ip())).filter(|_| !host_allowed) {
        return Err(format!(
            "{REFUSED} {host} resolves to {}, a loopback, private or otherwise special address",
            bad.ip()
        ));
    }
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(webhook::TIMEOUT_SECONDS))
        .no_proxy();
    if host.parse::<IpAddr>().is_err() {
        builder = builder.resolve_to_addrs(host, &addrs);
    }
    builder.build().map_err(|e| format!("no client could be made: {e}"))
}
