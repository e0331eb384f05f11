//! A date's line, for its organiser: everyone who answered in order, yes or no to those waiting
//! for it, moving someone to the front with a reason, and cancelling the date.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use thirdspace_domain::gathering::RsvpStatus;
use thirdspace_store::{Conflict, Gathering, GatheringConflict, GatheringDate, User};
use uuid::Uuid;

use super::gatherings::{local_when, places_words};
use super::CsrfForm;
use super::{failed, message, render, status_of, to_login, Errors, FormData, Nav, Params, Visitor};
use crate::app::gatherings::{self, LinePlace, MAX_REASON_CHARS};
use crate::app::AppError;
use crate::AppState;

/// Someone in the line, as the organiser sees them.
struct Person {
    id: Uuid,
    /// Their name, or how the page calls someone who keeps to themselves.
    name: String,
    status: String,
    moved_up: Option<String>,
    pending: bool,
    waiting: bool,
    /// The page's errors belong to this person's form.
    errors_here: bool,
}

impl Person {
    fn of(place: LinePlace, tz: chrono_tz::Tz, nth: usize) -> Self {
        let r = place.rsvp;
        let status = match r.status {
            RsvpStatus::Going => "Going".to_owned(),
            RsvpStatus::Offered => match r.offered_until.and_then(|t| chrono::DateTime::from_timestamp(t, 0)) {
                Some(until) => {
                    format!("Offered a place until {}", until.with_timezone(&tz).format("%A %-d %B %H:%M %Z"))
                }
                None => "Offered a place".to_owned(),
            },
            RsvpStatus::Waiting => "In line".to_owned(),
            RsvpStatus::Pending => "Waiting for your yes".to_owned(),
            RsvpStatus::Cancelled => "Withdrew".to_owned(),
            RsvpStatus::Declined => "You said no".to_owned(),
        };
        Self {
            id: r.user_id,
            name: place.name.unwrap_or_else(|| format!("Someone who keeps to themselves ({nth})")),
            status,
            moved_up: r.moved_up,
            pending: r.status == RsvpStatus::Pending,
            waiting: r.status == RsvpStatus::Waiting,
            errors_here: false,
        }
    }
}

#[derive(Template)]
#[template(path = "gathering_line.html")]
struct LinePage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    g: Gathering,
    date_id: Uuid,
    when: String,
    places: String,
    /// Not cancelled and not started: the line may still change, and the date be cancelled.
    open: bool,
    cancelled: bool,
    people: Vec<Person>,
    notice: Option<&'static str>,
    /// Whether the errors belong to one person's form (else to the page).
    errors_for_someone: bool,
    /// The reason as typed in the form that was refused.
    typed: String,
    errors: Errors,
    /// The longest reason for moving someone up.
    max_reason: usize,
}

/// The date and its line, if `user` organises it; else the page that says why not.
async fn organised(
    state: &AppState,
    user: &User,
    id: &str,
) -> Result<(Gathering, GatheringDate, Vec<LinePlace>), Response> {
    let missing = || message(StatusCode::NOT_FOUND, "No such date", "Check the link, or open the gathering's page.");
    let Ok(id) = Uuid::parse_str(id) else { return Err(missing()) };
    let line =
        match gatherings::line(state, user, id).await {
            Ok(line) => line,
            Err(AppError::NotFound(_)) => return Err(missing()),
            Err(AppError::Forbidden(_)) => return Err(message(
                StatusCode::FORBIDDEN,
                "Only the organiser sees the line",
                "Who is coming is for the gathering's organiser to see. Your own answer is on the gathering's page.",
            )),
            Err(e) => return Err(failed("", &e)),
        };
    match gatherings::date(state, Some(user), id).await {
        Ok((g, d)) => Ok((g, d, line)),
        Err(AppError::NotFound(_)) => Err(missing()),
        Err(e) => Err(failed("", &e)),
    }
}

/// The line page of the date `id`, with a notice, or with errors in one person's form.
async fn show(
    state: &AppState,
    who: &Visitor,
    id: &str,
    notice: Option<&'static str>,
    (errors_for, errors, status): (Option<(Uuid, String)>, Errors, StatusCode),
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/gathering-dates/{id}/line")) };
    let (g, d, line) = match organised(state, user, id).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let tz: chrono_tz::Tz = g.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let person = errors_for.as_ref().map(|(id, _)| *id);
    let people = line
        .into_iter()
        .enumerate()
        .map(|(i, place)| {
            let mut p = Person::of(place, tz, i + 1);
            p.errors_here = person == Some(p.id);
            p
        })
        .collect();
    let page = LinePage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        date_id: d.id,
        when: local_when(&g, &d),
        places: places_words(&d),
        open: d.cancelled_at.is_none() && d.starts_at > state.clock.now(),
        cancelled: d.cancelled_at.is_some(),
        g,
        people,
        notice,
        errors_for_someone: person.is_some(),
        typed: errors_for.map(|(_, typed)| typed).unwrap_or_default(),
        errors,
        max_reason: MAX_REASON_CHARS,
    };
    render(status, &page)
}

