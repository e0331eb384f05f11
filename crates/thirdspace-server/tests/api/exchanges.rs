use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_app, Member, TestApp};

async fn public(app: &TestApp, name: &str) -> Member {
    let member = app.member(name).await;
    let profile = json!({"display_name": name, "visibility": "public", "offers": ["vat"]});
    let saved = app.call(Method::PUT, "/api/v1/me/profile", Some(&member), Some(profile)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    member
}

/// A member who shows themselves to nobody.
async fn hidden(app: &TestApp) -> Member {
    let member = app.member("Hidden").await;
    let profile = json!({"display_name": "Hidden", "visibility": "hidden"});
    app.call(Method::PUT, "/api/v1/me/profile", Some(&member), Some(profile)).await;
    member
}

#[tokio::test]
async fn an_exchange_counts_once_the_other_side_confirms_it_and_a_decline_stays_pending_to_the_proposer() {
    let Some(app) = spawn_app().await else { return };
    let (anna, bob, cas) = (public(&app, "Anna").await, public(&app, "Bob").await, public(&app, "Cas").await);
    let helped =
        json!({"with": bob.id, "role": "gave", "tags": ["VAT", "Invoicing"], "text": "Walked Bob through VAT"});
    let proposed = app.post("/api/v1/me/exchanges", Some(&anna), helped.clone()).await;
    assert_eq!(proposed.status, StatusCode::CREATED, "{}", proposed.body);
    assert_eq!(proposed.body["status"], "pending");
    assert_eq!((proposed.body["role"].clone(), proposed.body["awaiting_me"].clone()), (json!("gave"), json!(false)));
    assert_eq!((proposed.body["with_name"].clone(), proposed.body["source"].clone()), (json!("Bob"), json!("free")));
    assert_eq!(proposed.body["tags"], json!(["vat", "invoicing"]));
    let id = proposed.body["id"].as_str().unwrap().to_owned();

    let bobs = app.get("/api/v1/me/exchanges", Some(&bob)).await;
    assert_eq!(bobs.body["total"], 1);
    assert_eq!(
        (bobs.body["items"][0]["role"].clone(), bobs.body["items"][0]["awaiting_me"].clone()),
        (json!("received"), json!(true))
    );
    let own = app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&anna), None).await;
    assert_eq!((own.status, own.code()), (StatusCode::CONFLICT, "own_proposal"));
    for who in [&cas] {
        let other = app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(who), None).await;
        assert_eq!(other.status, StatusCode::NOT_FOUND, "someone else's exchange does not exist to them");
        assert_eq!(app.get(&format!("/api/v1/exchanges/{id}"), Some(who)).await.status, StatusCode::NOT_FOUND);
    }
    let confirmed = app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&bob), None).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(confirmed.body["status"], "confirmed");
    assert!(confirmed.body["confirmed_at"].is_string());
    let twice = app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&bob), None).await;
    assert_eq!((twice.status, twice.body["status"].clone()), (StatusCode::OK, json!("confirmed")));

    let mine = app.get("/api/v1/me/social-capital", Some(&anna)).await;
    assert_eq!((mine.body["given"].clone(), mine.body["received"].clone()), (json!(1), json!(0)));
    assert_eq!(mine.body["topics"][0], json!({"tag": "invoicing", "given": 1, "received": 0}));
    assert_eq!(mine.body["months"].as_array().map(Vec::len), Some(1));
    let theirs = app.get("/api/v1/me/social-capital", Some(&bob)).await;
    assert_eq!((theirs.body["given"].clone(), theirs.body["received"].clone()), (json!(0), json!(1)));

    let again = app.post("/api/v1/me/exchanges", Some(&anna), helped).await;
    let again_id = again.body["id"].as_str().unwrap().to_owned();
    let declined = app.call(Method::POST, &format!("/api/v1/exchanges/{again_id}/decline"), Some(&bob), None).await;
    assert_eq!(declined.body["status"], "declined", "who declined sees it");
    let to_anna = app.get(&format!("/api/v1/exchanges/{again_id}"), Some(&anna)).await;
    assert_eq!(to_anna.body["status"], "pending", "the proposer is not told: {}", to_anna.body);
    assert_eq!(to_anna.body["confirmed_at"], serde_json::Value::Null);
    assert_eq!(app.get("/api/v1/me/social-capital", Some(&anna)).await.body["given"], 1, "a decline never counts");
}

