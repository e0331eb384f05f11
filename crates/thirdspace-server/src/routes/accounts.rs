//! Sign up, log in, log out, and API tokens.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use thirdspace_domain::text;
use utoipa::ToSchema;
use uuid::Uuid;

use super::shapes::{ApiToken, IssuedToken, Paged, Profile, User};
use super::PageQuery;
use crate::app::accounts;
use crate::app::profiles;
use crate::auth::{cleared_cookie, session_cookie, Auth};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::limits::Client;
use crate::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignUp {
    #[schema(format = Email, max_length = 254, example = "anna@example.org")]
    email: String,
    /// 10 to 256 characters.
    #[schema(min_length = 10, max_length = 256)]
    password: String,
    #[schema(schema_with = text::schema::line::<1, 80>, example = "Anna de Vries")]
    display_name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogIn {
    #[schema(example = "anna@example.org")]
    email: String,
    /// Never more than 256 characters.
    #[schema(max_length = 256)]
    password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordTokenRequest {
    #[schema(example = "anna@example.org")]
    email: String,
    /// Never more than 256 characters.
    #[schema(max_length = 256)]
    password: String,
    /// What the token is for, e.g. "laptop script".
    #[schema(schema_with = text::schema::line::<1, 80>, example = "booking script")]
    name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[schema(schema_with = text::schema::line::<1, 80>, example = "booking script")]
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct Session {
    pub(crate) user: User,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    user: User,
    profile: Profile,
}

async fn start_session(state: &AppState, user: thirdspace_store::User, status: StatusCode) -> ApiResult<Response> {
    let started = accounts::start_session(state, user.id).await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, session_cookie(&started.token, started.max_age, state.config.secure_cookies));
    Ok((status, headers, Json(Session { user: user.into() })).into_response())
}

/// Creates an account and logs it in (sets the session cookie). The address is not confirmed yet
/// (`email_verified` false): a link to confirm it is e-mailed.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "accounts", request_body = SignUp,
    responses((status = 201, body = Session), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn signup(
    State(state): State<AppState>,
    client: Client,
    ApiJson(body): ApiJson<SignUp>,
) -> ApiResult<Response> {
    let user = accounts::register(&state, client, &body.email, &body.display_name, body.password).await?;
    start_session(&state, user, StatusCode::CREATED).await
}

/// Logs in with e-mail and password (sets the session cookie). After 10 failures for an address
/// from one client in 15 minutes, or 100 from all clients, 429 `too_many_attempts` for the rest
/// of the 15 minutes.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = LogIn,
    responses((status = 200, body = Session), (status = 401, body = ErrorBody),
        (status = 429, description = "Too many failed log-ins for this address: try again later", body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    client: Client,
    ApiJson(body): ApiJson<LogIn>,
) -> ApiResult<Response> {
    let user = accounts::authenticate(&state, client, &body.email, body.password).await?;
    start_session(&state, user, StatusCode::OK).await
}

/// Ends the session (or revokes the Bearer token used) and clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts",
    responses((status = 204), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn logout(State(state): State<AppState>, auth: Auth) -> ApiResult<Response> {
    accounts::log_out(&state, &auth.token_hash).await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, cleared_cookie(state.config.secure_cookies));
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// Issues an API token for an e-mail and password: how API clients log in (limited as log-ins are).
#[utoipa::path(post, path = "/api/v1/auth/tokens", tag = "accounts", request_body = PasswordTokenRequest,
    responses((status = 201, body = IssuedToken), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, description = "Too many failed log-ins for this address: try again later", body = ErrorBody)))]
pub async fn token_for_password(
    State(state): State<AppState>,
    client: Client,
    ApiJson(body): ApiJson<PasswordTokenRequest>,
) -> ApiResult<(StatusCode, Json<IssuedToken>)> {
    text::bounded("name", &body.name, 1, 80, false)?;
    let user = accounts::authenticate(&state, client, &body.email, body.password).await?;
    Ok((StatusCode::CREATED, Json(accounts::issue_api_token(&state, user.id, &body.name).await?.into())))
}

/// The caller's account and profile.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn me(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Me>> {
    let profile = profiles::mine(&state, &auth.user).await?;
    Ok(Json(Me { user: auth.user.into(), profile: profile.into() }))
}

/// The caller's API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "accounts", params(PageQuery),
    responses((status = 200, body = Paged<ApiToken>), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn list_tokens(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<ApiToken>>> {
    Ok(Json(accounts::api_tokens(&state, &auth.user, q.page()?).await?.into()))
}

/// Issues a new API token for the caller.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "accounts", request_body = TokenRequest,
    responses((status = 201, body = IssuedToken), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn create_token(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<TokenRequest>,
) -> ApiResult<(StatusCode, Json<IssuedToken>)> {
    Ok((StatusCode::CREATED, Json(accounts::issue_api_token(&state, auth.user.id, &body.name).await?.into())))
}

/// Revokes one of the caller's API tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "accounts", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn delete_token(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    accounts::revoke_api_token(&state, &auth.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
