use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Member, TestApp, MONDAY};

async fn check_in(app: &TestApp, who: &Member, venue: uuid::Uuid, body: Value) -> crate::helpers::Reply {
    app.post(&format!("/api/v1/venues/{venue}/check-ins"), Some(who), body).await
}

async fn set_visibility(app: &TestApp, who: &Member, name: &str, visibility: &str) {
    let body = json!({"display_name": name, "offers": ["rust"], "visibility": visibility});
    let reply = app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn self_check_in_with_todays_code_claims_the_booking() {
    let app = spawn_app().await;
    let host = app.member("Host").await;
    let anna = app.member("Anna").await;
    let (venue, _) = app.venue(&host, 2).await;
    let booking = app.book(&anna, venue, MONDAY, "09:00", "17:00").await;
    let code = app.code(&host, venue).await;
    let wrong = check_in(&app, &anna, venue, json!({"code": "WRONG1"})).await;
    assert_eq!(
        (wrong.status, wrong.code(), wrong.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_check_in_code", "code")
    );
    let reply = check_in(&app, &anna, venue, json!({"code": code.to_lowercase()})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["walk_in"], false);
    assert_eq!(reply.body["booking"]["id"], booking.body["id"]);
    assert_eq!(reply.body["booking"]["status"], "checked_in");
    let again = check_in(&app, &anna, venue, json!({"code": code})).await;
    assert_eq!(again.body["booking"]["id"], booking.body["id"], "checking in twice changes nothing");
    assert_eq!(app.count("bookings").await, 1);
}

#[tokio::test]
async fn a_walk_in_gets_a_booking_while_a_seat_is_free_and_a_clear_no_when_full() {
    let app = spawn_app().await;
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 1).await;
    let code = app.code(&host, venue).await;
    let (anna, bob) = (app.member("Anna").await, app.member("Bob").await);
    let walked = check_in(&app, &anna, venue, json!({"code": code, "focus": "Grant proposal"})).await;
    assert_eq!(walked.status, StatusCode::OK, "{}", walked.body);
    assert_eq!(walked.body["walk_in"], true);
    assert_eq!(walked.body["booking"]["end"], "18:00", "a walk-in lasts until closing");
    assert_eq!(walked.body["booking"]["focus"], "Grant proposal");
    let full = check_in(&app, &bob, venue, json!({"code": code})).await;
    assert_eq!((full.status, full.code()), (StatusCode::CONFLICT, "seats_gone"));
    let no_walk_in = check_in(&app, &bob, venue, json!({"code": code, "walk_in": false})).await;
    assert_eq!(no_walk_in.code(), "no_booking_now");
}

#[tokio::test]
async fn a_walk_in_is_refused_while_the_venue_is_closed() {
    let app = spawn_app().await;
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 3).await;
    app.clock.advance(10 * 3600);
    let code = app.code(&host, venue).await;
    let anna = app.member("Anna").await;
    let closed = check_in(&app, &anna, venue, json!({"code": code})).await;
    assert_eq!((closed.status, closed.code()), (StatusCode::CONFLICT, "venue_closed"));
}

#[tokio::test]
async fn staff_check_members_in_and_out_but_members_cannot_check_in_others() {
    let app = spawn_app().await;
    let host = app.member("Host").await;
    let (anna, bob) = (app.member("Anna").await, app.member("Bob").await);
    let (venue, _) = app.venue(&host, 3).await;
    let by_bob = check_in(&app, &bob, venue, json!({"user_id": anna.id})).await;
    assert_eq!(by_bob.status, StatusCode::FORBIDDEN);
    let by_host = check_in(&app, &host, venue, json!({"user_id": anna.id})).await;
    assert_eq!(by_host.status, StatusCode::OK, "{}", by_host.body);
    let out_by_bob =
        app.post(&format!("/api/v1/venues/{venue}/check-outs"), Some(&bob), json!({"user_id": anna.id})).await;
    assert_eq!(out_by_bob.status, StatusCode::FORBIDDEN);
    let out = app.post(&format!("/api/v1/venues/{venue}/check-outs"), Some(&host), json!({"user_id": anna.id})).await;
    assert_eq!(out.body["status"], "checked_out");
    let again = app.post(&format!("/api/v1/venues/{venue}/check-outs"), Some(&anna), json!({})).await;
    assert_eq!(again.code(), "not_checked_in");
    let unknown = check_in(&app, &host, venue, json!({"user_id": uuid::Uuid::new_v4()})).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn everyone_is_checked_out_when_the_venue_closes() {
    let app = spawn_app().await;
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 3).await;
    let anna = app.member("Anna").await;
    set_visibility(&app, &anna, "Anna", "public").await;
    check_in(&app, &host, venue, json!({"user_id": anna.id})).await;
    let here = app.get(&format!("/api/v1/venues/{venue}/presence"), None).await;
    assert_eq!(here.body["present"], 1);
    app.clock.advance(9 * 3600);
    let after = app.get(&format!("/api/v1/venues/{venue}/presence"), None).await;
    assert_eq!(after.body["present"], 0, "nobody is here after closing");
    use thirdspace_store::Store;
    assert_eq!(app.store.check_out_at_closing(app.clock_now()).await.unwrap(), 1);
    let mine = app.get("/api/v1/me/bookings?when=past", Some(&anna)).await;
    assert_eq!(mine.body["items"][0]["status"], "checked_out");
    assert_eq!(mine.body["items"][0]["checked_out_at"], "2026-11-23T17:00:00Z");
}

