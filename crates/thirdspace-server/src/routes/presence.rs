//! Check-in (self with the daily code, by staff, or as a walk-in), check-out, and who is here.

use std::borrow::Cow;
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};
use uuid::Uuid;

use super::shapes::{Booking, CheckedIn, Paged};
use super::PageQuery;
use crate::app::presence::{self, CheckInAs, PresentView, Shown};
use crate::auth::{Auth, MaybeAuth};
use crate::error::{ApiResult, ErrorBody};
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
    let how = match body.user_id {
        Some(member) if member != auth.user.id => CheckInAs::Staff { member },
        _ => CheckInAs::Themselves {
            code: body.code,
            walk_in: body.walk_in.unwrap_or(true),
            focus: body.focus,
            pledge: body.pledge,
        },
    };
    Ok(Json(presence::check_in(&state, &auth.user, id, how).await?.into()))
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
    Ok(Json(presence::check_out(&state, &auth.user, id, body.user_id).await?.into()))
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
    people: Paged<Here>,
}

/// Someone here, as [`PresentView`]: its JSON was written once, when the venue's people last
/// changed.
struct Here(Arc<Shown>);

impl Serialize for Here {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.json.serialize(serializer)
    }
}

impl PartialSchema for Here {
    fn schema() -> RefOr<Schema> {
        PresentView::schema()
    }
}

impl ToSchema for Here {
    fn name() -> Cow<'static, str> {
        PresentView::name()
    }
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
    let (total, shown) = presence::here_now(&state, viewer.as_ref(), id).await?;
    let not_shown = total - shown.len() as u32;
    Ok(Json(Presence {
        venue_id: id,
        present: total,
        not_shown,
        people: page.slice(shown.into_iter().map(Here).collect()).into(),
    }))
}
