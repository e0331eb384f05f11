//! The coworker's day: check in, the people to meet with the reason for each (accept, decline,
//! "we met", was it useful), asking the people here a question, and their gatherings this week
//! with what else is on near them.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use thirdspace_domain::booking::{self, BookingStatus, EARLY_CHECK_IN_SECONDS};
use thirdspace_domain::gathering::RsvpStatus;
use thirdspace_domain::hours::{self, ClockTime};
use thirdspace_store::{BookingsWhen, IntroAnswer, IntroStep, Page, User, Venue};
use uuid::Uuid;

use super::gatherings::{local_moment, local_when, standing, Listed as DateListed};
use super::{failed, failure, message, render, to_login, today_at, Errors, FormData, Nav, Visitor};
use crate::app::access::time_zone;
use crate::app::intros::{self, suggestions_here, take_step, who_can_answer};
use crate::app::presence::{arrive, check_code, leave, Arrival};
use crate::app::questions;
use crate::app::questions::QuestionView;
use crate::app::{access, bookings, gatherings, presence, profiles, AppError};
use crate::error::ApiError;
use crate::AppState;

/// How many new suggestions the page makes at the venue where one is checked in.
const SUGGESTED: usize = 5;
/// How many introductions it lists.
const LISTED: u32 = 20;
/// How early before its start a booking may be checked in, in minutes.
const EARLY_CHECK_IN_MINUTES: u16 = (EARLY_CHECK_IN_SECONDS / 60) as u16;

struct Expected {
    venue_id: Uuid,
    venue: String,
    when: String,
}

struct Listed {
    id: Uuid,
    /// Their person page, when they are shown.
    person: Option<Uuid>,
    name: String,
    headline: Option<String>,
    reason: String,
    state: &'static str,
    /// The next steps: (path segment, button).
    steps: Vec<(&'static str, &'static str)>,
}

struct Asked {
    id: Uuid,
    text: String,
    /// Who might answer (their person page, their name) and why.
    who: Vec<(Uuid, String, String)>,
}

/// Someone else's open question here.
struct Open {
    text: String,
    tags: String,
    asker: String,
    /// The asker's person page, when they are shown.
    asker_id: Option<Uuid>,
}

/// A date the member answered for.
struct Answer {
    gathering: Uuid,
    title: String,
    kind: &'static str,
    when: String,
    /// Where they stand, in words (with the deadline of a place offered).
    standing: String,
    /// A place is offered to them: take it on the gathering's page.
    offered: bool,
}

/// What is on near the member this week.
struct NearYou {
    city: String,
    /// The city's listing: `/gatherings?city=…`.
    link: String,
    listed: Vec<DateListed>,
}

#[derive(Template)]
#[template(path = "today.html")]
struct TodayPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    at: Option<Venue>,
    until: Option<String>,
    /// Bookings that can be checked in now.
    bookings: Vec<Expected>,
    /// Bookings to come, with their day when it is not today.
    later: Vec<Expected>,
    intros: Vec<Listed>,
    questions: Vec<Asked>,
    others: Vec<Open>,
    /// Their answers for gatherings today and in the coming week.
    answers: Vec<Answer>,
    near: Option<NearYou>,
    /// Nothing offered or sought yet: suggestions need a profile.
    profile_empty: bool,
    notice: Option<String>,
    ask_text: String,
    ask_tags: String,
    errors: Errors,
}

