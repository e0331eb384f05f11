//! A person's bookings: the confirmation, adding it to a calendar (iCalendar, RFC 5545), the list
//! of upcoming and past bookings, and cancelling.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use thirdspace_domain::booking::{self, Approval, BookingStatus};
use thirdspace_domain::{Invalid, Invalids};
use thirdspace_store::{Booking, BookingsWhen, Page, User, Venue};
use uuid::Uuid;

use super::CsrfForm;
use super::{failed, message, render, status_of, to_login, Errors, FormData, Labels, Nav, Params, Visitor};
use crate::app::{access, bookings, calendars, exchanges, AppError};
use crate::{calendar, AppState};

/// How many bookings each list of "My bookings" shows.
const LISTED: u32 = 50;

fn status_words(b: &Booking) -> &'static str {
    match (b.status, b.approval) {
        (BookingStatus::Booked, Some(Approval::Pending)) => "Waiting for the host's approval",
        (BookingStatus::Cancelled, Some(Approval::Declined)) => "Declined by the host",
        (status, _) => plain_status(status),
    }
}

fn plain_status(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Booked => "Booked",
        BookingStatus::CheckedIn => "Checked in",
        BookingStatus::CheckedOut => "Checked out",
        BookingStatus::Cancelled => "Cancelled",
        BookingStatus::Released => "Released: no one checked in",
    }
}

fn when(b: &Booking) -> String {
    format!("{}, {}–{}", b.date.format("%A %-d %B %Y"), b.start, b.end)
}

/// A booking the caller may see (see [`bookings::visible`]) with its venue; anyone else's is "not
/// found".
async fn own(state: &AppState, raw: &str, user: &User) -> Result<(Booking, Venue), Response> {
    let missing = || message(StatusCode::NOT_FOUND, "No such booking", "It may belong to someone else.");
    let Ok(id) = Uuid::parse_str(raw) else { return Err(missing()) };
    let found = match bookings::visible(state, user, id).await {
        Ok(found) => access::venue(state, found.venue_id).await.map(|venue| (found, venue)),
        Err(e) => Err(e),
    };
    found.map_err(|e| match e {
        AppError::NotFound(_) => missing(),
        e => failed("", &e),
    })
}

#[derive(Template)]
#[template(path = "booking.html")]
struct BookingPage<'a> {
    nav: Option<Nav>,
    b: &'a Booking,
    venue: &'a str,
    address: String,
    when: String,
    status: &'static str,
    grace: u16,
    cancellable: bool,
    /// Still to come or under way (not cancelled, released or over).
    live: bool,
    fresh: bool,
    csrf: &'a str,
    /// The visit is over: the holder may say whether they kept their pledge.
    pledge_due: bool,
    /// The exchanges they may name as the pledge kept: id, what was shared, and whether it is
    /// the one named now.
    choices: Vec<(Uuid, String, bool)>,
    pledged: bool,
    errors: Errors,
}

#[derive(Deserialize)]
struct PledgeForm {
    #[serde(default)]
    kept: String,
    #[serde(default)]
    exchange_id: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Deserialize)]
struct Fresh {
    new: Option<String>,
    pledged: Option<String>,
}

/// The booking's page, with what was wrong in a pledge form sent from it.
async fn show(
    state: &AppState,
    (who, user): (&Visitor, &User),
    (b, venue): (&Booking, &Venue),
    q: Fresh,
    (errors, status): (Errors, StatusCode),
) -> Response {
    let now = state.clock.now();
    let pledge_due = b.user_id == user.id && booking::may_answer_pledge(b.status, b.ends_at, now);
    let choices = if pledge_due {
        match exchanges::pledge_choices(state, user).await {
            Ok(found) => found
                .into_iter()
                .map(|v| (v.exchange.id, v.exchange.text, b.pledge_exchange_id == Some(v.exchange.id)))
                .collect(),
            Err(e) => return failed("", &e),
        }
    } else {
        Vec::new()
    };
    let page = BookingPage {
        nav: Some(who.nav()),
        b,
        venue: &venue.name,
        address: format!("{}, {}", venue.address, venue.city),
        when: when(b),
        status: status_words(b),
        grace: venue.no_show_grace_minutes,
        cancellable: b.status == BookingStatus::Booked && b.starts_at > now,
        live: matches!(b.status, BookingStatus::Booked | BookingStatus::CheckedIn) && b.ends_at > now,
        fresh: q.new.is_some(),
        csrf: &who.csrf,
        pledge_due,
        choices,
        pledged: q.pledged.is_some(),
        errors,
    };
    render(status, &page)
}

