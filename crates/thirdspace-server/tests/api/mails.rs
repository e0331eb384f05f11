//! E-mails sent by durable jobs: a booking's confirmation with its calendar file and the reminder
//! the evening before, an answer's confirmation and the reminder the day before, the organiser's
//! message, each kind switched off by its reader; a reminder is sent once across a restart and
//! across two instances, and none is lost.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{eventually, spawn_app, Member, TestApp, MONDAY_9AM};
use crate::smtp::Received;

/// The messages to `who` whose data contains `text`.
fn to_with(app: &TestApp, who: &Member, text: &str) -> Vec<Received> {
    app.smtp.received().into_iter().filter(|m| m.to.iter().any(|t| t == &who.email) && m.data.contains(text)).collect()
}

/// Waits until `who` has a message containing `text`, and gives it.
async fn wait_for(app: &TestApp, who: &Member, text: &str) -> Received {
    eventually(&format!("an e-mail to {} with {text:?}", who.email), || async {
        to_with(app, who, text).into_iter().next()
    })
    .await
}

/// Waits until every e-mail due now has been sent or set aside.
async fn settle(app: &TestApp) {
    let due = format!("mail_jobs WHERE done_at IS NULL AND due_at <= {}", app.clock_now());
    eventually("every e-mail due handled", || async { (app.count(&due).await == 0).then_some(()) }).await;
}

#[tokio::test]
async fn a_booking_is_confirmed_with_its_calendar_file_and_reminded_the_evening_before() {
    let Some(app) = spawn_app().await else { return };
    let (host, ann) = (app.member("Host").await, app.member("Ann").await);
    let (venue, _) = app.venue(&host, 5).await;
    let booked = app.book(&ann, venue, "2026-11-24", "09:00", "17:00").await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    let id = booked.body["id"].as_str().unwrap().to_owned();

    let confirmed = wait_for(&app, &ann, "Your seat at De Werkplaats").await;
    assert!(confirmed.data.contains("Tuesday 24 November at 09:00 to 17:00"), "local times: {}", confirmed.data);
    assert!(confirmed.data.contains("Content-Type: text/calendar"), "a calendar file: {}", confirmed.data);
    assert!(confirmed.data.contains("BEGIN:VCALENDAR") && confirmed.data.contains(&format!("UID:{id}@thirdspace")));
    assert!(confirmed.data.contains("DTSTART:20261124T080000Z"), "09:00 in Amsterdam is 08:00 UTC: {}", confirmed.data);
    assert!(to_with(&app, &ann, "Tomorrow at").is_empty(), "no reminder before its evening");

    // 17:59 local on Monday: not yet; 18:00: the reminder.
    app.clock.set(MONDAY_9AM + 9 * 3600 - 60);
    settle(&app).await;
    assert!(to_with(&app, &ann, "Tomorrow at").is_empty(), "not before six in the evening");
    app.clock.set(MONDAY_9AM + 9 * 3600);
    let reminded = wait_for(&app, &ann, "Tomorrow at De Werkplaats").await;
    assert!(reminded.data.contains("Kanaalstraat 1"), "{}", reminded.data);
    settle(&app).await;
    assert_eq!(to_with(&app, &ann, "Tomorrow at").len(), 1, "once");
}

#[tokio::test]
async fn a_cancelled_booking_is_not_reminded_and_switched_off_kinds_are_not_sent() {
    let Some(app) = spawn_app().await else { return };
    let (host, ann, bo) = (app.member("Host").await, app.member("Ann").await, app.member("Bo").await);
    let (venue, _) = app.venue(&host, 5).await;

    let settings = app.get("/api/v1/me/emails", Some(&bo)).await;
    assert_eq!(settings.status, StatusCode::OK);
    assert!(settings.body.as_array().unwrap().iter().all(|s| s["on"] == true), "every kind on at first");
    let off = app.call(Method::PUT, "/api/v1/me/emails", Some(&bo), Some(json!({"off": ["booking_confirmed"]}))).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    let confirmed = off.body.as_array().unwrap().iter().find(|s| s["kind"] == "booking_confirmed").unwrap().clone();
    assert_eq!(confirmed["on"], false);
    let bad = app.call(Method::PUT, "/api/v1/me/emails", Some(&bo), Some(json!({"off": ["spam"]}))).await;
    assert_eq!((bad.status, bad.field()), (StatusCode::UNPROCESSABLE_ENTITY, "off"));
    let still = app.get("/api/v1/me/emails", Some(&bo)).await;
    assert_eq!(still.body, off.body, "a refused change changes nothing");

    let annes = app.book(&ann, venue, "2026-11-24", "09:00", "12:00").await;
    let bos = app.book(&bo, venue, "2026-11-24", "09:00", "12:00").await;
    assert_eq!((annes.status, bos.status), (StatusCode::CREATED, StatusCode::CREATED));
    wait_for(&app, &ann, "Your seat at").await;
    let cancel = app
        .post(&format!("/api/v1/bookings/{}/cancel", annes.body["id"].as_str().unwrap()), Some(&ann), json!({}))
        .await;
    assert_eq!(cancel.status, StatusCode::OK, "{}", cancel.body);

    app.clock.set(MONDAY_9AM + 9 * 3600);
    wait_for(&app, &bo, "Tomorrow at").await;
    settle(&app).await;
    assert!(to_with(&app, &bo, "Your seat at").is_empty(), "Bo switched confirmations off");
    assert!(to_with(&app, &ann, "Tomorrow at").is_empty(), "a cancelled booking is not reminded");
}

