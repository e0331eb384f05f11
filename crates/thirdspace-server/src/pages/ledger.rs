//! "My social capital": what a member shared and was shared, once confirmed by the other side;
//! the exchanges waiting for them to confirm; recording a new one; the record over time as a
//! chart with its table.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use thirdspace_domain::exchange::{Answer, ExchangeInput, Role, Shown};
use thirdspace_store::{Page, Tally, User};
use uuid::Uuid;

use super::CsrfForm;
use super::{chart, failed, render, to_login, Errors, FormData, Nav, Params, Visitor};
use crate::app::exchanges::{self, ExchangeView};
use crate::app::{intros, AppError};
use crate::AppState;

/// How many exchanges the page lists.
const LISTED: u32 = 100;

const LABELS: &[(&str, &str)] =
    &[("with", "Who"), ("role", "Who helped whom?"), ("text", "What was shared"), ("tags", "Topics")];

/// One exchange, in words for the reader.
struct Line {
    id: Uuid,
    sentence: String,
    topics: String,
    status: String,
}

fn line(v: &ExchangeView) -> Line {
    let name = v.with_name.clone().unwrap_or_else(|| "someone you cannot see now".to_owned());
    let text = &v.exchange.text;
    let sentence = match v.role {
        Role::Gave => format!("You helped {name}: {text}"),
        Role::Received => format!("{} helped you: {text}", capitalised(&name)),
    };
    let status = match v.status {
        Shown::Confirmed => "Confirmed: it counts for both of you".to_owned(),
        Shown::Pending if v.awaiting_me => "Waiting for you to confirm".to_owned(),
        Shown::Pending => format!("Waiting for {name} to confirm"),
        Shown::Declined => "You declined it".to_owned(),
        Shown::Lapsed => "Not confirmed within 30 days".to_owned(),
    };
    Line { id: v.exchange.id, sentence, topics: v.exchange.tags.join(", "), status }
}

fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A month of the record.
struct Month {
    month: String,
    given: u32,
    received: u32,
}

/// Someone the member may record an exchange with: people they were introduced to and may see.
struct Person {
    id: Uuid,
    name: String,
}

#[derive(Template)]
#[template(path = "social_capital.html")]
struct SocialCapitalPage {
    nav: Option<Nav>,
    csrf: String,
    total: Tally,
    waiting: Vec<Line>,
    others: Vec<Line>,
    topics: Vec<(String, Tally)>,
    months: Vec<Month>,
    chart: String,
    people: Vec<Person>,
    form: RecordForm,
    errors: Errors,
    done: Option<&'static str>,
}

#[derive(Deserialize, Default)]
struct RecordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    with: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    tags: String,
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn build(
    state: &AppState,
    who: &Visitor,
    user: &User,
    form: RecordForm,
    errors: Errors,
    done: Option<&'static str>,
) -> Result<SocialCapitalPage, AppError> {
    let record = exchanges::my_record(state, user).await?;
    let listed = exchanges::mine(state, user, Page::new(1, LISTED)).await?;
    let (waiting, others): (Vec<_>, Vec<_>) = listed.items.iter().partition(|v| v.awaiting_me);
    let mut people: Vec<Person> = Vec::new();
    for intro in intros::mine(state, user, Page::new(1, LISTED)).await?.items {
        if let Some(id) = intro.with.user_id {
            if intro.met && !people.iter().any(|p| p.id == id) {
                people.push(Person { id, name: intro.with.display_name });
            }
        }
    }
    let months: Vec<Month> = exchanges::months(&record.days)
        .into_iter()
        .map(|(month, t)| Month { month, given: t.given, received: t.received })
        .collect();
    Ok(SocialCapitalPage {
        nav: Some(who.nav()),
        csrf: who.csrf.clone(),
        total: record.total,
        waiting: waiting.into_iter().map(line).collect(),
        others: others.into_iter().map(line).collect(),
        topics: record.topics,
        chart: chart::pairs(
            "chart",
            "Confirmed exchanges by month",
            "Two bars a month: given, then received. The table below holds the figures.",
            &months.iter().map(|m| (m.month.clone(), m.given, m.received)).collect::<Vec<_>>(),
        ),
        months,
        people,
        form,
        errors,
        done,
    })
}

async fn page(State(state): State<AppState>, who: Visitor, Params(q): Params<Done>) -> Response {
    let Some(user) = &who.user else { return to_login("/me/social-capital") };
    let done = match q.done.as_deref() {
        Some("recorded") => Some("Recorded. It counts once they confirm it."),
        Some("confirmed") => Some("Confirmed. It counts for both of you now."),
        Some("declined") => Some("Declined. They are not told."),
        _ => None,
    };
    match build(&state, &who, user, RecordForm::default(), Errors::default(), done).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => failed("", &e),
    }
}

/// The form's fields as the API's input; a field that cannot be read is named.
fn input(form: &RecordForm) -> Result<ExchangeInput, Errors> {
    let mut errors = Errors::default();
    let with = Uuid::parse_str(form.with.trim());
    if with.is_err() {
        errors.add("with", "choose who it was with");
    }
    let role = match form.role.as_str() {
        "gave" => Some(Role::Gave),
        "received" => Some(Role::Received),
        _ => {
            errors.add("role", "say who helped whom");
            None
        }
    };
    let (Ok(with), Some(role)) = (with, role) else { return Err(errors.labelled(LABELS)) };
    let tags = form.tags.split(',').map(str::to_owned).filter(|t| !t.trim().is_empty()).collect();
    Ok(ExchangeInput { with, role, tags, text: form.text.clone(), venue_id: None, source: None, source_id: None })
}

async fn record(State(state): State<AppState>, who: Visitor, FormData(form): FormData<RecordForm>) -> Response {
    let Some(user) = &who.user else { return to_login("/me/social-capital") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let errors = match input(&form) {
        Ok(input) => match exchanges::propose(&state, user, input).await {
            Ok(_) => return Redirect::to("/me/social-capital?done=recorded").into_response(),
            Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => Errors::of_app(&e).labelled(LABELS),
            Err(e) => return failed("", &e),
        },
        Err(errors) => errors,
    };
    match build(&state, &who, user, form, errors, None).await {
        Ok(page) => render(StatusCode::UNPROCESSABLE_ENTITY, &page),
        Err(e) => failed("", &e),
    }
}

async fn answer(state: &AppState, who: &Visitor, id: &str, form: &CsrfForm, answer: Answer) -> Response {
    let Some(user) = &who.user else { return to_login("/me/social-capital") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let Ok(id) = Uuid::parse_str(id) else { return failed("", &AppError::NotFound("exchange")) };
    match exchanges::answer(state, user, id, answer).await {
        Ok(_) if answer == Answer::Confirm => Redirect::to("/me/social-capital?done=confirmed").into_response(),
        Ok(_) => Redirect::to("/me/social-capital?done=declined").into_response(),
        Err(e) => failed("This exchange cannot be answered", &e),
    }
}

async fn confirm(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    answer(&state, &who, &id, &form, Answer::Confirm).await
}

async fn decline(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    answer(&state, &who, &id, &form, Answer::Decline).await
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/social-capital", get(page).post(record))
        .route("/me/exchanges/{id}/confirm", post(confirm))
        .route("/me/exchanges/{id}/decline", post(decline))
}
