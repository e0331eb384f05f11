//! Pages served by the binary, rendered on the server from the templates in `templates/`, with
//! their assets: no build step, nothing from the internet.

mod account;
mod board;
mod bookings;
mod chart;
mod check_in;
mod emails;
mod find;
mod gathering_line;
mod gatherings;
mod host;
mod kiosk;
mod ledger;
mod organise;
mod person;
mod profile;
mod screen;
mod today;
mod venue;
mod venue_report;
mod webhooks;

use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use sha2::Sha256;
use thirdspace_domain::booking::Refusal;
use thirdspace_domain::Invalids;
use thirdspace_store::{BookingConflict, Conflict, DayBooking, PresenceConflict, User, Venue};
use uuid::Uuid;

use crate::app::intros::IntroView;
use crate::app::AppError;
use crate::app::{access, accounts, bookings as booking_ops};
use crate::auth::{cookie, new_token, SESSION_COOKIE};
use crate::error::ApiError;
use crate::AppState;

const DASHBOARD_JS: &str = include_str!("../../assets/dashboard.js");
const DASHBOARD_CSS: &str = include_str!("../../assets/dashboard.css");
const SITE_CSS: &str = include_str!("../../assets/site.css");
const FIND_JS: &str = include_str!("../../assets/find.js");
const PROFILE_JS: &str = include_str!("../../assets/profile.js");
const LIVE_JS: &str = include_str!("../../assets/live.js");
const KIOSK_JS: &str = include_str!("../../assets/kiosk.js");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// A rendered page with `status`.
fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, Html("<!doctype html><title>Error</title><p>Something went wrong.</p>"))
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct Message<'a> {
    nav: Option<Nav>,
    title: &'a str,
    text: &'a str,
}

/// The refusals of fields checked apart, as one: every broken rule at once (so a form shows what
/// is wrong with each field together), or the first failure that is not a broken rule.
fn every_invalid(refusals: impl IntoIterator<Item = Option<AppError>>) -> Result<Invalids, AppError> {
    let mut invalid = Invalids::default();
    for e in refusals.into_iter().flatten() {
        match e {
            AppError::Invalid(more) => invalid.extend(more),
            other => return Err(other),
        }
    }
    Ok(invalid)
}

/// A form that sends nothing but its token: a button that does one thing.
#[derive(serde::Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// A page that only says something.
fn message(status: StatusCode, title: &str, text: &str) -> Response {
    render(status, &Message { nav: None, title, text })
}

/// Whether a request comes from a browser asking for a page (not an API client).
pub fn wants_html(headers: &axum::http::HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

/// The page for an address that leads nowhere.
pub fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Nothing here", "This address leads nowhere. Start again from the home page.")
}

/// The page for a failure: its message for people, or a generic one when it is the server's fault.
fn failure(title: &str, e: &ApiError) -> Response {
    if e.status.is_server_error() {
        return message(e.status, "Something went wrong", "Try again in a moment.");
    }
    let title = if title.is_empty() { "That did not work" } else { title };
    message(e.status, title, &sentence(&e.message))
}

/// The page for an operation that failed (see [`failure`]).
fn failed(title: &str, e: &AppError) -> Response {
    failure(title, &ApiError::from(e.clone()))
}

/// A page's query string; one that cannot be read (a repeated or malformed parameter) gets a page
/// that says so, not the framework's plain text.
pub struct Params<T>(pub T);

impl<T, S> FromRequestParts<S> for Params<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Params(value)),
            Err(_) => Err(message(
                StatusCode::BAD_REQUEST,
                "This address is not right",
                "Check the link, or start again from the home page.",
            )),
        }
    }
}

/// A submitted form; one that cannot be read gets a page that says why.
pub struct FormData<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for FormData<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(request, state).await {
            Ok(axum::Form(value)) => Ok(FormData(value)),
            Err(e) => Err(match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => message(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "That is too much",
                    "The form was too large to take. Shorten what you typed.",
                ),
                StatusCode::UNSUPPORTED_MEDIA_TYPE => message(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "This is not a form",
                    "Send the page's form as a browser does.",
                ),
                _ => message(
                    StatusCode::BAD_REQUEST,
                    "This form could not be read",
                    "Go back, reload the page and try again.",
                ),
            }),
        }
    }
}