/// A knowledge session in Utrecht on Wednesday 25 November 2026 at 14:00, with `capacity` places.
fn session(capacity: u32) -> serde_json::Value {
    json!({
        "kind": "knowledge_session", "title": "Bookkeeping for freelancers", "address": "Kanaalstraat 3",
        "city": "Utrecht", "time_zone": "Europe/Amsterdam", "date": "2026-11-25", "start": "14:00", "end": "16:00",
        "capacity": capacity
    })
}

#[tokio::test]
async fn answers_are_confirmed_reminded_the_day_before_and_the_organiser_writes_to_those_going() {
    let Some(app) = spawn_app().await else { return };
    let (zoe, ann, bo, cy) =
        (app.member("Zoë").await, app.member("Ann").await, app.member("Bo").await, app.member("Cy").await);
    let made = app.post("/api/v1/gatherings", Some(&zoe), session(2)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let date = made.body["dates"][0]["id"].as_str().unwrap().to_owned();
    let rsvp = format!("/api/v1/gathering-dates/{date}/rsvp");
    for who in [&ann, &bo, &cy] {
        assert_eq!(app.call(Method::POST, &rsvp, Some(who), None).await.status, StatusCode::OK);
    }
    let going = wait_for(&app, &ann, "You are going to Bookkeeping for freelancers").await;
    assert!(going.data.contains("Wednesday 25 November at 14:00") && going.data.contains("Kanaalstraat 3"));
    let waiting = wait_for(&app, &cy, "you are number 1 in line").await;
    assert!(!waiting.data.contains("Kanaalstraat 3"), "the address is for people going");

    let message = format!("/api/v1/gathering-dates/{date}/message");
    let empty = app.post(&message, Some(&zoe), json!({"subject": " ", "body": ""})).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = empty.body["error"]["errors"].as_array().map(Vec::len).unwrap_or(1);
    assert!(errors >= 1, "{}", empty.body);
    let stranger = app.post(&message, Some(&ann), json!({"subject": "Hi", "body": "Hello"})).await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    let sent = app.post(&message, Some(&zoe), json!({"subject": "Room 2", "body": "We moved upstairs."})).await;
    assert_eq!((sent.status, sent.body["sent_to"].clone()), (StatusCode::ACCEPTED, json!(2)));
    let got = wait_for(&app, &bo, "We moved upstairs.").await;
    assert!(got.data.contains("writes to everyone going to Bookkeeping"), "{}", got.data);
    wait_for(&app, &ann, "We moved upstairs.").await;

    // Bo withdraws: Cy is offered the place; Bo is not reminded, Ann and Cy (once she takes it) are.
    assert_eq!(app.call(Method::DELETE, &rsvp, Some(&bo), None).await.status, StatusCode::OK);
    wait_for(&app, &cy, "A place came free").await;
    assert_eq!(app.call(Method::POST, &format!("{rsvp}/take"), Some(&cy), None).await.body["status"], "going");
    app.clock.set(MONDAY_9AM + 2 * 86_400 + 5 * 3600 - 3600);
    wait_for(&app, &ann, "Tomorrow: Bookkeeping for freelancers").await;
    wait_for(&app, &cy, "Tomorrow: Bookkeeping for freelancers").await;
    settle(&app).await;
    assert!(to_with(&app, &bo, "Tomorrow:").is_empty(), "withdrawn: no reminder");
    assert!(to_with(&app, &cy, "We moved upstairs.").is_empty(), "the message went to the people going then");
}

#[tokio::test]
async fn a_reminder_goes_once_across_a_restart_and_two_instances() {
    let Some(mut app) = spawn_app().await else { return };
    let zoe = app.member("Zoë").await;
    let made = app.post("/api/v1/gatherings", Some(&zoe), session(40)).await;
    let date = made.body["dates"][0]["id"].as_str().unwrap().to_owned();
    let mut people = Vec::new();
    for i in 0..20 {
        let who = app.member(&format!("Person {i}")).await;
        let r = app.call(Method::POST, &format!("/api/v1/gathering-dates/{date}/rsvp"), Some(&who), None).await;
        assert_eq!(r.status, StatusCode::OK);
        people.push(who);
    }
    // Stopped before the reminders are due; started again after: none is lost.
    app.stop().await;
    app.clock.set(MONDAY_9AM + 2 * 86_400 + 5 * 3600 - 3600);
    app.start().await;
    let (_second, _stop) = app.another_instance().await;
    for who in &people {
        wait_for(&app, who, "Tomorrow: Bookkeeping").await;
    }
    settle(&app).await;
    for who in &people {
        assert_eq!(to_with(&app, who, "Tomorrow: Bookkeeping").len(), 1, "once each, whichever instance sent it");
    }
    let sent = app.count("mail_jobs WHERE kind = 'gathering_reminder' AND outcome = 'sent'").await;
    assert_eq!(sent, 20);
}