#[tokio::test]
async fn a_bad_exchange_is_refused_by_field_and_nothing_is_written() {
    let Some(app) = spawn_app().await else { return };
    let anna = public(&app, "Anna").await;
    let hidden = hidden(&app).await;
    let bob = public(&app, "Bob").await;
    let nobody = uuid::Uuid::now_v7();
    let cases = [
        (json!({"with": anna.id, "role": "gave", "text": "Myself"}), "with"),
        (json!({"with": hidden.id, "role": "gave", "text": "Hidden"}), "with"),
        (json!({"with": nobody, "role": "gave", "text": "Nobody"}), "with"),
        (json!({"with": bob.id, "role": "gave", "text": "  "}), "text"),
        (json!({"with": bob.id, "role": "gave", "text": "x", "venue_id": nobody}), "venue_id"),
        (
            json!({"with": bob.id, "role": "gave", "text": "x", "source": "introduction", "source_id": nobody}),
            "source_id",
        ),
        (json!({"with": bob.id, "role": "gave", "text": "x", "source": "question"}), "source_id"),
        (json!({"with": bob.id, "role": "gave", "text": "x", "source_id": nobody}), "source_id"),
    ];
    for (body, field) in cases {
        let reply = app.post("/api/v1/me/exchanges", Some(&anna), body.clone()).await;
        assert_eq!((reply.status, reply.field()), (StatusCode::UNPROCESSABLE_ENTITY, field), "{body}: {}", reply.body);
    }
    let unknown_role =
        app.post("/api/v1/me/exchanges", Some(&anna), json!({"with": bob.id, "role": "lent", "text": "x"})).await;
    assert_eq!(unknown_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    let anonymous = app.post("/api/v1/me/exchanges", None, json!({"with": bob.id, "role": "gave", "text": "x"})).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("exchanges").await, 0);
    assert_eq!(app.count("exchange_tags").await, 0);
}

