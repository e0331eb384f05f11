//! Gatherings in the browser: a city's next weeks, a gathering's page with its dates and where the
//! reader stands on each, and saying you come, to one date or to every one, withdrawing, and
//! taking a place offered from the line.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use thirdspace_domain::gathering::RsvpStatus;
use thirdspace_store::{Conflict, Gathering, GatheringConflict, GatheringDate, Page, Rsvp, User, Where};
use uuid::Uuid;

use super::CsrfForm;
use super::{failed, message, render, status_of, to_login, Errors, FormData, Nav, Params, Visitor};
use crate::app::gatherings::{self, MAX_LISTING_DAYS};
use crate::app::{access, venues, AppError};
use crate::AppState;

/// The spans a listing offers, in days.
const SPANS: [u32; 4] = [7, 14, 30, MAX_LISTING_DAYS];
/// The span a listing shows when none is chosen.
const DEFAULT_DAYS: u32 = 30;

/// "Wednesday 25 November 2026, 09:30–16:00 CET": a date's local day and hours in its
/// gathering's own time zone.
pub(super) fn local_when(g: &Gathering, d: &GatheringDate) -> String {
    let tz: chrono_tz::Tz = g.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let local = |t: i64| chrono::DateTime::from_timestamp(t, 0).map(|t| t.with_timezone(&tz));
    match (local(d.starts_at), local(d.ends_at)) {
        (Some(starts), Some(ends)) => {
            format!("{}, {}–{}", starts.format("%A %-d %B %Y"), starts.format("%H:%M"), ends.format("%H:%M %Z"))
        }
        _ => format!("{}, {}–{}", d.date.format("%A %-d %B %Y"), g.start, g.end),
    }
}

/// "Tuesday 24 November at 14:00 CET": an instant in a gathering's own time zone.
pub(super) fn local_moment(g: &Gathering, t: i64) -> String {
    let tz: chrono_tz::Tz = g.time_zone.parse().unwrap_or(chrono_tz::UTC);
    chrono::DateTime::from_timestamp(t, 0)
        .map(|t| t.with_timezone(&tz).format("%A %-d %B at %H:%M %Z").to_string())
        .unwrap_or_default()
}

/// How a date's places stand, in words: "3 places left", "Full, 2 in line", "Cancelled".
pub(super) fn places_words(d: &GatheringDate) -> String {
    let left = d.capacity.saturating_sub(d.taken);
    match (d.cancelled_at, left, d.waiting) {
        (Some(_), _, _) => "Cancelled".to_owned(),
        (None, 0, 0) => "Full".to_owned(),
        (None, 0, waiting) => format!("Full, {waiting} in line"),
        (None, 1, _) => "1 place left".to_owned(),
        (None, left, _) => format!("{left} places left"),
    }
}

/// A date as a listing shows it.
pub(super) struct Listed {
    pub(super) gathering: Uuid,
    pub(super) title: String,
    pub(super) kind: &'static str,
    pub(super) when: String,
    pub(super) places: String,
    pub(super) full: bool,
    pub(super) members_only: bool,
}

impl From<(Gathering, GatheringDate)> for Listed {
    fn from((g, d): (Gathering, GatheringDate)) -> Self {
        Self {
            gathering: g.id,
            kind: g.kind.label(),
            when: local_when(&g, &d),
            places: places_words(&d),
            full: d.taken >= d.capacity,
            members_only: g.members_only,
            title: g.title,
        }
    }
}

/// The dates at `venue` over the next month, as its page lists them.
pub(super) async fn at_venue(state: &AppState, who: &Visitor, venue: Uuid) -> Result<Vec<Listed>, AppError> {
    let found =
        gatherings::listed(state, who.user.as_ref(), Where::Venue(venue), state.clock.now(), DEFAULT_DAYS).await?;
    Ok(found.into_iter().map(Listed::from).collect())
}

#[derive(Deserialize, Default)]
struct BrowseQuery {
    #[serde(default)]
    city: String,
    #[serde(default)]
    days: String,
}

#[derive(Template)]
#[template(path = "gatherings.html")]
struct BrowsePage {
    nav: Option<Nav>,
    city: String,
    /// The spans offered, with whether each is the one chosen.
    spans: Vec<(u32, bool)>,
    /// The heading over the dates, when a city was read.
    heading: Option<String>,
    listed: Vec<Listed>,
    /// The city's calendar feed, when a city was read.
    feed: Option<String>,
    logged_in: bool,
    errors: Errors,
}

