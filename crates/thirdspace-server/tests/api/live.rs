use std::time::Instant;

use reqwest::{Method, StatusCode};
use serde_json::json;

use thirdspace_store::NewQuestion;

use crate::helpers::{spawn_app, Member, TestApp, MONDAY, PATIENCE};

pub(crate) async fn open_stream(
    app: &TestApp,
    who: &Member,
    venue: uuid::Uuid,
    last_id: Option<&str>,
) -> reqwest::Response {
    let mut req = app.client.get(app.url(&format!("/api/v1/venues/{venue}/events"))).bearer_auth(&who.token);
    if let Some(id) = last_id {
        req = req.header("last-event-id", id);
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    resp
}

/// Reads the stream until `needle` shows up, or gives up after [`PATIENCE`].
pub(crate) async fn read_until(resp: &mut reqwest::Response, needle: &str) -> Option<String> {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = String::new();
    while Instant::now() < deadline {
        match tokio::time::timeout(deadline - Instant::now(), resp.chunk()).await {
            Ok(Ok(Some(bytes))) => {
                seen.push_str(&String::from_utf8_lossy(&bytes));
                if seen.contains(needle) {
                    return Some(seen);
                }
            }
            _ => break,
        }
    }
    None
}

#[tokio::test]
async fn a_check_in_reaches_an_open_stream() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let anna = app.member("Anna").await;
    let mut stream = open_stream(&app, &host, venue, None).await;
    assert_eq!(app.arrive(&host, &anna, venue).await.status, StatusCode::OK);
    let seen = read_until(&mut stream, "event: presence").await;
    assert!(seen.is_some(), "no presence event");
    app.post(&format!("/api/v1/venues/{venue}/questions"), Some(&anna), json!({"text": "Who knows VAT?"})).await;
    assert!(read_until(&mut stream, "event: question").await.is_some());
}

#[tokio::test]
async fn a_booking_and_its_cancellation_reach_an_open_stream() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let anna = app.member("Anna").await;
    let mut stream = open_stream(&app, &host, venue, None).await;
    let booked = app.book(&anna, venue, MONDAY, "13:00", "17:00").await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    assert!(read_until(&mut stream, "event: booking").await.is_some(), "no event for the booking");
    let id = booked.body["id"].as_str().expect("an id");
    let cancelled = app.call(Method::POST, &format!("/api/v1/bookings/{id}/cancel"), Some(&anna), None).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    assert!(read_until(&mut stream, "event: booking").await.is_some(), "no event for the cancellation");
}

#[tokio::test]
async fn a_stream_that_reconnects_catches_up_on_what_it_missed() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (other, _) = app.venue(&host, 5).await;
    let anna = app.member("Anna").await;
    let mut first = open_stream(&app, &host, venue, None).await;
    app.arrive(&host, &anna, venue).await;
    let seen = read_until(&mut first, "event: presence").await.expect("presence");
    let last_id = seen.lines().rev().find_map(|l| l.strip_prefix("id: ")).expect("an event id").trim().to_owned();
    drop(first);
    // While the dashboard is away: a question here, and a check-in elsewhere it must not get.
    app.post(&format!("/api/v1/venues/{venue}/questions"), Some(&anna), json!({"text": "Who knows VAT?"})).await;
    let bob = app.member("Bob").await;
    app.book(&bob, other, MONDAY, "09:00", "17:00").await;
    app.post(&format!("/api/v1/venues/{other}/check-ins"), Some(&host), json!({"user_id": bob.id})).await;
    let mut again = open_stream(&app, &host, venue, Some(&last_id)).await;
    let caught_up = read_until(&mut again, "event: question").await.expect("the missed question");
    assert!(!caught_up.contains("event: presence"), "nothing from before, nor from another venue: {caught_up}");
}

