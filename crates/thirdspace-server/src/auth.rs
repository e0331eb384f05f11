//! Who is calling: a session cookie (pages) or a Bearer API token (API clients). Both are random
//! secrets of which only a SHA-256 hash is stored.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use thirdspace_store::{TokenKind, User};

use crate::error::ApiError;
use crate::AppState;

pub const SESSION_COOKIE: &str = "thirdspace_session";

/// A fresh secret token, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the store keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The value of the cookie `name` a request carries.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
}

/// The secret presented with a request: the Bearer token first, else the session cookie.
pub fn presented_token(parts: &Parts) -> Option<String> {
    bearer(parts).or_else(|| cookie(&parts.headers, SESSION_COOKIE))
}

fn bearer(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
}

/// Whether a request that changes something, authenticated by the browser's cookie alone, comes
/// from another site (another port of the same host included): the browser says so in
/// `Sec-Fetch-Site`, or, where it does not, its `Origin` is not this server's. A request with
/// neither header does not come from a browser page.
pub fn from_elsewhere(parts: &Parts) -> bool {
    if parts.method.is_safe() {
        return false;
    }
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match (header("origin"), header("host")) {
        (Some(origin), Some(host)) => {
            let authority = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
            authority != Some(host)
        }
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// The `Set-Cookie` header that starts a session.
pub fn session_cookie(token: &str, max_age_seconds: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}");
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("thirdspace_session=; Path=/"))
}

/// The `Set-Cookie` header that ends a session.
pub fn cleared_cookie(secure: bool) -> HeaderValue {
    if secure {
        HeaderValue::from_static("thirdspace_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure")
    } else {
        HeaderValue::from_static("thirdspace_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
    }
}

/// The authenticated caller; 401 when there is none.
pub struct Auth {
    pub user: User,
    pub kind: TokenKind,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = presented_token(parts).ok_or_else(ApiError::unauthenticated)?;
        if bearer(parts).is_none() && from_elsewhere(parts) {
            return Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "cross_site",
                "this request comes from another site; send it from thirdspace's own pages or with an API token",
            ));
        }
        let hash = token_hash(&token);
        let (user, kind) = crate::app::accounts::holder(state, &hash).await?.ok_or_else(ApiError::unauthenticated)?;
        Ok(Auth { user, kind, token_hash: hash })
    }
}

/// The caller when there is one; anonymous callers see only what is public.
pub struct MaybeAuth(pub Option<User>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if presented_token(parts).is_none() {
            return Ok(MaybeAuth(None));
        }
        Auth::from_request_parts(parts, state).await.map(|a| MaybeAuth(Some(a.user)))
    }
}
