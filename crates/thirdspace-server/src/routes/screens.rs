//! The venue's screens: tokens a host gives a TV or a kiosk, and the dashboard's picture of the
//! venue right now.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use thirdspace_domain::text;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::shapes::{IssuedScreenToken, Paged, ScreenKind, ScreenToken};
use super::PageQuery;
use crate::app::screens::{self, Dashboard};
use crate::auth::{Auth, MaybeAuth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenTokenRequest {
    kind: ScreenKind,
    /// Which screen, e.g. "TV by the bar".
    #[schema(schema_with = text::schema::line::<1, 80>, example = "TV by the bar")]
    name: String,
}

/// Issues a token for one of the venue's screens (its staff).
#[utoipa::path(post, path = "/api/v1/venues/{id}/screen-tokens", tag = "screens", params(("id" = Uuid, Path)),
    request_body = ScreenTokenRequest,
    responses((status = 201, body = IssuedScreenToken), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ScreenTokenRequest>,
) -> ApiResult<(StatusCode, Json<IssuedScreenToken>)> {
    let issued = screens::issue(&state, &auth.user, id, body.kind.into(), &body.name).await?;
    Ok((StatusCode::CREATED, Json(issued.into())))
}

/// The venue's screen tokens (its staff).
#[utoipa::path(get, path = "/api/v1/venues/{id}/screen-tokens", tag = "screens", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Paged<ScreenToken>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<ScreenToken>>> {
    Ok(Json(screens::list(&state, &auth.user, id, q.page()?).await?.into()))
}

/// Revokes a screen token (its venue's staff): new requests are refused at once, and its open
/// live streams end within ten seconds.
#[utoipa::path(delete, path = "/api/v1/venues/{id}/screen-tokens/{token_id}", tag = "screens",
    params(("id" = Uuid, Path), ("token_id" = Uuid, Path)),
    responses((status = 200, body = ScreenToken), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, token_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Json<ScreenToken>> {
    Ok(Json(screens::revoke(&state, &auth.user, id, token_id).await?.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScreenQuery {
    /// A display token of this venue (or log in as its staff).
    #[param(nullable = false)]
    pub token: Option<String>,
}

/// The QR code the venue's screen shows: it opens the self check-in page for today with the
/// venue's check-in code (a display token, or the venue's staff). An SVG image.
#[utoipa::path(get, path = "/api/v1/venues/{id}/check-in-qr.svg", tag = "screens", params(("id" = Uuid, Path), ScreenQuery),
    responses((status = 200, description = "An SVG image", content_type = "image/svg+xml", body = String),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("cookie" = [])))]
pub async fn check_in_qr(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ScreenQuery>,
    headers: axum::http::HeaderMap,
) -> ApiResult<impl axum::response::IntoResponse> {
    let code = screens::check_in_code(&state, id, q.token.as_deref(), user.as_ref()).await?;
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']')))
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies { "https" } else { "http" };
    let link = format!("{scheme}://{host}/check-in/{id}?code={code}");
    let qr = qrcode::QrCode::new(link.as_bytes()).map_err(|e| {
        tracing::error!(error = %e, "the check-in link does not fit a QR code");
        ApiError::internal()
    })?;
    let svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).build();
    Ok(([(axum::http::header::CONTENT_TYPE, "image/svg+xml"), (axum::http::header::CACHE_CONTROL, "no-store")], svg))
}

/// What the venue's dashboard shows now (a display token, or the venue's staff).
#[utoipa::path(get, path = "/api/v1/venues/{id}/dashboard", tag = "screens", params(("id" = Uuid, Path), ScreenQuery),
    responses((status = 200, body = Dashboard), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("cookie" = [])))]
pub async fn dashboard(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ScreenQuery>,
) -> ApiResult<Json<Dashboard>> {
    Ok(Json(screens::dashboard(&state, id, q.token.as_deref(), user.as_ref()).await?))
}