#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    Params(q): Params<Done>,
) -> Response {
    let notice = match q.done.as_deref() {
        Some("approved") => Some("You said yes: they are going, or in line when the date is full."),
        Some("declined") => Some("You said no: they see it on the gathering's page."),
        Some("moved") => Some("Moved to the front of the line: the next place that comes free is theirs to take."),
        Some("cancelled") => Some("The date is cancelled: everyone going or in line is told by e-mail."),
        _ => None,
    };
    show(&state, &who, &id, notice, (None, Errors::default(), StatusCode::OK)).await
}

/// Why something the organiser did to the line was refused, in their words.
fn refused_words(e: &AppError) -> Option<&'static str> {
    let AppError::Conflict(Conflict::Gathering(conflict)) = e else { return None };
    Some(match conflict {
        GatheringConflict::Started => "This date has started or passed: the line cannot change any more.",
        GatheringConflict::DateCancelled => "This date is cancelled: the line cannot change any more.",
        GatheringConflict::NotPending => "This person is no longer waiting for your yes.",
        GatheringConflict::NotInLine => "This person is no longer in line.",
        GatheringConflict::NotAnswered
        | GatheringConflict::NoOffer
        | GatheringConflict::NoSeats
        | GatheringConflict::AttendanceConfirmed
        | GatheringConflict::NotBegun
        | GatheringConflict::BelowGoing => return None,
    })
}

/// The line page again after a refusal: the words next to the form of the person it was about.
async fn refused(state: &AppState, who: &Visitor, id: &str, person: Uuid, reason: String, e: AppError) -> Response {
    let status = status_of(&e);
    let errors = match refused_words(&e) {
        Some(words) => {
            let mut errors = Errors::default();
            errors.add("form", words);
            errors
        }
        None if status.is_client_error() => Errors::of_app(&e).labelled(&[("reason", "The reason")]),
        None => return failed("", &e),
    };
    show(state, who, id, None, (Some((person, reason)), errors, status)).await
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    approve: String,
}

async fn decide(
    State(state): State<AppState>,
    who: Visitor,
    Path((id, person)): Path<(String, String)>,
    FormData(form): FormData<DecideForm>,
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/gathering-dates/{id}/line")) };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let (Ok(date), Ok(person)) = (Uuid::parse_str(&id), Uuid::parse_str(&person)) else {
        return message(StatusCode::NOT_FOUND, "Not in this line", "Go back to the line and try again.");
    };
    let approve = form.approve == "yes";
    match gatherings::decide(&state, user, date, person, approve).await {
        Ok(_) => {
            let done = if approve { "approved" } else { "declined" };
            Redirect::to(&format!("/gathering-dates/{date}/line?done={done}")).into_response()
        }
        Err(e) => refused(&state, &who, &id, person, String::new(), e).await,
    }
}

#[derive(Deserialize)]
struct MoveUpForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

async fn move_up(
    State(state): State<AppState>,
    who: Visitor,
    Path((id, person)): Path<(String, String)>,
    FormData(form): FormData<MoveUpForm>,
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/gathering-dates/{id}/line")) };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let (Ok(date), Ok(person)) = (Uuid::parse_str(&id), Uuid::parse_str(&person)) else {
        return message(StatusCode::NOT_FOUND, "Not in this line", "Go back to the line and try again.");
    };
    match gatherings::move_up(&state, user, date, person, &form.reason).await {
        Ok(_) => Redirect::to(&format!("/gathering-dates/{date}/line?done=moved")).into_response(),
        Err(e) => refused(&state, &who, &id, person, form.reason, e).await,
    }
}

#[derive(Template)]
#[template(path = "gathering_cancel.html")]
struct CancelPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    g: Gathering,
    date_id: Uuid,
    when: String,
    /// How many are going or in line, to be told.
    told: usize,
}

/// Asks the organiser to confirm cancelling the date.
async fn confirm_cancel(State(state): State<AppState>, who: Visitor, Path(id): Path<String>) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/gathering-dates/{id}/line")) };
    let (g, d, line) = match organised(&state, user, &id).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let told = line.iter().filter(|p| p.rsvp.status.is_active()).count();
    let page = CancelPage { nav: Some(who.nav()), csrf: &who.csrf, when: local_when(&g, &d), date_id: d.id, g, told };
    render(StatusCode::OK, &page)
}

async fn cancel(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/gathering-dates/{id}/line")) };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let Ok(date) = Uuid::parse_str(&id) else {
        return message(StatusCode::NOT_FOUND, "No such date", "Check the link, or open the gathering's page.");
    };
    match gatherings::cancel_date(&state, user, date).await {
        Ok(_) => Redirect::to(&format!("/gathering-dates/{date}/line?done=cancelled")).into_response(),
        Err(AppError::Forbidden(_) | AppError::NotFound(_)) => {
            show(&state, &who, &id, None, (None, Errors::default(), StatusCode::OK)).await
        }
        Err(e) => match refused_words(&e) {
            Some(words) => {
                let mut errors = Errors::default();
                errors.add("form", words);
                show(&state, &who, &id, None, (None, errors, status_of(&e))).await
            }
            None => failed("", &e),
        },
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gathering-dates/{id}/line", get(page))
        .route("/gathering-dates/{id}/line/{person}/decide", post(decide))
        .route("/gathering-dates/{id}/line/{person}/move-up", post(move_up))
        .route("/gathering-dates/{id}/cancel", get(confirm_cancel).post(cancel))
}
