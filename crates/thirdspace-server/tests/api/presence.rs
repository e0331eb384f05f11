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
    let Some(app) = spawn_app().await else { return };
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
    let events = app.count("outbox").await;
    let again = check_in(&app, &anna, venue, json!({"code": code})).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body["booking"]["id"], booking.body["id"], "checking in twice changes nothing");
    assert_eq!(app.count("bookings").await, 1);
    assert_eq!(app.count("outbox").await, events, "nor tells anyone of it");
    let wrong_again = check_in(&app, &anna, venue, json!({"code": "WRONG1"})).await;
    assert_eq!(wrong_again.status, StatusCode::UNPROCESSABLE_ENTITY, "the code is checked still");
}

#[tokio::test]
async fn a_walk_in_gets_a_booking_while_a_seat_is_free_and_a_clear_no_when_full() {
    let Some(app) = spawn_app().await else { return };
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
    let Some(app) = spawn_app().await else { return };
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
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (anna, bob) = (app.member("Anna").await, app.member("Bob").await);
    let (venue, _) = app.venue(&host, 3).await;
    let by_bob = check_in(&app, &bob, venue, json!({"user_id": anna.id})).await;
    assert_eq!(by_bob.status, StatusCode::FORBIDDEN);
    let no_booking = check_in(&app, &host, venue, json!({"user_id": anna.id})).await;
    assert_eq!(no_booking.code(), "no_booking_now", "staff claim a member's booking; only members walk in");
    let by_host = app.arrive(&host, &anna, venue).await;
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
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 3).await;
    let anna = app.member("Anna").await;
    set_visibility(&app, &anna, "Anna", "public").await;
    app.arrive(&host, &anna, venue).await;
    let here = app.get(&format!("/api/v1/venues/{venue}/presence"), None).await;
    assert_eq!(here.body["present"], 1);
    app.clock.advance(9 * 3600);
    let after = app.get(&format!("/api/v1/venues/{venue}/presence"), None).await;
    assert_eq!(after.body["present"], 0, "nobody is here after closing");
    assert_eq!(app.store.check_out_at_closing(app.clock_now()).await.unwrap(), 1);
    let mine = app.get("/api/v1/me/bookings?when=past", Some(&anna)).await;
    assert_eq!(mine.body["items"][0]["status"], "checked_out");
    assert_eq!(mine.body["items"][0]["checked_out_at"], "2026-11-23T17:00:00Z");
}

#[tokio::test]
async fn who_is_here_names_people_only_as_their_visibility_allows() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (public, local, hidden, viewer) =
        (app.member("Pat").await, app.member("Val").await, app.member("Hid").await, app.member("Vic").await);
    set_visibility(&app, &public, "Pat Public", "public").await;
    set_visibility(&app, &local, "Val Venue", "venue").await;
    set_visibility(&app, &hidden, "Hid Hidden", "hidden").await;
    for m in [&public, &local, &hidden] {
        assert_eq!(app.arrive(&host, m, venue).await.status, StatusCode::OK);
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
    app.arrive(&host, &viewer, venue).await;
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
    let Some(app) = spawn_app().await else { return };
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

#[tokio::test]
async fn nobody_is_checked_in_at_two_venues_at_once() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (a, _) = app.venue(&host, 2).await;
    let (b, _) = app.venue(&host, 2).await;
    let anna = app.member("Anna").await;
    assert_eq!(app.book(&anna, a, MONDAY, "09:00", "10:00").await.status, StatusCode::CREATED);
    assert_eq!(app.book(&anna, b, MONDAY, "10:00", "11:00").await.status, StatusCode::CREATED);
    assert_eq!(check_in(&app, &host, a, json!({"user_id": anna.id})).await.status, StatusCode::OK);
    let code_b = app.code(&host, b).await;
    let early_at_b = check_in(&app, &anna, b, json!({"code": code_b})).await;
    assert_eq!(early_at_b.code(), "overlapping_booking", "still holding the seat at A until 10:00");
    app.clock.advance(3600 + 60);
    let moved_on = check_in(&app, &anna, b, json!({"code": code_b})).await;
    assert_eq!(moved_on.status, StatusCode::OK, "{}", moved_on.body);
    let at_a = app.get(&format!("/api/v1/venues/{a}/presence"), Some(&host)).await;
    assert_eq!(at_a.body["present"], 0, "the booking at A that was over ended where it ended");
}

