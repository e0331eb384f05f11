//! Sign up, log in, log out, and API tokens.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use thirdspace_domain::email::Email;
use thirdspace_domain::{profile, text, Invalids};
use thirdspace_store::{ApiToken, NewToken, NewUser, Paged, Profile, TokenKind, User};
use utoipa::ToSchema;
use uuid::Uuid;

use super::PageQuery;
use crate::auth::{cleared_cookie, new_token, session_cookie, token_hash, Auth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::limits::{self, Client, Locked};
use crate::{password, AppState};

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

/// A new API token: the secret is shown this once.
#[derive(Serialize, ToSchema)]
pub struct IssuedToken {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    #[serde(flatten)]
    info: ApiToken,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    user: User,
    profile: Profile,
}

async fn start_session(state: &AppState, user: User, status: StatusCode) -> ApiResult<Response> {
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, new_session(state, user.id).await?);
    Ok((status, headers, Json(Session { user })).into_response())
}

/// Starts a browser session for `user`: the `Set-Cookie` value that carries it.
pub(crate) async fn new_session(state: &AppState, user: Uuid) -> ApiResult<axum::http::HeaderValue> {
    let token = new_token();
    let now = state.clock.now();
    let max_age = state.config.session_days * 86_400;
    state
        .store
        .insert_token(NewToken {
            user,
            kind: TokenKind::Session,
            token_hash: token_hash(&token),
            name: "browser session".to_owned(),
            now,
            expires_at: Some(now + max_age),
        })
        .await?;
    Ok(session_cookie(&token, max_age, state.config.secure_cookies))
}

/// The refusal of a password log-in while the address is locked.
fn locked(locked: Locked) -> ApiError {
    let minutes = |wait: i64| (wait + 59) / 60;
    let message = match locked {
        Locked::FromHere { wait } => format!(
            "too many failed log-ins for this address from here: try again in {} minutes, or log in with a link by e-mail",
            minutes(wait)
        ),
        Locked::Everywhere { wait } => format!(
            "too many failed log-ins for this address: password log-ins are paused for {} minutes; log in with a link by e-mail",
            minutes(wait)
        ),
    };
    ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", message)
        .with_retry_after(locked.wait().max(1).unsigned_abs())
}

/// Checks an e-mail and password; the same answer whether the e-mail or the password is wrong.
/// Failures count against the address from `client` (and, far more loosely, from everywhere).
pub(crate) async fn authenticate(state: &AppState, client: Client, email: &str, password: String) -> ApiResult<User> {
    let wrong = || ApiError::new(StatusCode::UNAUTHORIZED, "wrong_credentials", "wrong e-mail address or password");
    let email = Email::parse(email).map_err(|_| wrong())?;
    let now = state.clock.now();
    let store = &*state.store;
    let counted = limits::check(store, email.as_str(), client, now).await?.map_err(locked)?;
    if password.chars().count() > password::MAX_PASSWORD_CHARS {
        limits::failed(store, email.as_str(), client, now).await?;
        return Err(wrong());
    }
    let found = state.store.credentials(&email).await?;
    let hash = found.as_ref().map(|c| c.password_hash.clone());
    // Verified even for an unknown address (against a decoy), so that timing tells nothing.
    let verified = state.hashing.verify(password, hash).await?;
    match found.map(|c| c.user).filter(|_| verified) {
        Some(user) => {
            // Only a count there is to clear costs a write.
            if counted {
                limits::succeeded(store, email.as_str(), client).await?;
            }
            Ok(user)
        }
        _ => {
            limits::failed(store, email.as_str(), client, now).await?;
            Err(wrong())
        }
    }
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
    let user = register(&state, client, &body.email, &body.display_name, body.password).await?;
    start_session(&state, user, StatusCode::CREATED).await
}

/// Creates an account, after checking every field, and e-mails the link that confirms its address.
pub(crate) async fn register(
    state: &AppState,
    client: Client,
    email: &str,
    display_name: &str,
    password: String,
) -> ApiResult<User> {
    let mut invalid = Invalids::default();
    let display_name = invalid.or_default(profile::display_name(display_name));
    let email = Email::parse(email);
    if let Err(e) = &email {
        invalid.add(e.clone());
    }
    invalid.or_default(password::check_new(&password));
    invalid.finish(())?;
    let email = email?;
    let password_hash = state.hashing.hash(password).await?;
    let new =
        NewUser { email, password_hash, display_name, is_admin: false, email_verified: false, now: state.clock.now() };
    let user = state.store.create_user(new).await?;
    super::links::welcome(state, client, &user).await;
    Ok(user)
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
    let user = authenticate(&state, client, &body.email, body.password).await?;
    start_session(&state, user, StatusCode::OK).await
}

/// Ends the session (or revokes the Bearer token used) and clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts",
    responses((status = 204), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn logout(State(state): State<AppState>, auth: Auth) -> ApiResult<Response> {
    state.store.delete_token_by_hash(&auth.token_hash).await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, cleared_cookie(state.config.secure_cookies));
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

async fn issue_api_token(state: &AppState, user: Uuid, name: &str) -> ApiResult<IssuedToken> {
    let name = text::bounded("name", name, 1, 80, false)?;
    let token = new_token();
    let info = state
        .store
        .insert_token(NewToken {
            user,
            kind: TokenKind::Api,
            token_hash: token_hash(&token),
            name,
            now: state.clock.now(),
            expires_at: None,
        })
        .await?;
    Ok(IssuedToken { token, info })
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
    let user = authenticate(&state, client, &body.email, body.password).await?;
    Ok((StatusCode::CREATED, Json(issue_api_token(&state, user.id, &body.name).await?)))
}

/// The caller's account and profile.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn me(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Me>> {
    let profile = state.store.profile(auth.user.id).await?.ok_or_else(|| ApiError::not_found("profile"))?;
    Ok(Json(Me { user: auth.user, profile }))
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
    Ok(Json(state.store.api_tokens(auth.user.id, q.page()?).await?))
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
    Ok((StatusCode::CREATED, Json(issue_api_token(&state, auth.user.id, &body.name).await?)))
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
    state.store.delete_api_token(auth.user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
