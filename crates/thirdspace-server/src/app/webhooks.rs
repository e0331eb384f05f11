//! Webhooks: a venue's owner (or a network admin) points endpoints at their own systems, and
//! the events of the outbox they want are delivered there, signed the Standard Webhooks way. An
//! endpoint of a venue is its owner's; the network's are the admins'. Anyone else learns nothing,
//! not even that an endpoint exists: `NotFound`.
//!
//! The deliveries themselves are made by the courier (`crate::courier`); how each try ended is
//! recorded here, in [`finish`], the one place every outcome passes through.

use thirdspace_domain::mail::MailKind;
use thirdspace_domain::webhook::{self, Secret};
use thirdspace_domain::Invalids;
use thirdspace_store::outbox::EventType;
use thirdspace_store::webhooks::{
    Delivery, DeliveryAttempt, DeliveryDone, Endpoint, EndpointChange, EndpointSecret, NewEndpoint,
};
use thirdspace_store::{MailJob, NewMail, Page, Paged, StaffRole, User};
use uuid::Uuid;

use super::mails::{self, Draft};
use super::{access, AppError, AppResult};
use crate::AppState;

/// Whose endpoints: a venue's, or the whole network's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Venue(Uuid),
    Network,
}

impl Scope {
    fn venue(self) -> Option<Uuid> {
        match self {
            Self::Venue(id) => Some(id),
            Self::Network => None,
        }
    }
}

/// An endpoint as asked for: its URL and the event types wanted (none: every type).
#[derive(Debug, Clone, Default)]
pub struct EndpointInput {
    pub url: String,
    pub events: Vec<String>,
}

/// What to change of an endpoint; `None` leaves it.
#[derive(Debug, Clone, Default)]
pub struct ChangeInput {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// A secret just made: shown once, never again.
#[derive(Debug, Clone)]
pub struct NewSecret {
    pub secret: EndpointSecret,
}

/// The longest an old secret may keep signing after a new one is added, in seconds (a week).
pub const MAX_OVERLAP: i64 = 7 * 86_400;

/// Who may manage `scope`'s endpoints: the venue's owner (or an admin), or an admin for the
/// network's. Anyone else: `NotFound`.
async fn may_manage(state: &AppState, user: &User, scope: Scope) -> AppResult<()> {
    match scope {
        Scope::Network if user.is_admin => Ok(()),
        Scope::Network => Err(AppError::NotFound("webhook")),
        Scope::Venue(id) => {
            access::venue(state, id).await?;
            match user.is_admin || access::role(state, id, user.id).await? == Some(StaffRole::Owner) {
                true => Ok(()),
                false => Err(AppError::NotFound("venue")),
            }
        }
    }
}

/// The endpoint, if `user` may manage it.
pub async fn endpoint(state: &AppState, user: &User, id: Uuid) -> AppResult<Endpoint> {
    let found = state.store.endpoint(id).await?.ok_or(AppError::NotFound("webhook"))?;
    let scope = found.venue_id.map_or(Scope::Network, Scope::Venue);
    match may_manage(state, user, scope).await {
        Ok(()) => Ok(found),
        Err(AppError::NotFound(_)) => Err(AppError::NotFound("webhook")),
        Err(other) => Err(other),
    }
}

fn known_events() -> Vec<&'static str> {
    EventType::ALL.iter().map(|t| t.as_str()).collect()
}

fn checked_events(events: &[String]) -> Result<Vec<String>, thirdspace_domain::Invalid> {
    if events.len() > EventType::ALL.len() {
        let most = EventType::ALL.len();
        return Err(thirdspace_domain::Invalid::new("events", format!("name at most {most} event types")));
    }
    Ok(webhook::parse_events(events, &known_events())?.into_iter().map(str::to_owned).collect())
}

fn new_secret() -> Secret {
    Secret::new(rand::random())
}

/// The endpoints of `scope`, oldest first.
pub async fn list(state: &AppState, user: &User, scope: Scope) -> AppResult<Vec<Endpoint>> {
    may_manage(state, user, scope).await?;
    Ok(state.store.endpoints(scope.venue()).await?)
}

/// Adds an endpoint to `scope`, with its first secret (shown once).
pub async fn create(
    state: &AppState,
    user: &User,
    scope: Scope,
    input: &EndpointInput,
) -> AppResult<(Endpoint, NewSecret)> {
    may_manage(state, user, scope).await?;
    let mut invalids = Invalids::default();
    let url = invalids.or_default(webhook::parse_url(&input.url).map(|u| u.to_string()));
    let events = invalids.or_default(checked_events(&input.events));
    invalids.finish(())?;
    let new = NewEndpoint {
        venue_id: scope.venue(),
        url,
        events,
        created_by: user.id,
        secret: new_secret().expose(),
        now: state.clock.now(),
    };
    let mut work = state.store.begin().await?;
    let made = work.create_endpoint(&new).await;
    let (endpoint, secret) = work.end(made).await?;
    Ok((endpoint, NewSecret { secret }))
}

/// An endpoint and its secrets (their values are not shown again).
pub async fn show(state: &AppState, user: &User, id: Uuid) -> AppResult<(Endpoint, Vec<EndpointSecret>)> {
    let found = endpoint(state, user, id).await?;
    let secrets = state.store.endpoint_secrets(id).await?;
    Ok((found, secrets))
}

