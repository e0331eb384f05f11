//! Profiles, and who may see them.

use axum::extract::State;
use axum::Json;
use thirdspace_domain::profile::{may_see, ProfileDraft, ProfileInput, Viewer};
use thirdspace_store::{Profile, User};
use uuid::Uuid;

use crate::auth::{Auth, MaybeAuth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use crate::AppState;

/// How `viewer` stands to `person` right now.
pub async fn viewer_of(state: &AppState, viewer: Option<&User>, person: Uuid, now: i64) -> ApiResult<Viewer> {
    let Some(viewer) = viewer else {
        return Ok(Viewer { is_self: false, shares_venue_now: false });
    };
    if viewer.id == person {
        return Ok(Viewer { is_self: true, shares_venue_now: true });
    }
    let theirs = state.store.checked_in_at(person, now).await?;
    let mine = match theirs {
        Some(_) => state.store.checked_in_at(viewer.id, now).await?,
        None => None,
    };
    Ok(Viewer { is_self: false, shares_venue_now: theirs.is_some() && theirs == mine })
}

/// The caller's own profile.
#[utoipa::path(get, path = "/api/v1/me/profile", tag = "profiles",
    responses((status = 200, body = Profile), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn my_profile(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Profile>> {
    let profile = state.store.profile(auth.user.id).await?.ok_or_else(|| ApiError::not_found("profile"))?;
    Ok(Json(profile))
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
    Ok(Json(save_profile(&state, auth.user.id, body).await?))
}

/// Replaces `user`'s profile (its event tells the screens of the venue where they are).
pub(crate) async fn save_profile(state: &AppState, user: Uuid, input: ProfileInput) -> ApiResult<Profile> {
    let draft = ProfileDraft::parse(input)?;
    Ok(state.store.put_profile(user, &draft, state.clock.now()).await?)
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
    let profile = state.store.profile(id).await?.ok_or_else(|| ApiError::not_found("person"))?;
    let viewer = viewer_of(&state, viewer.as_ref(), id, state.clock.now()).await?;
    if may_see(profile.visibility, viewer) {
        Ok(Json(profile))
    } else {
        Err(ApiError::not_found("person"))
    }
}