/// The holder says whether they shared what they pledged.
async fn pledge(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<PledgeForm>,
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/bookings/{id}")) };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let (b, venue) = match own(&state, &id, user).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let mut invalid = Invalids::default();
    let kept = match form.kept.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            invalid.add(Invalid::new("kept", "say whether you shared it"));
            false
        }
    };
    let exchange = match form.exchange_id.trim() {
        "" => None,
        raw => Uuid::parse_str(raw).map(Some).unwrap_or_else(|_| {
            invalid.add(Invalid::new("exchange_id", "choose one of your exchanges"));
            None
        }),
    };
    let answered = match invalid.finish(()) {
        Ok(()) => bookings::answer_pledge(&state, user, b.id, kept, exchange).await,
        Err(invalid) => Err(AppError::from(invalid)),
    };
    match answered {
        Ok(_) => Redirect::to(&format!("/bookings/{}?pledged=1", b.id)).into_response(),
        Err(e) if status_of(&e).is_client_error() => {
            let errors = Errors::of_app(&e).labelled(PLEDGE_LABELS);
            show(&state, (&who, user), (&b, &venue), Fresh { new: None, pledged: None }, (errors, status_of(&e))).await
        }
        Err(e) => failed("", &e),
    }
}

/// The pledge form's fields, with the labels it shows.
const PLEDGE_LABELS: Labels = &[("kept", "Did you share it?"), ("exchange_id", "The exchange it became")];

async fn page(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    Params(q): Params<Fresh>,
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/bookings/{id}")) };
    let (b, venue) = match own(&state, &id, user).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    show(&state, (&who, user), (&b, &venue), q, (Errors::default(), StatusCode::OK)).await
}

/// The booking as an iCalendar file, for any calendar application.
async fn calendar(State(state): State<AppState>, who: Visitor, Path(id): Path<String>) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/bookings/{id}")) };
    let (b, venue) = match own(&state, &id, user).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let Some(event) = calendar::booking(&b, &venue, &state.config.public_url, state.clock.now()) else {
        return message(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "Try again in a moment.");
    };
    let ics = calendar::file(event);
    let disposition = format!("attachment; filename=\"thirdspace-{}.ics\"", b.date);
    (
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        ics,
    )
        .into_response()
}

async fn cancel(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/bookings/{id}")) };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let (b, _) = match own(&state, &id, user).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    if b.status == BookingStatus::Cancelled {
        return Redirect::to("/me/bookings?cancelled=1").into_response();
    }
    match bookings::cancel(&state, user, b.id).await {
        Ok(_) => Redirect::to("/me/bookings?cancelled=1").into_response(),
        Err(e) => failed("This booking cannot be cancelled", &e),
    }
}

struct Listed {
    id: Uuid,
    venue: String,
    when: String,
    status: &'static str,
    /// Over, and its pledge not yet answered: the list asks.
    ask_pledge: bool,
}

#[derive(Template)]
#[template(path = "my_bookings.html")]
struct MyBookings<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    upcoming: Vec<Listed>,
    past: Vec<Listed>,
    cancelled: bool,
    /// A calendar address just made: shown once, as only its hash is kept.
    calendar_url: Option<String>,
    calendar_stopped: bool,
}

