//! A member's own calendar feed at a secret address.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::calendars;
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiPath;
use crate::AppState;

/// Where your calendar is read.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarAddress {
    /// Secret: anyone with it reads your bookings and gatherings. Subscribe to it in a calendar
    /// application; make a new one if it leaked.
    pub url: String,
}

/// Makes a new secret address for your own calendar feed (your bookings and the gatherings you
/// answered for); the one you had stops working.
#[utoipa::path(post, path = "/api/v1/me/calendar", tag = "gatherings",
    responses((status = 201, body = CalendarAddress), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn rotate(State(state): State<AppState>, auth: Auth) -> ApiResult<(StatusCode, Json<CalendarAddress>)> {
    let url = calendars::new_key(&state, &auth.user).await?;
    Ok((StatusCode::CREATED, Json(CalendarAddress { url })))
}

/// Stops your calendar address working.
#[utoipa::path(delete, path = "/api/v1/me/calendar", tag = "gatherings",
    responses((status = 204), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn remove(State(state): State<AppState>, auth: Auth) -> ApiResult<StatusCode> {
    calendars::drop_key(&state, &auth.user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A member's own calendar feed (RFC 5545, read again every hour), opened by its secret key.
#[utoipa::path(get, path = "/api/v1/calendars/{key}", tag = "gatherings", params(("key" = String, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = ErrorBody)))]
pub async fn feed(State(state): State<AppState>, ApiPath(key): ApiPath<String>) -> ApiResult<Response> {
    let ics = calendars::personal(&state, &key).await?;
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8"), (header::CACHE_CONTROL, "private, no-store")], ics)
        .into_response())
}