/// Changes an endpoint's URL, event types, or whether it is on (enabling it again forgets its
/// failures, and its waiting deliveries go).
pub async fn change(state: &AppState, user: &User, id: Uuid, input: &ChangeInput) -> AppResult<Endpoint> {
    endpoint(state, user, id).await?;
    let mut invalids = Invalids::default();
    let url = input.url.as_ref().map(|raw| invalids.or_default(webhook::parse_url(raw).map(|u| u.to_string())));
    let events = input.events.as_ref().map(|events| invalids.or_default(checked_events(events)));
    invalids.finish(())?;
    let change = EndpointChange { url, events, enabled: input.enabled };
    let mut work = state.store.begin().await?;
    let changed = work.change_endpoint(id, &change).await;
    Ok(work.end(changed).await?)
}

/// Deletes an endpoint, its secrets and its deliveries.
pub async fn delete(state: &AppState, user: &User, id: Uuid) -> AppResult<()> {
    endpoint(state, user, id).await?;
    let mut work = state.store.begin().await?;
    let deleted = work.delete_endpoint(id).await;
    Ok(work.end(deleted).await?)
}

/// Adds a secret (shown once). The others keep signing beside it for `overlap` seconds (at most
/// [`MAX_OVERLAP`]), or until removed when `None`: a receiver moves to the new one meanwhile.
pub async fn add_secret(state: &AppState, user: &User, id: Uuid, overlap: Option<i64>) -> AppResult<NewSecret> {
    endpoint(state, user, id).await?;
    if overlap.is_some_and(|s| !(0..=MAX_OVERLAP).contains(&s)) {
        return Err(AppError::invalid("expire_others_in", format!("must be 0 to {MAX_OVERLAP} seconds")));
    }
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let added = work.add_secret(id, &new_secret().expose(), overlap.map(|s| now + s), now).await;
    Ok(NewSecret { secret: work.end(added).await? })
}

/// Removes a secret; the last one that signs stays.
pub async fn remove_secret(state: &AppState, user: &User, id: Uuid, secret: Uuid) -> AppResult<()> {
    endpoint(state, user, id).await?;
    let mut work = state.store.begin().await?;
    let removed = work.remove_secret(id, secret, state.clock.now()).await;
    Ok(work.end(removed).await?)
}

/// An endpoint's deliveries, newest event first.
pub async fn deliveries(state: &AppState, user: &User, id: Uuid, page: Page) -> AppResult<Paged<Delivery>> {
    endpoint(state, user, id).await?;
    Ok(state.store.deliveries(id, page).await?)
}

/// One delivery of an endpoint, with its tries.
pub async fn delivery(
    state: &AppState,
    user: &User,
    id: Uuid,
    delivery: Uuid,
) -> AppResult<(Delivery, Vec<DeliveryAttempt>)> {
    endpoint(state, user, id).await?;
    let found = state.store.delivery(delivery).await?.filter(|d| d.endpoint_id == id);
    let found = found.ok_or(AppError::NotFound("delivery"))?;
    let tries = state.store.delivery_attempts(delivery).await?;
    Ok((found, tries))
}

/// Sends a delivery again now (pending again if it was delivered or given up).
pub async fn send_again(state: &AppState, user: &User, id: Uuid, delivery: Uuid) -> AppResult<Delivery> {
    endpoint(state, user, id).await?;
    if state.store.delivery(delivery).await?.is_none_or(|d| d.endpoint_id != id) {
        return Err(AppError::NotFound("delivery"));
    }
    let mut work = state.store.begin().await?;
    let sent = work.send_again(delivery, state.clock.now()).await;
    Ok(work.end(sent).await?)
}

/// Records how a try of a claimed delivery ended, with the endpoint's health, and queues the
/// e-mail to its owner when it has kept failing (once, until it works again). Every outcome of
/// every delivery passes through here.
pub async fn finish(state: &AppState, tried: &DeliveryAttempt, done: DeliveryDone) -> AppResult<()> {
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let finished: thirdspace_store::StoreResult<()> = async {
        let endpoint = work.finish_delivery(tried, done).await?;
        let gave_up = done == DeliveryDone::GaveUp;
        if webhook::tell_owner(endpoint.failing_since, endpoint.told_at.is_some(), gave_up, now) {
            let since = endpoint.failing_since.unwrap_or(now);
            let mail = NewMail {
                kind: MailKind::WebhookFailing,
                key: Some(format!("webhook_failing:{}:{since}", endpoint.id)),
                user: endpoint.created_by,
                subject: endpoint.id,
                due_at: now,
            };
            mails::queue(work.as_mut(), &[mail], now).await?;
            work.mark_told(endpoint.id, now).await?;
        }
        Ok(())
    }
    .await;
    Ok(work.end(finished).await?)
}

/// The words of the e-mail that tells an endpoint's owner it keeps failing.
pub async fn letter(state: &AppState, job: &MailJob, user: &User) -> AppResult<Draft> {
    let Some(endpoint) = state.store.endpoint(job.subject).await? else { return Ok(Draft::Skip) };
    let Some(since) = endpoint.failing_since.filter(|_| endpoint.created_by == user.id) else {
        return Ok(Draft::Skip);
    };
    let base = &state.config.public_url;
    let page = match endpoint.venue_id {
        Some(venue) => format!("{base}/host/venues/{venue}/webhooks"),
        None => format!("{base}/api/v1/webhooks/{}", endpoint.id),
    };
    let since = mails::local(chrono_tz::UTC, since, "%A %-d %B at %H:%M UTC");
    let state_now = if endpoint.enabled {
        "Each delivery is tried again for about three days before it is given up."
    } else {
        "It answered 410 Gone, so it is switched off: nothing more is sent until you switch it on again."
    };
    Ok(Draft::write(
        "Your webhook keeps failing".to_owned(),
        format!(
            "Your webhook to {url} has failed since {since}. {state_now}\n\nSee each try and send deliveries again: \
             {page}",
            url = endpoint.url
        ),
    ))
}
