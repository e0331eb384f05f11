//! A venue's webhooks, for its owner: add one (its secret shown once), switch it off or on, add a
//! secret to rotate, delete it, and each endpoint's latest deliveries with "send again".

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use thirdspace_store::webhooks::{Delivery, DeliveryStatus, Endpoint};
use thirdspace_store::{Page, User};
use uuid::Uuid;

use super::{failed, message, render, status_of, to_login, CsrfForm, Errors, FormData, Nav, Params, Visitor};
use crate::app::webhooks::{self, ChangeInput, EndpointInput, Scope};
use crate::app::{access, AppError};
use crate::AppState;

/// Deliveries shown for each endpoint.
const SHOWN: u32 = 10;
/// How long the other secrets keep signing after one is added here: a day to move the receiver.
const OVERLAP: i64 = 86_400;

struct DeliveryRow {
    id: Uuid,
    event: String,
    status: &'static str,
    attempts: u32,
    answer: String,
    when: String,
}

struct HookRow {
    id: Uuid,
    url: String,
    events: String,
    on: bool,
    state: String,
    deliveries: Vec<DeliveryRow>,
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct WebhooksPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    venue_id: Uuid,
    venue_name: String,
    hooks: Vec<HookRow>,
    url: String,
    events: String,
    errors: Errors,
    /// A secret just made, for the endpoint named: shown this once.
    new_secret: Option<(String, String)>,
    done: Option<&'static str>,
}

#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
}

#[derive(Deserialize)]
struct HookForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    events: String,
}

#[derive(Deserialize)]
struct SwitchForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    on: String,
}

fn when(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map(|t| t.format("%-d %b %H:%M UTC").to_string()).unwrap_or_default()
}

fn row(d: Delivery) -> DeliveryRow {
    let status = match d.status {
        DeliveryStatus::Delivered => "Delivered",
        DeliveryStatus::Failed => "Given up",
        DeliveryStatus::Pending if d.attempts == 0 => "Waiting",
        DeliveryStatus::Pending => "Trying again",
    };
    let answer = match (d.last_code, &d.last_error) {
        (Some(code), _) => code.to_string(),
        (None, Some(error)) => error.clone(),
        (None, None) => "–".to_owned(),
    };
    let at = match d.status {
        DeliveryStatus::Pending => format!("next {}", when(d.next_at)),
        _ => when(d.done_at.unwrap_or(d.created_at)),
    };
    DeliveryRow { id: d.id, event: d.event_type, status, attempts: d.attempts, answer, when: at }
}

/// The endpoints' words, for a form's field: type names separated by commas or spaces.
fn event_names(raw: &str) -> Vec<String> {
    raw.split([',', ' ', '\n', '\r', '\t']).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

async fn hook_row(state: &AppState, user: &User, e: Endpoint) -> Result<HookRow, AppError> {
    let deliveries = webhooks::deliveries(state, user, e.id, Page::new(1, SHOWN)).await?;
    let status = match (&e.disabled_reason, e.failing_since) {
        _ if e.enabled && e.failing_since.is_none() => "On".to_owned(),
        (_, Some(since)) if e.enabled => format!("On, failing since {}", when(since)),
        (Some(reason), _) if reason == "gone" => "Off: it answered 410 Gone".to_owned(),
        _ => "Off".to_owned(),
    };
    Ok(HookRow {
        id: e.id,
        url: e.url,
        events: if e.events.is_empty() { "every event".to_owned() } else { e.events.join(", ") },
        on: e.enabled,
        state: status,
        deliveries: deliveries.items.into_iter().map(row).collect(),
    })
}

/// Everything the page shows but what the form carries.
struct Shown {
    url: String,
    events: String,
    errors: Errors,
    new_secret: Option<(String, String)>,
    done: Option<&'static str>,
}

async fn page_of(
    state: &AppState,
    who: &Visitor,
    user: &User,
    venue: Uuid,
    shown: Shown,
    status: StatusCode,
) -> Response {
    let listed = match webhooks::list(state, user, Scope::Venue(venue)).await {
        Ok(listed) => listed,
        Err(e) => return refused(&e),
    };
    let venue_name = match access::venue(state, venue).await {
        Ok(v) => v.name,
        Err(e) => return refused(&e),
    };
    let mut hooks = Vec::new();
    for e in listed {
        match hook_row(state, user, e).await {
            Ok(hook) => hooks.push(hook),
            Err(e) => return refused(&e),
        }
    }
    let page = WebhooksPage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        venue_id: venue,
        venue_name,
        hooks,
        url: shown.url,
        events: shown.events,
        errors: shown.errors,
        new_secret: shown.new_secret,
        done: shown.done,
    };
    render(status, &page)
}

fn refused(e: &AppError) -> Response {
    match e {
        AppError::NotFound(_) => {
            message(StatusCode::NOT_FOUND, "No such venue", "Only a venue's owner sees its webhooks.")
        }
        e => failed("", e),
    }
}

fn plain(done: Option<&'static str>) -> Shown {
    Shown { url: String::new(), events: String::new(), errors: Errors::default(), new_secret: None, done }
}

fn no_venue() -> Response {
    message(StatusCode::NOT_FOUND, "No such venue", "Check the link.")
}

