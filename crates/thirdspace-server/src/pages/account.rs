//! Accounts from the browser: sign up, log in (password or a link by e-mail), log out, choose a
//! new password by a link sent by e-mail, and confirm the e-mail address.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use thirdspace_domain::email::Email;
use thirdspace_store::{AccountConflict, Conflict, User};

use super::CsrfForm;
use super::{failed, message, render, status_of, to_login, Errors, FormData, Labels, Nav, Params, Visitor};
use crate::app::accounts::{self, authenticate, register, send_link};
use crate::app::links::{verify as verify_email, verify_again, Link};
use crate::app::{venues, AppError, Denial};
use crate::auth::cleared_cookie;
use crate::auth::session_cookie;
use crate::error::ApiError;
use crate::limits::Client;
use crate::AppState;

/// Where to go after logging in: a path on this site, never another site.
pub fn local(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && path.len() <= 2048
                && path.chars().all(|c| c.is_ascii_graphic()) =>
        {
            path
        }
        _ => "/",
    }
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Logs `user` in on this browser and goes on to `next`; with nowhere in particular to go, a
/// venue's owner or staff goes to the venues they run.
async fn logged_in(state: &AppState, user: &User, next: &str) -> Response {
    let runs_a_venue = || async { venues::run_by(state, user).await.is_ok_and(|venues| !venues.is_empty()) };
    let next = if next == "/" && runs_a_venue().await { "/host" } else { next };
    match accounts::start_session(state, user.id).await {
        Ok(started) => {
            let cookie = session_cookie(&started.token, started.max_age, state.config.secure_cookies);
            ([(header::SET_COOKIE, cookie)], Redirect::to(next)).into_response()
        }
        Err(e) => failed("Could not log in", &e),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    next: &'a str,
    email: &'a str,
    reason: Option<&'a str>,
    errors: Errors,
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

async fn login_page(who: Visitor, Params(q): Params<NextQuery>) -> Response {
    let next = local(q.next.as_deref());
    if who.user.is_some() {
        return Redirect::to(next).into_response();
    }
    let reason = (next != "/").then_some("Log in to go on.");
    let page = LoginPage { nav: Some(who.nav()), csrf: &who.csrf, next, email: "", reason, errors: Errors::default() };
    render(StatusCode::OK, &page)
}

async fn log_in(
    State(state): State<AppState>,
    who: Visitor,
    client: Client,
    FormData(form): FormData<LoginForm>,
) -> Response {
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let next = local(Some(&form.next));
    match authenticate(&state, client, form.email.trim(), form.password).await {
        Ok(user) => logged_in(&state, &user, next).await,
        Err(e) if status_of(&e).is_client_error() => {
            let mut errors = Errors::default();
            if e == AppError::Denied(Denial::WrongCredentials) {
                errors.add("form", "That e-mail address and password do not match an account.");
            } else {
                errors = Errors::of_app(&e);
            }
            let email = form.email.trim();
            let page = LoginPage { nav: Some(who.nav()), csrf: &who.csrf, next, email, reason: None, errors };
            render(status_of(&e), &page)
        }
        Err(e) => failed("Could not log in", &e),
    }
}

async fn log_out(
    State(state): State<AppState>,
    who: Visitor,
    headers: axum::http::HeaderMap,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let session = crate::auth::cookie(&headers, crate::auth::SESSION_COOKIE);
    if let Some(session) = session {
        if let Err(e) = accounts::end_session(&state, &session).await {
            return failed("Could not log out", &e);
        }
    }
    ([(header::SET_COOKIE, cleared_cookie(state.config.secure_cookies))], Redirect::to("/")).into_response()
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    next: &'a str,
    display_name: &'a str,
    email: &'a str,
    errors: Errors,
}

/// The sign-up form's fields in its order, with the labels it shows.
const SIGNUP_LABELS: Labels = &[("display_name", "Your name"), ("email", "E-mail address"), ("password", "Password")];

#[derive(Deserialize)]
struct SignupForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

async fn signup_page(who: Visitor, Params(q): Params<NextQuery>) -> Response {
    let next = local(q.next.as_deref());
    if who.user.is_some() {
        return Redirect::to(next).into_response();
    }
    let page = SignupPage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        next,
        display_name: "",
        email: "",
        errors: Errors::default(),
    };
    render(StatusCode::OK, &page)
}

async fn sign_up(
    State(state): State<AppState>,
    who: Visitor,
    client: Client,
    FormData(form): FormData<SignupForm>,
) -> Response {
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let next = match local(Some(&form.next)) {
        "/" => "/me/profile?welcome=1",
        other => other,
    };
    match register(&state, client, form.email.trim(), &form.display_name, form.password).await {
        Ok(user) => logged_in(&state, &user, next).await,
        Err(e) if status_of(&e).is_client_error() => {
            let mut errors = Errors::of_app(&e).labelled(SIGNUP_LABELS);
            if e == AppError::Conflict(Conflict::Account(AccountConflict::EmailTaken)) {
                errors = Errors::default();
                errors.add("email", "An account with this e-mail address exists already: log in instead.");
            }
            let page = SignupPage {
                nav: Some(who.nav()),
                csrf: &who.csrf,
                next: local(Some(&form.next)),
                display_name: &form.display_name,
                email: form.email.trim(),
                errors,
            };
            render(status_of(&e), &page)
        }
        Err(e) => failed("Could not sign up", &e),
    }
}

#[derive(Template)]
#[template(path = "email_link.html")]
struct EmailLinkPage<'a> {
    nav: Option<Nav>,
    title: &'a str,
    intro: &'a str,
    action: &'a str,
    button: &'a str,
    csrf: &'a str,
    next: &'a str,
    email: &'a str,
    sent: Option<String>,
    errors: Errors,
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

/// The two kinds of link a person can ask for by e-mail, as their pages show them.
struct LinkKind {
    reset: bool,
    title: &'static str,
    intro: &'static str,
    action: &'static str,
    button: &'static str,
}

const LOG_IN_LINK: LinkKind = LinkKind {
    reset: false,
    title: "Log in by e-mail",
    intro: "We send you a link that logs you in, no password needed. It works once, for 15 minutes.",
    action: "/login/email",
    button: "E-mail me a link",
};

const RESET_LINK: LinkKind = LinkKind {
    reset: true,
    title: "Forgot your password?",
    intro: "We send you a link to choose a new one. It works once, for an hour.",
    action: "/password/forgot",
    button: "E-mail me a link",
};

fn link_page<'a>(kind: &'a LinkKind, who: &'a Visitor, next: &'a str) -> EmailLinkPage<'a> {
    EmailLinkPage {
        nav: Some(who.nav()),
        title: kind.title,
        intro: kind.intro,
        action: kind.action,
        button: kind.button,
        csrf: &who.csrf,
        next,
        email: "",
        sent: None,
        errors: Errors::default(),
    }
}