/// A venue named in a page's path, or the page that says there is none.
async fn venue_of(state: &AppState, raw: &str) -> Result<Venue, Response> {
    let missing = || message(StatusCode::NOT_FOUND, "No such venue", "Check the link, or ask the venue's host.");
    let Ok(id) = Uuid::parse_str(raw) else { return Err(missing()) };
    match access::venue(state, id).await {
        Ok(venue) => Ok(venue),
        Err(AppError::NotFound(_)) => Err(missing()),
        Err(e) => Err(failed("", &e)),
    }
}

/// Every booking of today at `venue`, with who made it.
async fn today_at(state: &AppState, venue: &Venue) -> Result<Vec<DayBooking>, ApiError> {
    Ok(booking_ops::today_at(state, venue).await?)
}

/// Who is looking at a page: the person logged in through the browser's session cookie, if any,
/// and the token their forms carry against cross-site requests. An expired or unknown session is
/// no session.
pub struct Visitor {
    pub user: Option<User>,
    pub csrf: String,
}

/// The cookie that keys the form token of a browser without a session (log-in, sign-up).
const FORM_COOKIE: &str = "thirdspace_form";

/// A form cookie made for this request because the browser had none; set on the response.
#[derive(Clone)]
struct NewFormCookie(String);

/// The form token of a browser: an HMAC, with the server's form key, of its session secret or its
/// form cookie, so only a page this server served to that browser can know it.
fn csrf_token(key: &[u8], secret: &str) -> String {
    use hmac::Mac;
    let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(key) else { return String::new() };
    mac.update(b"thirdspace form\0");
    mac.update(secret.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

impl Visitor {
    /// The page that refuses a form which did not carry this browser's token.
    fn refuse_forged(&self, presented: &str) -> Option<Response> {
        // Compared in constant time: how long it takes says nothing about the token.
        let same = presented.len() == self.csrf.len()
            && presented.bytes().zip(self.csrf.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        (!same)
            .then(|| message(StatusCode::FORBIDDEN, "This form has expired", "Go back, reload the page and try again."))
    }

    /// The navigation for this visitor.
    fn nav(&self) -> Nav {
        Nav { user: self.user.as_ref().map(|u| u.display_name.clone()), csrf: self.csrf.clone() }
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let key = &state.config.form_key;
        let seed = cookie(&parts.headers, FORM_COOKIE)
            .or_else(|| parts.extensions.get::<NewFormCookie>().map(|c| c.0.clone()))
            .unwrap_or_default();
        let Some(session) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Ok(Visitor { user: None, csrf: csrf_token(key, &seed) });
        };
        let user = match accounts::session_user(state, &session).await {
            Ok(user) => user,
            Err(e) => {
                tracing::error!(error = ?e, "reading a session failed");
                None
            }
        };
        let csrf = if user.is_some() { csrf_token(key, &session) } else { csrf_token(key, &seed) };
        Ok(Visitor { user, csrf })
    }
}

/// Gives a browser without a form cookie one, so that its first form can be checked.
async fn form_cookie(
    State(state): State<AppState>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if cookie(request.headers(), FORM_COOKIE).is_some() {
        return next.run(request).await;
    }
    let seed = new_token();
    request.extensions_mut().insert(NewFormCookie(seed.clone()));
    let mut response = next.run(request).await;
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let value = format!("{FORM_COOKIE}={seed}; Path=/; HttpOnly; SameSite=Lax{secure}");
    if let Ok(value) = header::HeaderValue::from_str(&value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// What is wrong with a form, by field (`form` for the form as a whole): every problem at once,
/// each next to its field and in the summary above the form under the form's own label for it.
#[derive(Default)]
pub struct Errors {
    problems: Vec<Problem>,
    labels: Labels,
}

/// A form's fields as the request names them, with the label the page shows for each.
pub type Labels = &'static [(&'static str, &'static str)];

struct Problem {
    field: String,
    /// The message next to the field.
    message: String,
    /// A rule's words written to follow the field's name ("must …", "is …"), when they are.
    rule: Option<String>,
}

impl Errors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.problems.iter().find(|p| p.field == field).map(|p| p.message.as_str())
    }

    /// Adds a message for `field`; a nested name (`links[0]`, `opening_hours[2].closes`) counts
    /// for its form field (`links`, `opening_hours`).
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push(Problem { field: form_field(field).to_owned(), message: message.into(), rule: None });
    }

    /// Names the fields in the summary by the page's `labels`, and lists them in their order.
    pub fn labelled(mut self, labels: Labels) -> Self {
        self.labels = labels;
        self
    }

    /// The label of `field` on this form: the page's own, or the field's name in words.
    fn label(&self, field: &str) -> String {
        if let Some((_, label)) = self.labels.iter().find(|(f, _)| *f == field) {
            return (*label).to_owned();
        }
        let mut label = field.replace('_', " ");
        if let Some(first) = label.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        label
    }

    /// The field errors as sentences that name their field, for the summary above a form, in
    /// the order of the form's labels.
    pub fn summary(&self) -> Vec<String> {
        let mut problems: Vec<&Problem> = self.problems.iter().filter(|p| p.field != "form").collect();
        problems.sort_by_key(|p| self.labels.iter().position(|(f, _)| *f == p.field).unwrap_or(usize::MAX));
        problems
            .into_iter()
            .map(|p| {
                let label = self.label(&p.field);
                match &p.rule {
                    // A question asks for its answer: "What's your focus today? This must …".
                    _ if label.ends_with('?') => format!("{label} {}", p.message),
                    Some(rule) => sentence(&format!("{label} {rule}")),
                    None => format!("{label}: {}", p.message),
                }
            })
            .collect()
    }

    /// Some error belongs to a field (not only to the whole form).
    pub fn has_fields(&self) -> bool {
        self.problems.iter().any(|p| p.field != "form")
    }

    /// Every error of a refused request, next to its field when it names one.
    pub fn of(e: &ApiError) -> Self {
        let mut errors = Self::default();
        if e.invalid.is_empty() {
            errors.push(e.field.as_deref(), &e.message);
        }
        for invalid in &e.invalid {
            errors.push(Some(&invalid.field), &invalid.message);
        }
        errors
    }

    /// Every rule an operation's failure names, next to its field.
    pub fn of_app(e: &AppError) -> Self {
        Self::of(&ApiError::from(e.clone()))
    }

    /// Every rule `invalids` names, next to its field.
    pub fn of_invalid(invalids: &Invalids) -> Self {
        let mut errors = Self::default();
        for invalid in invalids.iter() {
            errors.push(Some(&invalid.field), &invalid.message);
        }
        errors
    }

    fn push(&mut self, field: Option<&str>, message: &str) {
        match field {
            // Field messages are written to follow the field's name: "must …", "is …".
            Some(field) if ["must ", "is ", "cannot "].iter().any(|start| message.starts_with(start)) => {
                self.problems.push(Problem {
                    field: form_field(field).to_owned(),
                    message: sentence(&format!("this {message}")),
                    rule: Some(message.to_owned()),
                });
            }
            Some(field) => self.add(field, sentence(message)),
            None => self.add("form", sentence(message)),
        }
    }
}

/// The form field a request field belongs to: `links[0]` to `links`, `coordinates.latitude` to
/// `coordinates`.
fn form_field(field: &str) -> &str {
    field.split(['[', '.']).next().unwrap_or(field)
}

/// Why a check-in or check-out at the door was refused, in the words of the person at the door.
fn door_words(e: &AppError) -> String {
    match e {
        AppError::Conflict(Conflict::Booking(BookingConflict::SeatsGone)) => {
            "Full: no seat is free right now. Ask the host, or try again later.".to_owned()
        }
        AppError::Conflict(Conflict::Presence(PresenceConflict::NoBookingNow)) => {
            "No booking for now. To walk in, scan the QR code on the screen with your phone, or ask the host."
                .to_owned()
        }
        AppError::Conflict(Conflict::Booking(BookingConflict::OverlappingBooking)) => {
            "You are checked in or booked elsewhere at this time: check out there first.".to_owned()
        }
        AppError::Refused(Refusal::VenueClosed { .. }) => "The venue is closed now.".to_owned(),
        other => {
            let e = ApiError::from(other.clone());
            match e.field.as_deref() {
                Some(field) => sentence(&format!("{} {}", field.replace('_', " "), e.message)),
                None => sentence(&e.message),
            }
        }
    }
}

/// The status of the page that answers an operation's failure.
fn status_of(e: &AppError) -> StatusCode {
    ApiError::from(e.clone()).status
}

/// A message as a sentence: capital first letter, full stop.
fn sentence(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    let mut chars = text.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// A kind of venue in people's words.
fn kind_label(kind: thirdspace_domain::venue::VenueKind) -> &'static str {
    use thirdspace_domain::venue::VenueKind;
    match kind {
        VenueKind::Cafe => "Café",
        VenueKind::Library => "Library",
        VenueKind::University => "University",
        VenueKind::CorporateOffice => "Corporate office",
        VenueKind::CoworkingCentre => "Coworking centre",
        VenueKind::Home => "Home",
        VenueKind::Other => "Other",
    }
}

/// The pages' content policy: scripts and styles of our own only.
const PAGE_POLICY: &str = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; \
                           frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
/// The API documentation's policy: its viewer sets styles on elements as it draws.
const DOCS_POLICY: &str = "default-src 'self'; img-src 'self' data:; script-src 'self'; \
                           style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; \
                           form-action 'self'";

/// Headers every HTML answer carries (pages, the fallback page, the API's documentation): not
/// framed by other sites, no scripts or styles but our own, no address (with its tokens) passed
/// on to other sites, and nothing personal kept in caches (a kiosk's Back button shows no one
/// else's page).
pub async fn page_headers(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let docs = request.uri().path().starts_with("/api/docs");
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
        let policy = if docs { DOCS_POLICY } else { PAGE_POLICY };
        headers.insert(header::CONTENT_SECURITY_POLICY, header::HeaderValue::from_static(policy));
        headers.insert(header::X_FRAME_OPTIONS, header::HeaderValue::from_static("DENY"));
        headers.insert(header::REFERRER_POLICY, header::HeaderValue::from_static("no-referrer"));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, header::HeaderValue::from_static("nosniff"));
    }
    response
}

