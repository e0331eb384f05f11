//! The API's endpoints to confirm an address and to ask for that link again (the links are the
//! application layer's `links`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::accounts::Session;
use crate::app::links;
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::limits::Client;
use crate::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyEmail {
    /// The token of the link e-mailed at sign-up (the last part of its path).
    token: String,
}

/// Confirms an e-mail address with the token of the link sent to it (no log-in needed).
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "accounts", request_body = VerifyEmail,
    responses((status = 200, body = Session), (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn verify_email(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<VerifyEmail>,
) -> ApiResult<Json<Session>> {
    Ok(Json(Session { user: links::verify(&state, &body.token).await?.into() }))
}

/// Sends the caller the link that confirms their e-mail address again (needed to accept a staff
/// invitation). At most 5 e-mails an hour to one address and 20 from one client.
#[utoipa::path(post, path = "/api/v1/me/email-verification", tag = "accounts",
    responses((status = 202), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn ask_again(State(state): State<AppState>, client: Client, auth: Auth) -> ApiResult<StatusCode> {
    links::verify_again(&state, client, &auth.user).await?;
    Ok(StatusCode::ACCEPTED)
}
