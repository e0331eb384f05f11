//! A venue's page: hours, rules, amenities, who is expected today (as each person allows), and
//! booking a seat for social capital.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use thirdspace_domain::booking::BOOKING_HORIZON_DAYS;
use thirdspace_domain::booking::{self, BookingInput, Terms};
use thirdspace_domain::hours::{self, ClockTime, Span, Weekday, WeeklyHours};
use thirdspace_domain::space::SpaceKind;
use thirdspace_domain::{Invalid, Invalids};
use thirdspace_store::{Page, Venue};

use super::{
    failed, failure, kind_label, render, status_of, to_login, venue_of, Errors, FormData, Labels, Nav, Params, Visitor,
};
use crate::app::access::{self, time_zone};
use crate::app::bookings::{self, place};
use crate::app::AppError;
use crate::app::{presence, venues};
use crate::error::ApiError;
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
    pub accept_house_rules: Option<String>,
    #[serde(default)]
    csrf: String,
}

#[derive(Template)]
#[template(path = "venue.html")]
struct VenuePage<'a> {
    /// The day shown: "today" or "on Wednesday 25 November".
    day: String,
    /// How many seats are free that day, in words, when the venue opens then.
    free: Option<String>,
    nav: Option<Nav>,
    v: &'a Venue,
    kind: &'static str,
    here: usize,
    week: Vec<(&'static str, String)>,
    closures: String,
    spaces: Vec<String>,
    /// Who is expected: their person page, and their name with their hours.
    expected: Vec<(uuid::Uuid, String)>,
    hidden_count: usize,
    /// The venue's gatherings over the next month.
    gatherings: Vec<super::gatherings::Listed>,
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
    let (here, _) = presence::here_now(state, who.user.as_ref(), venue.id).await?;
    // A page opened for a date (from a search) shows that day: who is expected and the seats free.
    let day = chrono::NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (0..=BOOKING_HORIZON_DAYS).contains(&(*d - today).num_days()))
        .unwrap_or(today);
    let weekly = WeeklyHours::parse(venue.opening_hours.clone())?;
    let (shown, hidden_count) = bookings::expected(state, who.user.as_ref(), venue, day).await?;
    let expected = shown.into_iter().map(|(name, b)| (b.user_id, format!("{name} ({}–{})", b.start, b.end))).collect();
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
    let spaces = venues::spaces(state, venue.id, Page::new(1, Page::MAX_PER_PAGE))
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
        if let Some(period) = hours::open_period_at(&weekly, &venue.closures, today, at) {
            let quarter = (at.minutes() / 15 + 1) * 15;
            form.start =
                ClockTime::from_minutes(quarter.min(period.end.minutes())).map(|t| t.to_string()).unwrap_or_default();
            form.end = period.end.to_string();
        }
    }
    let free = free_words(state, venue, &weekly, day, &form, now).await?;
    let gatherings = super::gatherings::at_venue(state, who, venue.id).await?;
    Ok(VenuePage {
        day: if day == today { "today".to_owned() } else { format!("on {}", day.format("%A %-d %B")) },
        free,
        nav: Some(who.nav()),
        v: venue,
        kind: kind_label(venue.kind),
        here: here as usize,
        week,
        closures: upcoming.join(", "),
        spaces,
        expected,
        hidden_count,
        gatherings,
        logged_in: who.user.is_some(),
        csrf: &who.csrf,
        form,
        errors,
    })
}

/// "4 seats free on Wednesday 25 November, 09:00–17:00": for the span in the form when it reads,
/// else the day's opening hours; `None` when the venue is closed then.
async fn free_words(
    state: &AppState,
    venue: &Venue,
    weekly: &WeeklyHours,
    day: chrono::NaiveDate,
    form: &BookForm,
    now: i64,
) -> Result<Option<String>, ApiError> {
    let asked = ClockTime::parse("start", form.start.trim())
        .and_then(|start| Span::new(start, ClockTime::parse("end", form.end.trim())?))
        .ok()
        .filter(|span| hours::opening_period_for(weekly, &venue.closures, day, *span).is_ok());
    let whole_day = || {
        if venue.closures.contains(&day) {
            return None;
        }
        let periods: Vec<Span> = weekly.on(Weekday::of(day)).collect();
        periods.first().zip(periods.last()).map(|(first, last)| Span { start: first.start, end: last.end })
    };
    let Some(span) = asked.or_else(whole_day) else { return Ok(None) };
    let tz = time_zone(venue)?;
    let window = (hours::instant(tz, day, span.start).max(now), hours::instant(tz, day, span.end));
    if window.1 <= window.0 {
        return Ok(None);
    }
    let free = bookings::free_seats(state, venue.id, day, window).await?;
    let seats = if free == 1 { "1 seat".to_owned() } else { format!("{free} seats") };
    Ok(Some(format!("{seats} free for social capital, {}–{}", span.start, span.end)))
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
fn input(form: &BookForm, terms: Terms) -> Result<BookingInput, Invalids> {
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
            accept_house_rules: form.accept_house_rules.is_some(),
        }),
        _ => {
            if let Err(words) = booking::words(&form.focus, &form.pledge) {
                invalid.extend(words);
            }
            invalid.extend(booking::rules_accepted(terms, form.accept_house_rules.is_some()).err());
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
    ("accept_house_rules", "House rules"),
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
    let booked = match input(&form, access::terms(&venue)) {
        Ok(input) => place(&state, user.id, &venue, &input).await,
        Err(invalid) => Err(AppError::from(invalid)),
    };
    match booked {
        Ok(booking) => Redirect::to(&format!("/bookings/{}?new=1", booking.id)).into_response(),
        Err(e) if status_of(&e).is_client_error() => {
            show(&state, &who, &venue, form, Errors::of_app(&e).labelled(BOOK_LABELS), status_of(&e)).await
        }
        Err(e) => failed("", &e),
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/venues/{venue}", get(page)).route("/venues/{venue}/book", post(book))
}