#[tokio::test]
async fn an_outcome_names_what_led_to_it_and_the_other_person_confirms_their_side() {
    let Some(app) = spawn_app().await else { return };
    let (anna, bob, cas) = (public(&app, "Anna").await, public(&app, "Bob").await, public(&app, "Cas").await);
    let helped = json!({"with": bob.id, "role": "received", "tags": ["sales"], "text": "Bob shared his pitch"});
    let exchange = app.post("/api/v1/me/exchanges", Some(&anna), helped).await.body["id"].clone();
    let theirs = json!({"with": cas.id, "role": "gave", "text": "Not Anna's"});
    let not_annas = app.post("/api/v1/me/exchanges", Some(&bob), theirs).await.body["id"].clone();

    let outcome = json!({"category": "client", "note": "Landed a client with Bob's pitch", "with": bob.id,
        "exchanges": [exchange], "value_cents": 120000, "currency": "EUR", "hours": 12, "sharing": "public"});
    let recorded = app.post("/api/v1/me/outcomes", Some(&anna), outcome).await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    assert_eq!((recorded.body["mine"].clone(), recorded.body["confirmed"].clone()), (json!(true), json!(false)));
    assert_eq!(recorded.body["other_name"], "Bob");
    assert_eq!(recorded.body["exchanges"], json!([exchange]));
    let id = recorded.body["id"].as_str().unwrap().to_owned();

    let bobs = app.get("/api/v1/me/outcomes", Some(&bob)).await;
    assert_eq!(bobs.body["total"], 1);
    assert_eq!(
        (bobs.body["items"][0]["awaiting_me"].clone(), bobs.body["items"][0]["other_name"].clone()),
        (json!(true), json!("Anna"))
    );
    let own = app.call(Method::POST, &format!("/api/v1/outcomes/{id}/confirm"), Some(&anna), None).await;
    assert_eq!((own.status, own.code()), (StatusCode::CONFLICT, "own_outcome"));
    let stranger = app.call(Method::POST, &format!("/api/v1/outcomes/{id}/confirm"), Some(&cas), None).await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
    let confirmed = app.call(Method::POST, &format!("/api/v1/outcomes/{id}/confirm"), Some(&bob), None).await;
    assert_eq!(
        (confirmed.body["confirmed"].clone(), confirmed.body["awaiting_me"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(app.get("/api/v1/me/outcomes", Some(&cas)).await.body["total"], 0);

    let hidden = hidden(&app).await;
    let cases = [
        (json!({"category": "job", "with": hidden.id}), "with"),
        (json!({"category": "job", "with": anna.id}), "with"),
        (json!({"category": "job", "exchanges": [not_annas]}), "exchanges"),
        (json!({"category": "job", "intros": [uuid::Uuid::now_v7()]}), "intros"),
        (json!({"category": "job", "value_cents": 100, "currency": "euro"}), "currency"),
        (json!({"category": "job", "value_cents": 100}), "currency"),
        (json!({"category": "job", "hours": 0}), "hours"),
        (json!({"category": "job", "venue_id": uuid::Uuid::now_v7()}), "venue_id"),
    ];
    for (body, field) in cases {
        let reply = app.post("/api/v1/me/outcomes", Some(&anna), body.clone()).await;
        assert_eq!((reply.status, reply.field()), (StatusCode::UNPROCESSABLE_ENTITY, field), "{body}: {}", reply.body);
    }
    let unknown = app.post("/api/v1/me/outcomes", Some(&anna), json!({"category": "fame"})).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("outcomes").await, 1, "only the good one was written");
    assert_eq!(app.count("outcome_links").await, 1);
}

#[tokio::test]
async fn an_asker_says_who_answered_and_the_question_and_its_exchange_are_written_together_or_not_at_all() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 4).await;
    let (anna, bob) = (public(&app, "Anna").await, public(&app, "Bob").await);
    let hidden = hidden(&app).await;
    app.arrive(&host, &anna, venue).await;
    let text = "How does VAT work for e-books sold in Germany?\nAnd in Belgium?";
    let asked = app
        .post(&format!("/api/v1/venues/{venue}/questions"), Some(&anna), json!({"text": text, "tags": ["VAT"]}))
        .await;
    let id = asked.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/questions/{id}/answered-by");

    let not_asker = app.post(&path, Some(&bob), json!({"by": bob.id})).await;
    assert_eq!(not_asker.status, StatusCode::FORBIDDEN);
    for by in [hidden.id, anna.id, uuid::Uuid::now_v7()] {
        let refused = app.post(&path, Some(&anna), json!({"by": by})).await;
        assert_eq!((refused.status, refused.field()), (StatusCode::UNPROCESSABLE_ENTITY, "by"), "{}", refused.body);
    }
    assert_eq!(app.get(&format!("/api/v1/venues/{venue}/questions"), None).await.body["total"], 1, "still open");
    assert_eq!(app.count("exchanges").await, 0);

    let answered = app.post(&path, Some(&anna), json!({"by": bob.id})).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    assert_eq!(answered.body["question"]["answered"], true);
    let exchange = &answered.body["exchange"];
    assert_eq!((exchange["role"].clone(), exchange["source"].clone()), (json!("received"), json!("question")));
    assert_eq!((exchange["source_id"].clone(), exchange["venue_id"].clone()), (json!(id), json!(venue)));
    assert_eq!(exchange["text"], "How does VAT work for e-books sold in Germany?", "its first line");
    assert_eq!(exchange["tags"], json!(["vat"]));
    let again = app.post(&path, Some(&anna), json!({"by": bob.id})).await;
    assert_eq!(again.code(), "already_answered");
    assert_eq!(app.count("exchanges").await, 1, "the refusal wrote nothing");

    let bobs = app.get("/api/v1/me/exchanges", Some(&bob)).await;
    let eid = bobs.body["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(bobs.body["items"][0]["awaiting_me"], true);
    app.call(Method::POST, &format!("/api/v1/exchanges/{eid}/confirm"), Some(&bob), None).await;
    assert_eq!(app.get("/api/v1/me/social-capital", Some(&bob)).await.body["given"], 1);
}

#[tokio::test]
async fn a_person_s_record_shows_only_as_they_allow_now() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 4).await;
    let (anna, bob, cas) = (public(&app, "Anna").await, public(&app, "Bob").await, public(&app, "Cas").await);
    let shared = json!({"with": anna.id, "role": "gave", "tags": ["vat"], "text": "VAT"});
    let id = app.post("/api/v1/me/exchanges", Some(&bob), shared).await.body["id"].as_str().unwrap().to_owned();
    app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&anna), None).await;
    let path = format!("/api/v1/people/{}/social-capital", bob.id);

    let mine = app.get("/api/v1/me/profile", Some(&bob)).await;
    assert_eq!(mine.body["record_visibility"], "hidden", "private until they choose");
    assert_eq!(app.get(&path, Some(&cas)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&path, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&path, Some(&bob)).await.body["given"], 1, "they always see their own");

    let set =
        |visibility: &str| json!({"display_name": "Bob", "visibility": "public", "record_visibility": visibility});
    app.call(Method::PUT, "/api/v1/me/profile", Some(&bob), Some(set("public"))).await;
    let public_record = app.get(&path, None).await;
    assert_eq!(public_record.status, StatusCode::OK, "{}", public_record.body);
    assert_eq!(public_record.body["topics"], json!([{"tag": "vat", "given": 1, "received": 0}]));
    assert!(!public_record.body.to_string().contains(&anna.id.to_string()), "never who with");

    app.call(Method::PUT, "/api/v1/me/profile", Some(&bob), Some(set("venue"))).await;
    assert_eq!(app.get(&path, Some(&cas)).await.status, StatusCode::NOT_FOUND, "not at the same venue");
    app.arrive(&host, &bob, venue).await;
    app.arrive(&host, &cas, venue).await;
    assert_eq!(app.get(&path, Some(&cas)).await.status, StatusCode::OK, "checked in at the same venue now");
    app.call(
        Method::PUT,
        "/api/v1/me/profile",
        Some(&bob),
        Some(json!({"display_name": "Bob", "visibility": "hidden", "record_visibility": "public"})),
    )
    .await;
    assert_eq!(
        app.get(&path, Some(&cas)).await.status,
        StatusCode::NOT_FOUND,
        "a hidden person's record is hidden too"
    );
    let bad = app.call(Method::PUT, "/api/v1/me/profile", Some(&bob), Some(set("friends"))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}
