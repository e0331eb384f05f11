use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_app, MONDAY};

#[tokio::test]
async fn a_member_books_a_seat_for_social_capital() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let anna = app.member("Anna").await;
    let (venue, space) = app.venue(&host, 3).await;
    let reply = app.book(&anna, venue, MONDAY, "09:30", "17:00").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["status"], "booked");
    assert_eq!(reply.body["space_id"], space.to_string());
    assert_eq!(reply.body["focus"], "Writing my thesis");
    assert_eq!(reply.body["starts_at"], "2026-11-23T08:30:00Z", "09:30 in Amsterdam is 08:30 UTC");
    let mine = app.get("/api/v1/me/bookings", Some(&anna)).await;
    assert_eq!(mine.body["total"], 1);
}

#[tokio::test]
async fn a_booking_is_refused_with_the_reason_when_the_venue_is_closed_or_the_span_is_wrong() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let anna = app.member("Anna").await;
    let (venue, _) = app.venue(&host, 3).await;
    let cases = [
        ("2026-12-25", "10:00", "12:00", StatusCode::CONFLICT, "venue_closed"),
        (MONDAY, "07:00", "12:00", StatusCode::CONFLICT, "outside_opening_hours"),
        (MONDAY, "12:00", "10:00", StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        (MONDAY, "10:00", "10:05", StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        (MONDAY, "25:00", "26:00", StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        ("2026-11-20", "10:00", "12:00", StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        ("2031-01-01", "10:00", "12:00", StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        ("20261-01-01", "10:00", "12:00", StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        ("yesterday", "10:00", "12:00", StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
    ];
    for (date, start, end, status, code) in cases {
        let reply = app.book(&anna, venue, date, start, end).await;
        assert_eq!((reply.status, reply.code()), (status, code), "{date} {start}-{end}: {}", reply.body);
        assert!(!reply.body["error"]["message"].as_str().unwrap().is_empty());
    }
    let written_wrong = app.book(&anna, venue, "23-11-2026", "10:00", "12:00").await;
    assert!(
        written_wrong.body["error"]["message"].as_str().unwrap().contains("like 2026-11-23"),
        "{}",
        written_wrong.body
    );
    app.clock.advance(9 * 3600);
    let over = app.book(&anna, venue, MONDAY, "09:00", "17:00").await;
    assert_eq!(over.code(), "span_over");
    assert_eq!(app.count("bookings").await, 0);
}

#[tokio::test]
async fn a_booking_is_refused_when_the_social_capital_seats_are_gone() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 1).await;
    let (a, b) = (app.member("A").await, app.member("B").await);
    assert_eq!(app.book(&a, venue, MONDAY, "10:00", "12:00").await.status, StatusCode::CREATED);
    let refused = app.book(&b, venue, MONDAY, "11:00", "13:00").await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "seats_gone"));
    assert_eq!(
        app.book(&b, venue, MONDAY, "12:00", "14:00").await.status,
        StatusCode::CREATED,
        "the seat is free again at noon"
    );
}

#[tokio::test]
async fn a_booking_is_refused_when_the_person_already_holds_an_overlapping_one() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (other_venue, _) = app.venue(&host, 5).await;
    let anna = app.member("Anna").await;
    assert_eq!(app.book(&anna, venue, MONDAY, "10:00", "12:00").await.status, StatusCode::CREATED);
    let elsewhere = app.book(&anna, other_venue, MONDAY, "11:30", "13:00").await;
    assert_eq!((elsewhere.status, elsewhere.code()), (StatusCode::CONFLICT, "overlapping_booking"));
    assert_eq!(app.book(&anna, other_venue, MONDAY, "12:00", "13:00").await.status, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_bookings_for_five_seats_give_exactly_five() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let mut members = Vec::new();
    for i in 0..50 {
        members.push(app.member(&format!("Member {i}")).await);
    }
    let app = std::sync::Arc::new(app);
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(50));
    let tasks: Vec<_> = members
        .into_iter()
        .map(|m| {
            let (app, barrier) = (app.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                app.book(&m, venue, MONDAY, "10:00", "16:00").await
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let reply = task.await.unwrap();
        match reply.status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => assert_eq!(reply.code(), "seats_gone"),
            other => panic!("unexpected {other}: {}", reply.body),
        }
    }
    assert_eq!(created, 5);
    assert_eq!(app.count("bookings").await, 5);
}

#[tokio::test]
async fn a_cancelled_booking_frees_its_seat_and_only_its_holder_or_staff_may_cancel() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 1).await;
    let (anna, bob) = (app.member("Anna").await, app.member("Bob").await);
    let booking = app.book(&anna, venue, MONDAY, "10:00", "12:00").await;
    let id = booking.body["id"].as_str().unwrap();
    let by_bob = app.call(Method::POST, &format!("/api/v1/bookings/{id}/cancel"), Some(&bob), None).await;
    assert_eq!(by_bob.status, StatusCode::NOT_FOUND, "another member's booking is not even visible");
    assert_eq!(app.get(&format!("/api/v1/bookings/{id}"), Some(&bob)).await.status, StatusCode::NOT_FOUND);
    let cancelled = app.call(Method::POST, &format!("/api/v1/bookings/{id}/cancel"), Some(&anna), None).await;
    assert_eq!(cancelled.body["status"], "cancelled");
    let twice = app.call(Method::POST, &format!("/api/v1/bookings/{id}/cancel"), Some(&anna), None).await;
    assert_eq!(twice.code(), "not_cancellable");
    assert_eq!(app.book(&bob, venue, MONDAY, "10:00", "12:00").await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn the_host_sees_the_days_bookings_with_who_made_them() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 4).await;
    let anna = app.member("Anna").await;
    app.book(&anna, venue, MONDAY, "10:00", "12:00").await;
    app.book(&anna, venue, "2026-11-24", "10:00", "12:00").await;
    let day = app.get(&format!("/api/v1/venues/{venue}/bookings?date={MONDAY}"), Some(&host)).await;
    assert_eq!(day.status, StatusCode::OK);
    assert_eq!(day.body["total"], 1);
    assert_eq!(day.body["items"][0]["display_name"], "Anna");
    assert_eq!(app.get(&format!("/api/v1/venues/{venue}/bookings"), Some(&anna)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn my_bookings_split_into_upcoming_and_past_with_bounded_pages() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 4).await;
    let anna = app.member("Anna").await;
    for day in 23..=27 {
        app.book(&anna, venue, &format!("2026-11-{day}"), "10:00", "12:00").await;
    }
    let page = app.get("/api/v1/me/bookings?per_page=2&page=2", Some(&anna)).await;
    assert_eq!((page.body["total"].as_u64(), page.body["items"].as_array().map(Vec::len)), (Some(5), Some(2)));
    assert_eq!(page.body["items"][0]["date"], "2026-11-25");
    app.clock.advance(2 * 86_400);
    let past = app.get("/api/v1/me/bookings?when=past", Some(&anna)).await;
    assert_eq!(past.body["total"], 2);
    assert_eq!(past.body["items"][0]["date"], "2026-11-24", "latest first");
    assert_eq!(app.get("/api/v1/me/bookings?per_page=1000", Some(&anna)).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_no_show_frees_the_seat_after_the_venues_grace_period() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 1).await;
    let (anna, bob) = (app.member("Anna").await, app.member("Bob").await);
    assert_eq!(app.book(&anna, venue, MONDAY, "10:00", "14:00").await.status, StatusCode::CREATED);
    assert_eq!(app.book(&bob, venue, MONDAY, "11:00", "14:00").await.code(), "seats_gone");
    app.clock.advance(3600 + 29 * 60);
    assert_eq!(app.book(&bob, venue, MONDAY, "11:00", "14:00").await.code(), "seats_gone", "still inside the grace");
    app.clock.advance(60);
    assert_eq!(app.book(&bob, venue, MONDAY, "11:00", "14:00").await.status, StatusCode::CREATED);
    let code = app.code(&host, venue).await;
    let late = app
        .post(&format!("/api/v1/venues/{venue}/check-ins"), Some(&anna), json!({"code": code, "walk_in": false}))
        .await;
    assert_eq!(late.code(), "no_booking_now", "a released booking cannot be checked in");
    let released = app.store.release_no_shows(app.clock_now()).await.unwrap();
    assert_eq!(released, 1);
}

#[tokio::test]
async fn a_page_of_another_site_cannot_cancel_a_booking_through_the_session_cookie() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 1).await;
    let anna = app.member("Anna").await;
    let booking = app.book(&anna, venue, MONDAY, "10:00", "12:00").await;
    let id = booking.body["id"].as_str().unwrap();
    let url = app.url(&format!("/api/v1/bookings/{id}/cancel"));
    let session = format!("thirdspace_session={}", anna.token);
    let other_port = format!("{}1", app.base.rsplit_once(':').unwrap().0.to_owned() + ":");
    for (name, value) in [("sec-fetch-site", "same-site"), ("sec-fetch-site", "cross-site"), ("origin", &other_port)] {
        let reply = app.client.post(&url).header("cookie", &session).header(name, value).send().await.unwrap();
        assert_eq!(reply.status(), StatusCode::FORBIDDEN, "{name}: {value}");
        let body: serde_json::Value = reply.json().await.unwrap();
        assert_eq!(body["error"]["code"], "cross_site");
    }
    let still = app.get(&format!("/api/v1/bookings/{id}"), Some(&anna)).await;
    assert_eq!(still.body["status"], "booked", "nothing was cancelled");
    let reply = app.client.post(&url).header("cookie", &session).header("origin", &app.base).send().await.unwrap();
    assert_eq!(reply.status(), StatusCode::OK, "our own pages may");
}