/// Builds the day of `user`; `errors` and the question as typed come from a refused question.
async fn build<'a>(state: &AppState, who: &'a Visitor, user: &User) -> Result<TodayPage<'a>, ApiError> {
    let now = state.clock.now();
    let at = presence::where_am_i(state, user).await?;
    let mut page = TodayPage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        at: None,
        until: None,
        bookings: Vec::new(),
        later: Vec::new(),
        intros: Vec::new(),
        questions: Vec::new(),
        others: Vec::new(),
        answers: Vec::new(),
        near: None,
        profile_empty: false,
        notice: None,
        ask_text: String::new(),
        ask_tags: String::new(),
        errors: Errors::default(),
    };
    if let Some(venue) = &at {
        // Fresh suggestions among the people here are recorded, so they show below.
        suggestions_here(state, user.id, venue.id, SUGGESTED).await?;
        page.until = today_at(state, venue)
            .await?
            .into_iter()
            .find(|b| b.booking.user_id == user.id && b.booking.status == BookingStatus::CheckedIn)
            .map(|b| b.booking.end.to_string());
        let open = questions::open(state, Some(user), venue.id, Page::new(1, Page::MAX_PER_PAGE)).await?;
        let (mine, others): (Vec<_>, Vec<_>) = open.items.into_iter().partition(|q| q.question.asker_id == user.id);
        for QuestionView { question: q, .. } in mine.into_iter().take(5) {
            let who = who_can_answer(state, user, &q).await?;
            let who = who
                .into_iter()
                .take(5)
                .map(|a| {
                    let name = if a.here { format!("{} (here)", a.display_name) } else { a.display_name };
                    (a.user_id, name, a.reason)
                })
                .collect();
            page.questions.push(Asked { id: q.id, text: q.text, who });
        }
        // Askers are named as they allow: here, everyone but those who hide.
        for QuestionView { question: q, asker_name, asker_id } in others.into_iter().take(10) {
            let asker = asker_name.unwrap_or_else(|| "Someone here".to_owned());
            page.others.push(Open { text: q.text, tags: q.tags.join(", "), asker, asker_id });
        }
    } else {
        let upcoming = bookings::mine(state, user, BookingsWhen::Upcoming, Page::new(1, 10)).await?;
        for b in upcoming.items.into_iter().filter(|b| b.status == BookingStatus::Booked) {
            let venue = match access::venue(state, b.venue_id).await {
                Ok(venue) => venue,
                Err(AppError::NotFound(_)) => continue,
                Err(e) => return Err(e.into()),
            };
            let (today, _) = hours::local_now(time_zone(&venue)?, now);
            let grace = i64::from(venue.no_show_grace_minutes) * 60;
            let when = format!("{}–{}", b.start, b.end);
            // Only a booking that can be checked in now gets the code form; the others say when.
            if booking::may_check_in(&b.hold(), now, grace) {
                page.bookings.push(Expected { venue_id: venue.id, venue: venue.name, when });
            } else if b.date == today {
                let opens = ClockTime::from_minutes(b.start.minutes().saturating_sub(EARLY_CHECK_IN_MINUTES))
                    .map(|t| format!(", check in from {t}"))
                    .unwrap_or_default();
                page.later.push(Expected {
                    venue_id: venue.id,
                    venue: venue.name,
                    when: format!("today {when}{opens}"),
                });
            } else {
                let day = b.date.format("%A %-d %B");
                page.later.push(Expected { venue_id: venue.id, venue: venue.name, when: format!("{day}, {when}") });
            }
        }
    }
    page.profile_empty = match profiles::mine(state, user).await {
        Ok(p) => p.offers.is_empty() && p.seeking.is_empty(),
        Err(AppError::NotFound(_)) => true,
        Err(e) => return Err(e.into()),
    };
    for view in intros::mine(state, user, Page::new(1, LISTED)).await?.items {
        let (state_words, steps): (&'static str, Vec<(&'static str, &'static str)>) = match () {
            _ if view.met && view.my_feedback.is_none() => {
                ("You met. Was it useful?", vec![("useful", "Useful"), ("not-useful", "Not really")])
            }
            _ if view.met => ("You met. Thanks for the feedback.", Vec::new()),
            _ if view.mutual => ("You both said yes: go and say hello!", vec![("met", "We met")]),
            _ if view.my_answer == IntroAnswer::Accepted => ("You said yes; waiting for them.", Vec::new()),
            _ if view.my_answer == IntroAnswer::Declined => ("You said no thanks.", Vec::new()),
            _ => ("Suggested for you.", vec![("accept", "Yes, introduce us"), ("decline", "No thanks")]),
        };
        page.intros.push(Listed {
            id: view.id,
            person: view.with.user_id,
            name: view.with.display_name,
            headline: view.with.headline,
            reason: view.reason,
            state: state_words,
            steps,
        });
    }
    let week = gatherings::week(state, user).await?;
    page.answers = week
        .answered
        .into_iter()
        .map(|(g, d, r)| Answer {
            gathering: g.id,
            kind: g.kind.label(),
            when: local_when(&g, &d),
            standing: match d.cancelled_at {
                Some(_) => "Cancelled by its organiser.".to_owned(),
                None => standing(&r, |t| local_moment(&g, t)),
            },
            offered: d.cancelled_at.is_none() && r.status == RsvpStatus::Offered,
            title: g.title,
        })
        .collect();
    page.near = week.near.map(|near| NearYou {
        link: format!("/gatherings?city={}", form_urlencoded::byte_serialize(near.city.as_bytes()).collect::<String>()),
        city: near.city,
        listed: near.dates.into_iter().map(DateListed::from).collect(),
    });
    page.at = at;
    Ok(page)
}

async fn page(State(state): State<AppState>, who: Visitor) -> Response {
    let Some(user) = &who.user else { return to_login("/today") };
    match build(&state, &who, user).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => failure("", &e),
    }
}