/// The city a listing starts from: that of the first venue the member runs, else of the first
/// venue of the network; none when there is no venue yet.
pub(super) async fn default_city(state: &AppState, user: Option<&User>) -> Result<String, AppError> {
    if let Some(user) = user {
        if let Some((venue, _)) = venues::run_by(state, user).await?.into_iter().next() {
            return Ok(venue.city);
        }
    }
    let first = venues::search(state, None, None, None, Page::new(1, 1)).await?;
    Ok(first.items.into_iter().next().map(|l| l.venue.city).unwrap_or_default())
}

async fn browse(State(state): State<AppState>, who: Visitor, Params(q): Params<BrowseQuery>) -> Response {
    let mut city = q.city.trim().to_owned();
    if q.city.is_empty() {
        city = match default_city(&state, who.user.as_ref()).await {
            Ok(found) => found,
            Err(e) => return failed("", &e),
        };
    }
    let days = match q.days.trim() {
        "" => Ok(DEFAULT_DAYS),
        raw => raw.parse::<u32>().map_err(|_| AppError::invalid("days", "choose how many days to show")),
    };
    let mut spans: Vec<(u32, bool)> =
        SPANS.iter().map(|d| (*d, days.as_ref().is_ok_and(|chosen| chosen == d))).collect();
    if let Ok(chosen) = days.as_ref().copied() {
        if !SPANS.contains(&chosen) && (1..=MAX_LISTING_DAYS).contains(&chosen) {
            spans.push((chosen, true));
            spans.sort_unstable();
        }
    }
    let mut page = BrowsePage {
        nav: Some(who.nav()),
        spans,
        city: city.clone(),
        heading: None,
        listed: Vec::new(),
        feed: None,
        logged_in: who.user.is_some(),
        errors: Errors::default(),
    };
    if city.is_empty() && q.city.is_empty() {
        // No venue yet to start from: the form asks for a city.
        return render(StatusCode::OK, &page);
    }
    let found = match (gatherings::city(&city), days) {
        (Ok(key), Ok(days)) => {
            gatherings::listed(&state, who.user.as_ref(), Where::City(&key), state.clock.now(), days)
                .await
                .map(|found| (found, days))
        }
        (city, days) => match super::every_invalid([city.err(), days.err()]) {
            Ok(invalid) => Err(AppError::Invalid(invalid)),
            Err(e) => return failed("", &e),
        },
    };
    match found {
        Ok((found, days)) => {
            page.heading = Some(match found.len() {
                1 => format!("1 date in the next {days} days"),
                n => format!("{n} dates in the next {days} days"),
            });
            page.listed = found.into_iter().map(Listed::from).collect();
            let query: String = form_urlencoded::byte_serialize(city.as_bytes()).collect();
            page.feed = Some(format!("/api/v1/gatherings.ics?city={query}"));
            render(StatusCode::OK, &page)
        }
        Err(e) if status_of(&e).is_client_error() => {
            page.errors = Errors::of_app(&e).labelled(&[("city", "City"), ("days", "Show the next")]);
            render(status_of(&e), &page)
        }
        Err(e) => failed("", &e),
    }
}

/// One date on a gathering's page, with where the reader stands and what they may do.
struct DateRow {
    id: Uuid,
    when: String,
    places: String,
    /// Not cancelled and not started: answers are taken.
    open: bool,
    /// Where the reader stands, in words.
    standing: Option<String>,
    /// "I'm coming": no answer that stands.
    may_come: bool,
    /// The button that withdraws the reader's answer: "Withdraw" or "Leave the line".
    withdraw: Option<&'static str>,
    /// A place is offered: until when, to take it.
    offered_until: Option<String>,
    /// For the organiser: how many are going and in line.
    line: Option<String>,
}

#[derive(Template)]
#[template(path = "gathering.html")]
struct GatheringPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    g: Gathering,
    kind: &'static str,
    /// The venue it is at: its page and name, and where it is.
    venue: Option<(Uuid, String, String)>,
    /// The listing of its city.
    city_link: String,
    organiser_name: Option<String>,
    organiser: bool,
    dates: Vec<DateRow>,
    /// More than one date is still open: the reader may answer every one at once.
    series: bool,
    logged_in: bool,
    notice: Option<&'static str>,
    refusal: Option<&'static str>,
}

