//! Profiles, and who may see them.

use axum::extract::State;
use axum::Json;
use thirdspace_domain::profile::ProfileInput;
use uuid::Uuid;

use super::shapes::Profile;
use crate::app::profiles;
use crate::auth::{Auth, MaybeAuth};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use crate::AppState;

/// The caller's own profile.
#[utoipa::path(get, path = "/api/v1/me/profile", tag = "profiles",
    responses((status = 200, body = Profile), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn my_profile(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Profile>> {
    Ok(Json(profiles::mine(&state, &auth.user).await?.into()))
}

/// Replaces the caller's profile. Tags are trimmed, case-folded and deduplicated.
#[utoipa::path(put, path = "/api/v1/me/profile", tag = "profiles", request_body = ProfileInput,
    responses((status = 200, body = Profile), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn put_my_profile(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<ProfileInput>,
) -> ApiResult<Json<Profile>> {
    Ok(Json(profiles::save(&state, auth.user.id, body).await?.into()))
}

/// A person's profile, when their visibility allows the caller to see it; 404 otherwise, so a
/// hidden person cannot be told from one who does not exist.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "profiles", params(("id" = Uuid, Path)),
    responses((status = 200, body = Profile), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("cookie" = [])))]
pub async fn person(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Profile>> {
    Ok(Json(profiles::person(&state, viewer.as_ref(), id).await?.into()))
}