/// The site's navigation, on every page.
pub struct Nav {
    /// The display name of whoever is logged in.
    pub user: Option<String>,
    pub csrf: String,
}

/// Where to send someone who must log in first, and come back to `back` (a path on this site).
fn to_login(back: &str) -> Response {
    let next: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
    Redirect::to(&format!("/login?next={next}")).into_response()
}

/// Someone suggested to meet, as a page shows them.
struct Suggested {
    name: String,
    headline: Option<String>,
    reason: String,
}

impl From<IntroView> for Suggested {
    fn from(intro: IntroView) -> Self {
        Self { name: intro.with.display_name, headline: intro.with.headline, reason: intro.reason }
    }
}

/// The pages and their assets.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(screen::router())
        .merge(account::router())
        .merge(find::router())
        .merge(venue::router())
        .merge(organise::router())
        .merge(gatherings::router())
        .merge(gathering_line::router())
        .merge(board::router())
        .merge(bookings::router())
        .merge(ledger::router())
        .merge(person::router())
        .merge(profile::router())
        .merge(emails::router())
        .merge(today::router())
        .merge(host::router())
        .merge(webhooks::router())
        .merge(venue_report::router())
        .merge(check_in::router())
        .merge(kiosk::router())
        .layer(axum::middleware::from_fn_with_state(state, form_cookie))
        .route("/assets/dashboard.js", get(|| async { asset("text/javascript; charset=utf-8", DASHBOARD_JS) }))
        .route("/assets/dashboard.css", get(|| async { asset("text/css; charset=utf-8", DASHBOARD_CSS) }))
        .route("/assets/site.css", get(|| async { asset("text/css; charset=utf-8", SITE_CSS) }))
        .route("/assets/find.js", get(|| async { asset("text/javascript; charset=utf-8", FIND_JS) }))
        .route("/assets/profile.js", get(|| async { asset("text/javascript; charset=utf-8", PROFILE_JS) }))
        .route("/assets/live.js", get(|| async { asset("text/javascript; charset=utf-8", LIVE_JS) }))
        .route("/assets/kiosk.js", get(|| async { asset("text/javascript; charset=utf-8", KIOSK_JS) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_on_pages_is_escaped() {
        let page =
            Message { nav: None, title: "<script>alert(1)</script>", text: r#"<img src=x onerror="alert(1)">&'"# };
        let html = page.render().unwrap();
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn a_form_token_belongs_to_its_session_and_to_this_servers_key() {
        use sha2::Digest;
        let key = [7u8; 32];
        assert_eq!(csrf_token(&key, "abc"), csrf_token(&key, "abc"));
        assert_ne!(csrf_token(&key, "abc"), csrf_token(&key, "abd"));
        assert_ne!(csrf_token(&key, "abc"), csrf_token(&[8u8; 32], "abc"), "unknown without the key");
        assert_ne!(csrf_token(&key, "abc"), hex::encode(Sha256::digest(b"thirdspace form\0abc")));
        assert_eq!(csrf_token(&key, "abc").len(), 64);
    }
}