#[tokio::test]
async fn a_server_that_stops_ends_its_streams_and_its_successor_picks_them_up() {
    let Some(mut app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let anna = app.member("Anna").await;
    let mut stream = open_stream(&app, &host, venue, None).await;
    let hello = read_until(&mut stream, "retry: 1000").await;
    assert!(hello.is_some(), "the stream asks to be reconnected after a second");
    app.arrive(&host, &anna, venue).await;
    let seen = read_until(&mut stream, "event: presence").await.expect("presence");
    let last_id = seen.lines().rev().find_map(|l| l.strip_prefix("id: ")).expect("an event id").trim().to_owned();
    // `restart` fails unless the server stops within five seconds with this stream open.
    app.restart().await;
    let ended = tokio::time::timeout(PATIENCE, async { while let Ok(Some(_)) = stream.chunk().await {} }).await;
    assert!(ended.is_ok(), "the open stream ended when its server stopped");
    // Ids are the outbox's, which has not moved since `last_id`: nothing was missed, so the
    // stream resumes where it was.
    let mut again = open_stream(&app, &host, venue, Some(&last_id)).await;
    app.post(&format!("/api/v1/venues/{venue}/check-outs"), Some(&host), json!({"user_id": anna.id})).await;
    let after = read_until(&mut again, "event: presence").await;
    let after = after.expect("new events arrive after the restart");
    assert!(!after.contains("event: reload"), "no reload once caught up: {after}");
}

#[tokio::test]
async fn a_change_committed_just_before_its_server_went_down_reaches_the_screens_after_the_restart() {
    let Some(mut app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let anna = app.member("Anna").await;
    let mut stream = open_stream(&app, &host, venue, None).await;
    app.arrive(&host, &anna, venue).await;
    let seen = read_until(&mut stream, "event: presence").await.expect("presence");
    let last_id = seen.lines().rev().find_map(|l| l.strip_prefix("id: ")).expect("an event id").trim().to_owned();
    app.stop().await;
    drop(stream);
    // Committed with no server left to pass it on, as when one dies between its commit and the
    // delivery of the event.
    let asked = NewQuestion {
        venue,
        asker: anna.id,
        text: "Who knows VAT?".into(),
        tags: vec!["tax".into()],
        now: app.clock_now(),
    };
    let question = app.store.post_question(asked).await.expect("the question is stored");
    app.start().await;
    let mut again = open_stream(&app, &host, venue, Some(&last_id)).await;
    let caught_up = read_until(&mut again, "event: question").await.expect("the question reaches the screen");
    assert!(caught_up.contains(r#""type":"question.asked""#), "{caught_up}");
    assert!(!caught_up.contains("event: reload"), "caught up exactly, no reload: {caught_up}");
    assert!(!caught_up.contains("event: presence"), "nothing it had seen: {caught_up}");
    let event = app.store.events_after(0, 100).await.expect("the outbox");
    let written = event.iter().find(|e| e.subject == question.id).expect("the question's event");
    assert_eq!(written.kind.as_str(), "question.asked");
}

#[tokio::test]
async fn only_staff_and_people_here_follow_a_venues_events() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let stranger = app.member("Stranger").await;
    let resp = app
        .client
        .get(app.url(&format!("/api/v1/venues/{venue}/events")))
        .bearer_auth(&stranger.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let anonymous = app.get(&format!("/api/v1/venues/{venue}/events"), None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(anonymous.body["error"]["message"].as_str().unwrap_or("").contains("?token="), "{}", anonymous.body);
    app.arrive(&host, &stranger, venue).await;
    open_stream(&app, &stranger, venue, None).await;
}

#[tokio::test]
async fn an_id_the_server_never_sent_means_reload_and_then_every_new_event() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let anna = app.member("Anna").await;
    let mut stream = open_stream(&app, &host, venue, Some("18446744073709551615")).await;
    assert!(read_until(&mut stream, "event: reload").await.is_some());
    app.arrive(&host, &anna, venue).await;
    assert!(read_until(&mut stream, "event: presence").await.is_some(), "not silenced");
}

#[tokio::test]
async fn revoking_a_display_token_ends_the_streams_it_opened() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (token, id) = app.screen_token_and_id(&host, venue, "display").await;
    let mut stream =
        app.client.get(app.url(&format!("/api/v1/venues/{venue}/events?token={token}"))).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    app.call(reqwest::Method::DELETE, &format!("/api/v1/venues/{venue}/screen-tokens/{id}"), Some(&host), None).await;
    let ended = tokio::time::timeout(PATIENCE, async { while let Ok(Some(_)) = stream.chunk().await {} }).await;
    assert!(ended.is_ok(), "the open stream ended after the revoke");
    let again = app.client.get(app.url(&format!("/api/v1/venues/{venue}/events?token={token}"))).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_members_stream_ends_when_they_check_out_and_staffs_does_not() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (anna, ben) = (app.member("Anna").await, app.member("Ben").await);
    app.arrive(&host, &anna, venue).await;
    app.arrive(&host, &ben, venue).await;
    let mut hers = open_stream(&app, &anna, venue, None).await;
    let mut staff = open_stream(&app, &host, venue, None).await;
    assert!(read_until(&mut hers, "connected").await.is_some());
    let left = app.post(&format!("/api/v1/venues/{venue}/check-outs"), Some(&anna), json!({})).await;
    assert_eq!(left.status, StatusCode::OK, "{}", left.body);
    let ended = tokio::time::timeout(PATIENCE, async { while let Ok(Some(_)) = hers.chunk().await {} }).await;
    assert!(ended.is_ok(), "her stream ended when she checked out");
    app.post(&format!("/api/v1/venues/{venue}/check-outs"), Some(&host), json!({"user_id": ben.id})).await;
    assert!(read_until(&mut staff, "event: presence").await.is_some(), "staff still follow");
    let again =
        app.client.get(app.url(&format!("/api/v1/venues/{venue}/events"))).bearer_auth(&anna.token).send().await;
    assert_eq!(again.unwrap().status(), StatusCode::FORBIDDEN, "and she cannot open it again");
}
