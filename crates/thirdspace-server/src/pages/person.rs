//! A person's page: who they are, what they offer and look for, and their record of social
//! capital, each only as they allow the reader to see now.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use thirdspace_store::{Profile, Tally};
use uuid::Uuid;

use super::{failed, message, render, Nav, Visitor};
use crate::app::{exchanges, profiles, AppError};
use crate::AppState;

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    nav: Option<Nav>,
    p: Profile,
    /// Their record, when they show it to the reader.
    record: Option<(Tally, Vec<(String, Tally)>)>,
}

async fn page(State(state): State<AppState>, who: Visitor, Path(id): Path<String>) -> Response {
    let missing = || message(StatusCode::NOT_FOUND, "No such person", "They may not show themselves to you now.");
    let Ok(id) = Uuid::parse_str(&id) else { return missing() };
    let viewer = who.user.as_ref();
    let p = match profiles::person(&state, viewer, id).await {
        Ok(p) => p,
        Err(AppError::NotFound(_)) => return missing(),
        Err(e) => return failed("", &e),
    };
    let record = match exchanges::record_of(&state, viewer, id).await {
        Ok(r) => Some((r.total, r.topics.into_iter().take(10).collect())),
        Err(AppError::NotFound(_)) => None,
        Err(e) => return failed("", &e),
    };
    render(StatusCode::OK, &PersonPage { nav: Some(who.nav()), p, record })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/people/{id}", get(page))
}
