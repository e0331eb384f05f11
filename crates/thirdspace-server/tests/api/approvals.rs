//! What a venue asks of a booking (its house rules, a host's approval), what its seats are worth,
//! and the pledge a visitor answers after the visit.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{spawn_app, venue_body, Member, TestApp, MONDAY};

/// Changes the venue's settings as its host.
async fn set(app: &TestApp, host: &Member, venue: Uuid, change: Value) -> Value {
    let mut body = venue_body("De Werkplaats", "Utrecht");
    for (key, value) in change.as_object().expect("an object") {
        body[key] = value.clone();
    }
    let reply = app.call(Method::PUT, &format!("/api/v1/venues/{venue}"), Some(host), Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body
}

async fn book_body(app: &TestApp, who: &Member, venue: Uuid, body: Value) -> crate::helpers::Reply {
    app.post(&format!("/api/v1/venues/{venue}/bookings"), Some(who), body).await
}

#[tokio::test]
async fn a_venue_with_house_rules_asks_visitors_to_accept_them_when_booking() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let anna = app.member("Anna").await;
    let (venue, _) = app.venue(&host, 3).await;
    let body = json!({"date": MONDAY, "start": "10:00", "end": "12:00", "focus": "Writing", "pledge": "Python help"});
    let refused = book_body(&app, &anna, venue, body.clone()).await;
    assert_eq!((refused.status, refused.field()), (StatusCode::UNPROCESSABLE_ENTITY, "accept_house_rules"));
    assert_eq!(app.count("bookings").await, 0, "nothing written");
    let mut accepted = body.clone();
    accepted["accept_house_rules"] = json!(true);
    let booked = book_body(&app, &anna, venue, accepted).await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    assert!(booked.body["rules_accepted_at"].is_string(), "{}", booked.body);
    assert_eq!(booked.body["approval"], Value::Null, "this venue approves nothing");

    set(&app, &host, venue, json!({"house_rules": null})).await;
    let bob = app.member("Bob").await;
    let free = book_body(&app, &bob, venue, body).await;
    assert_eq!(free.status, StatusCode::CREATED, "no rules, nothing to accept: {}", free.body);
    assert_eq!(free.body["rules_accepted_at"], Value::Null);
}

