use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Member, PATIENCE};

#[tokio::test]
async fn a_display_token_opens_only_its_venues_dashboard_until_revoked() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (other, _) = app.venue(&host, 10).await;
    let (token, id) = app.screen_token_and_id(&host, venue, "display").await;
    let path = |v: uuid::Uuid, t: &str| format!("/api/v1/venues/{v}/dashboard?token={t}");
    assert_eq!(app.get(&path(venue, &token), None).await.status, StatusCode::OK);
    assert_eq!(app.get(&path(other, &token), None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/v1/venues/{venue}/dashboard"), None).await.status, StatusCode::UNAUTHORIZED);
    let kiosk = app.screen_token(&host, venue, "kiosk").await;
    assert_eq!(
        app.get(&path(venue, &kiosk), None).await.status,
        StatusCode::FORBIDDEN,
        "a kiosk token is not a display"
    );
    let stranger = app.member("Stranger").await;
    let refused = app
        .post(
            &format!("/api/v1/venues/{venue}/screen-tokens"),
            Some(&stranger),
            json!({"kind": "display", "name": "x"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let revoked =
        app.call(Method::DELETE, &format!("/api/v1/venues/{venue}/screen-tokens/{id}"), Some(&host), None).await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert!(revoked.body["revoked_at"].is_string());
    assert_eq!(app.get(&path(venue, &token), None).await.status, StatusCode::FORBIDDEN);
    assert!(
        !app.get(&format!("/api/v1/venues/{venue}/screen-tokens"), Some(&host)).await.body.to_string().contains(&token),
        "the secret is never listed"
    );
}

#[tokio::test]
async fn the_dashboard_shows_who_is_here_as_they_allow_with_intros_questions_and_counters() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let token = app.screen_token(&host, venue, "display").await;
    let (anna, ben, hid) = (app.member("Anna").await, app.member("Ben").await, app.member("Hid").await);
    let put = |m: &Member, body: serde_json::Value| {
        let app = &app;
        let m = m.clone();
        async move { app.call(Method::PUT, "/api/v1/me/profile", Some(&m), Some(body)).await }
    };
    put(&anna, json!({"display_name": "<script>alert(1)</script>Anna", "offers": ["bookkeeping"], "seeking": ["ux"], "visibility": "venue"})).await;
    put(&ben, json!({"display_name": "Ben", "offers": ["ux"], "seeking": ["vat"], "visibility": "public"})).await;
    put(&hid, json!({"display_name": "Hid", "offers": ["vat"], "visibility": "hidden"})).await;
    for m in [&anna, &ben, &hid] {
        app.arrive(&host, m, venue).await;
    }
    app.post(&format!("/api/v1/venues/{venue}/rounds"), Some(&host), json!({})).await;
    app.post(
        &format!("/api/v1/venues/{venue}/questions"),
        Some(&ben),
        json!({"text": "Who can explain VAT on invoices?", "tags": ["vat"]}),
    )
    .await;
    let board = app.get(&format!("/api/v1/venues/{venue}/dashboard?token={token}"), None).await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.body);
    let names: Vec<&str> =
        board.body["people"].as_array().unwrap().iter().map(|p| p["display_name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"<script>alert(1)</script>Anna"), "text is data, kept as typed: {names:?}");
    assert!(!board.body.to_string().contains("Hid"), "a hidden person is never on the screen");
    assert_eq!(board.body["counters"]["here"], 3, "but is counted");
    assert!(board.body["counters"]["topics"].as_u64().unwrap() >= 3);
    assert_eq!(board.body["questions"][0]["text"], "Who can explain VAT on invoices?");
    assert!(board.body["intros"].as_array().unwrap().iter().all(|i| !i["reason"].as_str().unwrap().contains("Hid")));
    assert!(board.body["local_time"].as_str().unwrap().contains(':'));
    assert_eq!(board.body["local_date"], "2026-11-23", "the date the QR code belongs to");
    assert_eq!(
        (board.body["counters"]["exchanges_today"].clone(), board.body["shared_today"].clone()),
        (json!(0), json!([]))
    );

    // Knowledge shared here and confirmed, and an outcome shared with the venue, show today,
    // by topic and category, never by name; a private outcome does not. The topics show only
    // when both people show their record.
    let gave =
        json!({"with": anna.id, "role": "gave", "tags": ["ux"], "text": "Reviewed her signup form", "venue_id": venue});
    let proposed = app.post("/api/v1/me/exchanges", Some(&ben), gave).await;
    assert_eq!(proposed.status, StatusCode::CREATED, "{}", proposed.body);
    let id = proposed.body["id"].as_str().unwrap();
    let unconfirmed = app.get(&format!("/api/v1/venues/{venue}/dashboard?token={token}"), None).await;
    assert_eq!(unconfirmed.body["counters"]["exchanges_today"], 0, "it counts once confirmed");
    app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&anna), None).await;
    for sharing in ["venue", "private"] {
        let outcome = json!({"category": "client", "venue_id": venue, "sharing": sharing});
        assert_eq!(app.post("/api/v1/me/outcomes", Some(&anna), outcome).await.status, StatusCode::CREATED);
    }
    let board = app.get(&format!("/api/v1/venues/{venue}/dashboard?token={token}"), None).await;
    assert_eq!(board.body["counters"]["exchanges_today"], 1, "counted");
    assert_eq!(board.body["shared_today"], json!([]), "Anna keeps her record to herself: {}", board.body);
    put(
        &anna,
        json!({"display_name": "Anna", "offers": ["bookkeeping"], "visibility": "venue", "record_visibility": "venue"}),
    )
    .await;
    put(&ben, json!({"display_name": "Ben", "offers": ["ux"], "visibility": "public", "record_visibility": "public"}))
        .await;
    let board = app.get(&format!("/api/v1/venues/{venue}/dashboard?token={token}"), None).await;
    assert_eq!(board.body["shared_today"], json!([{"topics": ["UX"]}]), "{}", board.body);
    assert_eq!(board.body["counters"]["outcomes_today"], 1, "the private outcome is not the venue's");
    assert_eq!(board.body["outcomes_today"], json!(["joint prospecting or a new client"]));
}

#[tokio::test]
async fn tags_keep_their_casing_and_the_profiles_preview_shows_them_as_the_screen_does() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let token = app.screen_token(&host, venue, "display").await;
    let anna = app.member("Anna").await;
    let body = json!({"display_name": "Anna", "offers": ["vat returns", "k8s", "Zorblax Widgets"], "seeking": ["ux", "SEO"], "visibility": "public"});
    let put = app.call(Method::PUT, "/api/v1/me/profile", Some(&anna), Some(body)).await;
    assert_eq!(put.body["offers"], json!(["vat returns", "k8s", "Zorblax Widgets"]), "kept as typed");
    app.arrive(&host, &anna, venue).await;
    let board = app.get(&format!("/api/v1/venues/{venue}/dashboard?token={token}"), None).await;
    let card = &board.body["people"][0];
    assert_eq!(card["offers"], json!(["VAT", "Kubernetes", "Zorblax Widgets"]), "{}", board.body);
    assert_eq!(card["seeking"], json!(["UX", "SEO"]));
    let labels = app.get("/api/v1/vocabulary/labels?tags=vat%20returns,%20k8s,Zorblax%20Widgets", None).await;
    assert_eq!(labels.body, card["offers"], "what the profile's preview asks for as one types");
    let web = crate::web::Web::new(&app);
    web.log_in(&anna).await;
    let page = web.get("/me/profile").await.html;
    assert!(page.contains(r#"data-preview-tags>VAT, Kubernetes, Zorblax Widgets</span>"#), "{page}");
    assert!(page.contains(r#"data-preview-tags>UX, SEO</span>"#), "{page}");
    let too_many = app.get(&format!("/api/v1/vocabulary/labels?tags={}", ["x"; 31].join(",")), None).await;
    assert_eq!((too_many.status, too_many.field()), (StatusCode::BAD_REQUEST, "tags"));
}

#[tokio::test]
async fn a_screen_follows_its_venues_events_with_its_token() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let token = app.screen_token(&host, venue, "display").await;
    let mut stream =
        app.client.get(app.url(&format!("/api/v1/venues/{venue}/events?token={token}"))).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let anna = app.member("Anna").await;
    app.arrive(&host, &anna, venue).await;
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !seen.contains("event: presence") {
        match tokio::time::timeout_at(deadline, stream.chunk()).await {
            Ok(Ok(Some(bytes))) => seen.push_str(&String::from_utf8_lossy(&bytes)),
            _ => panic!("no presence event: {seen}"),
        }
    }
}

#[tokio::test]
async fn the_screen_shows_a_qr_code_of_todays_check_in_link() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let token = app.screen_token(&host, venue, "display").await;
    let resp =
        app.client.get(app.url(&format!("/api/v1/venues/{venue}/check-in-qr.svg?token={token}"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "image/svg+xml");
    let svg = resp.text().await.unwrap();
    assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");
    let stranger = app.member("Stranger").await;
    let refused = app.get(&format!("/api/v1/venues/{venue}/check-in-qr.svg"), Some(&stranger)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_closed_venue_s_screen_says_when_it_opens_instead_of_inviting_check_ins() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let token = app.screen_token(&host, venue, "display").await;
    let path = format!("/api/v1/venues/{venue}/dashboard?token={token}");
    // The test clock reads 09:00 on Monday in Amsterdam: open from 08:00 to 18:00.
    let open = app.get(&path, None).await;
    assert_eq!(open.body["closed"], serde_json::Value::Null, "{}", open.body);
    // Nine hours on it is 18:00 there: closing time.
    app.clock.advance(9 * 3600);
    let closed = app.get(&path, None).await;
    assert_eq!(closed.body["closed"], "Closed now. It opens again on Tuesday 24 November at 08:00.", "{}", closed.body);
}

/// The venue's host organises a gathering at it through the API; `extra` changes fields. Gives
/// the first date's id.
pub async fn gathering_here(app: &crate::helpers::TestApp, host: &Member, venue: uuid::Uuid, extra: Value) -> String {
    let mut body = json!({"kind": "knowledge_session", "title": "VAT in an hour", "venue_id": venue,
        "date": crate::helpers::MONDAY, "start": "12:00", "end": "13:00", "capacity": 2});
    for (k, v) in extra.as_object().into_iter().flatten() {
        body[k] = v.clone();
    }
    let made = app.post("/api/v1/gatherings", Some(host), body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    made.body["dates"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_screen_lists_today_s_open_gatherings_here_with_their_places_and_nothing_else() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (elsewhere, _) = app.venue(&host, 10).await;
    let token = app.screen_token(&host, venue, "display").await;
    let path = format!("/api/v1/venues/{venue}/dashboard?token={token}");
    assert_eq!(app.get(&path, None).await.body["gatherings_today"], json!([]), "nothing planned yet");

    let today = gathering_here(&app, &host, venue, json!({})).await;
    gathering_here(
        &app,
        &host,
        venue,
        json!({"title": "Early coffee", "kind": "venue_event", "start": "09:15", "end": "09:45"}),
    )
    .await;
    gathering_here(&app, &host, venue, json!({"title": "Tomorrow's talk", "date": "2026-11-24"})).await;
    gathering_here(
        &app,
        &host,
        venue,
        json!({"title": "Members' lunch", "start": "13:00", "end": "14:00", "members_only": true}),
    )
    .await;
    gathering_here(&app, &host, elsewhere, json!({"title": "At the other venue"})).await;
    let called_off =
        gathering_here(&app, &host, venue, json!({"title": "Called off", "start": "15:00", "end": "16:00"})).await;
    let cancelled =
        app.call(Method::POST, &format!("/api/v1/gathering-dates/{called_off}/cancel"), Some(&host), None).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    let ann = app.member("Ann").await;
    let answered = app.call(Method::POST, &format!("/api/v1/gathering-dates/{today}/rsvp"), Some(&ann), None).await;
    assert_eq!(answered.body["status"], "going", "{}", answered.body);

    let board = app.get(&path, None).await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.body);
    assert_eq!(
        board.body["gatherings_today"],
        json!([
            {"title": "Early coffee", "kind": "Venue event", "starts": "09:15", "ends": "09:45", "places_left": 2, "full": false},
            {"title": "VAT in an hour", "kind": "Knowledge session", "starts": "12:00", "ends": "13:00", "places_left": 1, "full": false}
        ]),
        "today's, in local time, soonest first; not tomorrow's, not another venue's, not a cancelled date, not one for \
         members only"
    );
    let staff = app.get(&format!("/api/v1/venues/{venue}/dashboard"), Some(&host)).await;
    assert_eq!(
        staff.body["gatherings_today"], board.body["gatherings_today"],
        "the screen is the screen, whoever opens it"
    );

    let bo = app.member("Bo").await;
    app.call(Method::POST, &format!("/api/v1/gathering-dates/{today}/rsvp"), Some(&bo), None).await;
    // An hour on, the early coffee is over; the session is full.
    app.clock.advance(3600);
    let board = app.get(&path, None).await;
    assert_eq!(
        board.body["gatherings_today"],
        json!([{"title": "VAT in an hour", "kind": "Knowledge session", "starts": "12:00", "ends": "13:00", "places_left": 0, "full": true}])
    );
}
