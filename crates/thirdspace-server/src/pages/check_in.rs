//! The self check-in page that the QR code on the venue's screen opens: one tap for someone
//! logged in; others log in first and come back.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use thirdspace_domain::booking::{self, BookingStatus};
use thirdspace_domain::hours::{self, ClockTime, WeeklyHours};
use thirdspace_store::{BookingsWhen, Conflict, Page, PresenceConflict, User, Venue};
use uuid::Uuid;

use super::{
    door_words, failed, failure, message, render, status_of, to_login, today_at, venue_of, FormData, Nav, Params,
    Suggested, Visitor,
};
use crate::app::access::time_zone;
use crate::app::bookings;
use crate::app::intros::suggestions_here;
use crate::app::presence::{self, arrive, check_code, leave, Arrival};
use crate::app::{AppError, Denial};
use crate::error::ApiError;
use crate::AppState;

/// How many introductions the page suggests right after check-in.
const SUGGESTED: usize = 3;

#[derive(Template)]
#[template(path = "check_in.html")]
struct CheckInPage<'a> {
    nav: Option<Nav>,
    venue: &'a str,
    venue_id: Uuid,
    name: &'a str,
    csrf: &'a str,
    code: &'a str,
    here: bool,
    left: bool,
    until: Option<String>,
    intros: Vec<Suggested>,
    focus: &'a str,
    error: Option<String>,
    /// Closed now: when it opens again, in words.
    closed: Option<String>,
    /// The booking of now that a tap checks in on ("09:00–17:00").
    booking: Option<String>,
    /// A booking here later today that cannot be checked in yet, in words.
    not_yet: Option<String>,
}

#[derive(Deserialize)]
struct CodeQuery {
    code: Option<String>,
    left: Option<String>,
}

#[derive(Deserialize)]
struct CheckInForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    focus: String,
}

fn wrong_code() -> Response {
    message(
        StatusCode::UNPROCESSABLE_ENTITY,
        "This check-in link is not today's",
        "Scan the QR code on the venue's screen again, or ask the host.",
    )
}

fn link(venue: Uuid, code: &str) -> String {
    let code: String = form_urlencoded::byte_serialize(code.as_bytes()).collect();
    format!("/check-in/{venue}?code={code}")
}

/// The page for `who` at `venue`: checked in (with people to meet) or the button to check in.
async fn current(state: &AppState, venue: &Venue, who: &Visitor, user: &User, code: &str, left: bool) -> Response {
    let here = match presence::where_am_i(state, user).await {
        Ok(at) => at.is_some_and(|at| at.id == venue.id),
        Err(e) => return failed("", &e),
    };
    let mut page = CheckInPage {
        nav: Some(who.nav()),
        venue: &venue.name,
        venue_id: venue.id,
        name: &user.display_name,
        csrf: &who.csrf,
        code,
        here,
        left: left && !here,
        until: None,
        intros: Vec::new(),
        focus: "",
        error: None,
        closed: None,
        booking: None,
        not_yet: None,
    };
    if !here {
        match door(state, venue, user).await {
            Ok(Door { closed, booking, not_yet }) => {
                (page.closed, page.booking, page.not_yet) = (closed, booking, not_yet)
            }
            Err(e) => return failure("", &e),
        }
    }
    if here {
        page.until = seat_until(state, venue, user.id).await;
        page.intros = match suggestions_here(state, user.id, venue.id, SUGGESTED).await {
            Ok(intros) => intros.into_iter().map(Suggested::from).collect(),
            Err(e) => return failed("", &e),
        };
    }
    render(StatusCode::OK, &page)
}

/// What the door offers someone now, in words (at most one is set).
#[derive(Default)]
struct Door {
    /// Closed now, and when it opens again.
    closed: Option<String>,
    /// Their booking for now ("09:00–17:00").
    booking: Option<String>,
    /// Their booking of later today, which cannot be checked in yet.
    not_yet: Option<String>,
}

