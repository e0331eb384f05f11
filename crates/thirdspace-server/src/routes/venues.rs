//! Venues, their spaces, their staff and their daily check-in code.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use thirdspace_domain::email::Email;
use thirdspace_domain::hours::{self, ClockTime, Span, WeeklyHours};
use thirdspace_domain::space::{SpaceDraft, SpaceInput};
use thirdspace_domain::venue::{city_key, VenueDraft, VenueInput};
use thirdspace_domain::{checkin, Invalid};
use thirdspace_store::{Invitation, Page, Paged, Space, StaffMember, Venue};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::PageQuery;
use crate::app::access::{time_zone, venue_for_owner, venue_for_staff};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody};
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

/// A venue in a search, with its free seats when a date was asked for.
#[derive(Serialize, ToSchema)]
pub struct VenueListing {
    #[serde(flatten)]
    pub(crate) venue: Venue,
    /// Social-capital seats free over the asked span (or the whole opening day).
    pub(crate) free_seats: Option<u32>,
}

/// How many venues of one city a dated search looks through.
const MAX_DATED_SEARCH: usize = 2_000;

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
    let Some(date) = q.date else {
        if span.is_some() {
            return Err(Invalid::new("date", "give the date of the span").into());
        }
        let found = state.store.venues(city.as_deref(), page).await?;
        return Ok(Json(found.map(|venue| VenueListing { venue, free_seats: None })));
    };
    Ok(Json(page.slice(free_on(&state, city.as_deref(), date, span).await?)))
}

/// The venues (of a city, by its key) open on `date` over `span` (or the whole opening day)
/// with a social-capital seat free, each with how many.
pub(crate) async fn free_on(
    state: &AppState,
    city: Option<&str>,
    date: NaiveDate,
    span: Option<Span>,
) -> ApiResult<Vec<VenueListing>> {
    let now = state.clock.now();
    // The earliest "today" on Earth is UTC−12; each venue then drops the dates already past there.
    let earliest_today = chrono::DateTime::from_timestamp(now - 12 * 3600, 0).unwrap_or_default().date_naive();
    let ahead = (date - earliest_today).num_days();
    if !(0..=thirdspace_domain::booking::BOOKING_HORIZON_DAYS).contains(&ahead) {
        return Err(Invalid::new("date", "must be between today and 180 days ahead").into());
    }
    let mut all = Vec::new();
    let mut batch = Page::new(1, Page::MAX_PER_PAGE);
    loop {
        let found = state.store.venues(city, batch).await?;
        let done = found.items.len() < batch.per_page as usize || all.len() >= MAX_DATED_SEARCH;
        all.extend(found.items);
        if done {
            break;
        }
        batch = Page::new(batch.page + 1, batch.per_page);
    }
    let mut open = Vec::new();
    for venue in all {
        let tz = time_zone(&venue)?;
        if date < hours::local_now(tz, now).0 {
            continue;
        }
        let weekly = WeeklyHours::parse(venue.opening_hours.clone())?;
        let wanted = match span {
            Some(span) => hours::opening_period_for(&weekly, &venue.closures, date, span).ok().map(|_| span),
            None if venue.closures.contains(&date) => None,
            None => {
                let periods: Vec<Span> = weekly.on(hours::Weekday::of(date)).collect();
                periods.first().zip(periods.last()).map(|(first, last)| Span { start: first.start, end: last.end })
            }
        };
        let Some(wanted) = wanted else { continue };
        let window = (hours::instant(tz, date, wanted.start).max(now), hours::instant(tz, date, wanted.end));
        if window.1 <= window.0 {
            continue;
        }
        let free = state.store.free_seats(venue.id, date, window, now).await?;
        if free > 0 {
            open.push(VenueListing { venue, free_seats: Some(free) });
        }
    }
    Ok(open)
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
    let mut secret = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut secret);
    let venue = state.store.create_venue(auth.user.id, &draft, &[], &secret, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(venue)))
}

/// One venue.
#[utoipa::path(get, path = "/api/v1/venues/{id}", tag = "venues", params(("id" = Uuid, Path)),
    responses((status = 200, body = Venue), (status = 404, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Json<Venue>> {
    Ok(Json(state.store.venue(id).await?.ok_or_else(|| ApiError::not_found("venue"))?))
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
    venue_for_owner(&state, id, &auth.user).await?;
    let draft = VenueDraft::parse(body)?;
    Ok(Json(state.store.update_venue(id, &draft, state.clock.now()).await?))
}

/// A venue's spaces.
#[utoipa::path(get, path = "/api/v1/venues/{id}/spaces", tag = "venues", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Paged<Space>), (status = 404, body = ErrorBody)))]
pub async fn list_spaces(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<Space>>> {
    let page = q.page()?;
    state.store.venue(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    Ok(Json(state.store.spaces(id, page).await?))
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
    venue_for_owner(&state, id, &auth.user).await?;
    let draft = SpaceDraft::parse(body)?;
    Ok((StatusCode::CREATED, Json(state.store.create_space(id, &draft, state.clock.now()).await?)))
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
    venue_for_owner(&state, id, &auth.user).await?;
    let draft = SpaceDraft::parse(body)?;
    Ok(Json(state.store.update_space(id, space_id, &draft, state.clock.now()).await?))
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
    let page = q.page()?;
    venue_for_staff(&state, id, &auth.user).await?;
    Ok(Json(state.store.staff(id, page).await?))
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
    let invitation = invite(&state, &auth.user, &venue, &body.email).await?;
    Ok((StatusCode::CREATED, Json(invitation)))
}

/// Invites `email` to help run `venue` on behalf of its owner `inviter`, and e-mails the invited
/// person: the one way in for the API and the pages alike. A failed e-mail leaves the invitation
/// standing (it shows under the invited person's invitations once they log in).
pub(crate) async fn invite(
    state: &AppState,
    inviter: &thirdspace_store::User,
    venue: &Venue,
    email: &str,
) -> ApiResult<Invitation> {
    let email = Email::parse(email)?;
    let invitation = state.store.invite_staff(venue.id, &email, inviter.id, state.clock.now()).await?;
    let body = format!(
        "Hello,\n\n{name} invites you to help run {venue} on thirdspace.\n\nLog in (or sign up) with this e-mail address, confirm it with the link we send you, and open {base}/host to accept.\n",
        name = inviter.display_name,
        venue = venue.name,
        base = state.config.public_url
    );
    let subject = format!("Help run {} on thirdspace", venue.name);
    if let Err(e) = state.mailer.send(&invitation.email, &subject, body).await {
        tracing::warn!(error = %e, "the invitation was stored, but its e-mail was not sent");
    }
    Ok(invitation)
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
    let email = Email::parse(&auth.user.email)?;
    Ok(Json(page.slice(state.store.invitations_for(&email).await?)))
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
    Ok(Json(state.store.accept_invitation(id, &auth.user, state.clock.now()).await?))
}

/// Today's check-in code: what the QR code at the door carries.
#[derive(Serialize, ToSchema)]
pub struct CheckInCode {
    #[schema(value_type = String, format = Date)]
    date: NaiveDate,
    #[schema(example = "K7QX2M")]
    code: String,
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
    let (venue, _) = venue_for_staff(&state, id, &auth.user).await?;
    let secret = state.store.checkin_secret(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    let (date, _) = hours::local_now(time_zone(&venue)?, state.clock.now());
    Ok(Json(CheckInCode { date, code: checkin::daily_code(&secret, date) }))
}
