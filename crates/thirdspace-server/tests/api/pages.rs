//! The pages at the door: self check-in from the QR code (with log-in and back) and the kiosk.

use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{spawn_app, TestApp, MONDAY};
use crate::web::Web;

async fn checked_in(app: &TestApp) -> i64 {
    app.count("bookings WHERE status = 'checked_in'").await
}

#[tokio::test]
async fn the_qr_code_page_sends_a_stranger_through_log_in_and_back_then_checks_in_with_one_tap() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 3).await;
    let code = app.code(&host, venue).await;
    let anna = app.member("Anna").await;
    let door = format!("/check-in/{venue}?code={code}");
    let web = Web::new(&app);

    let first = web.get(&door).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert!(first.location.starts_with("/login?next=%2Fcheck-in%2F"), "{}", first.location);
    let login = web.get(&first.location).await;
    assert_eq!(login.status, StatusCode::OK);
    assert_eq!(login.hidden("next"), door);

    let wrong =
        web.submit(&first.location, "/login", &[("email", &anna.email), ("password", "nope"), ("next", &door)]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.html.contains("do not match"), "{}", wrong.html);
    assert!(wrong.html.contains(&format!("value=\"{}\"", anna.email)), "the e-mail typed is kept");
    let forged_login = web.post("/login", &[("email", &anna.email), ("password", "correct horse battery")]).await;
    assert_eq!(forged_login.status, StatusCode::FORBIDDEN, "a log-in form without its token is refused");

    let logged = web
        .submit(
            &first.location,
            "/login",
            &[("email", &anna.email), ("password", "correct horse battery"), ("next", &door)],
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER);
    assert_eq!(logged.location, door, "back to the check-in page");

    let page = web.get(&door).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("Check in as Anna"), "{}", page.html);

    // A form without this session's token changes nothing.
    let forged = web.post(&format!("/check-in/{venue}"), &[("code", &code), ("csrf", "x")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(checked_in(&app).await, 0);

    let tapped = web
        .submit(&door, &format!("/check-in/{venue}"), &[("code", &code), ("focus", "Finishing a grant application")])
        .await;
    assert_eq!(tapped.status, StatusCode::SEE_OTHER, "{}", tapped.html);
    assert_eq!(checked_in(&app).await, 1);
    let here = web.get(&tapped.location).await;
    assert!(here.html.contains("checked in at De Werkplaats"), "{}", here.html);
    let presence = app.get(&format!("/api/v1/venues/{venue}/presence"), Some(&anna)).await;
    assert_eq!(presence.body["people"]["items"][0]["focus"], "Finishing a grant application");

    let out = web.submit(&door, &format!("/check-in/{venue}/out"), &[("code", &code)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(checked_in(&app).await, 0);
    let after = web.get(&out.location).await;
    assert!(after.html.contains("You checked out"), "{}", after.html);
}

#[tokio::test]
async fn the_qr_code_page_says_full_and_refuses_yesterdays_code() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 1).await;
    let code = app.code(&host, venue).await;
    let (anna, bob) = (app.member("Anna").await, app.member("Bob").await);
    assert_eq!(app.arrive(&host, &anna, venue).await.status, StatusCode::OK);
    let web = Web::new(&app);
    web.log_in(&bob).await;
    let door = format!("/check-in/{venue}?code={code}");
    let bookings = app.count("bookings").await;

    let full = web.submit(&door, &format!("/check-in/{venue}"), &[("code", &code)]).await;
    assert_eq!(full.status, StatusCode::CONFLICT);
    assert!(full.html.contains("Full: no seat is free right now"), "{}", full.html);
    assert_eq!(app.count("bookings").await, bookings, "nothing written");

    let stale = web.get(&format!("/check-in/{venue}?code=AAAAAA")).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.html.contains("is not today"), "{}", stale.html);
    let unknown = web.get(&format!("/check-in/{}?code={code}", Uuid::new_v4())).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_kiosk_finds_people_booked_today_and_checks_them_in_and_out_in_two_taps() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let token = app.screen_token(&host, venue, "kiosk").await;
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
    let web = Web::new(&app);
    let found = web.get(&format!("{kiosk}&q=ann")).await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.html.contains("Anna Jansen") && found.html.contains("booked for today"), "{}", found.html);
    assert!(!found.html.contains("Annabel"), "a hidden person is not found by name");
    assert!(!found.html.contains(&anna.email), "no e-mail addresses on the kiosk");
    let by_email = web.get(&format!("{kiosk}&q={}", hidden_one.email.to_uppercase())).await;
    assert!(by_email.html.contains("Annabel Hidden"), "anyone is found by their whole e-mail address");

    // Tap 1 was "Find"; tap 2 is "Check in".
    let welcome = web
        .post(&format!("/venues/{venue}/kiosk"), &[("token", &token), ("user", &anna.id.to_string()), ("action", "in")])
        .await;
    assert_eq!(welcome.status, StatusCode::OK, "{}", welcome.html);
    assert!(welcome.html.contains("Welcome, Anna Jansen"), "{}", welcome.html);
    assert!(welcome.html.contains("Cas"), "the top intro right after check-in: {}", welcome.html);
    assert_eq!(checked_in(&app).await, 2);

    let again = web.get(&format!("{kiosk}&q=anna")).await;
    assert!(again.html.contains("Check out") && again.html.contains("here, booked until 17:00"), "{}", again.html);
    let bye = web
        .post(
            &format!("/venues/{venue}/kiosk"),
            &[("token", &token), ("user", &anna.id.to_string()), ("action", "out")],
        )
        .await;
    assert_eq!(bye.status, StatusCode::OK);
    assert!(bye.html.contains("Goodbye, Anna Jansen"));
    assert_eq!(checked_in(&app).await, 1);
}

