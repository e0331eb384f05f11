//! A venue's page: hours, rules, amenities, who is expected today (as each person allows), and
//! booking a seat for social capital.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use thirdspace_domain::booking::{self, BookingInput, BookingStatus};
use thirdspace_domain::hours::{self, ClockTime, Weekday};
use thirdspace_domain::profile::{may_see, Viewer};
use thirdspace_domain::space::SpaceKind;
use thirdspace_domain::{Invalid, Invalids};
use thirdspace_store::{Page, Venue};

use super::{
    failure, kind_label, render, to_login, today_at, venue_of, Errors, FormData, Labels, Nav, Params, Visitor,
};
use crate::error::ApiError;
use crate::routes::{place, time_zone};
use crate::AppState;

/// The booking form as typed.
#[derive(Deserialize, Default)]
pub struct BookForm {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub focus: String,
    #[serde(default)]
    pub pledge: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Template)]
#[template(path = "venue.html")]
struct VenuePage<'a> {
    nav: Option<Nav>,
    v: &'a Venue,
    kind: &'static str,
    here: usize,
    week: Vec<(&'static str, String)>,
    closures: String,
    spaces: Vec<String>,
    expected: Vec<String>,
    hidden_count: usize,
    logged_in: bool,
    csrf: &'a str,
    form: BookForm,
    errors: Errors,
}

const DAYS: [(Weekday, &str); 7] = [
    (Weekday::Monday, "Monday"),
    (Weekday::Tuesday, "Tuesday"),
    (Weekday::Wednesday, "Wednesday"),
    (Weekday::Thursday, "Thursday"),
    (Weekday::Friday, "Friday"),
    (Weekday::Saturday, "Saturday"),
    (Weekday::Sunday, "Sunday"),
];

/// Renders the venue's page for `who`, with the booking form as given.
async fn show(
    state: &AppState,
    who: &Visitor,
    venue: &Venue,
    form: BookForm,
    errors: Errors,
    status: StatusCode,
) -> Response {
    match build(state, who, venue, form, errors).await {
        Ok(page) => render(status, &page),
        Err(e) => failure("", &e),
    }
}

async fn build<'a>(
    state: &AppState,
    who: &'a Visitor,
    venue: &'a Venue,
    mut form: BookForm,
    errors: Errors,
) -> Result<VenuePage<'a>, ApiError> {
    let now = state.clock.now();
    let tz = time_zone(venue)?;
    let (today, at) = hours::local_now(tz, now);
    let present = state.store.present(venue.id, now).await?;
    let viewer_here = match &who.user {
        Some(u) => state.store.checked_in_at(u.id, now).await? == Some(venue.id),
        None => false,
    };
    let me = who.user.as_ref().map(|u| u.id);
    let mut expected = Vec::new();
    let mut hidden_count = 0;
    let mut seen = std::collections::HashSet::new();
    for b in today_at(state, venue).await? {
        let live =
            matches!(b.booking.status, BookingStatus::Booked | BookingStatus::CheckedIn) && b.booking.ends_at > now;
        if !live || !seen.insert(b.booking.user_id) {
            continue;
        }
        let viewer = Viewer { is_self: me == Some(b.booking.user_id), shares_venue_now: viewer_here };
        if may_see(b.visibility, viewer) {
            expected.push(format!("{} ({}–{})", b.display_name, b.booking.start, b.booking.end));
        } else {
            hidden_count += 1;
        }
    }
    let week = DAYS
        .iter()
        .map(|(day, name)| {
            let periods: Vec<String> = venue
                .opening_hours
                .iter()
                .filter(|p| p.day == *day)
                .map(|p| format!("{}–{}", p.opens, p.closes))
                .collect();
            (*name, if periods.is_empty() { "Closed".to_owned() } else { periods.join(", ") })
        })
        .collect();
    let upcoming: Vec<String> =
        venue.closures.iter().filter(|d| **d >= today).take(5).map(|d| d.format("%-d %B").to_string()).collect();
    let spaces = state
        .store
        .spaces(venue.id, Page::new(1, Page::MAX_PER_PAGE))
        .await?
        .items
        .into_iter()
        .map(|s| match s.kind {
            SpaceKind::OpenSeating => {
                format!("{}: open seating, {} seats offered for social capital", s.name, s.social_capital_seats)
            }
            SpaceKind::MeetingRoom => format!("{}: meeting room for {}", s.name, s.capacity),
        })
        .collect();
    if form.date.is_empty() {
        form.date = today.to_string();
    }
    if form.start.is_empty() && form.end.is_empty() {
        let weekly = thirdspace_domain::hours::WeeklyHours::parse(venue.opening_hours.clone())?;
        if let Some(period) = hours::open_period_at(&weekly, &venue.closures, today, at) {
            let quarter = (at.minutes() / 15 + 1) * 15;
            form.start =
                ClockTime::from_minutes(quarter.min(period.end.minutes())).map(|t| t.to_string()).unwrap_or_default();
            form.end = period.end.to_string();
        }
    }
    Ok(VenuePage {
        nav: Some(who.nav()),
        v: venue,
        kind: kind_label(venue.kind),
        here: present.len(),
        week,
        closures: upcoming.join(", "),
        spaces,
        expected,
        hidden_count,
        logged_in: who.user.is_some(),
        csrf: &who.csrf,
        form,
        errors,
    })
}