#[derive(Deserialize)]
struct Cancelled {
    cancelled: Option<String>,
    calendar: Option<String>,
}

async fn mine(State(state): State<AppState>, who: Visitor, Params(q): Params<Cancelled>) -> Response {
    let notice =
        Notice { cancelled: q.cancelled.is_some(), calendar_stopped: q.calendar.as_deref() == Some("stopped") };
    show_mine(&state, &who, notice, None).await
}

/// What the list of bookings says on top of it.
struct Notice {
    cancelled: bool,
    calendar_stopped: bool,
}

async fn show_mine(state: &AppState, who: &Visitor, notice: Notice, calendar_url: Option<String>) -> Response {
    let Some(user) = &who.user else { return to_login("/me/bookings") };
    let mut names: HashMap<Uuid, String> = HashMap::new();
    let now = state.clock.now();
    let mut lists = Vec::new();
    for list in [BookingsWhen::Upcoming, BookingsWhen::Past] {
        let found = match bookings::mine(state, user, list, Page::new(1, LISTED)).await {
            Ok(found) => found.items,
            Err(e) => return failed("", &e),
        };
        let mut listed = Vec::new();
        for b in found {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(b.venue_id) {
                match access::venue(state, b.venue_id).await {
                    Ok(v) => slot.insert(v.name),
                    Err(AppError::NotFound(_)) => slot.insert("A closed venue".to_owned()),
                    Err(e) => return failed("", &e),
                };
            }
            let venue = names.get(&b.venue_id).cloned().unwrap_or_default();
            let settled = !matches!(b.status, BookingStatus::Booked | BookingStatus::CheckedIn);
            let ask_pledge = b.pledge_kept.is_none() && booking::may_answer_pledge(b.status, b.ends_at, now);
            listed.push((settled, Listed { id: b.id, venue, when: when(&b), status: status_words(&b), ask_pledge }));
        }
        lists.push(listed);
    }
    // What was cancelled, released or left early is no longer coming up, whatever its hours.
    let past_list = lists.pop().unwrap_or_default();
    let (settled, upcoming): (Vec<_>, Vec<_>) = lists.pop().unwrap_or_default().into_iter().partition(|(s, _)| *s);
    let upcoming = upcoming.into_iter().map(|(_, l)| l).collect();
    let past = settled.into_iter().chain(past_list).map(|(_, l)| l).collect();
    let page = MyBookings {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        upcoming,
        past,
        cancelled: notice.cancelled,
        calendar_url,
        calendar_stopped: notice.calendar_stopped,
    };
    render(StatusCode::OK, &page)
}

/// Makes a new address for the member's own calendar and shows it once; the old one stops.
async fn new_calendar(State(state): State<AppState>, who: Visitor, FormData(form): FormData<CsrfForm>) -> Response {
    let Some(user) = &who.user else { return to_login("/me/bookings") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    match calendars::new_key(&state, user).await {
        Ok(url) => show_mine(&state, &who, Notice { cancelled: false, calendar_stopped: false }, Some(url)).await,
        Err(e) => failed("", &e),
    }
}

/// Stops the member's calendar address working.
async fn stop_calendar(State(state): State<AppState>, who: Visitor, FormData(form): FormData<CsrfForm>) -> Response {
    let Some(user) = &who.user else { return to_login("/me/bookings") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    match calendars::drop_key(&state, user).await {
        Ok(()) => Redirect::to("/me/bookings?calendar=stopped").into_response(),
        Err(e) => failed("", &e),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bookings/{id}", get(page))
        .route("/bookings/{id}/calendar.ics", get(calendar))
        .route("/bookings/{id}/cancel", post(cancel))
        .route("/bookings/{id}/pledge", post(pledge))
        .route("/me/bookings", get(mine))
        .route("/me/calendar", post(new_calendar))
        .route("/me/calendar/stop", post(stop_calendar))
}
