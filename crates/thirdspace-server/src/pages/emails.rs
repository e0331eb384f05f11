//! A member's e-mail settings: one switch for each kind of e-mail they may get (log-in and
//! password links always go).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use thirdspace_domain::mail::MailKind;

use super::{failed, render, to_login, FormData, Nav, Params, Visitor};
use crate::app::mails;
use crate::AppState;

/// One kind of e-mail, as its checkbox shows it.
struct Switch {
    name: &'static str,
    words: &'static str,
    on: bool,
}

#[derive(Template)]
#[template(path = "emails.html")]
struct EmailsPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    switches: Vec<Switch>,
    saved: bool,
}

#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
}

async fn page(State(state): State<AppState>, who: Visitor, Params(q): Params<Done>) -> Response {
    let Some(user) = &who.user else { return to_login("/me/emails") };
    let settings = match mails::settings(&state, user).await {
        Ok(settings) => settings,
        Err(e) => return failed("", &e),
    };
    let switches =
        settings.into_iter().map(|(kind, on)| Switch { name: kind.as_str(), words: kind.words(), on }).collect();
    let page =
        EmailsPage { nav: Some(who.nav()), csrf: &who.csrf, switches, saved: q.done.as_deref() == Some("saved") };
    render(StatusCode::OK, &page)
}

/// The form as sent: its token, and a field for each kind ticked (an unticked checkbox sends
/// nothing).
async fn save(
    State(state): State<AppState>,
    who: Visitor,
    FormData(form): FormData<Vec<(String, String)>>,
) -> Response {
    let Some(user) = &who.user else { return to_login("/me/emails") };
    let csrf = form.iter().find(|(name, _)| name == "csrf").map(|(_, value)| value.as_str()).unwrap_or_default();
    if let Some(page) = who.refuse_forged(csrf) {
        return page;
    }
    let off: Vec<MailKind> =
        MailKind::ALL.into_iter().filter(|kind| !form.iter().any(|(name, _)| name == kind.as_str())).collect();
    match mails::set_settings(&state, user, &off).await {
        Ok(_) => Redirect::to("/me/emails?done=saved").into_response(),
        Err(e) => failed("", &e),
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/me/emails", get(page).post(save))
}