async fn page(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    Params(q): Params<Done>,
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/host/venues/{id}/webhooks")) };
    let Ok(venue) = Uuid::parse_str(&id) else { return no_venue() };
    let done = match q.done.as_deref() {
        Some("switched") => Some("Switched."),
        Some("deleted") => Some("The webhook is deleted."),
        Some("sent") => Some("It goes again in a moment."),
        _ => None,
    };
    page_of(&state, &who, user, venue, plain(done), StatusCode::OK).await
}

async fn create(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<HookForm>,
) -> Response {
    let back = format!("/host/venues/{id}/webhooks");
    let Some(user) = &who.user else { return to_login(&back) };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let Ok(venue) = Uuid::parse_str(&id) else { return no_venue() };
    let input = EndpointInput { url: form.url.clone(), events: event_names(&form.events) };
    match webhooks::create(&state, user, Scope::Venue(venue), &input).await {
        Ok((endpoint, secret)) => {
            let shown = Shown { new_secret: Some((endpoint.url, secret.secret.secret)), ..plain(None) };
            page_of(&state, &who, user, venue, shown, StatusCode::CREATED).await
        }
        Err(e) if status_of(&e).is_client_error() && matches!(e, AppError::Invalid(_)) => {
            let errors = Errors::of_app(&e).labelled(&[("url", "Address (URL)"), ("events", "Event types")]);
            let shown = Shown { url: form.url, events: form.events, errors, new_secret: None, done: None };
            page_of(&state, &who, user, venue, shown, status_of(&e)).await
        }
        Err(e) => refused(&e),
    }
}

/// The venue and the endpoint a button is about, if the endpoint is this venue's and the user's
/// to manage.
/// Who acts, the venue and the endpoint a webhook's form names, or the page to answer instead: log
/// in first, a forged form, or no such webhook of theirs.
async fn hook_of<'a>(
    state: &AppState,
    who: &'a Visitor,
    csrf: &str,
    venue: &str,
    hook: &str,
) -> Result<(&'a User, Uuid, Endpoint), Response> {
    let Some(user) = &who.user else { return Err(to_login(&format!("/host/venues/{venue}/webhooks"))) };
    if let Some(page) = who.refuse_forged(csrf) {
        return Err(page);
    }
    let venue = Uuid::parse_str(venue).map_err(|_| no_venue())?;
    let missing = || message(StatusCode::NOT_FOUND, "No such webhook", "It may have been deleted already.");
    let hook = Uuid::parse_str(hook).map_err(|_| missing())?;
    match webhooks::endpoint(state, user, hook).await {
        Ok(e) if e.venue_id == Some(venue) => Ok((user, venue, e)),
        Ok(_) | Err(AppError::NotFound(_)) => Err(missing()),
        Err(e) => Err(failed("", &e)),
    }
}

async fn rotate(
    State(state): State<AppState>,
    who: Visitor,
    Path((id, hook)): Path<(String, String)>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    let (user, venue, endpoint) = match hook_of(&state, &who, &form.csrf, &id, &hook).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match webhooks::add_secret(&state, user, endpoint.id, Some(OVERLAP)).await {
        Ok(made) => {
            let shown = Shown { new_secret: Some((endpoint.url, made.secret.secret)), ..plain(None) };
            page_of(&state, &who, user, venue, shown, StatusCode::CREATED).await
        }
        Err(e) => failed("No new secret", &e),
    }
}

async fn switch(
    State(state): State<AppState>,
    who: Visitor,
    Path((id, hook)): Path<(String, String)>,
    FormData(form): FormData<SwitchForm>,
) -> Response {
    let (user, venue, endpoint) = match hook_of(&state, &who, &form.csrf, &id, &hook).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let change = ChangeInput { enabled: Some(form.on == "on"), ..ChangeInput::default() };
    match webhooks::change(&state, user, endpoint.id, &change).await {
        Ok(_) => Redirect::to(&format!("/host/venues/{venue}/webhooks?done=switched")).into_response(),
        Err(e) => failed("", &e),
    }
}

async fn delete(
    State(state): State<AppState>,
    who: Visitor,
    Path((id, hook)): Path<(String, String)>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    let (user, venue, endpoint) = match hook_of(&state, &who, &form.csrf, &id, &hook).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match webhooks::delete(&state, user, endpoint.id).await {
        Ok(()) => Redirect::to(&format!("/host/venues/{venue}/webhooks?done=deleted")).into_response(),
        Err(e) => failed("", &e),
    }
}

async fn send_again(
    State(state): State<AppState>,
    who: Visitor,
    Path((id, hook, delivery)): Path<(String, String, String)>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    let (user, venue, endpoint) = match hook_of(&state, &who, &form.csrf, &id, &hook).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let Ok(delivery) = Uuid::parse_str(&delivery) else {
        return message(StatusCode::NOT_FOUND, "No such delivery", "Check the link.");
    };
    match webhooks::send_again(&state, user, endpoint.id, delivery).await {
        Ok(_) => Redirect::to(&format!("/host/venues/{venue}/webhooks?done=sent")).into_response(),
        Err(e) => failed("", &e),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/host/venues/{id}/webhooks", get(page).post(create))
        .route("/host/venues/{id}/webhooks/{hook}/secrets", post(rotate))
        .route("/host/venues/{id}/webhooks/{hook}/switch", post(switch))
        .route("/host/venues/{id}/webhooks/{hook}/delete", post(delete))
        .route("/host/venues/{id}/webhooks/{hook}/deliveries/{delivery}/send-again", post(send_again))
}
