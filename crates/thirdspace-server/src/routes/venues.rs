//! Venues, their spaces, their staff and their daily check-in code.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use thirdspace_domain::hours::{ClockTime, Span};
use thirdspace_domain::resident::ResidentInput;
use thirdspace_domain::space::{SpaceDraft, SpaceInput};
use thirdspace_domain::venue::{city_key, VenueDraft, VenueInput};
use thirdspace_domain::Invalid;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::shapes::{Invitation, Paged, Resident, Space, StaffMember, Venue, VenueListing};
use super::PageQuery;
use crate::app::access::{self, venue_for_owner};
use crate::app::venues::{self, CheckInCode};
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VenueSearch {
    /// City name; case and spacing do not matter.
    #[param(nullable = false)]
    city: Option<String>,
    /// Only venues open that local date with a social-capital seat free ("YYYY-MM-DD"), from
    /// today to 180 days ahead.
    #[param(value_type = Option<String>, format = Date, nullable = false)]
    #[serde(default, deserialize_with = "thirdspace_domain::hours::date::option::deserialize")]
    date: Option<NaiveDate>,
    /// With `date` and `end`: the span that must be free, "HH:MM" (default: the whole opening
    /// day).
    #[param(schema_with = thirdspace_domain::hours::clock_time_schema, nullable = false)]
    start: Option<String>,
    /// With `date` and `start`: the end of the span, "HH:MM".
    #[param(schema_with = thirdspace_domain::hours::clock_time_schema, nullable = false)]
    end: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000, nullable = false)]
    page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, nullable = false)]
    per_page: Option<u32>,
}