#[derive(Deserialize)]
struct Prefill {
    date: Option<String>,
    start: Option<String>,
    end: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    who: Visitor,
    Path(venue): Path<String>,
    Params(q): Params<Prefill>,
) -> Response {
    let venue = match venue_of(&state, &venue).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let form = BookForm {
        date: q.date.unwrap_or_default(),
        start: q.start.unwrap_or_default(),
        end: q.end.unwrap_or_default(),
        ..BookForm::default()
    };
    show(&state, &who, &venue, form, Errors::default(), StatusCode::OK).await
}

/// The form as the booking rules want it, or everything that is wrong with it: when a date or a
/// time does not read, the rest of the form is still checked.
fn input(form: &BookForm) -> Result<BookingInput, Invalids> {
    let mut invalid = Invalids::default();
    let date = chrono::NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d")
        .map_err(|_| invalid.add(Invalid::new("date", "pick a date")));
    let start = ClockTime::parse("start", form.start.trim()).map_err(|e| invalid.add(e));
    let end = ClockTime::parse("end", form.end.trim()).map_err(|e| invalid.add(e));
    match (date, start, end) {
        (Ok(date), Ok(start), Ok(end)) => Ok(BookingInput {
            space_id: None,
            date,
            start,
            end,
            focus: form.focus.clone(),
            pledge: form.pledge.clone(),
        }),
        _ => {
            if let Err(words) = booking::words(&form.focus, &form.pledge) {
                invalid.extend(words);
            }
            Err(invalid)
        }
    }
}

/// The booking form's fields in its order, with the labels it shows.
const BOOK_LABELS: Labels = &[
    ("date", "Date"),
    ("start", "From"),
    ("end", "Until"),
    ("focus", "What's your focus today?"),
    ("pledge", "What will you share?"),
];

async fn book(
    State(state): State<AppState>,
    who: Visitor,
    Path(venue): Path<String>,
    FormData(form): FormData<BookForm>,
) -> Response {
    let venue = match venue_of(&state, &venue).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let Some(user) = &who.user else { return to_login(&format!("/venues/{}", venue.id)) };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let booked = match input(&form) {
        Ok(input) => place(&state, user.id, &venue, &input).await,
        Err(invalid) => Err(ApiError::from(invalid)),
    };
    match booked {
        Ok(booking) => Redirect::to(&format!("/bookings/{}?new=1", booking.id)).into_response(),
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            show(&state, &who, &venue, form, Errors::of(&e).labelled(BOOK_LABELS), status).await
        }
        Err(e) => failure("", &e),
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/venues/{venue}", get(page)).route("/venues/{venue}/book", post(book))
}
