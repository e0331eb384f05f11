//! Accounts: signing up, logging in (password or link), sessions, API tokens and new passwords.

use thirdspace_domain::email::Email;
use thirdspace_domain::{profile, text, Invalids};
use thirdspace_store::{ApiToken, LinkPurpose, NewToken, NewUser, Page, Paged, TokenKind, User};
use uuid::Uuid;

use super::links::{self, Link};
use super::{AppError, AppResult, Denial};
use crate::auth::{new_token, token_hash};
use crate::limits::{self, Client};
use crate::{password, AppState};

/// A browser session just started: its secret (for the cookie) and how long it lasts, in seconds.
pub struct SessionStarted {
    pub token: String,
    pub max_age: i64,
}

/// Starts a browser session for `user`.
pub async fn start_session(state: &AppState, user: Uuid) -> AppResult<SessionStarted> {
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
    Ok(SessionStarted { token, max_age })
}

/// The person a browser session (its secret) belongs to, while it lasts.
pub async fn session_user(state: &AppState, session: &str) -> AppResult<Option<User>> {
    let found = holder(state, &token_hash(session)).await?;
    Ok(found.filter(|(_, kind)| *kind == TokenKind::Session).map(|(user, _)| user))
}

/// Who the token whose hash is `hash` belongs to, while it lasts: read a moment ago
/// ([`crate::RECENT`]) or from the store.
pub async fn holder(state: &AppState, hash: &str) -> AppResult<Option<(User, TokenKind)>> {
    let now = state.clock.now();
    Ok(state.tokens.or_read(hash.to_owned(), now, state.store.token_user(hash, now)).await?)
}

/// Forgets the tokens of `user` read a moment ago: their account changed.
pub fn account_changed(state: &AppState, user: Uuid) {
    state.tokens.forget(|_, (holder, _)| holder.id == user);
}

/// Ends the session or revokes the API token whose hash is `token_hash`.
pub async fn log_out(state: &AppState, token_hash: &str) -> AppResult<()> {
    state.store.delete_token_by_hash(token_hash).await?;
    state.tokens.forget(|hash, _| hash == token_hash);
    Ok(())
}

/// Ends the browser session whose secret is `session`.
pub async fn end_session(state: &AppState, session: &str) -> AppResult<()> {
    log_out(state, &token_hash(session)).await
}

/// Checks an e-mail and password; the same answer whether the e-mail or the password is wrong.
/// Failures count against the address from `client` (and, far more loosely, from everywhere).
pub async fn authenticate(state: &AppState, client: Client, email: &str, password: String) -> AppResult<User> {
    let wrong = || AppError::from(Denial::WrongCredentials);
    let email = Email::parse(email).map_err(|_| wrong())?;
    let now = state.clock.now();
    let store = &*state.store;
    let counted = limits::check(store, email.as_str(), client, now).await?.map_err(Denial::TooManyAttempts)?;
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

/// Creates an account, after checking every field, and e-mails the link that confirms its
/// address (the account is made even when that e-mail cannot be sent).
pub async fn register(
    state: &AppState,
    client: Client,
    email: &str,
    display_name: &str,
    password: String,
) -> AppResult<User> {
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
    links::welcome(state, client, &user).await;
    Ok(user)
}

/// The account that holds `email`, if any (for a venue's kiosk, which finds the people booked
/// there today by their whole address).
pub async fn holder_of(state: &AppState, email: &Email) -> AppResult<Option<Uuid>> {
    Ok(state.store.credentials(email).await?.map(|c| c.user.id))
}

/// Logs in with a link e-mailed for it: the person it was for.
pub async fn use_log_in_link(state: &AppState, token: &str) -> AppResult<User> {
    let used = state.store.use_login_link(&token_hash(token), LinkPurpose::LogIn, state.clock.now()).await?;
    used.ok_or(Denial::LinkNotWorking.into())
}

/// Sets a new password with a link e-mailed for it: every session and API token of the account
/// ends, and the owner is told by e-mail.
pub async fn reset_password(state: &AppState, token: &str, new_password: String) -> AppResult<User> {
    password::check_new(&new_password)?;
    let hash = state.hashing.hash(new_password).await?;
    let user = state
        .store
        .reset_password(&token_hash(token), &hash, state.clock.now())
        .await?
        .ok_or(AppError::from(Denial::LinkNotWorking))?;
    account_changed(state, user.id);
    links::password_changed(state, &user).await;
    Ok(user)
}

/// Sends a log-in or new-password link to `email` (see [`links::send`]).
pub async fn send_link(state: &AppState, client: Client, email: &Email, link: Link<'_>) -> AppResult<()> {
    links::send(state, client, email, link).await
}

/// A new API token: the secret is shown this once.
pub struct IssuedToken {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub info: ApiToken,
}

/// Issues an API token named `name` for the actor.
pub async fn issue_api_token(state: &AppState, actor: Uuid, name: &str) -> AppResult<IssuedToken> {
    let name = text::bounded("name", name, 1, 80, false)?;
    let token = new_token();
    let info = state
        .store
        .insert_token(NewToken {
            user: actor,
            kind: TokenKind::Api,
            token_hash: token_hash(&token),
            name,
            now: state.clock.now(),
            expires_at: None,
        })
        .await?;
    Ok(IssuedToken { token, info })
}

/// The actor's API tokens (never their secrets).
pub async fn api_tokens(state: &AppState, actor: &User, page: Page) -> AppResult<Paged<ApiToken>> {
    Ok(state.store.api_tokens(actor.id, page).await?)
}

/// Revokes one of the actor's API tokens.
pub async fn revoke_api_token(state: &AppState, actor: &User, id: Uuid) -> AppResult<()> {
    state.store.delete_api_token(actor.id, id).await?;
    account_changed(state, actor.id);
    Ok(())
}
