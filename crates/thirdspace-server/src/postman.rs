//! The postman: sends the e-mails queued in the store when they are due. Whichever instance
//! claims an e-mail first holds it while sending; one that stops mid-way leaves it to be claimed
//! again once its hold lapses, so an e-mail is never lost, and while one instance holds it no
//! other sends it. Each try of one e-mail carries the same `Message-ID`.

use std::time::Duration;

use thirdspace_domain::mail;
use thirdspace_store::MailDone;
use uuid::Uuid;

use crate::app::mails::{compose, Composed};
use crate::app::{venues, AppResult};
use crate::AppState;

/// How long an instance holds the e-mails it claimed.
pub const HOLD_SECONDS: i64 = 300;
/// E-mails claimed at once.
const BATCH: u32 = 32;

/// Sends what is due, every `every` and whenever a change is committed, until aborted.
pub async fn run(state: AppState, every: Duration) {
    loop {
        let full = match deliver(&state).await {
            Ok(sent) => sent == BATCH as usize,
            Err(e) => {
                tracing::warn!(error = %e, "reading the e-mails to send failed; trying again");
                false
            }
        };
        if !full {
            tokio::select! {
                () = state.store.events_written() => {}
                () = tokio::time::sleep(every) => {}
            }
        }
    }
}

/// Claims the e-mails due now (the members' and those to people listed as residents) and tries
/// each once; how many were claimed of the fuller of the two.
pub async fn deliver(state: &AppState) -> thirdspace_store::StoreResult<usize> {
    let now = state.clock.now();
    let jobs = state.store.claim_mails(now, now + HOLD_SECONDS, BATCH).await?;
    for job in &jobs {
        let composed = compose(state, job).await;
        let done = attempt(state, composed, job.id, job.attempts, job.kind.as_str()).await;
        if let Err(e) = state.store.finish_mail(job.id, done, state.clock.now()).await {
            tracing::warn!(error = %e, job = %job.id, "an e-mail was tried, but how it went was not recorded");
        }
    }
    let residents = state.store.claim_resident_mails(now, now + HOLD_SECONDS, BATCH).await?;
    for told in &residents {
        let composed =
            venues::resident_letter(state, told).await.map(|letter| letter.map_or(Composed::Skip, Composed::Send));
        let done = attempt(state, composed, told.id, told.attempts, "resident").await;
        if let Err(e) = state.store.finish_resident_mail(told.id, done, state.clock.now()).await {
            tracing::warn!(error = %e, resident = %told.id, "an e-mail was tried, but how it went was not recorded");
        }
    }
    Ok(jobs.len().max(residents.len()))
}

/// Sends what was composed for the e-mail `id` (its `attempts`-th try) and says how it went.
async fn attempt(state: &AppState, composed: AppResult<Composed>, id: Uuid, attempts: u32, kind: &str) -> MailDone {
    let failed = || match mail::retry_at(attempts, state.clock.now()) {
        Some(at) => MailDone::Retry(at),
        None => MailDone::Failed,
    };
    match composed {
        Ok(Composed::Send(letter)) => {
            let host = url_host(&state.config.public_url);
            match state.mailer.deliver(&letter, Some(format!("<{id}@{host}>"))).await {
                Ok(()) => MailDone::Sent,
                Err(e) => {
                    tracing::warn!(error = %e, kind, attempt = attempts, "an e-mail was not sent");
                    failed()
                }
            }
        }
        Ok(Composed::Skip) => MailDone::Skipped,
        Ok(Composed::Later(at)) => MailDone::Later(at),
        Err(e) => {
            tracing::warn!(error = ?e, kind, "an e-mail could not be written");
            failed()
        }
    }
}

/// The host part of the public address, for message ids.
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest.split(['/', ':', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        "thirdspace.invalid"
    } else {
        host
    }
}

#[cfg(test)]
mod tests {
    use super::url_host;

    #[test]
    fn message_ids_carry_the_public_host() {
        assert_eq!(url_host("https://seats.example.org"), "seats.example.org");
        assert_eq!(url_host("http://127.0.0.1:8080/x"), "127.0.0.1");
        assert_eq!(url_host(""), "thirdspace.invalid");
    }
}
