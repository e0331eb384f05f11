//! The pages at the door: self check-in from the QR code (with log-in and back) and the kiosk.

use reqwest::redirect::Policy;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{spawn_app, Member, TestApp, MONDAY};

/// A browser-like client that shows redirects instead of following them, with no cookie jar.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

struct Page {
    status: StatusCode,
    location: String,
    cookie: Option<String>,
    html: String,
}

async fn send(req: reqwest::RequestBuilder) -> Page {
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let location = resp.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let cookie =
        resp.headers().get("set-cookie").and_then(|v| v.to_str().unwrap().split(';').next().map(str::to_owned));
    Page { status, location, cookie, html: resp.text().await.unwrap() }
}

async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> Page {
    let mut req = browser().get(app.url(path));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    send(req).await
}

async fn post(app: &TestApp, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Page {
    let mut req = browser().post(app.url(path)).form(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    send(req).await
}

/// The value of the hidden input `name` on a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

async fn log_in(app: &TestApp, who: &Member, next: &str) -> Page {
    post(app, "/login", None, &[("email", &who.email), ("password", "correct horse battery"), ("next", next)]).await
}

async fn checked_in(app: &TestApp) -> i64 {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", app.db_path.display())).await.unwrap();
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE status = 'checked_in'").fetch_one(&pool).await.unwrap();
    pool.close().await;
    n
}

#[tokio::test]
async fn the_qr_code_page_sends_a_stranger_through_log_in_and_back_then_checks_in_with_one_tap() {
    let app = spawn_app().await;
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 3).await;
    let code = app.code(&host, venue).await;
    let anna = app.member("Anna").await;
    let door = format!("/check-in/{venue}?code={code}");

    let first = get(&app, &door, None).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert!(first.location.starts_with("/login?next=%2Fcheck-in%2F"), "{}", first.location);
    let login = get(&app, &first.location, None).await;
    assert_eq!(login.status, StatusCode::OK);
    assert_eq!(hidden(&login.html, "next"), door);

    let wrong = post(&app, "/login", None, &[("email", &anna.email), ("password", "nope"), ("next", &door)]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.html.contains("do not match"), "{}", wrong.html);
    assert!(wrong.html.contains(&format!("value=\"{}\"", anna.email)), "the e-mail typed is kept");
    assert!(wrong.cookie.is_none());

    let logged = log_in(&app, &anna, &door).await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER);
    assert_eq!(logged.location, door, "back to the check-in page");
    let cookie = logged.cookie.expect("a session cookie");

    let page = get(&app, &door, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("Check in as Anna"), "{}", page.html);
    let csrf = hidden(&page.html, "csrf");

    // A form without this session's token changes nothing.
    let forged = post(&app, &format!("/check-in/{venue}"), Some(&cookie), &[("code", &code), ("csrf", "x")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(checked_in(&app).await, 0);

    let tapped = post(
        &app,
        &format!("/check-in/{venue}"),
        Some(&cookie),
        &[("code", &code), ("csrf", &csrf), ("focus", "Finishing a grant application")],
    )
    .await;
    assert_eq!(tapped.status, StatusCode::SEE_OTHER, "{}", tapped.html);
    assert_eq!(checked_in(&app).await, 1);
    let here = get(&app, &tapped.location, Some(&cookie)).await;
    assert!(here.html.contains("checked in at De Werkplaats"), "{}", here.html);
    let presence = app.get(&format!("/api/v1/venues/{venue}/presence"), Some(&anna)).await;
    assert_eq!(presence.body["people"]["items"][0]["focus"], "Finishing a grant application");

    let out = post(&app, &format!("/check-in/{venue}/out"), Some(&cookie), &[("code", &code), ("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(checked_in(&app).await, 0);
    let after = get(&app, &out.location, Some(&cookie)).await;
    assert!(after.html.contains("You checked out"), "{}", after.html);
}

#[tokio::test]
async fn the_qr_code_page_says_full_and_refuses_yesterdays_code() {
    let app = spawn_app().await;
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 1).await;
    let code = app.code(&host, venue).await;
    let (anna, bob) = (app.member("Anna").await, app.member("Bob").await);
    assert_eq!(app.arrive(&host, &anna, venue).await.status, StatusCode::OK);
    let cookie = log_in(&app, &bob, "/").await.cookie.unwrap();
    let door = format!("/check-in/{venue}?code={code}");
    let csrf = hidden(&get(&app, &door, Some(&cookie)).await.html, "csrf");
    let bookings = app.count("bookings").await;

    let full = post(&app, &format!("/check-in/{venue}"), Some(&cookie), &[("code", &code), ("csrf", &csrf)]).await;
    assert_eq!(full.status, StatusCode::CONFLICT);
    assert!(full.html.contains("Full: no seat is free right now"), "{}", full.html);
    assert_eq!(app.count("bookings").await, bookings, "nothing written");

    let stale = get(&app, &format!("/check-in/{venue}?code=AAAAAA"), Some(&cookie)).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.html.contains("is not today"), "{}", stale.html);
    let unknown = get(&app, &format!("/check-in/{}?code={code}", Uuid::new_v4()), Some(&cookie)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

async fn kiosk_token(app: &TestApp, host: &Member, venue: Uuid, kind: &str) -> String {
    let reply = app
        .post(&format!("/api/v1/venues/{venue}/screen-tokens"), Some(host), json!({"kind": kind, "name": "Door"}))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_kiosk_finds_people_booked_today_and_checks_them_in_and_out_in_two_taps() {
    let app = spawn_app().await;
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let token = kiosk_token(&app, &host, venue, "kiosk").await;
    let anna = app.member("Anna Jansen").await;
    let hidden_one = app.member("Annabel Hidden").await;
    let profile = |name: &str, visibility: &str| {
        json!({"display_name": name, "headline": "Designer", "offers": ["ux design"], "seeking": ["python"],
               "visibility": visibility, "open_to_meet": true})
    };
    app.call(reqwest::Method::PUT, "/api/v1/me/profile", Some(&hidden_one), Some(profile("Annabel Hidden", "hidden")))
        .await;
    let coder = app.member("Cas").await;
    let cas_profile = json!({"display_name": "Cas", "offers": ["python"], "seeking": ["ux design"], "visibility": "public", "open_to_meet": true});
    app.call(reqwest::Method::PUT, "/api/v1/me/profile", Some(&coder), Some(cas_profile)).await;
    app.call(reqwest::Method::PUT, "/api/v1/me/profile", Some(&anna), Some(profile("Anna Jansen", "public"))).await;
    for who in [&anna, &hidden_one] {
        assert_eq!(app.book(who, venue, MONDAY, "09:00", "17:00").await.status, StatusCode::CREATED);
    }
    assert_eq!(app.arrive(&host, &coder, venue).await.status, StatusCode::OK);

    let kiosk = format!("/venues/{venue}/kiosk?token={token}");
    let found = get(&app, &format!("{kiosk}&q=ann"), None).await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.html.contains("Anna Jansen") && found.html.contains("booked 09:00–17:00"), "{}", found.html);
    assert!(!found.html.contains("Annabel"), "a hidden person is not found by name");
    assert!(!found.html.contains(&anna.email), "no e-mail addresses on the kiosk");
    let by_email = get(&app, &format!("{kiosk}&q={}", hidden_one.email.to_uppercase()), None).await;
    assert!(by_email.html.contains("Annabel Hidden"), "anyone is found by their whole e-mail address");

    // Tap 1 was "Find"; tap 2 is "Check in".
    let welcome = post(
        &app,
        &format!("/venues/{venue}/kiosk"),
        None,
        &[("token", &token), ("user", &anna.id.to_string()), ("action", "in")],
    )
    .await;
    assert_eq!(welcome.status, StatusCode::OK, "{}", welcome.html);
    assert!(welcome.html.contains("Welcome, Anna Jansen"), "{}", welcome.html);
    assert!(welcome.html.contains("Cas"), "the top intro right after check-in: {}", welcome.html);
    assert_eq!(checked_in(&app).await, 2);

    let again = get(&app, &format!("{kiosk}&q=anna"), None).await;
    assert!(again.html.contains("Check out") && again.html.contains("here until 17:00"), "{}", again.html);
    let bye = post(
        &app,
        &format!("/venues/{venue}/kiosk"),
        None,
        &[("token", &token), ("user", &anna.id.to_string()), ("action", "out")],
    )
    .await;
    assert_eq!(bye.status, StatusCode::OK);
    assert!(bye.html.contains("Goodbye, Anna Jansen"));
    assert_eq!(checked_in(&app).await, 1);
}

#[tokio::test]
async fn the_kiosk_needs_its_own_token_and_acts_only_for_people_booked_today() {
    let app = spawn_app().await;
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (other, _) = app.venue(&host, 5).await;
    let display = kiosk_token(&app, &host, venue, "display").await;
    let elsewhere = kiosk_token(&app, &host, other, "kiosk").await;
    let token = kiosk_token(&app, &host, venue, "kiosk").await;
    let stranger = app.member("Stranger").await;

    assert_eq!(get(&app, &format!("/venues/{venue}/kiosk"), None).await.status, StatusCode::UNAUTHORIZED);
    for wrong in [&display, &elsewhere, &"garbage".to_owned()] {
        let page = get(&app, &format!("/venues/{venue}/kiosk?token={wrong}"), None).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{wrong}");
    }
    let bookings = app.count("bookings").await;
    for user in [stranger.id.to_string(), "not-a-uuid".to_owned(), String::new()] {
        let tried = post(
            &app,
            &format!("/venues/{venue}/kiosk"),
            None,
            &[("token", &token), ("user", &user), ("action", "in")],
        )
        .await;
        assert_eq!(tried.status, StatusCode::NOT_FOUND, "{user}");
    }
    assert_eq!(app.count("bookings").await, bookings, "no walk-in is made from the kiosk");
    let long = "x".repeat(300);
    assert_eq!(
        get(&app, &format!("/venues/{venue}/kiosk?token={token}&q={long}"), None).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let payload =
        get(&app, &format!("/venues/{venue}/kiosk?token={token}&q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"), None).await;
    assert_eq!(payload.status, StatusCode::OK);
    assert!(!payload.html.contains("<script>alert"), "what was typed comes back as text");

    let tokens = app.get(&format!("/api/v1/venues/{venue}/screen-tokens"), Some(&host)).await;
    let id = tokens.body["items"].as_array().unwrap().iter().find(|t| t["kind"] == "kiosk").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.call(reqwest::Method::DELETE, &format!("/api/v1/venues/{venue}/screen-tokens/{id}"), Some(&host), None).await;
    assert_eq!(get(&app, &format!("/venues/{venue}/kiosk?token={token}"), None).await.status, StatusCode::FORBIDDEN);
}