#[tokio::test]
async fn a_host_approves_or_declines_bookings_that_wait_and_nobody_else_can() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (anna, bob, eve) = (app.member("Anna").await, app.member("Bob").await, app.member("Eve").await);
    let (venue, _) = app.venue(&host, 1).await;
    let stored = set(&app, &host, venue, json!({"requires_approval": true})).await;
    assert_eq!(stored["requires_approval"], true);

    let waiting = app.book(&anna, venue, MONDAY, "10:00", "17:00").await;
    assert_eq!(waiting.status, StatusCode::CREATED, "{}", waiting.body);
    assert_eq!((waiting.body["status"].clone(), waiting.body["approval"].clone()), (json!("booked"), json!("pending")));
    let id = waiting.body["id"].as_str().unwrap().to_owned();
    let full = app.book(&bob, venue, MONDAY, "11:00", "12:00").await;
    assert_eq!((full.status, full.code()), (StatusCode::CONFLICT, "seats_gone"), "a waiting booking holds its seat");

    let listed = app.get(&format!("/api/v1/venues/{venue}/bookings/awaiting-approval"), Some(&host)).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.body["items"][0]["id"], id.as_str());
    assert_eq!(listed.body["items"][0]["display_name"], "Anna");
    let peek = app.get(&format!("/api/v1/venues/{venue}/bookings/awaiting-approval"), Some(&eve)).await;
    assert_eq!(peek.status, StatusCode::FORBIDDEN, "{}", peek.body);

    for (who, what) in [(&eve, "a stranger"), (&anna, "the visitor herself")] {
        let tried = app.post(&format!("/api/v1/bookings/{id}/approve"), Some(who), json!({})).await;
        assert_eq!(tried.status, StatusCode::NOT_FOUND, "{what}: {}", tried.body);
    }
    let long =
        app.post(&format!("/api/v1/bookings/{id}/approve"), Some(&host), json!({"message": "m".repeat(501)})).await;
    assert_eq!((long.status, long.field()), (StatusCode::UNPROCESSABLE_ENTITY, "message"));
    let unknown = app.post(&format!("/api/v1/bookings/{}/approve", Uuid::now_v7()), Some(&host), json!({})).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let early = app.post(&format!("/api/v1/venues/{venue}/check-ins"), Some(&host), json!({"user_id": anna.id})).await;
    assert_eq!((early.status, early.code()), (StatusCode::CONFLICT, "awaiting_approval"), "{}", early.body);
    assert_eq!(app.get(&format!("/api/v1/bookings/{id}"), Some(&anna)).await.body["approval"], "pending", "unchanged");

    let approved =
        app.post(&format!("/api/v1/bookings/{id}/approve"), Some(&host), json!({"message": "See you at ten"})).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert_eq!(
        (approved.body["approval"].clone(), approved.body["approval_message"].clone()),
        (json!("approved"), json!("See you at ten"))
    );
    let twice = app.post(&format!("/api/v1/bookings/{id}/decline"), Some(&host), json!({})).await;
    assert_eq!((twice.status, twice.code()), (StatusCode::CONFLICT, "not_awaiting_approval"));
    let arrived =
        app.post(&format!("/api/v1/venues/{venue}/check-ins"), Some(&host), json!({"user_id": anna.id})).await;
    assert_eq!(arrived.status, StatusCode::OK, "{}", arrived.body);

    let later = app.book(&bob, venue, "2026-11-24", "10:00", "12:00").await;
    let later_id = later.body["id"].as_str().unwrap().to_owned();
    let declined = app
        .post(&format!("/api/v1/bookings/{later_id}/decline"), Some(&host), json!({"message": "Closed for an event"}))
        .await;
    assert_eq!(declined.status, StatusCode::OK, "{}", declined.body);
    assert_eq!(
        (declined.body["status"].clone(), declined.body["approval"].clone()),
        (json!("cancelled"), json!("declined"))
    );
    let seen = app.get(&format!("/api/v1/bookings/{later_id}"), Some(&bob)).await;
    assert_eq!(seen.body["approval_message"], "Closed for an event", "the visitor reads why");
    let again = app.book(&eve, venue, "2026-11-24", "10:00", "12:00").await;
    assert_eq!(again.status, StatusCode::CREATED, "the declined booking's seat is free: {}", again.body);
}

