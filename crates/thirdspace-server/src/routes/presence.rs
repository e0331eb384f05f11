//! Check-in (self with the daily code, by staff, or as a walk-in), check-out, and who is here.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use thirdspace_domain::booking::{self, Refusal};
use thirdspace_domain::checkin;
use thirdspace_domain::hours;
use thirdspace_domain::profile::{may_see, Viewer};
use thirdspace_store::{Booking, CheckIn, CheckedIn, Conflict, Paged, StoreError, Venue};
use utoipa::ToSchema;
use uuid::Uuid;

use super::bookings::{walk_in_words, VenueRules};
use super::{time_zone, venue_for_staff, PageQuery};
use crate::auth::{Auth, MaybeAuth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    /// Today's check-in code (from the QR code at the door); staff need none.
    #[serde(default)]
    #[schema(example = "K7QX2M")]
    code: Option<String>,
    /// Staff only: the member to check in, on the booking they hold for now.
    #[serde(default)]
    user_id: Option<Uuid>,
    /// Checking yourself in: make a booking on the spot when you hold none for now (default true).
    #[serde(default)]
    walk_in: Option<bool>,
    /// For a walk-in: today's focus.
    #[serde(default)]
    #[schema(schema_with = thirdspace_domain::text::schema::optional_line::<280>)]
    focus: Option<String>,
    /// For a walk-in: what the person will share.
    #[serde(default)]
    #[schema(schema_with = thirdspace_domain::text::schema::optional_line::<280>)]
    pledge: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckOutRequest {
    /// Staff only: the member to check out; left out, the caller.
    #[serde(default)]
    user_id: Option<Uuid>,
}

/// Checks in while the venue is open: yourself with today's code, or a member when you are the
/// venue's staff. Uses the person's booking for now (up to an hour early when a seat is free until
/// it starts), or makes a walk-in booking from now until closing when a seat is free.
#[utoipa::path(post, path = "/api/v1/venues/{id}/check-ins", tag = "presence", params(("id" = Uuid, Path)),
    request_body = CheckInRequest,
    responses((status = 200, body = CheckedIn), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn check_in(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CheckInRequest>,
) -> ApiResult<Json<CheckedIn>> {
    let venue = state.store.venue(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    let staff = venue_for_staff(&state, id, &auth.user).await.is_ok();
    match body.user_id {
        Some(member) if member != auth.user.id => {
            if !staff {
                return Err(ApiError::forbidden("only this venue's staff may check someone else in"));
            }
            state.store.user(member).await?.ok_or_else(|| ApiError::not_found("person"))?;
            // Staff claim a member's own booking; only the member can make a walk-in booking.
            arrive(&state, &venue, member, Arrival::OnBooking { by_staff: Some(auth.user.id) }).await.map(Json)
        }
        _ => {
            if !staff {
                check_code(&state, &venue, body.code.as_deref().unwrap_or_default()).await?;
            }
            let arrival = if body.walk_in.unwrap_or(true) {
                Arrival::OrWalkIn { focus: body.focus, pledge: body.pledge }
            } else {
                Arrival::OnBooking { by_staff: None }
            };
            arrive(&state, &venue, auth.user.id, arrival).await.map(Json)
        }
    }
}

/// Fails unless `code` is today's check-in code of the venue.
pub(crate) async fn check_code(state: &AppState, venue: &Venue, code: &str) -> ApiResult<()> {
    let (today, _) = hours::local_now(time_zone(venue)?, state.clock.now());
    let secret = state.store.checkin_secret(venue.id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    if checkin::code_matches(&secret, today, code) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_check_in_code",
            "that is not today's check-in code for this venue",
        )
        .with_field("code"))
    }
}

/// How someone arrives.
pub(crate) enum Arrival {
    /// On the booking they hold for now; `by_staff` when a staff member checks them in.
    OnBooking { by_staff: Option<Uuid> },
    /// On their booking for now, or else on a walk-in booking until closing when a seat is free.
    OrWalkIn { focus: Option<String>, pledge: Option<String> },
}

/// Checks `user` in at `venue` now (the caller has decided they may be), and tells the venue's
/// screens.
pub(crate) async fn arrive(state: &AppState, venue: &Venue, user: Uuid, arrival: Arrival) -> ApiResult<CheckedIn> {
    let now = state.clock.now();
    let rules = VenueRules::of(venue)?;
    let (today, at) = hours::local_now(rules.tz, now);
    let Some(period) = hours::open_period_at(&rules.hours, &venue.closures, today, at) else {
        return Err(Refusal::VenueClosed { date: today }.into());
    };
    let open_until = hours::instant(rules.tz, today, period.end);
    let check_in = |walk_in, by_staff| CheckIn { venue: venue.id, user, today, at, now, open_until, walk_in, by_staff };
    // The booking the person holds comes first; a walk-in is planned only when there is none, so
    // that its own rules (not too close to closing, its words) never turn away someone booked.
    let checked_in = match arrival {
        Arrival::OnBooking { by_staff } => state.store.check_in(check_in(None, by_staff)).await?,
        Arrival::OrWalkIn { focus, pledge } => match state.store.check_in(check_in(None, None)).await {
            Err(StoreError::Conflict(Conflict::NoBookingNow)) => {
                let (focus, pledge) = walk_in_words(focus, pledge)?;
                let plan = booking::walk_in(rules.clock(venue), now, focus, pledge)?;
                state.store.check_in(check_in(Some(plan), None)).await?
            }
            other => other?,
        },
    };
    Ok(checked_in)
}

/// Checks out: yourself, or a member when you are the venue's staff.
#[utoipa::path(post, path = "/api/v1/venues/{id}/check-outs", tag = "presence", params(("id" = Uuid, Path)),
    request_body = CheckOutRequest,
    responses((status = 200, body = Booking), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn check_out(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CheckOutRequest>,
) -> ApiResult<Json<Booking>> {
    state.store.venue(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    let user = match body.user_id {
        Some(member) if member != auth.user.id => {
            venue_for_staff(&state, id, &auth.user)
                .await
                .map_err(|_| ApiError::forbidden("only this venue's staff may check someone else out"))?;
            member
        }
        _ => auth.user.id,
    };
    leave(&state, id, user).await.map(Json)
}

/// Checks `user` out of `venue` now, and tells the venue's screens.
pub(crate) async fn leave(state: &AppState, venue: Uuid, user: Uuid) -> ApiResult<Booking> {
    let now = state.clock.now();
    let booking = state.store.check_out(venue, user, now).await?;
    Ok(booking)
}

/// Someone here now, as much as they chose to show.
#[derive(Serialize, ToSchema)]
pub struct PresentView {
    user_id: Uuid,
    display_name: String,
    headline: Option<String>,
    offers: Vec<String>,
    seeking: Vec<String>,
    seeking_text: Option<String>,
    interests: Vec<String>,
    field: Option<String>,
    open_to_meet: bool,
    /// Today's focus.
    focus: String,
    #[schema(value_type = String, format = DateTime)]
    since: String,
}

/// Who is here now: everyone is counted, but only those whose visibility allows the caller to
/// see them are named.
#[derive(Serialize, ToSchema)]
pub struct Presence {
    venue_id: Uuid,
    /// Everyone checked in now.
    present: u32,
    /// Checked in, but not shown to the caller.
    not_shown: u32,
    people: Paged<PresentView>,
}

/// Who is here now at a venue, filtered by each person's visibility: `public` people are named
/// to anyone, `venue` people only to those checked in here now, `hidden` people to nobody.
#[utoipa::path(get, path = "/api/v1/venues/{id}/presence", tag = "presence", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Presence), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("cookie" = [])))]
pub async fn here_now(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Presence>> {
    let page = q.page()?;
    state.store.venue(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    let now = state.clock.now();
    let present = state.store.present(id, now).await?;
    let viewer_here = match &viewer {
        Some(v) => state.store.checked_in_at(v.id, now).await? == Some(id),
        None => false,
    };
    let total = present.len() as u32;
    let shown: Vec<PresentView> = present
        .into_iter()
        .filter(|p| {
            let is_self = viewer.as_ref().is_some_and(|v| v.id == p.profile.user_id);
            may_see(p.profile.visibility, Viewer { is_self, shares_venue_now: viewer_here })
        })
        .map(|p| PresentView {
            user_id: p.profile.user_id,
            display_name: p.profile.display_name,
            headline: p.profile.headline,
            offers: p.profile.offers,
            seeking: p.profile.seeking,
            seeking_text: p.profile.seeking_text,
            interests: p.profile.interests,
            field: p.profile.field,
            open_to_meet: p.profile.open_to_meet,
            focus: p.focus,
            since: chrono::DateTime::from_timestamp(p.checked_in_at, 0)
                .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default(),
        })
        .collect();
    let not_shown = total - shown.len() as u32;
    Ok(Json(Presence { venue_id: id, present: total, not_shown, people: page.slice(shown) }))
}