#[tokio::test]
async fn arriving_more_than_an_hour_early_or_before_a_break_is_too_early() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let mut body = crate::helpers::venue_body("Split", "Utrecht");
    body["opening_hours"] = json!([
        {"day": "monday", "opens": "08:00", "closes": "09:30"},
        {"day": "monday", "opens": "10:00", "closes": "18:00"}
    ]);
    let venue: uuid::Uuid =
        app.post("/api/v1/venues", Some(&host), body).await.body["id"].as_str().unwrap().parse().unwrap();
    app.space(&host, venue, 3).await;
    let code = app.code(&host, venue).await;
    let anna = app.member("Anna").await;
    assert_eq!(app.book(&anna, venue, MONDAY, "10:00", "12:00").await.status, StatusCode::CREATED);
    let before_the_break = check_in(&app, &anna, venue, json!({"code": code})).await;
    assert_eq!(before_the_break.code(), "too_early", "{}", before_the_break.body);
    let bob = app.member("Bob").await;
    assert_eq!(app.book(&bob, venue, MONDAY, "15:00", "17:00").await.status, StatusCode::CREATED);
    let hours_early = check_in(&app, &bob, venue, json!({"code": code})).await;
    assert_eq!(hours_early.code(), "too_early", "{}", hours_early.body);
    app.clock.advance(45 * 60);
    let in_the_break = check_in(&app, &anna, venue, json!({"code": code})).await;
    assert_eq!(in_the_break.code(), "venue_closed");
}

#[tokio::test]
async fn a_day_view_names_who_booked_but_never_gives_their_e_mail() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 2).await;
    let anna = app.member("Anna").await;
    app.book(&anna, venue, MONDAY, "10:00", "12:00").await;
    let day = app.get(&format!("/api/v1/venues/{venue}/bookings"), Some(&host)).await;
    assert_eq!(day.body["items"][0]["display_name"], "Anna");
    assert!(!day.body.to_string().contains(&anna.email));
}

#[tokio::test]
async fn who_is_here_follows_changes_made_on_this_instance_at_once_and_on_another_soon_after() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (ana, bo) = (app.member("Ana").await, app.member("Bo").await);
    set_visibility(&app, &ana, "Ana Public", "public").await;
    set_visibility(&app, &bo, "Bo Public", "public").await;
    let path = format!("/api/v1/venues/{venue}/presence");
    assert_eq!(app.get(&path, None).await.body["present"], 0);
    assert_eq!(app.arrive(&host, &ana, venue).await.status, StatusCode::OK);
    assert_eq!(app.get(&path, None).await.body["present"], 1, "a check-in shows at once");
    assert_eq!(app.get(&path, None).await.body["present"], 1, "and again from the view kept");
    set_visibility(&app, &ana, "Ana Hidden", "hidden").await;
    let hidden = app.get(&path, None).await;
    assert_eq!((hidden.body["present"].clone(), hidden.body["not_shown"].clone()), (json!(1), json!(1)));
    assert!(!hidden.body.to_string().contains("Ana"), "hidden at once: {}", hidden.body);

    // Changes made through another instance reach this one's view by the outbox.
    let (other, _stop) = app.another_instance().await;
    let on_other = |path: &str| format!("{other}{path}");
    assert_eq!(app.book(&bo, venue, MONDAY, "09:00", "17:00").await.status, StatusCode::CREATED);
    let arrived = app
        .client
        .post(on_other(&format!("/api/v1/venues/{venue}/check-ins")))
        .bearer_auth(&host.token)
        .json(&json!({"user_id": bo.id}))
        .send()
        .await
        .unwrap();
    assert!(arrived.status().is_success(), "{}", arrived.status());
    let both = || async {
        let here = app.get(&path, None).await;
        (here.body["present"] == 2 && here.body.to_string().contains("Bo Public")).then_some(())
    };
    crate::helpers::eventually("Bo's check-in on the other instance shows here", both).await;
    let profile = json!({"display_name": "Bo Hidden", "offers": ["rust"], "visibility": "hidden"});
    let hid =
        app.client.put(on_other("/api/v1/me/profile")).bearer_auth(&bo.token).json(&profile).send().await.unwrap();
    assert!(hid.status().is_success(), "{}", hid.status());
    let nobody_named = || async {
        let here = app.get(&path, None).await;
        (here.body["not_shown"] == 2 && !here.body.to_string().contains("Bo ")).then_some(())
    };
    crate::helpers::eventually("Bo hidden on the other instance is hidden here", nobody_named).await;
    let left = app
        .client
        .post(on_other(&format!("/api/v1/venues/{venue}/check-outs")))
        .bearer_auth(&host.token)
        .json(&json!({"user_id": bo.id}))
        .send()
        .await
        .unwrap();
    assert!(left.status().is_success(), "{}", left.status());
    let one = || async { (app.get(&path, None).await.body["present"] == 1).then_some(()) };
    crate::helpers::eventually("Bo's check-out on the other instance shows here", one).await;
}
