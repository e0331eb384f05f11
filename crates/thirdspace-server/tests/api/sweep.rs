//! The server's own sweep, running in the background as `serve` starts it, every 50 ms here: what
//! it does is seen over HTTP (and in the database) once the test clock has moved past a deadline.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use thirdspace_server::ServerConfig;

use crate::helpers::{eventually, spawn_app_with, test_config, TestApp, MONDAY};
use crate::live::{open_stream, read_until};

/// A server whose sweep runs every 50 ms.
async fn sweeping_app() -> Option<TestApp> {
    spawn_app_with(ServerConfig { sweep_every: Duration::from_millis(50), ..test_config() }).await
}

/// Waits until the booking, as its holder reads it over HTTP, has `status`; the booking then.
async fn booking_becomes(app: &TestApp, who: &crate::helpers::Member, id: &str, status: &str) -> Value {
    eventually(&format!("booking {id} becomes {status}"), || async move {
        let reply = app.get(&format!("/api/v1/bookings/{id}"), Some(who)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        (reply.body["status"] == status).then_some(reply.body)
    })
    .await
}

#[tokio::test]
async fn the_running_server_releases_a_booking_nobody_checked_in_for_after_the_grace_period() {
    let Some(app) = sweeping_app().await else { return };
    let host = app.member("Host").await;
    let anna = app.member("Anna").await;
    let (venue, _) = app.venue(&host, 1).await;
    let booked = app.book(&anna, venue, MONDAY, "09:00", "12:00").await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    let id = booked.body["id"].as_str().expect("booking id").to_owned();

    // The venue's grace period is 30 minutes.
    app.clock.advance(31 * 60);
    booking_becomes(&app, &anna, &id, "released").await;
    let late = app.post(&format!("/api/v1/venues/{venue}/check-ins"), Some(&host), json!({"user_id": anna.id})).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "a released booking no longer checks in: {}", late.body);
}

#[tokio::test]
async fn the_running_server_checks_everyone_out_when_the_venue_closes() {
    let Some(app) = sweeping_app().await else { return };
    let host = app.member("Host").await;
    let anna = app.member("Anna").await;
    let (venue, _) = app.venue(&host, 3).await;
    let arrived = app.arrive(&host, &anna, venue).await;
    assert_eq!(arrived.status, StatusCode::OK, "{}", arrived.body);
    let mine = app.get("/api/v1/me/bookings", Some(&anna)).await;
    let id = mine.body["items"][0]["id"].as_str().expect("booking id").to_owned();
    booking_becomes(&app, &anna, &id, "checked_in").await;

    // The venue closes at 18:00 in Amsterdam, 17:00 UTC: nine hours after the test clock's 09:00.
    app.clock.advance(9 * 3600);
    let left = booking_becomes(&app, &anna, &id, "checked_out").await;
    assert_eq!(left["checked_out_at"], "2026-11-23T17:00:00Z", "checked out at closing time");
    let presence = app.get(&format!("/api/v1/venues/{venue}/presence"), Some(&host)).await;
    assert_eq!(presence.body["present"], 0, "nobody is left at the venue: {}", presence.body);
}

#[tokio::test]
async fn the_running_server_forgets_failed_log_ins_once_their_window_is_over() {
    let Some(app) = sweeping_app().await else { return };
    let anna = app.member("Anna").await;
    for _ in 0..3 {
        let failed =
            app.post("/api/v1/auth/login", None, json!({"email": anna.email, "password": "wrong guess"})).await;
        assert_eq!(failed.status, StatusCode::UNAUTHORIZED, "{}", failed.body);
    }
    assert_eq!(
        app.count("attempts").await,
        2,
        "the failures are counted for Anna's address, from this client and from everywhere"
    );

    // Attempts are kept for the longest window any of them counts in (an hour, for e-mails).
    let kept = thirdspace_server::limits::WINDOW_SECONDS.max(thirdspace_server::limits::MAIL_WINDOW_SECONDS);
    app.clock.advance(kept + 1);
    let app = &app;
    eventually("the failed log-ins are forgotten", || async move {
        let left = app.count("attempts").await;
        (left == 0).then_some(())
    })
    .await;
}

#[tokio::test]
async fn the_sweeps_releases_and_check_outs_reach_the_venues_open_streams() {
    let Some(app) = sweeping_app().await else { return };
    let host = app.member("Host").await;
    let (anna, ben) = (app.member("Anna").await, app.member("Ben").await);
    let (venue, _) = app.venue(&host, 3).await;
    let booked = app.book(&anna, venue, MONDAY, "09:00", "12:00").await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    assert_eq!(app.arrive(&host, &ben, venue).await.status, StatusCode::OK);
    let mut stream = open_stream(&app, &host, venue, None).await;

    app.clock.advance(31 * 60);
    let released = read_until(&mut stream, r#""type":"booking.released""#).await;
    assert!(released.is_some_and(|seen| seen.contains("event: booking")), "the release reaches the screen");
    app.clock.advance(9 * 3600);
    let left = read_until(&mut stream, r#""type":"presence.checked_out""#).await;
    assert!(left.is_some_and(|seen| seen.contains("event: presence")), "the closing check-out reaches the screen");
}