/// Where someone stands on a date, in their words.
pub(super) fn standing(rsvp: &Rsvp, local: impl Fn(i64) -> String) -> String {
    match rsvp.status {
        RsvpStatus::Going => "You're going.".to_owned(),
        RsvpStatus::Waiting => "You're in line: a place that comes free is offered to you.".to_owned(),
        RsvpStatus::Offered => match rsvp.offered_until {
            Some(until) => format!("A place came free for you: take it before {}.", local(until)),
            None => "A place came free for you.".to_owned(),
        },
        RsvpStatus::Pending => "Waiting for the organiser's yes.".to_owned(),
        RsvpStatus::Cancelled => "You withdrew.".to_owned(),
        RsvpStatus::Declined => "The organiser said no this time.".to_owned(),
    }
}

#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
}

/// What a finished action says on the page it leads back to.
fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "going" => "You're going. See you there!",
        "waiting" => {
            "This date is full, so you're in line. If a place comes free it is offered to you, by e-mail and on \
             this page, and you have up to a day to take it."
        }
        "pending" => "The organiser says yes to each person first: you will see their answer here.",
        "series" => "You answered every date ahead: each shows below whether you're going or in line.",
        "left" => "You withdrew. A place you held goes to the next in line.",
        "took" => "The place is yours: you're going.",
        "organised" => "Your gathering is open. Share this page; you see each date's line from here.",
        _ => return None,
    })
}

/// An answer refused, in the reader's words; `None` for a failure the page does not explain.
fn refusal(e: &AppError) -> Option<&'static str> {
    let AppError::Conflict(Conflict::Gathering(conflict)) = e else { return None };
    Some(match conflict {
        GatheringConflict::Started => "This date has started or passed: nobody can answer for it any more.",
        GatheringConflict::DateCancelled => "The organiser cancelled this date, so nobody can come to it any more.",
        GatheringConflict::NotAnswered => "You had not said you come to this date, so there was nothing to withdraw.",
        GatheringConflict::NoOffer => {
            "There is no place waiting for you on this date any more: its deadline passed, or it went to the next \
             in line. You can join the line again."
        }
        GatheringConflict::NotPending
        | GatheringConflict::NotInLine
        | GatheringConflict::NoSeats
        | GatheringConflict::AttendanceConfirmed
        | GatheringConflict::NotBegun
        | GatheringConflict::BelowGoing => return None,
    })
}

/// The page for a gathering that does not exist, or that the reader may not see.
fn missing(who: &Visitor) -> Response {
    let hint = if who.user.is_some() {
        "Check the link, or ask its organiser."
    } else {
        "Check the link. If it is for members only, log in to see it."
    };
    message(StatusCode::NOT_FOUND, "No such gathering", hint)
}