#[tokio::test]
async fn the_kiosk_needs_its_own_token_and_acts_only_for_people_booked_today() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (other, _) = app.venue(&host, 5).await;
    let display = app.screen_token(&host, venue, "display").await;
    let elsewhere = app.screen_token(&host, other, "kiosk").await;
    let token = app.screen_token(&host, venue, "kiosk").await;
    let stranger = app.member("Stranger").await;
    let web = Web::new(&app);

    assert_eq!(web.get(&format!("/venues/{venue}/kiosk")).await.status, StatusCode::UNAUTHORIZED);
    for wrong in [&display, &elsewhere, &"garbage".to_owned()] {
        let page = web.get(&format!("/venues/{venue}/kiosk?token={wrong}")).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{wrong}");
    }
    let bookings = app.count("bookings").await;
    for user in [stranger.id.to_string(), "not-a-uuid".to_owned(), String::new()] {
        let tried =
            web.post(&format!("/venues/{venue}/kiosk"), &[("token", &token), ("user", &user), ("action", "in")]).await;
        assert_eq!(tried.status, StatusCode::NOT_FOUND, "{user}");
    }
    assert_eq!(app.count("bookings").await, bookings, "no walk-in is made from the kiosk");
    let long = "x".repeat(300);
    assert_eq!(
        web.get(&format!("/venues/{venue}/kiosk?token={token}&q={long}")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let payload = web.get(&format!("/venues/{venue}/kiosk?token={token}&q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")).await;
    assert_eq!(payload.status, StatusCode::OK);
    assert!(!payload.html.contains("<script>alert"), "what was typed comes back as text");

    let tokens = app.get(&format!("/api/v1/venues/{venue}/screen-tokens"), Some(&host)).await;
    let id = tokens.body["items"].as_array().unwrap().iter().find(|t| t["kind"] == "kiosk").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.call(reqwest::Method::DELETE, &format!("/api/v1/venues/{venue}/screen-tokens/{id}"), Some(&host), None).await;
    assert_eq!(web.get(&format!("/venues/{venue}/kiosk?token={token}")).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn someone_booked_checks_in_from_the_qr_code_even_when_walk_ins_have_stopped() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 3).await;
    let code = app.code(&host, venue).await;
    let anna = app.member("Anna").await;
    assert_eq!(app.book(&anna, venue, MONDAY, "17:30", "18:00").await.status, StatusCode::CREATED);
    // 17:50 in Amsterdam: ten minutes before closing, too late for a walk-in.
    app.clock.set(crate::helpers::MONDAY_9AM + 8 * 3600 + 50 * 60);
    let web = Web::new(&app);
    web.log_in(&anna).await;
    let door = format!("/check-in/{venue}?code={code}");
    let tapped = web.submit(&door, &format!("/check-in/{venue}"), &[("code", &code)]).await;
    assert_eq!(tapped.status, StatusCode::SEE_OTHER, "{}", tapped.html);
    let again = web.submit(&door, &format!("/check-in/{venue}"), &[("code", &code)]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "tapping twice is fine: {}", again.html);
    let bob = app.member("Bob").await;
    let other = Web::new(&app);
    other.log_in(&bob).await;
    let late = other.submit(&door, &format!("/check-in/{venue}"), &[("code", &code)]).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.html.contains("quarter of an hour"), "{}", late.html);
    let out = web.submit(&door, &format!("/check-in/{venue}/out"), &[("code", &code)]).await;
    let twice = web.submit(&door, &format!("/check-in/{venue}/out"), &[("code", &code)]).await;
    assert_eq!(
        (out.status, twice.status),
        (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER),
        "checking out twice is fine"
    );
}

