//! The venue's full-screen dashboard, opened by a link with a display token.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use uuid::Uuid;

use super::{message, render, venue_of, Params};
use crate::app::screens::may_show;
use crate::AppState;

/// `?token=`: the screen's display token.
#[derive(Deserialize)]
struct ScreenQuery {
    token: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard<'a> {
    name: &'a str,
    venue: Uuid,
    token: &'a str,
}

async fn dashboard(
    State(state): State<AppState>,
    Path(venue): Path<String>,
    Params(q): Params<ScreenQuery>,
) -> Response {
    let venue = match venue_of(&state, &venue).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let Some(token) = q.token.as_deref() else {
        return message(
            StatusCode::UNAUTHORIZED,
            "A display token is needed",
            "Ask the venue's host for the screen's link.",
        );
    };
    if may_show(&state, venue.id, Some(token), None).await.is_err() {
        return message(
            StatusCode::FORBIDDEN,
            "This screen's link no longer works",
            "The display token is not valid for this venue, or it was revoked. Ask the host for a new link.",
        );
    }
    render(StatusCode::OK, &Dashboard { name: &venue.name, venue: venue.id, token })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/venues/{venue}/screen", get(dashboard))
}
