//! Logging in from a page, and coming back to where one was going.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::{failure, render, PageUser};
use crate::routes::{authenticate, new_session};
use crate::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    next: &'a str,
    email: &'a str,
    reason: Option<&'a str>,
    error: Option<&'a str>,
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Where to go after logging in: a path on this site, never another site.
fn local(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && path.len() <= 2048
                && !path.chars().any(char::is_control) =>
        {
            path
        }
        _ => "/",
    }
}

async fn page(user: Option<PageUser>, Query(q): Query<LoginQuery>) -> Response {
    let next = local(q.next.as_deref());
    if user.is_some() {
        return Redirect::to(next).into_response();
    }
    let reason = (next != "/").then_some("Log in to go on.");
    render(StatusCode::OK, &LoginPage { next, email: "", reason, error: None })
}

async fn log_in(State(state): State<AppState>, Form(form): Form<LoginForm>) -> Response {
    let next = local(Some(&form.next));
    let user = match authenticate(&state, form.email.trim(), form.password).await {
        Ok(user) => user,
        Err(e) if e.status == StatusCode::UNAUTHORIZED => {
            let error = Some("That e-mail address and password do not match an account.");
            return render(
                StatusCode::UNAUTHORIZED,
                &LoginPage { next, email: form.email.trim(), reason: None, error },
            );
        }
        Err(e) => return failure("Could not log in", &e),
    };
    match new_session(&state, user.id).await {
        Ok(cookie) => ([(header::SET_COOKIE, cookie)], Redirect::to(next)).into_response(),
        Err(e) => failure("Could not log in", &e),
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/login", get(page).post(log_in))
}

#[cfg(test)]
mod tests {
    use super::local;

    #[test]
    fn only_paths_on_this_site_are_followed_after_log_in() {
        assert_eq!(local(Some("/check-in/x?code=AB")), "/check-in/x?code=AB");
        for elsewhere in ["//evil.example", "https://evil.example", "/\\evil.example", "evil", "/a\nb"] {
            assert_eq!(local(Some(elsewhere)), "/", "{elsewhere:?}");
        }
        assert_eq!(local(None), "/");
    }
}