#[tokio::test]
async fn the_kiosk_finds_and_checks_out_someone_whose_booking_has_ended_but_who_is_still_here() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 3).await;
    let token = app.screen_token(&host, venue, "kiosk").await;
    let anna = app.member("Anna Jansen").await;
    app.book(&anna, venue, MONDAY, "09:00", "10:00").await;
    app.post(&format!("/api/v1/venues/{venue}/check-ins"), Some(&host), json!({"user_id": anna.id})).await;
    app.clock.advance(90 * 60);
    let presence = app.get(&format!("/api/v1/venues/{venue}/presence"), Some(&host)).await;
    assert_eq!(presence.body["present"], 1, "still here after the booking ended");
    let web = Web::new(&app);
    let found = web.get(&format!("/venues/{venue}/kiosk?token={token}&q=anna")).await;
    assert!(found.html.contains("Check out") && found.html.contains("1 person found."), "{}", found.html);
    let bye = web
        .post(
            &format!("/venues/{venue}/kiosk"),
            &[("token", &token), ("user", &anna.id.to_string()), ("action", "out")],
        )
        .await;
    assert_eq!(bye.status, StatusCode::OK, "{}", bye.html);
    assert_eq!(checked_in(&app).await, 0);
}

#[tokio::test]
async fn pages_answer_ugly_requests_with_pages_and_carry_protective_headers() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 3).await;
    let web = Web::new(&app);
    let repeated = web.get(&format!("/check-in/{venue}?code=a&code=b")).await;
    assert_eq!(repeated.status, StatusCode::BAD_REQUEST);
    assert!(repeated.html.contains("<h1>This address is not right</h1>"), "{}", repeated.html);
    let json_body = reqwest::Client::new()
        .post(app.url("/login"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(json_body.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(json_body.text().await.unwrap().contains("This is not a form"));
    let nowhere = reqwest::Client::new().get(app.url("/check-in/")).header("accept", "text/html").send().await.unwrap();
    assert_eq!(nowhere.status(), StatusCode::NOT_FOUND);
    assert!(nowhere.text().await.unwrap().contains("Nothing here"), "a browser gets a page");
    let api = app.get("/api/v1/nowhere", None).await;
    assert_eq!(api.code(), "not_found", "an API client gets JSON");

    let home = reqwest::Client::new().get(app.url("/")).send().await.unwrap();
    let h = home.headers();
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    let css = reqwest::Client::new().get(app.url("/assets/site.css")).send().await.unwrap();
    assert_eq!(css.headers()["cache-control"], "public, max-age=3600", "assets stay cacheable");
    for path in ["/no/such/page", "/api/docs/"] {
        let page = reqwest::Client::new().get(app.url(path)).header("accept", "text/html").send().await.unwrap();
        let h = page.headers();
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        let policy = h["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains("script-src 'self'"), "{path}: {policy}");
    }
}
