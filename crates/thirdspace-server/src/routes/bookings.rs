//! Booking seats paid in social capital, cancelling, and the lists of bookings.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use thirdspace_domain::booking::BookingInput;
use thirdspace_store::BookingsWhen;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::shapes::{Booking, DayBooking, Paged};
use super::PageQuery;
use crate::app::access;
use crate::app::bookings;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

/// Books a seat at a venue, paid in social capital: answer "What's your focus today?" and pledge
/// what you will share. Refused when the venue is closed, the span is outside its hours, you
/// already hold an overlapping booking, or no social-capital seat is free over the span.
#[utoipa::path(post, path = "/api/v1/venues/{id}/bookings", tag = "bookings", params(("id" = Uuid, Path)),
    request_body = BookingInput,
    responses((status = 201, body = Booking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn book(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<BookingInput>,
) -> ApiResult<(StatusCode, Json<Booking>)> {
    let venue = access::venue(&state, id).await?;
    Ok((StatusCode::CREATED, Json(bookings::place(&state, auth.user.id, &venue, &body).await?.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// The local date at the venue, "YYYY-MM-DD" (default: today there).
    #[param(value_type = Option<String>, format = Date, nullable = false)]
    #[serde(default, deserialize_with = "thirdspace_domain::hours::date::option::deserialize")]
    date: Option<NaiveDate>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000, nullable = false)]
    page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, nullable = false)]
    per_page: Option<u32>,
}

/// A host's day view: every booking of a date at the venue, with who made it (its staff only).
#[utoipa::path(get, path = "/api/v1/venues/{id}/bookings", tag = "bookings", params(("id" = Uuid, Path), DayQuery),
    responses((status = 200, body = Paged<DayBooking>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn day_view(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<DayQuery>,
) -> ApiResult<Json<Paged<DayBooking>>> {
    let page = PageQuery { page: q.page, per_page: q.per_page }.page()?;
    Ok(Json(bookings::day(&state, &auth.user, id, q.date, page).await?.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MyBookingsQuery {
    /// `upcoming` (default) or `past`.
    #[param(schema_with = when_schema, nullable = false)]
    when: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000, nullable = false)]
    page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, nullable = false)]
    per_page: Option<u32>,
}

fn when_schema() -> utoipa::openapi::Object {
    super::one_of(&["upcoming", "past"])
}

/// The caller's bookings, upcoming (soonest first) or past (latest first).
#[utoipa::path(get, path = "/api/v1/me/bookings", tag = "bookings", params(MyBookingsQuery),
    responses((status = 200, body = Paged<Booking>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn my_bookings(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<MyBookingsQuery>,
) -> ApiResult<Json<Paged<Booking>>> {
    let page = PageQuery { page: q.page, per_page: q.per_page }.page()?;
    let when = match q.when.as_deref() {
        None | Some("upcoming") => BookingsWhen::Upcoming,
        Some("past") => BookingsWhen::Past,
        Some(_) => {
            return Err(
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", "when is upcoming or past").with_field("when")
            )
        }
    };
    Ok(Json(bookings::mine(&state, &auth.user, when, page).await?.into()))
}

/// One booking (its holder or the venue's staff).
#[utoipa::path(get, path = "/api/v1/bookings/{id}", tag = "bookings", params(("id" = Uuid, Path)),
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn get(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Json<Booking>> {
    Ok(Json(bookings::visible(&state, &auth.user, id).await?.into()))
}

/// Cancels a booking not yet checked in (its holder or the venue's staff); the seat goes back.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/cancel", tag = "bookings", params(("id" = Uuid, Path)),
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn cancel(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Json<Booking>> {
    Ok(Json(bookings::cancel(&state, &auth.user, id).await?.into()))
}

/// A venue's bookings waiting for a host's approval and not yet over, soonest first (its staff).
#[utoipa::path(get, path = "/api/v1/venues/{id}/bookings/awaiting-approval", tag = "bookings",
    params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Paged<DayBooking>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn awaiting_approval(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<DayBooking>>> {
    Ok(Json(bookings::awaiting_approval(&state, &auth.user, id, q.page()?).await?.into()))
}

/// A host's answer to a booking that waits for approval.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// A message to the visitor, at most 500 characters.
    #[serde(default)]
    #[schema(schema_with = thirdspace_domain::text::schema::optional_lines::<500>)]
    message: Option<String>,
}

/// Approves a booking that waits for approval (the venue's staff); the visitor may then check in.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/approve", tag = "bookings", params(("id" = Uuid, Path)),
    request_body = DecisionInput,
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody),
        (status = 409, description = "Not waiting for approval, or over", body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<DecisionInput>,
) -> ApiResult<Json<Booking>> {
    Ok(Json(bookings::decide(&state, &auth.user, id, true, body.message.as_deref()).await?.into()))
}

/// Declines a booking that waits for approval (the venue's staff): it is cancelled and its seat
/// goes back; the message tells the visitor why.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/decline", tag = "bookings", params(("id" = Uuid, Path)),
    request_body = DecisionInput,
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody),
        (status = 409, description = "Not waiting for approval, or over", body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn decline(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<DecisionInput>,
) -> ApiResult<Json<Booking>> {
    Ok(Json(bookings::decide(&state, &auth.user, id, false, body.message.as_deref()).await?.into()))
}

/// After a visit: whether you shared what you pledged.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PledgeInput {
    kept: bool,
    /// The exchange your pledge became: one in which you helped someone, not declined or lapsed.
    #[serde(default)]
    exchange_id: Option<Uuid>,
}

/// Says whether you shared what you pledged with this booking, once you have been and the visit
/// is over (the booking's holder only); a later answer replaces an earlier one.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/pledge", tag = "bookings", params(("id" = Uuid, Path)),
    request_body = PledgeInput,
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody),
        (status = 409, description = "Not visited yet, or the visit is not over", body = ErrorBody),
        (status = 422, description = "An exchange you did not give", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn pledge(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<PledgeInput>,
) -> ApiResult<Json<Booking>> {
    Ok(Json(bookings::answer_pledge(&state, &auth.user, id, body.kept, body.exchange_id).await?.into()))
}