/// What the door offers `user` now.
async fn door(state: &AppState, venue: &Venue, user: &User) -> Result<Door, ApiError> {
    let now = state.clock.now();
    let (today, at) = hours::local_now(time_zone(venue)?, now);
    let weekly = WeeklyHours::parse(venue.opening_hours.clone())?;
    if let Some(closed) = hours::closed_now(&weekly, &venue.closures, today, at) {
        return Ok(Door { closed: Some(closed), ..Door::default() });
    }
    let upcoming = bookings::mine(state, user, BookingsWhen::Upcoming, Page::new(1, Page::MAX_PER_PAGE)).await?;
    let grace = i64::from(venue.no_show_grace_minutes) * 60;
    for b in upcoming.items {
        if b.venue_id != venue.id || b.date != today || b.status != BookingStatus::Booked {
            continue;
        }
        if booking::may_check_in(&b.hold(), now, grace) {
            return Ok(Door { booking: Some(format!("{}–{}", b.start, b.end)), ..Door::default() });
        }
        if b.starts_at > now {
            let opens = b.start.minutes().saturating_sub((booking::EARLY_CHECK_IN_SECONDS / 60) as u16);
            let opens = ClockTime::from_minutes(opens).unwrap_or(b.start);
            let words = format!("Your booking here starts at {}: check in from {opens}.", b.start);
            return Ok(Door { not_yet: Some(words), ..Door::default() });
        }
    }
    Ok(Door::default())
}

/// When the seat of the booking `user` is checked in on ends, local time.
async fn seat_until(state: &AppState, venue: &Venue, user: Uuid) -> Option<String> {
    let day = today_at(state, venue).await.ok()?;
    day.into_iter()
        .find(|b| b.booking.user_id == user && b.booking.status == BookingStatus::CheckedIn)
        .map(|b| b.booking.end.to_string())
}

async fn page(
    State(state): State<AppState>,
    who: Visitor,
    Path(venue): Path<String>,
    Params(q): Params<CodeQuery>,
) -> Response {
    let venue = match venue_of(&state, &venue).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let code = q.code.unwrap_or_default();
    let Some(user) = &who.user else { return to_login(&link(venue.id, &code)) };
    if let Err(e) = check_code(&state, &venue, &code).await {
        return if e == AppError::Denied(Denial::WrongCheckInCode) { wrong_code() } else { failed("", &e) };
    }
    current(&state, &venue, &who, user, &code, q.left.is_some()).await
}

async fn check_in(
    State(state): State<AppState>,
    who: Visitor,
    Path(venue): Path<String>,
    FormData(form): FormData<CheckInForm>,
) -> Response {
    let venue = match venue_of(&state, &venue).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let Some(user) = &who.user else { return to_login(&link(venue.id, &form.code)) };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    if check_code(&state, &venue, &form.code).await.is_err() {
        return wrong_code();
    }
    let focus = Some(form.focus.clone()).filter(|f| !f.trim().is_empty());
    match arrive(&state, &venue, user.id, Arrival::OrWalkIn { focus, pledge: None }).await {
        Ok(_) => Redirect::to(&link(venue.id, &form.code)).into_response(),
        Err(e) if status_of(&e).is_client_error() => {
            let page = CheckInPage {
                nav: Some(who.nav()),
                venue: &venue.name,
                venue_id: venue.id,
                name: &user.display_name,
                csrf: &who.csrf,
                code: &form.code,
                here: false,
                left: false,
                until: None,
                intros: Vec::new(),
                focus: &form.focus,
                error: Some(door_words(&e)),
                closed: None,
                booking: None,
                not_yet: None,
            };
            render(status_of(&e), &page)
        }
        Err(e) => failed("", &e),
    }
}

#[derive(Deserialize)]
struct CheckOutForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
}

async fn check_out(
    State(state): State<AppState>,
    who: Visitor,
    Path(venue): Path<String>,
    FormData(form): FormData<CheckOutForm>,
) -> Response {
    let venue = match venue_of(&state, &venue).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let Some(user) = &who.user else { return to_login(&link(venue.id, &form.code)) };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    // Checking out twice (a double tap, a second tab) is not an error.
    match leave(&state, venue.id, user.id).await {
        Ok(_) | Err(AppError::Conflict(Conflict::Presence(PresenceConflict::NotCheckedIn))) => {
            Redirect::to(&format!("{}&left=1", link(venue.id, &form.code))).into_response()
        }
        Err(e) => failed("Could not check out", &e),
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/check-in/{venue}", get(page).post(check_in)).route("/check-in/{venue}/out", post(check_out))
}
