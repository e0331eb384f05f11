//! Outcomes of coworking over the API: record one, confirm my side of one, list mine.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use thirdspace_domain::outcome::OutcomeInput;
use uuid::Uuid;

use super::shapes::{OutcomeView, Paged};
use super::PageQuery;
use crate::app::outcomes;
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

/// Records what came of coworking: a collaboration, a client, a job, a skill, a better product, a
/// wider network. The person it names (someone you can see now) is asked to confirm their side;
/// the exchanges and introductions named must be yours.
#[utoipa::path(post, path = "/api/v1/me/outcomes", tag = "social capital", request_body = OutcomeInput,
    responses((status = 201, body = OutcomeView), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn record(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<OutcomeInput>,
) -> ApiResult<(StatusCode, Json<OutcomeView>)> {
    Ok((StatusCode::CREATED, Json(outcomes::record(&state, &auth.user, body).await?.into())))
}

/// The outcomes I recorded or am named in, newest first.
#[utoipa::path(get, path = "/api/v1/me/outcomes", tag = "social capital", params(PageQuery),
    responses((status = 200, body = Paged<OutcomeView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn mine(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<OutcomeView>>> {
    Ok(Json(outcomes::mine(&state, &auth.user, q.page()?).await?.into()))
}

/// Confirms my side of an outcome that names me. Confirming twice changes nothing.
#[utoipa::path(post, path = "/api/v1/outcomes/{id}/confirm", tag = "social capital", params(("id" = Uuid, Path)),
    responses((status = 200, body = OutcomeView), (status = 404, body = ErrorBody),
        (status = 409, description = "Your own outcome: the person it names confirms it", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<OutcomeView>> {
    Ok(Json(outcomes::confirm(&state, &auth.user, id).await?.into()))
}