#[tokio::test]
async fn who_is_here_names_people_only_as_their_visibility_allows() {
    let app = spawn_app().await;
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (public, local, hidden, viewer) =
        (app.member("Pat").await, app.member("Val").await, app.member("Hid").await, app.member("Vic").await);
    set_visibility(&app, &public, "Pat Public", "public").await;
    set_visibility(&app, &local, "Val Venue", "venue").await;
    set_visibility(&app, &hidden, "Hid Hidden", "hidden").await;
    for m in [&public, &local, &hidden] {
        assert_eq!(check_in(&app, &host, venue, json!({"user_id": m.id})).await.status, StatusCode::OK);
    }
    let names = |reply: &crate::helpers::Reply| -> Vec<String> {
        reply.body["people"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["display_name"].as_str().unwrap().to_owned())
            .collect()
    };
    let anonymous = app.get(&format!("/api/v1/venues/{venue}/presence"), None).await;
    assert_eq!(anonymous.body["present"], 3);
    assert_eq!(names(&anonymous), ["Pat Public"]);
    assert_eq!(anonymous.body["not_shown"], 2);
    let outside = app.get(&format!("/api/v1/venues/{venue}/presence"), Some(&viewer)).await;
    assert_eq!(names(&outside), ["Pat Public"]);
    check_in(&app, &host, venue, json!({"user_id": viewer.id})).await;
    let inside = app.get(&format!("/api/v1/venues/{venue}/presence"), Some(&viewer)).await;
    assert_eq!(inside.body["present"], 4);
    let seen = names(&inside);
    assert!(seen.contains(&"Val Venue".to_owned()) && seen.contains(&"Pat Public".to_owned()));
    assert!(!inside.body.to_string().contains("Hid Hidden"), "a hidden person is never named");
    assert!(!inside.body.to_string().contains(&hidden.id.to_string()), "nor identified");
    let own = app.get(&format!("/api/v1/venues/{venue}/presence"), Some(&hidden)).await;
    assert!(names(&own).contains(&"Hid Hidden".to_owned()), "people see themselves");
}

#[tokio::test]
async fn arriving_early_takes_the_seat_from_now_only_when_one_is_free_until_the_booking_starts() {
    let app = spawn_app().await;
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 1).await;
    let code = app.code(&host, venue).await;
    let (anna, bob) = (app.member("Anna").await, app.member("Bob").await);
    assert_eq!(app.book(&anna, venue, MONDAY, "10:00", "12:00").await.status, StatusCode::CREATED);
    assert_eq!(app.book(&bob, venue, MONDAY, "09:00", "09:45").await.status, StatusCode::CREATED);
    app.clock.advance(15 * 60);
    let too_early = check_in(&app, &anna, venue, json!({"code": code, "walk_in": false})).await;
    assert_eq!(
        (too_early.status, too_early.code()),
        (StatusCode::CONFLICT, "seats_gone"),
        "Bob holds the seat until 09:45"
    );
    app.clock.advance(30 * 60);
    let early = check_in(&app, &anna, venue, json!({"code": code, "walk_in": false})).await;
    assert_eq!(early.status, StatusCode::OK, "{}", early.body);
    assert_eq!(early.body["booking"]["start"], "09:45");
    assert_eq!(early.body["booking"]["starts_at"], "2026-11-23T08:45:00Z");
}