/// A gathering's page for `who`, with a notice or a refusal above it.
async fn show(
    state: &AppState,
    who: &Visitor,
    id: Uuid,
    (notice, refusal): (Option<&'static str>, Option<&'static str>),
    status: StatusCode,
) -> Response {
    let view = match gatherings::show(state, who.user.as_ref(), id).await {
        Ok(view) => view,
        Err(AppError::NotFound(_)) => return missing(who),
        Err(e) => return failed("", &e),
    };
    let venue = match view.gathering.venue_id {
        Some(venue) => match access::venue(state, venue).await {
            Ok(v) => Some((v.id, v.name, format!("{}, {}", v.address, v.city))),
            Err(AppError::NotFound(_)) => None,
            Err(e) => return failed("", &e),
        },
        None => None,
    };
    let now = state.clock.now();
    let g = view.gathering;
    let local = |t: i64| local_moment(&g, t);
    let logged_in = who.user.is_some();
    let dates: Vec<DateRow> = view
        .dates
        .iter()
        .map(|d| {
            let mine = view.mine.iter().find(|r| r.date_id == d.id);
            let open = d.cancelled_at.is_none() && d.starts_at > now;
            let status = mine.map(|r| r.status);
            DateRow {
                id: d.id,
                when: local_when(&g, d),
                places: if open || d.cancelled_at.is_some() { places_words(d) } else { "Under way or over".to_owned() },
                open,
                standing: mine.map(|r| standing(r, local)),
                may_come: open && logged_in && matches!(status, None | Some(RsvpStatus::Cancelled)),
                withdraw: match status {
                    Some(RsvpStatus::Going | RsvpStatus::Pending) if open => Some("Withdraw"),
                    Some(RsvpStatus::Waiting) if open => Some("Leave the line"),
                    Some(RsvpStatus::Offered) if open => Some("Let it go"),
                    _ => None,
                },
                offered_until: mine
                    .filter(|r| open && r.status == RsvpStatus::Offered)
                    .map(|r| r.offered_until.map(local).unwrap_or_default()),
                line: view.organiser.then(|| format!("{} going or offered, {} in line", d.taken, d.waiting)),
            }
        })
        .collect();
    let series = logged_in && dates.iter().filter(|d| d.open).count() > 1;
    let city: String = form_urlencoded::byte_serialize(g.city.as_bytes()).collect();
    let page = GatheringPage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        kind: g.kind.label(),
        city_link: format!("/gatherings?city={city}"),
        g,
        venue,
        organiser_name: view.organiser_name,
        organiser: view.organiser,
        dates,
        series,
        logged_in,
        notice,
        refusal,
    };
    render(status, &page)
}

async fn page(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    Params(q): Params<Done>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else { return missing(&who) };
    show(&state, &who, id, (notice(q.done.as_deref()), None), StatusCode::OK).await
}

/// What a reader does about one date from a gathering's page.
#[derive(Clone, Copy)]
enum Act {
    Come,
    Withdraw,
    Take,
}

/// Does `act` on the date `id` for the logged-in reader, then back to the gathering's page: with
/// what happened, or with why it did not.
async fn act_on_date(state: &AppState, who: &Visitor, id: &str, csrf: &str, act: Act) -> Response {
    let Some(user) = &who.user else { return to_login("/gatherings") };
    if let Some(page) = who.refuse_forged(csrf) {
        return page;
    }
    let Ok(id) = Uuid::parse_str(id) else { return missing(who) };
    let gathering = match gatherings::date(state, Some(user), id).await {
        Ok((g, _)) => g.id,
        Err(AppError::NotFound(_)) => return missing(who),
        Err(e) => return failed("", &e),
    };
    let done = match act {
        Act::Come => gatherings::answer(state, user, id).await.map(|r| r.status.as_str()),
        Act::Withdraw => gatherings::leave(state, user, id).await.map(|_| "left"),
        Act::Take => gatherings::take_offer(state, user, id).await.map(|_| "took"),
    };
    match done {
        Ok(done) => Redirect::to(&format!("/gatherings/{gathering}?done={done}")).into_response(),
        Err(e) => match refusal(&e) {
            Some(words) => show(state, who, gathering, (None, Some(words)), status_of(&e)).await,
            None => failed("", &e),
        },
    }
}

async fn come(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    act_on_date(&state, &who, &id, &form.csrf, Act::Come).await
}

async fn withdraw(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    act_on_date(&state, &who, &id, &form.csrf, Act::Withdraw).await
}

async fn take(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    act_on_date(&state, &who, &id, &form.csrf, Act::Take).await
}

/// The reader comes to every date of the gathering still ahead.
async fn come_to_all(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/gatherings/{id}")) };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let Ok(id) = Uuid::parse_str(&id) else { return missing(&who) };
    match gatherings::answer_series(&state, user, id).await {
        Ok(_) => Redirect::to(&format!("/gatherings/{id}?done=series")).into_response(),
        Err(AppError::NotFound(_)) => missing(&who),
        Err(e) => match refusal(&e) {
            Some(words) => show(&state, &who, id, (None, Some(words)), status_of(&e)).await,
            None => failed("", &e),
        },
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gatherings", get(browse))
        .route("/gatherings/{id}", get(page))
        .route("/gatherings/{id}/rsvp", post(come_to_all))
        .route("/gathering-dates/{id}/rsvp", post(come))
        .route("/gathering-dates/{id}/withdraw", post(withdraw))
        .route("/gathering-dates/{id}/take", post(take))
}
