//! Booking seats paid in social capital, cancelling, and the lists of bookings.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use thirdspace_domain::booking::{self, BookingInput, VenueClock};
use thirdspace_domain::hours::{self, WeeklyHours};
use thirdspace_domain::Invalid;
use thirdspace_store::{Booking, BookingsWhen, DayBooking, NewBooking, Paged, User, Venue};
use utoipa::IntoParams;
use uuid::Uuid;

use super::{time_zone, venue_for_staff, PageQuery};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

/// The opening hours and clock of a stored venue, for the booking rules.
pub struct VenueRules {
    pub tz: chrono_tz::Tz,
    pub hours: WeeklyHours,
}

impl VenueRules {
    pub fn of(venue: &Venue) -> ApiResult<Self> {
        Ok(Self { tz: time_zone(venue)?, hours: WeeklyHours::parse(venue.opening_hours.clone())? })
    }

    pub fn clock<'a>(&'a self, venue: &'a Venue) -> VenueClock<'a> {
        VenueClock { time_zone: self.tz, hours: &self.hours, closures: &venue.closures }
    }
}

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
    let venue = state.store.venue(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    Ok((StatusCode::CREATED, Json(place(&state, auth.user.id, &venue, &body).await?)))
}

/// Books a seat for `user` at `venue`, by the venue's rules and the store's capacity check.
pub(crate) async fn place(state: &AppState, user: Uuid, venue: &Venue, input: &BookingInput) -> ApiResult<Booking> {
    let rules = VenueRules::of(venue)?;
    let now = state.clock.now();
    let plan = booking::plan(rules.clock(venue), input, now)?;
    let booked = state.store.book(NewBooking { user, venue: venue.id, space: input.space_id, plan, now }).await?;
    Ok(booked)
}

/// Cancels booking `id` (the caller has checked who may) and tells the venue's live pages.
pub(crate) async fn cancel_one(state: &AppState, id: Uuid) -> ApiResult<Booking> {
    let now = state.clock.now();
    let cancelled = state.store.cancel_booking(id, now).await?;
    Ok(cancelled)
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
    let (venue, _) = venue_for_staff(&state, id, &auth.user).await?;
    let date = match q.date {
        Some(date) => date,
        None => hours::local_now(time_zone(&venue)?, state.clock.now()).0,
    };
    Ok(Json(state.store.venue_day(id, date, page).await?))
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
    Ok(Json(state.store.bookings_of(auth.user.id, when, state.clock.now(), page).await?))
}

/// A booking the caller may see: their own, or one at a venue they run. Others are answered as
/// not found, so booking IDs reveal nothing.
async fn visible_booking(state: &AppState, id: Uuid, user: &User) -> ApiResult<Booking> {
    let booking = state.store.booking(id).await?.ok_or_else(|| ApiError::not_found("booking"))?;
    if booking.user_id == user.id || venue_for_staff(state, booking.venue_id, user).await.is_ok() {
        Ok(booking)
    } else {
        Err(ApiError::not_found("booking"))
    }
}

/// One booking (its holder or the venue's staff).
#[utoipa::path(get, path = "/api/v1/bookings/{id}", tag = "bookings", params(("id" = Uuid, Path)),
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn get(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Json<Booking>> {
    Ok(Json(visible_booking(&state, id, &auth.user).await?))
}

/// Cancels a booking not yet checked in (its holder or the venue's staff); the seat goes back.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/cancel", tag = "bookings", params(("id" = Uuid, Path)),
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn cancel(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Json<Booking>> {
    visible_booking(&state, id, &auth.user).await?;
    Ok(Json(cancel_one(&state, id).await?))
}

/// The focus and pledge of a walk-in, when the person gave none.
pub fn walk_in_words(focus: Option<String>, pledge: Option<String>) -> Result<(String, String), Invalid> {
    let focus = thirdspace_domain::text::optional("focus", focus.as_deref(), 280, false)?
        .unwrap_or_else(|| "Dropped in today".to_owned());
    let pledge = thirdspace_domain::text::optional("pledge", pledge.as_deref(), 280, false)?
        .unwrap_or_else(|| "Happy to share what I know with the people here".to_owned());
    Ok((focus, pledge))
}
