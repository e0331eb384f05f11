//! Links sent by e-mail (log in, choose a new password, confirm the address), within the e-mail
//! limits.

use thirdspace_domain::email::Email;
use thirdspace_store::{LinkPurpose, User};

use super::{AppError, AppResult, Denial};
use crate::auth::{new_token, token_hash};
use crate::limits::{self, Client};
use crate::AppState;

/// How long a log-in link works, in seconds.
pub const LOG_IN_LINK_SECONDS: i64 = 15 * 60;
/// How long a password-reset link works, in seconds.
pub const RESET_LINK_SECONDS: i64 = 60 * 60;
/// How long a link that confirms an address works, in seconds.
pub const VERIFY_LINK_SECONDS: i64 = 24 * 60 * 60;

/// A link to send, with what it needs.
#[derive(Debug, Clone, Copy)]
pub enum Link<'a> {
    /// Logs in, then goes on to `next` (a path on this site).
    LogIn {
        next: &'a str,
    },
    ResetPassword,
    VerifyEmail,
}

impl Link<'_> {
    fn purpose(self) -> LinkPurpose {
        match self {
            Self::LogIn { .. } => LinkPurpose::LogIn,
            Self::ResetPassword => LinkPurpose::ResetPassword,
            Self::VerifyEmail => LinkPurpose::VerifyEmail,
        }
    }

    fn lasts(self) -> i64 {
        match self {
            Self::LogIn { .. } => LOG_IN_LINK_SECONDS,
            Self::ResetPassword => RESET_LINK_SECONDS,
            Self::VerifyEmail => VERIFY_LINK_SECONDS,
        }
    }

    /// The e-mail's subject and body for `name`, with the link on the site at `base` carrying `token`.
    fn letter(self, name: &str, base: &str, token: &str) -> (&'static str, String) {
        match self {
            Self::LogIn { next } => {
                let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
                (
                    "Your thirdspace log-in link",
                    format!(
                        "Hello {name},\n\nOpen this link to log in to thirdspace (it works once, for 15 minutes):\n\n{base}/login/email/{token}?next={next}\n\nDid not ask for it? Ignore this e-mail.\n"
                    ),
                )
            }
            Self::ResetPassword => (
                "Choose a new thirdspace password",
                format!(
                    "Hello {name},\n\nOpen this link to choose a new password (it works once, for an hour):\n\n{base}/password/reset/{token}\n\nDid not ask for it? Ignore this e-mail; your password stays as it is.\n"
                ),
            ),
            Self::VerifyEmail => (
                "Confirm your e-mail address for thirdspace",
                format!(
                    "Hello {name},\n\nOpen this link to confirm that this address is yours (it works once, for a day):\n\n{base}/email/verify/{token}\n\nDid not sign up for thirdspace? Ignore this e-mail.\n"
                ),
            ),
        }
    }
}

/// Sends `link` to `email` when an account has it; the outcome is the same when none has, so that
/// nobody learns who has an account. Past the e-mail limits (counted either way) nothing is sent:
/// [`Denial::TooManyEmails`].
pub async fn send(state: &AppState, client: Client, email: &Email, link: Link<'_>) -> AppResult<()> {
    if let Err(wait) = limits::mail(&*state.store, email.as_str(), client, state.clock.now()).await? {
        return Err(Denial::TooManyEmails { wait }.into());
    }
    let Some(found) = state.store.credentials(email).await? else { return Ok(()) };
    send_to(state, &found.user, link).await
}

/// Sends `link` to `user`, the e-mail limits counted already.
async fn send_to(state: &AppState, user: &User, link: Link<'_>) -> AppResult<()> {
    let token = new_token();
    let now = state.clock.now();
    state.store.create_login_link(user.id, link.purpose(), &token_hash(&token), now, now + link.lasts()).await?;
    let (subject, body) = link.letter(&user.display_name, &state.config.public_url, &token);
    state.mailer.send(&user.email, subject, body).await.map_err(|e| {
        tracing::error!(error = %e, "sending an e-mail failed");
        AppError::from(Denial::MailFailed)
    })
}

/// Sends a new member the link that confirms their address. Signing up goes on without it when
/// it cannot be sent (they can ask for it again).
pub async fn welcome(state: &AppState, client: Client, user: &User) {
    let sent = match Email::parse(&user.email) {
        Ok(email) => send(state, client, &email, Link::VerifyEmail).await,
        Err(e) => Err(e.into()),
    };
    if let Err(e) = sent {
        tracing::warn!(error = ?e, "the link to confirm a new member's address was not sent");
    }
}

/// Sends `user` the link that confirms their address again, until it is confirmed.
pub async fn verify_again(state: &AppState, client: Client, user: &User) -> AppResult<()> {
    if user.email_verified {
        return Err(Denial::AlreadyVerified.into());
    }
    let email = Email::parse(&user.email)?;
    send(state, client, &email, Link::VerifyEmail).await
}

/// Tells the owner their password was changed and every session and API token ended. Best effort:
/// the change is made already.
pub async fn password_changed(state: &AppState, user: &User) {
    let body = format!(
        "Hello {name},\n\nThe password of your thirdspace account was just changed with a link sent to this address. Every browser and API token that was logged in has been logged out.\n\nNot you? Ask for a new password at {base}/password/forgot right away.\n",
        name = user.display_name,
        base = state.config.public_url
    );
    if let Err(e) = state.mailer.send(&user.email, "Your thirdspace password was changed", body).await {
        tracing::warn!(error = %e, "the notice of a changed password was not sent");
    }
}

/// Uses a link that confirms an address: the member it was for, verified, their profile given the
/// tags venues listing the address gave it; [`Denial::LinkNotWorking`] when it is unknown, used,
/// replaced by a newer one or expired.
pub async fn verify(state: &AppState, token: &str) -> AppResult<User> {
    let used = state.store.use_login_link(&token_hash(token), LinkPurpose::VerifyEmail, state.clock.now()).await?;
    let user = used.ok_or(AppError::from(Denial::LinkNotWorking))?;
    super::accounts::account_changed(state, user.id);
    super::profiles::take_given_tags(state, &user).await?;
    Ok(user)
}