async fn log_in_link_page(who: Visitor, Params(q): Params<NextQuery>) -> Response {
    render(StatusCode::OK, &link_page(&LOG_IN_LINK, &who, local(q.next.as_deref())))
}

async fn reset_link_page(who: Visitor) -> Response {
    render(StatusCode::OK, &link_page(&RESET_LINK, &who, "/"))
}

/// Sends a link of `kind` to the address in the form, when an account has it; the answer is the
/// same either way, so that nobody learns who has an account. Past the e-mail limits (counted
/// for every address alike) the page says so, with a 429.
async fn ask_for_link(state: &AppState, who: &Visitor, client: Client, kind: &LinkKind, form: &EmailForm) -> Response {
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let next = local(Some(&form.next));
    let email = match Email::parse(form.email.trim()) {
        Ok(email) => email,
        Err(e) => {
            let mut page = link_page(kind, who, next);
            page.email = form.email.trim();
            page.errors = Errors::of(&ApiError::from(e)).labelled(&[("email", "E-mail address")]);
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let link = if kind.reset { Link::ResetPassword } else { Link::LogIn { next } };
    match send_link(state, client, &email, link).await {
        Ok(()) => {}
        Err(e @ AppError::Denied(Denial::TooManyEmails { .. })) => {
            let mut page = link_page(kind, who, next);
            page.email = form.email.trim();
            page.errors = Errors::of_app(&e);
            return render(status_of(&e), &page);
        }
        Err(e) => return failed("", &e),
    }
    let mut page = link_page(kind, who, next);
    page.sent = Some(if state.mailer.is_log_only() {
        format!(
            "If an account uses {email}, a link is on its way. This server has no e-mail set up: the link is written to its log.",
            email = email.as_str()
        )
    } else {
        format!(
            "If an account uses {email}, a link is on its way. Check your inbox (and the spam folder).",
            email = email.as_str()
        )
    });
    render(StatusCode::OK, &page)
}

async fn request_log_in_link(
    State(state): State<AppState>,
    who: Visitor,
    client: Client,
    FormData(form): FormData<EmailForm>,
) -> Response {
    ask_for_link(&state, &who, client, &LOG_IN_LINK, &form).await
}

async fn request_reset_link(
    State(state): State<AppState>,
    who: Visitor,
    client: Client,
    FormData(form): FormData<EmailForm>,
) -> Response {
    ask_for_link(&state, &who, client, &RESET_LINK, &form).await
}

#[derive(Template)]
#[template(path = "link_confirm.html")]
struct LinkConfirm<'a> {
    nav: Option<Nav>,
    token: &'a str,
    csrf: &'a str,
    next: &'a str,
}

/// A link that does not work (any more).
fn dead_link() -> Response {
    message(
        StatusCode::GONE,
        "This link no longer works",
        "Links sent by e-mail work once, until a newer one is sent, and expire. Ask for a new one: log in, then “E-mail me a link to log in”.",
    )
}

/// Opening the link only shows a button: mail scanners that open links do not use it up.
async fn confirm_link(who: Visitor, Path(token): Path<String>, Params(q): Params<NextQuery>) -> Response {
    if token.len() > 100 {
        return dead_link();
    }
    let page = LinkConfirm { nav: Some(who.nav()), token: &token, csrf: &who.csrf, next: local(q.next.as_deref()) };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
struct UseLinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

async fn use_link(
    State(state): State<AppState>,
    who: Visitor,
    Path(token): Path<String>,
    FormData(form): FormData<UseLinkForm>,
) -> Response {
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    match accounts::use_log_in_link(&state, &token).await {
        Ok(user) => logged_in(&state, &user, local(Some(&form.next))).await,
        Err(AppError::Denied(Denial::LinkNotWorking)) => dead_link(),
        Err(e) => failed("", &e),
    }
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage<'a> {
    nav: Option<Nav>,
    token: &'a str,
    csrf: &'a str,
    errors: Errors,
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

async fn reset_page(who: Visitor, Path(token): Path<String>) -> Response {
    if token.len() > 100 {
        return dead_link();
    }
    render(
        StatusCode::OK,
        &ResetPage { nav: Some(who.nav()), token: &token, csrf: &who.csrf, errors: Errors::default() },
    )
}

async fn reset(
    State(state): State<AppState>,
    who: Visitor,
    Path(token): Path<String>,
    FormData(form): FormData<ResetForm>,
) -> Response {
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    if let Err(e) = crate::password::check_new(&form.password) {
        let errors = Errors::of(&ApiError::from(e)).labelled(&[("password", "New password")]);
        let page = ResetPage { nav: Some(who.nav()), token: &token, csrf: &who.csrf, errors };
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    match accounts::reset_password(&state, &token, form.password).await {
        Ok(user) => logged_in(&state, &user, "/").await,
        Err(AppError::Denied(Denial::LinkNotWorking)) => dead_link(),
        Err(e) => failed("", &e),
    }
}

#[derive(Template)]
#[template(path = "verify_confirm.html")]
struct VerifyConfirm<'a> {
    nav: Option<Nav>,
    token: &'a str,
    csrf: &'a str,
}

/// Opening the link only shows a button, as for log-in links.
async fn confirm_verify_link(who: Visitor, Path(token): Path<String>) -> Response {
    if token.len() > 100 {
        return dead_link();
    }
    render(StatusCode::OK, &VerifyConfirm { nav: Some(who.nav()), token: &token, csrf: &who.csrf })
}

async fn use_verify_link(
    State(state): State<AppState>,
    who: Visitor,
    Path(token): Path<String>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    match verify_email(&state, &token).await {
        Ok(user) => message(
            StatusCode::OK,
            "Your e-mail address is confirmed",
            &format!("{} is yours: invitations to help run a venue sent to it can now be accepted.", user.email),
        ),
        Err(AppError::Denied(Denial::LinkNotWorking)) => dead_link(),
        Err(e) => failed("", &e),
    }
}

/// Sends the logged-in member the link that confirms their address again.
async fn ask_verify_link(
    State(state): State<AppState>,
    who: Visitor,
    client: Client,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    let Some(user) = &who.user else { return to_login("/host") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    match verify_again(&state, client, user).await {
        Ok(()) => message(
            StatusCode::OK,
            "A new link is on its way",
            &format!("We sent a link to {}: open it to confirm the address. Earlier links no longer work.", user.email),
        ),
        Err(e) => failed("No link sent", &e),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(log_in))
        .route("/logout", post(log_out))
        .route("/signup", get(signup_page).post(sign_up))
        .route("/login/email", get(log_in_link_page).post(request_log_in_link))
        .route("/login/email/{token}", get(confirm_link).post(use_link))
        .route("/password/forgot", get(reset_link_page).post(request_reset_link))
        .route("/password/reset/{token}", get(reset_page).post(reset))
        .route("/email/verify", post(ask_verify_link))
        .route("/email/verify/{token}", get(confirm_verify_link).post(use_verify_link))
}

#[cfg(test)]
mod tests {
    use super::local;

    #[test]
    fn only_paths_on_this_site_are_followed_after_log_in() {
        assert_eq!(local(Some("/check-in/x?code=AB")), "/check-in/x?code=AB");
        for elsewhere in ["//evil.example", "https://evil.example", "/\\evil.example", "evil", "/a\nb", "/é", "/a b"] {
            assert_eq!(local(Some(elsewhere)), "/", "{elsewhere:?}");
        }
        assert_eq!(local(None), "/");
    }
}