#[tokio::test]
async fn a_member_says_after_the_visit_whether_they_kept_their_pledge_and_the_host_counts_it() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (anna, bob) = (app.member("Anna").await, app.member("Bob").await);
    let (venue, _) = app.venue(&host, 3).await;
    let priced = set(&app, &host, venue, json!({"day_pass": {"price_minor": 1500, "currency": "eur"}})).await;
    assert_eq!(priced["day_pass"], json!({"price_minor": 1500, "currency": "EUR"}));
    let bad = app
        .call(
            Method::PUT,
            &format!("/api/v1/venues/{venue}"),
            Some(&host),
            Some({
                let mut body = venue_body("De Werkplaats", "Utrecht");
                body["day_pass"] = json!({"price_minor": 1500, "currency": "euro"});
                body
            }),
        )
        .await;
    assert_eq!((bad.status, bad.field()), (StatusCode::UNPROCESSABLE_ENTITY, "day_pass.currency"));

    for who in [&anna, &bob] {
        let body = json!({"display_name": "Member", "visibility": "public"});
        app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
    }
    assert_eq!(app.arrive(&host, &anna, venue).await.status, StatusCode::OK);
    let booking = app.get("/api/v1/me/bookings", Some(&anna)).await.body["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/bookings/{booking}/pledge");
    let during = app.post(&path, Some(&anna), json!({"kept": true})).await;
    assert_eq!((during.status, during.code()), (StatusCode::CONFLICT, "pledge_not_due"), "still here");
    let other = app.post(&path, Some(&bob), json!({"kept": true})).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "someone else's booking");

    let given_to_her = json!({"with": anna.id, "role": "gave", "tags": ["python"], "text": "Fixed her pandas merge"});
    let theirs = app.post("/api/v1/me/exchanges", Some(&bob), given_to_her).await;
    let given_by_her = json!({"with": bob.id, "role": "gave", "tags": ["statistics"], "text": "Explained p-values"});
    let hers = app.post("/api/v1/me/exchanges", Some(&anna), given_by_her).await;
    assert_eq!((theirs.status, hers.status), (StatusCode::CREATED, StatusCode::CREATED), "{}", hers.body);
    app.clock.advance(9 * 3600);
    for (exchange, what) in [(theirs.body["id"].clone(), "one she received"), (json!(Uuid::now_v7()), "an unknown one")]
    {
        let named = app.post(&path, Some(&anna), json!({"kept": true, "exchange_id": exchange})).await;
        assert_eq!((named.status, named.field()), (StatusCode::UNPROCESSABLE_ENTITY, "exchange_id"), "{what}");
    }
    let untouched = app.get(&format!("/api/v1/bookings/{booking}"), Some(&anna)).await;
    assert_eq!(untouched.body["pledge_kept"], Value::Null, "a refused answer writes nothing");
    let kept = app.post(&path, Some(&anna), json!({"kept": true, "exchange_id": hers.body["id"]})).await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.body);
    assert_eq!(
        (kept.body["pledge_kept"].clone(), kept.body["pledge_exchange_id"].clone()),
        (json!(true), hers.body["id"].clone())
    );

    let report =
        app.get(&format!("/api/v1/venues/{venue}/report?from={MONDAY}&to=2026-11-25&by=day"), Some(&host)).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let days = report.body["periods"].as_array().unwrap();
    assert_eq!(days.len(), 2, "one period a day");
    assert_eq!((days[0]["pledges_kept"].clone(), days[0]["seats_worth_minor"].clone()), (json!(1), json!(1500)));
    assert_eq!((days[1]["visits"].clone(), days[1]["seats_worth_minor"].clone()), (json!(0), json!(0)));
    assert_eq!(report.body["day_pass"]["currency"], "EUR");
    let csv =
        app.get(&format!("/api/v1/venues/{venue}/report.csv?from={MONDAY}&to=2026-11-25&by=day"), Some(&host)).await;
    let text = csv.body.as_str().unwrap_or_default();
    assert!(
        text.lines().nth(1).is_some_and(|row| row.starts_with(MONDAY) && row.ends_with(",1,15.00,EUR,0,0,0")),
        "{text}"
    );
}

