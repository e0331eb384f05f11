//! The social-capital ledger over the API: record an exchange, confirm or decline one, list mine,
//! and my record.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use thirdspace_domain::exchange::{Answer, ExchangeInput};
use uuid::Uuid;

use super::shapes::{ExchangeView, Paged, SocialCapital};
use super::PageQuery;
use crate::app::exchanges;
use crate::auth::{Auth, MaybeAuth};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

/// Records that you helped someone (`role: gave`) or they helped you (`received`). It counts once
/// they confirm it, within 30 days. They must be someone you can see now; an introduction,
/// question or visit named as its source must be yours and theirs.
#[utoipa::path(post, path = "/api/v1/me/exchanges", tag = "social capital", request_body = ExchangeInput,
    responses((status = 201, body = ExchangeView), (status = 401, body = ErrorBody),
        (status = 409, description = "Already recorded from the same source in this direction", body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn propose(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<ExchangeInput>,
) -> ApiResult<(StatusCode, Json<ExchangeView>)> {
    Ok((StatusCode::CREATED, Json(exchanges::propose(&state, &auth.user, body).await?.into())))
}

/// My exchanges, proposed by me or by the other side, newest first.
#[utoipa::path(get, path = "/api/v1/me/exchanges", tag = "social capital", params(PageQuery),
    responses((status = 200, body = Paged<ExchangeView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn mine(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<ExchangeView>>> {
    Ok(Json(exchanges::mine(&state, &auth.user, q.page()?).await?.into()))
}

/// One of my exchanges.
#[utoipa::path(get, path = "/api/v1/exchanges/{id}", tag = "social capital", params(("id" = Uuid, Path)),
    responses((status = 200, body = ExchangeView), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn one(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ExchangeView>> {
    Ok(Json(exchanges::one(&state, &auth.user, id).await?.into()))
}

/// Confirms an exchange the other person recorded: from now on it counts for both of you.
/// Confirming twice changes nothing.
#[utoipa::path(post, path = "/api/v1/exchanges/{id}/confirm", tag = "social capital", params(("id" = Uuid, Path)),
    responses((status = 200, body = ExchangeView), (status = 404, body = ErrorBody),
        (status = 409, description = "Your own proposal, declined already, or lapsed", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ExchangeView>> {
    Ok(Json(exchanges::answer(&state, &auth.user, id, Answer::Confirm).await?.into()))
}

/// Declines an exchange the other person recorded; they are not told.
#[utoipa::path(post, path = "/api/v1/exchanges/{id}/decline", tag = "social capital", params(("id" = Uuid, Path)),
    responses((status = 200, body = ExchangeView), (status = 404, body = ErrorBody),
        (status = 409, description = "Your own proposal, answered already, or lapsed", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn decline(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ExchangeView>> {
    Ok(Json(exchanges::answer(&state, &auth.user, id, Answer::Decline).await?.into()))
}

/// A person's social capital, when they allow you to see it now (their profile and their
/// record): counts and topics, never who with.
#[utoipa::path(get, path = "/api/v1/people/{id}/social-capital", tag = "social capital", params(("id" = Uuid, Path)),
    responses((status = 200, body = SocialCapital), (status = 404, description = "Unknown, or not shown to you", body = ErrorBody)),
    security((), ("bearer" = []), ("cookie" = [])))]
pub async fn record_of(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SocialCapital>> {
    Ok(Json(exchanges::record_of(&state, viewer.as_ref(), id).await?.into()))
}

/// My social capital: the exchanges I gave and received that the other side confirmed, by
/// topic, venue and month.
#[utoipa::path(get, path = "/api/v1/me/social-capital", tag = "social capital",
    responses((status = 200, body = SocialCapital), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn my_record(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<SocialCapital>> {
    Ok(Json(exchanges::my_record(&state, &auth.user).await?.into()))
}