/// Lists venues by name, in a city; with a date, only those open then with a seat free.
#[utoipa::path(get, path = "/api/v1/venues", tag = "venues", params(VenueSearch),
    responses((status = 200, body = Paged<VenueListing>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<VenueSearch>,
) -> ApiResult<Json<Paged<VenueListing>>> {
    let page = PageQuery { page: q.page, per_page: q.per_page }.page()?;
    let city = q.city.as_deref().map(city_key).filter(|c| !c.is_empty());
    // Checked even without a date: a span given is never silently ignored.
    let span = match (&q.start, &q.end) {
        (Some(s), Some(e)) => Some(Span::new(ClockTime::parse("start", s)?, ClockTime::parse("end", e)?)?),
        (None, None) => None,
        _ => return Err(Invalid::new("end", "give both start and end, or neither").into()),
    };
    Ok(Json(venues::search(&state, city.as_deref(), q.date, span, page).await?.into()))
}

/// Creates a venue; the caller becomes its owner.
#[utoipa::path(post, path = "/api/v1/venues", tag = "venues", request_body = VenueInput,
    responses((status = 201, body = Venue), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<VenueInput>,
) -> ApiResult<(StatusCode, Json<Venue>)> {
    let draft = VenueDraft::parse(body)?;
    Ok((StatusCode::CREATED, Json(venues::open(&state, &auth.user, &draft, &[]).await?.into())))
}

/// One venue.
#[utoipa::path(get, path = "/api/v1/venues/{id}", tag = "venues", params(("id" = Uuid, Path)),
    responses((status = 200, body = Venue), (status = 404, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Json<Venue>> {
    Ok(Json(access::venue(&state, id).await?.into()))
}

/// Replaces a venue's description, hours, closures and rules (its owner only).
#[utoipa::path(put, path = "/api/v1/venues/{id}", tag = "venues", params(("id" = Uuid, Path)), request_body = VenueInput,
    responses((status = 200, body = Venue), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<VenueInput>,
) -> ApiResult<Json<Venue>> {
    Ok(Json(venues::update(&state, &auth.user, id, &VenueDraft::parse(body)?).await?.into()))
}

/// A venue's spaces.
#[utoipa::path(get, path = "/api/v1/venues/{id}/spaces", tag = "venues", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Paged<Space>), (status = 404, body = ErrorBody)))]
pub async fn list_spaces(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<Space>>> {
    Ok(Json(venues::spaces(&state, id, q.page()?).await?.into()))
}

/// Adds a space (open seating or a meeting room) to a venue (its owner only).
#[utoipa::path(post, path = "/api/v1/venues/{id}/spaces", tag = "venues", params(("id" = Uuid, Path)), request_body = SpaceInput,
    responses((status = 201, body = Space), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn create_space(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<SpaceInput>,
) -> ApiResult<(StatusCode, Json<Space>)> {
    Ok((StatusCode::CREATED, Json(venues::add_space(&state, &auth.user, id, &SpaceDraft::parse(body)?).await?.into())))
}

/// Edits a space (its venue's owner only). Bookings already made are kept.
#[utoipa::path(put, path = "/api/v1/venues/{id}/spaces/{space_id}", tag = "venues",
    params(("id" = Uuid, Path), ("space_id" = Uuid, Path)), request_body = SpaceInput,
    responses((status = 200, body = Space), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn update_space(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, space_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<SpaceInput>,
) -> ApiResult<Json<Space>> {
    Ok(Json(venues::edit_space(&state, &auth.user, id, space_id, &SpaceDraft::parse(body)?).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffInvite {
    /// The e-mail address of the person to invite.
    #[schema(format = Email, max_length = 254, example = "sam@example.org")]
    email: String,
}

/// A venue's owner and staff (its staff only).
#[utoipa::path(get, path = "/api/v1/venues/{id}/staff", tag = "venues", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Paged<StaffMember>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn list_staff(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<StaffMember>>> {
    Ok(Json(venues::staff(&state, &auth.user, id, q.page()?).await?.into()))
}

/// Invites someone, by e-mail, to join a venue's staff (its owner only), and e-mails them. They
/// accept once they hold an account with that address and have confirmed it.
#[utoipa::path(post, path = "/api/v1/venues/{id}/staff", tag = "venues", params(("id" = Uuid, Path)), request_body = StaffInvite,
    responses((status = 201, body = Invitation), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn invite_staff(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<StaffInvite>,
) -> ApiResult<(StatusCode, Json<Invitation>)> {
    let venue = venue_for_owner(&state, id, &auth.user).await?;
    let invitation = venues::invite(&state, &auth.user, &venue, &body.email).await?;
    Ok((StatusCode::CREATED, Json(invitation.into())))
}

/// Staff invitations waiting for the caller.
#[utoipa::path(get, path = "/api/v1/me/invitations", tag = "venues", params(PageQuery),
    responses((status = 200, body = Paged<Invitation>), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn my_invitations(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<Invitation>>> {
    let page = q.page()?;
    Ok(Json(page.slice(venues::my_invitations(&state, &auth.user).await?).into()))
}

/// Accepts a staff invitation sent to the caller's e-mail address, once they confirmed it (409
/// `email_not_verified` before: `POST /api/v1/me/email-verification` sends the link again).
#[utoipa::path(post, path = "/api/v1/me/invitations/{id}/accept", tag = "venues", params(("id" = Uuid, Path)),
    responses((status = 200, body = StaffMember), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<StaffMember>> {
    Ok(Json(venues::accept_invitation(&state, &auth.user, id).await?.1.into()))
}

/// Today's check-in code of a venue, in its local date (its staff only).
#[utoipa::path(get, path = "/api/v1/venues/{id}/check-in-code", tag = "presence", params(("id" = Uuid, Path)),
    responses((status = 200, body = CheckInCode), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn check_in_code(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<CheckInCode>> {
    Ok(Json(venues::check_in_code(&state, &auth.user, id).await?))
}

/// The addresses and domains the venue lists as its residents (its staff): its own people, who
/// check in without a booking and take no seat kept for social capital.
#[utoipa::path(get, path = "/api/v1/venues/{id}/residents", tag = "venues", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Resident>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn residents(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<Resident>>> {
    Ok(Json(venues::residents(&state, &auth.user, id).await?.into_iter().map(Resident::from).collect()))
}

/// Lists an address (told by e-mail) or a whole e-mail domain among the venue's residents (its
/// staff).
#[utoipa::path(post, path = "/api/v1/venues/{id}/residents", tag = "venues", params(("id" = Uuid, Path)),
    request_body = ResidentInput,
    responses((status = 201, body = Resident), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Listed already", body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn add_resident(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ResidentInput>,
) -> ApiResult<(StatusCode, Json<Resident>)> {
    Ok((StatusCode::CREATED, Json(venues::add_resident(&state, &auth.user, id, body).await?.into())))
}

/// Takes an address or a domain off the venue's residents (its staff).
#[utoipa::path(delete, path = "/api/v1/venues/{id}/residents/{resident_id}", tag = "venues",
    params(("id" = Uuid, Path), ("resident_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn remove_resident(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, resident_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    venues::remove_resident(&state, &auth.user, id, resident_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