#[tokio::test]
async fn a_venue_s_residents_check_in_without_a_booking_or_a_seat_and_the_report_counts_them_apart() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 1).await;
    let path = format!("/api/v1/venues/{venue}/residents");
    let stranger = app.member("Eve").await;
    let (guest, resident) = (app.member("Guest").await, app.member("Jun").await);
    for who in [&guest, &resident] {
        let body = json!({"display_name": "Member", "visibility": "public"});
        app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
    }
    // Every test member's address is at example.org: the domain listed is another one, and the
    // resident is listed by their address.
    let domain = "acme.example";
    let refused = app.post(&path, Some(&stranger), json!({"domain": domain})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "only the venue's staff list residents");
    for (body, field) in [
        (json!({}), "email"),
        (json!({"email": "jun@acme.example", "domain": "acme.example"}), "domain"),
        (json!({"domain": "gmail.com"}), "domain"),
        (json!({"domain": "not a domain"}), "domain"),
        (json!({"email": "nobody"}), "email"),
    ] {
        let bad = app.post(&path, Some(&host), body.clone()).await;
        assert_eq!((bad.status, bad.field()), (StatusCode::UNPROCESSABLE_ENTITY, field), "{body}");
    }
    assert_eq!(app.count("venue_residents").await, 0, "nothing written");
    let listed = app.post(&path, Some(&host), json!({"domain": domain.to_uppercase()})).await;
    assert_eq!(listed.status, StatusCode::CREATED, "{}", listed.body);
    assert_eq!(listed.body["domain"], domain);
    let twice = app.post(&path, Some(&host), json!({"domain": domain})).await;
    assert_eq!((twice.status, twice.code()), (StatusCode::CONFLICT, "already_resident"));
    let by_address = app.post(&path, Some(&host), json!({"email": resident.email})).await;
    assert_eq!(by_address.status, StatusCode::CREATED);
    let letter = app.smtp.last_to(&resident.email).await.expect("a resident listed by address is told");
    assert!(letter.data.contains("lists you as a resident of"), "{}", letter.data);
    let list = app.get(&path, Some(&host)).await;
    assert_eq!(list.body.as_array().map(Vec::len), Some(2));
    let id = listed.body["id"].as_str().unwrap();
    let other_venue = app.venue(&stranger, 1).await.0;
    let wrong =
        app.call(Method::DELETE, &format!("/api/v1/venues/{other_venue}/residents/{id}"), Some(&stranger), None).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND, "another venue's entry is not found there");
    let removed = app.call(Method::DELETE, &format!("{path}/{id}"), Some(&host), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);

    // The one seat kept for social capital goes to the guest; the resident still comes in,
    // with the day's code and no booking.
    assert_eq!(app.book(&guest, venue, MONDAY, "09:00", "17:00").await.status, StatusCode::CREATED);
    let code = app.code(&host, venue).await;
    let walked = app.post(&format!("/api/v1/venues/{venue}/check-ins"), Some(&stranger), json!({"code": code})).await;
    assert_eq!(walked.status, StatusCode::CONFLICT, "no booking, not a resident: {}", walked.body);
    // Anyone may sign up at an address of the listed domain: until they prove it, it counts for
    // nothing.
    assert_eq!(app.post(&path, Some(&host), json!({"domain": domain})).await.status, StatusCode::CREATED);
    let claimed = crate::helpers::account_in(&*app.store, "Mallory", "mallory@acme.example", false).await;
    let posing = app.post(&format!("/api/v1/venues/{venue}/check-ins"), Some(&claimed), json!({"code": code})).await;
    assert_eq!(posing.status, StatusCode::CONFLICT, "an unproven address is no resident: {}", posing.body);
    let came = app.post(&format!("/api/v1/venues/{venue}/check-ins"), Some(&resident), json!({"code": code})).await;
    assert_eq!(came.status, StatusCode::OK, "{}", came.body);
    assert_eq!(came.body["booking"]["resident"], true, "{}", came.body);
    let arrived =
        app.post(&format!("/api/v1/venues/{venue}/check-ins"), Some(&host), json!({"user_id": guest.id})).await;
    assert_eq!(arrived.status, StatusCode::OK, "the guest's seat was kept: {}", arrived.body);
    let here = app.get(&format!("/api/v1/venues/{venue}/presence"), Some(&guest)).await;
    assert_eq!(here.body["present"], 2, "both take part: {}", here.body);

    let gave = json!({"with": guest.id, "role": "gave", "tags": ["ux"], "text": "Reviewed a form", "venue_id": venue});
    let exchange = app.post("/api/v1/me/exchanges", Some(&resident), gave).await;
    assert_eq!(exchange.status, StatusCode::CREATED, "a resident takes part in exchanges: {}", exchange.body);
    let id = exchange.body["id"].as_str().unwrap();
    app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&guest), None).await;
    let report =
        app.get(&format!("/api/v1/venues/{venue}/report?from={MONDAY}&to=2026-11-24&by=day"), Some(&host)).await;
    let total = &report.body["total"];
    assert_eq!((total["visits"].clone(), total["resident_visits"].clone()), (json!(1), json!(1)), "{total}");
    assert_eq!((total["residents_gave"].clone(), total["residents_received"].clone()), (json!(1), json!(0)));
}
