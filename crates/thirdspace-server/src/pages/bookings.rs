//! A person's bookings: the confirmation, adding it to a calendar (iCalendar, RFC 5545), the list
//! of upcoming and past bookings, and cancelling.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use serde::Deserialize;
use thirdspace_domain::booking::BookingStatus;
use thirdspace_store::{Booking, BookingsWhen, Page, User, Venue};
use uuid::Uuid;

use super::{failed, message, render, to_login, FormData, Nav, Params, Visitor};
use crate::app::{access, bookings, AppError};
use crate::AppState;

/// How many bookings each list of "My bookings" shows.
const LISTED: u32 = 50;

fn status_words(status: BookingStatus) -> &'static str {
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
}

#[derive(Deserialize)]
struct Fresh {
    new: Option<String>,
}

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
    let page = BookingPage {
        nav: Some(who.nav()),
        b: &b,
        venue: &venue.name,
        address: format!("{}, {}", venue.address, venue.city),
        when: when(&b),
        status: status_words(b.status),
        grace: venue.no_show_grace_minutes,
        cancellable: b.status == BookingStatus::Booked && b.starts_at > state.clock.now(),
        live: matches!(b.status, BookingStatus::Booked | BookingStatus::CheckedIn) && b.ends_at > state.clock.now(),
        fresh: q.new.is_some(),
        csrf: &who.csrf,
    };
    render(StatusCode::OK, &page)
}

/// The booking as an iCalendar file, for any calendar application.
async fn calendar(State(state): State<AppState>, who: Visitor, Path(id): Path<String>) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/bookings/{id}")) };
    let (b, venue) = match own(&state, &id, user).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let (Some(starts), Some(ends), Some(stamp)) = (
        chrono::DateTime::from_timestamp(b.starts_at, 0),
        chrono::DateTime::from_timestamp(b.ends_at, 0),
        chrono::DateTime::from_timestamp(state.clock.now(), 0),
    ) else {
        return message(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "Try again in a moment.");
    };
    let status = match b.status {
        BookingStatus::Cancelled | BookingStatus::Released => EventStatus::Cancelled,
        _ => EventStatus::Confirmed,
    };
    let event = Event::new()
        .uid(&format!("{}@thirdspace", b.id))
        .timestamp(stamp)
        .starts(starts)
        .ends(ends)
        .summary(&format!("Seat at {}", venue.name))
        .location(&format!("{}, {}, {}", venue.address, venue.city, venue.country))
        .description(&format!(
            "Focus: {}\nPledge: {}\nCheck in with the QR code on the venue's screen.\n{}/bookings/{}",
            b.focus, b.pledge, state.config.public_url, b.id
        ))
        .status(status)
        .done();
    let ics = Calendar::new().push(event).done().to_string();
    let disposition = format!("attachment; filename=\"thirdspace-{}.ics\"", b.date);
    (
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        ics,
    )
        .into_response()
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
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
}

#[derive(Template)]
#[template(path = "my_bookings.html")]
struct MyBookings {
    nav: Option<Nav>,
    upcoming: Vec<Listed>,
    past: Vec<Listed>,
    cancelled: bool,
}

#[derive(Deserialize)]
struct Cancelled {
    cancelled: Option<String>,
}

async fn mine(State(state): State<AppState>, who: Visitor, Params(q): Params<Cancelled>) -> Response {
    let Some(user) = &who.user else { return to_login("/me/bookings") };
    let mut names: HashMap<Uuid, String> = HashMap::new();
    let mut lists = Vec::new();
    for list in [BookingsWhen::Upcoming, BookingsWhen::Past] {
        let found = match bookings::mine(&state, user, list, Page::new(1, LISTED)).await {
            Ok(found) => found.items,
            Err(e) => return failed("", &e),
        };
        let mut listed = Vec::new();
        for b in found {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(b.venue_id) {
                match access::venue(&state, b.venue_id).await {
                    Ok(v) => slot.insert(v.name),
                    Err(AppError::NotFound(_)) => slot.insert("A closed venue".to_owned()),
                    Err(e) => return failed("", &e),
                };
            }
            let venue = names.get(&b.venue_id).cloned().unwrap_or_default();
            let settled = !matches!(b.status, BookingStatus::Booked | BookingStatus::CheckedIn);
            listed.push((settled, Listed { id: b.id, venue, when: when(&b), status: status_words(b.status) }));
        }
        lists.push(listed);
    }
    // What was cancelled, released or left early is no longer coming up, whatever its hours.
    let past_list = lists.pop().unwrap_or_default();
    let (settled, upcoming): (Vec<_>, Vec<_>) = lists.pop().unwrap_or_default().into_iter().partition(|(s, _)| *s);
    let upcoming = upcoming.into_iter().map(|(_, l)| l).collect();
    let past = settled.into_iter().chain(past_list).map(|(_, l)| l).collect();
    render(StatusCode::OK, &MyBookings { nav: Some(who.nav()), upcoming, past, cancelled: q.cancelled.is_some() })
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bookings/{id}", get(page))
        .route("/bookings/{id}/calendar.ics", get(calendar))
        .route("/bookings/{id}/cancel", post(cancel))
        .route("/me/bookings", get(mine))
}
