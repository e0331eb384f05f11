//! The community board over HTTP: posts put up with the field at fault named, listed by city, venue and
//! kind; members write to an author through the platform without seeing an address; a post
//! fulfilled with someone proposes an exchange; reminders before it comes down, and renewal; the
//! posts that fit a member, suggested with reasons.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Member, TestApp, MONDAY_9AM};

fn lamp(extra: Value) -> Value {
    let mut body = json!({"kind": "offer", "category": "equipment", "title": "Desk lamp to lend",
        "body": "A warm LED lamp; pick it up at the café.", "tags": ["Lighting"], "city": "Utrecht"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

async fn profile(app: &TestApp, who: &Member, body: Value) {
    let reply = app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn posts_go_up_with_every_error_named_and_are_listed_by_city_venue_and_kind() {
    let Some(app) = spawn_app().await else { return };
    let (ann, bo) = (app.member("Ann").await, app.member("Bo").await);
    profile(&app, &ann, json!({"display_name": "Ann", "offers": ["lighting"], "visibility": "hidden"})).await;
    profile(&app, &bo, json!({"display_name": "Bo", "visibility": "public"})).await;

    let bad = app
        .post("/api/v1/board", Some(&ann), lamp(json!({"title": " ", "city": null, "expires_on": "2026-11-23"})))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.field(), "title", "the first of the fields at fault: {}", bad.body);
    let late = app.post("/api/v1/board", Some(&ann), lamp(json!({"expires_on": "2027-06-01"}))).await;
    assert_eq!((late.status, late.field()), (StatusCode::UNPROCESSABLE_ENTITY, "expires_on"));
    let unknown = app.post("/api/v1/board", Some(&ann), lamp(json!({"category": "pets"}))).await;
    assert!(unknown.status.is_client_error());
    assert_eq!(app.post("/api/v1/board", None, lamp(json!({}))).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("board_posts").await, 0, "nothing written");

    let made = app.post("/api/v1/board", Some(&ann), lamp(json!({}))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!((made.body["tags"].clone(), made.body["mine"].clone()), (json!(["lighting"]), json!(true)));
    assert_eq!(made.body["expires_at"], "2026-12-24T00:00:00Z", "30 days: to the end of 23 December (UTC)");
    let need = json!({"kind": "need", "category": "people", "title": "Looking for a co-founder", "tags": ["SaaS"],
        "city": "utrecht "});
    assert_eq!(app.post("/api/v1/board", Some(&bo), need).await.status, StatusCode::CREATED);
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let at_venue = json!({"kind": "offer", "category": "technology", "title": "Spare monitor", "venue_id": venue});
    let monitor = app.post("/api/v1/board", Some(&bo), at_venue).await;
    assert_eq!((monitor.status, monitor.body["city"].clone()), (StatusCode::CREATED, json!("Utrecht")));

    let city = app.get("/api/v1/board?city=UTRECHT", Some(&bo)).await;
    let titles: Vec<&str> = city.body.as_array().unwrap().iter().filter_map(|p| p["title"].as_str()).collect();
    assert_eq!(titles, ["Spare monitor", "Looking for a co-founder", "Desk lamp to lend"], "newest first");
    let needs = app.get("/api/v1/board?city=Utrecht&kind=need", None).await;
    assert_eq!(needs.body.as_array().unwrap().len(), 1);
    let here = app.get(&format!("/api/v1/board?venue_id={venue}"), None).await;
    assert_eq!(here.body.as_array().unwrap().len(), 1);
    let seen_by_visitor = app.get(&format!("/api/v1/board/{}", made.body["id"].as_str().unwrap()), None).await;
    assert_eq!(seen_by_visitor.body["author_name"], Value::Null, "Ann keeps to herself");
    let seen_by_member = app.get(&format!("/api/v1/board/{}", made.body["id"].as_str().unwrap()), Some(&bo)).await;
    assert_eq!(seen_by_member.body["author_name"], Value::Null, "from everyone");
    let bos = app.get(&format!("/api/v1/board/{}", monitor.body["id"].as_str().unwrap()), None).await;
    assert_eq!(bos.body["author_name"], "Bo", "Bo shows his name to all");
    assert_eq!(app.get("/api/v1/board?city=", None).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn members_write_through_the_platform_and_a_post_fulfilled_with_someone_proposes_an_exchange() {
    let Some(app) = spawn_app().await else { return };
    let (ann, bo, cy) = (app.member("Ann").await, app.member("Bo").await, app.member("Cy").await);
    profile(&app, &bo, json!({"display_name": "Bo", "visibility": "public"})).await;
    let made = app.post("/api/v1/board", Some(&ann), lamp(json!({}))).await;
    let id = made.body["id"].as_str().unwrap().to_owned();
    let messages = format!("/api/v1/board/{id}/messages");

    let empty = app.post(&messages, Some(&bo), json!({"body": "  "})).await;
    assert_eq!((empty.status, empty.field()), (StatusCode::UNPROCESSABLE_ENTITY, "body"));
    let wrote = app.post(&messages, Some(&bo), json!({"body": "Could I borrow it on Friday?"})).await;
    assert_eq!(wrote.status, StatusCode::CREATED, "{}", wrote.body);
    let told = app.smtp.first_with(&ann.email, "Could I borrow it on Friday?").await;
    assert!(told.data.contains("Bo writes about your post"), "{}", told.data);
    assert!(!told.data.contains(&bo.email), "Bo's address stays his");

    let own = app.post(&messages, Some(&ann), json!({"body": "Anyone?"})).await;
    assert_eq!((own.status, own.code()), (StatusCode::CONFLICT, "own_post"));
    let stranger = app.post(&messages, Some(&ann), json!({"body": "Hi", "to": cy.id})).await;
    assert_eq!((stranger.status, stranger.field()), (StatusCode::UNPROCESSABLE_ENTITY, "to"));
    let reply = app.post(&messages, Some(&ann), json!({"body": "Yes, Friday at ten.", "to": bo.id})).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let back = app.smtp.first_with(&bo.email, "Yes, Friday at ten.").await;
    assert!(!back.data.contains(&ann.email), "Ann's address stays hers");

    let bos = app.get(&messages, Some(&bo)).await;
    let said: Vec<(bool, &str)> = bos
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["from_me"].as_bool().unwrap(), m["body"].as_str().unwrap()))
        .collect();
    assert_eq!(said, [(true, "Could I borrow it on Friday?"), (false, "Yes, Friday at ten.")]);
    assert!(app.get(&messages, Some(&cy)).await.body.as_array().unwrap().is_empty(), "Cy sees only her own");
    let anns = app.get(&format!("{messages}?with={}", bo.id), Some(&ann)).await;
    assert_eq!(anns.body.as_array().unwrap().len(), 2);

    let not_with_cy = app.post(&format!("/api/v1/board/{id}/fulfil"), Some(&ann), json!({"with_user_id": cy.id})).await;
    assert_eq!((not_with_cy.status, not_with_cy.field()), (StatusCode::UNPROCESSABLE_ENTITY, "with_user_id"));
    assert_eq!(
        app.post(&format!("/api/v1/board/{id}/fulfil"), Some(&bo), json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    let done = app.post(&format!("/api/v1/board/{id}/fulfil"), Some(&ann), json!({"with_user_id": bo.id})).await;
    assert_eq!((done.status, done.body["status"].clone()), (StatusCode::OK, json!("fulfilled")), "{}", done.body);
    let again = app.post(&format!("/api/v1/board/{id}/withdraw"), Some(&ann), json!({})).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "post_closed"));
    let exchanges = app.get("/api/v1/me/exchanges", Some(&bo)).await;
    let items = exchanges.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{}", exchanges.body);
    assert_eq!(items[0]["text"], "From the board: Desk lamp to lend");
    assert!(app.get("/api/v1/board?city=Utrecht", None).await.body.as_array().unwrap().is_empty(), "down");
    assert_eq!(app.get(&format!("/api/v1/board/{id}"), Some(&bo)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/api/v1/board/{id}"), Some(&ann)).await.status,
        StatusCode::OK,
        "its author still sees it"
    );
    let late = app.post(&messages, Some(&cy), json!({"body": "Still there?"})).await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_author_is_reminded_a_week_and_a_day_before_and_a_renewal_moves_the_reminders() {
    let Some(app) = spawn_app().await else { return };
    let ann = app.member("Ann").await;
    // Up until the end of 3 December (UTC); reminded on 27 November and 3 December.
    let made = app.post("/api/v1/board", Some(&ann), lamp(json!({"expires_on": "2026-12-03"}))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.body["id"].as_str().unwrap().to_owned();
    app.clock.set(MONDAY_9AM + 4 * 86_400);
    let week = app.smtp.first_with(&ann.email, "comes down in a week").await;
    assert!(week.data.contains(&format!("/board/{id}")), "{}", week.data);

    let renewed = app.post(&format!("/api/v1/board/{id}/renew"), Some(&ann), json!({})).await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.body);
    assert_eq!(renewed.body["expires_at"], "2026-12-27T00:00:00Z", "30 days from today");
    // Past the old expiry's last reminder and a week before the new one.
    app.clock.set(MONDAY_9AM + 27 * 86_400);
    let due = format!("mail_jobs WHERE done_at IS NULL AND due_at <= {}", app.clock_now());
    crate::helpers::eventually("every e-mail due handled", || async { (app.count(&due).await == 0).then_some(()) })
        .await;
    let weeks = app.smtp.received().into_iter().filter(|m| m.data.contains("comes down in a week")).count();
    assert_eq!(weeks, 2, "once for each expiry");
    let tomorrows = app.smtp.received().into_iter().filter(|m| m.data.contains("comes down tomorrow")).count();
    assert_eq!(tomorrows, 0, "the old expiry's last reminder is not sent");
    let stranger = app.member("Bo").await;
    assert_eq!(
        app.post(&format!("/api/v1/board/{id}/renew"), Some(&stranger), json!({})).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn posts_are_suggested_to_the_people_they_fit_with_a_reason() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (ann, jun) = (app.member("Ann").await, app.member("Jun").await);
    profile(&app, &ann, json!({"display_name": "Ann", "offers": ["Bookkeeping"], "seeking": ["Python"]})).await;
    profile(&app, &jun, json!({"display_name": "Jun", "visibility": "public"})).await;
    assert_eq!(app.book(&ann, venue, "2026-11-24", "09:00", "12:00").await.status, StatusCode::CREATED);
    let need = json!({"kind": "need", "category": "service", "title": "Help with my books", "tags": ["bookkeeping"],
        "city": "Utrecht"});
    assert_eq!(app.post("/api/v1/board", Some(&jun), need).await.status, StatusCode::CREATED);
    let offer = json!({"kind": "offer", "category": "service", "title": "Python lessons", "tags": ["python"],
        "city": "Utrecht"});
    assert_eq!(app.post("/api/v1/board", Some(&jun), offer).await.status, StatusCode::CREATED);
    let elsewhere = json!({"kind": "need", "category": "service", "title": "Bookkeeper in Rotterdam",
        "tags": ["bookkeeping"], "city": "Rotterdam"});
    assert_eq!(app.post("/api/v1/board", Some(&jun), elsewhere).await.status, StatusCode::CREATED);
    let unrelated = json!({"kind": "need", "category": "equipment", "title": "A tripod", "tags": ["photography"],
        "city": "Utrecht"});
    assert_eq!(app.post("/api/v1/board", Some(&jun), unrelated).await.status, StatusCode::CREATED);
    let own = json!({"kind": "offer", "category": "service", "title": "My bookkeeping", "tags": ["bookkeeping"],
        "city": "Utrecht"});
    assert_eq!(app.post("/api/v1/board", Some(&ann), own).await.status, StatusCode::CREATED);

    let found = app.get("/api/v1/me/board-suggestions", Some(&ann)).await;
    assert_eq!(found.status, StatusCode::OK);
    let list = found.body.as_array().unwrap();
    let titles: Vec<&str> = list.iter().filter_map(|s| s["post"]["title"].as_str()).collect();
    assert_eq!(titles.len(), 2, "{}", found.body);
    assert!(titles.contains(&"Help with my books") && titles.contains(&"Python lessons"), "{titles:?}");
    let reasons: Vec<&str> = list.iter().filter_map(|s| s["reason"].as_str()).collect();
    assert!(reasons.iter().any(|r| r.contains("Jun is looking for bookkeeping, and you offer")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("Jun offers python, which you are looking for")), "{reasons:?}");
    assert_eq!(app.get("/api/v1/me/board-suggestions", None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_flood_of_messages_is_refused_before_it_becomes_a_flood_of_e_mails() {
    let Some(app) = spawn_app().await else { return };
    let (ann, bo) = (app.member("Ann").await, app.member("Bo").await);
    let made = app.post("/api/v1/board", Some(&ann), lamp(json!({}))).await;
    let messages = format!("/api/v1/board/{}/messages", made.body["id"].as_str().unwrap());
    for i in 0..30 {
        let sent = app.post(&messages, Some(&bo), json!({"body": format!("Message {i}")})).await;
        assert_eq!(sent.status, StatusCode::CREATED, "{i}: {}", sent.body);
    }
    let refused = app.post(&messages, Some(&bo), json!({"body": "One more"})).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::TOO_MANY_REQUESTS, "too_many_emails"));
    assert_eq!(app.count("board_messages").await, 30, "the refused one is not written");
    app.clock.set(MONDAY_9AM + 3601);
    assert_eq!(app.post(&messages, Some(&bo), json!({"body": "An hour later"})).await.status, StatusCode::CREATED);
}
