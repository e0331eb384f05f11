//! Pages served by the binary, with their assets: no build step, nothing from the internet.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use uuid::Uuid;

use crate::routes::{may_show, ScreenQuery};
use crate::AppState;

const DASHBOARD_JS: &str = include_str!("../assets/dashboard.js");
const DASHBOARD_CSS: &str = include_str!("../assets/dashboard.css");

/// Text made safe to place in HTML, as element content or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

fn message(status: StatusCode, title: &str, text: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title><link rel=\"stylesheet\" href=\"/assets/dashboard.css\"></head><body><header><h1>{t}</h1></header>\
         <main><p>{x}</p></main></body></html>",
        t = escape(title),
        x = escape(text)
    );
    (status, Html(page)).into_response()
}

/// The venue's full-screen dashboard, opened by a link with a display token.
async fn dashboard(State(state): State<AppState>, Path(venue): Path<String>, Query(q): Query<ScreenQuery>) -> Response {
    let Ok(venue) = Uuid::parse_str(&venue) else {
        return message(StatusCode::NOT_FOUND, "No such venue", "Check the screen's link.");
    };
    let found = match state.store.venue(venue).await {
        Ok(Some(v)) => v,
        Ok(None) => return message(StatusCode::NOT_FOUND, "No such venue", "Check the screen's link."),
        Err(e) => {
            tracing::error!(error = %e, "loading a venue for its dashboard failed");
            return message(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "Try again in a moment.");
        }
    };
    let Some(token) = q.token.as_deref() else {
        return message(
            StatusCode::UNAUTHORIZED,
            "A display token is needed",
            "Ask the venue's host for the screen's link.",
        );
    };
    if may_show(&state, venue, Some(token), None).await.is_err() {
        return message(
            StatusCode::FORBIDDEN,
            "This screen's link no longer works",
            "The display token is not valid for this venue, or it was revoked. Ask the host for a new link.",
        );
    }
    let name = escape(&found.name);
    let page = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{name} — who is here</title>
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body>
<header>
  <h1>{name}</h1>
  <div class="counters" aria-label="today">
    <span><b id="here">0</b> here</span>
    <span><b id="suggested">0</b> intros suggested</span>
    <span><b id="accepted">0</b> accepted</span>
    <span><b id="topics">0</b> topics</span>
  </div>
  <div id="time" aria-label="local time"></div>
</header>
<main id="dashboard" data-venue="{venue}" data-token="{token}">
  <section aria-labelledby="who">
    <h2 id="who">Who is here <span id="page" class="page"></span></h2>
    <div id="people"></div>
  </section>
  <div class="side">
    <section aria-labelledby="meet"><h2 id="meet">Meet</h2><ul id="intros"></ul></section>
    <section aria-labelledby="asks"><h2 id="asks">Asking the room</h2><ul id="questions"></ul></section>
    <section aria-labelledby="checkin"><h2 id="checkin">Check in</h2>
      <div id="qr"><img alt="QR code to check in here today" src="/api/v1/venues/{venue}/check-in-qr.svg?token={token}"></div>
    </section>
  </div>
</main>
<script src="/assets/dashboard.js"></script>
</body>
</html>
"#,
        token = escape(token),
    );
    Html(page).into_response()
}

/// The pages and their assets.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/venues/{venue}/screen", get(dashboard))
        .route("/assets/dashboard.js", get(|| async { asset("text/javascript; charset=utf-8", DASHBOARD_JS) }))
        .route("/assets/dashboard.css", get(|| async { asset("text/css; charset=utf-8", DASHBOARD_CSS) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(
            escape(r#"<img src=x onerror="alert(1)">&'"#),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;"
        );
    }
}