/// The day again with what went wrong.
async fn refused(state: &AppState, who: &Visitor, user: &User, e: ApiError, ask_form: Option<&AskForm>) -> Response {
    if !e.status.is_client_error() {
        return failure("", &e);
    }
    match build(state, who, user).await {
        Ok(mut page) => {
            match ask_form {
                Some(form) => {
                    page.errors = Errors::of(&e).labelled(&[("text", "Your question"), ("tags", "Topics")]);
                    page.ask_text = form.text.clone();
                    page.ask_tags = form.tags.clone();
                }
                None => {
                    page.notice =
                        Some(Errors::of(&e).get(e.field.as_deref().unwrap_or("form")).unwrap_or_default().to_owned())
                }
            }
            render(e.status, &page)
        }
        Err(e) => failure("", &e),
    }
}

#[derive(Deserialize)]
struct CheckInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    venue: String,
    #[serde(default)]
    code: String,
}

async fn check_in(State(state): State<AppState>, who: Visitor, FormData(form): FormData<CheckInForm>) -> Response {
    let Some(user) = &who.user else { return to_login("/today") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let venue = match Uuid::parse_str(form.venue.trim()) {
        Ok(id) => access::venue(&state, id).await,
        Err(_) => Err(AppError::NotFound("venue")),
    };
    let venue = match venue {
        Ok(v) => v,
        Err(AppError::NotFound(_)) => return message(StatusCode::NOT_FOUND, "No such venue", "Go back and try again."),
        Err(e) => return failed("", &e),
    };
    let done = match check_code(&state, &venue, form.code.trim().to_uppercase().as_str()).await {
        // The form is a booking's: it never walks in (the QR code on the screen is for that).
        Ok(()) => arrive(&state, &venue, user.id, Arrival::OnBooking { by_staff: None }).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Redirect::to("/today").into_response(),
        Err(e) => refused(&state, &who, user, e.into(), None).await,
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn check_out(State(state): State<AppState>, who: Visitor, FormData(form): FormData<CsrfForm>) -> Response {
    let Some(user) = &who.user else { return to_login("/today") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let left = match presence::where_am_i(&state, user).await {
        Ok(Some(venue)) => leave(&state, venue.id, user.id).await.map(|_| ()).map_err(ApiError::from),
        Ok(None) => Ok(()),
        Err(e) => Err(e.into()),
    };
    match left {
        Ok(()) => Redirect::to("/today").into_response(),
        Err(e) => refused(&state, &who, user, e, None).await,
    }
}

async fn step(
    State(state): State<AppState>,
    who: Visitor,
    Path((id, step)): Path<(String, String)>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    let Some(user) = &who.user else { return to_login("/today") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let step = match step.as_str() {
        "accept" => IntroStep::Accept,
        "decline" => IntroStep::Decline,
        "met" => IntroStep::Met,
        "useful" => IntroStep::Feedback { useful: true },
        "not-useful" => IntroStep::Feedback { useful: false },
        _ => return message(StatusCode::NOT_FOUND, "No such step", "Go back and use the buttons."),
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return message(StatusCode::NOT_FOUND, "No such introduction", "Go back and try again.");
    };
    match take_step(&state, user.id, id, step).await {
        Ok(_) => Redirect::to("/today#intros").into_response(),
        Err(e) => refused(&state, &who, user, e.into(), None).await,
    }
}

#[derive(Deserialize)]
struct AskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    tags: String,
}

async fn ask_here(State(state): State<AppState>, who: Visitor, FormData(form): FormData<AskForm>) -> Response {
    let Some(user) = &who.user else { return to_login("/today") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let tags: Vec<String> = form.tags.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect();
    match questions::ask_here(&state, user, &form.text, &tags).await {
        Ok(_) => Redirect::to("/today#ask").into_response(),
        Err(e) => refused(&state, &who, user, e.into(), Some(&form)).await,
    }
}

async fn answered(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    let Some(user) = &who.user else { return to_login("/today") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return message(StatusCode::NOT_FOUND, "No such question", "Go back and try again.");
    };
    match questions::close(&state, user, id).await {
        Ok(_) => Redirect::to("/today#ask").into_response(),
        Err(e) => refused(&state, &who, user, e.into(), None).await,
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/today", get(page))
        .route("/today/questions/{id}/answered", post(answered))
        .route("/today/check-in", post(check_in))
        .route("/today/check-out", post(check_out))
        .route("/today/ask", post(ask_here))
        .route("/intros/{id}/{step}", post(step))
}
