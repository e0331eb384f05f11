use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_member_here_asks_the_people_around_and_the_question_stays_open_until_answered() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 3).await;
    let (anna, bob) = (app.member("Anna").await, app.member("Bob").await);
    let question =
        json!({"text": "Who knows how VAT works for e-books sold in Germany? 🇩🇪", "tags": ["VAT", " e-books "]});
    let outside = app.post(&format!("/api/v1/venues/{venue}/questions"), Some(&anna), question.clone()).await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN, "only people here may ask here");
    app.arrive(&host, &anna, venue).await;
    let asked = app.post(&format!("/api/v1/venues/{venue}/questions"), Some(&anna), question).await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.body);
    assert_eq!(asked.body["tags"], json!(["vat", "e-books"]));
    assert!(asked.body["text"].as_str().unwrap().ends_with("🇩🇪"));
    let open = app.get(&format!("/api/v1/venues/{venue}/questions"), None).await;
    assert_eq!(open.body["total"], 1);
    let id = asked.body["id"].as_str().unwrap();
    let by_bob = app.call(Method::POST, &format!("/api/v1/questions/{id}/answered"), Some(&bob), None).await;
    assert_eq!(by_bob.status, StatusCode::FORBIDDEN);
    let answered = app.call(Method::POST, &format!("/api/v1/questions/{id}/answered"), Some(&anna), None).await;
    assert_eq!(answered.body["answered"], true);
    assert_eq!(app.get(&format!("/api/v1/venues/{venue}/questions"), None).await.body["total"], 0);
    let twice = app.call(Method::POST, &format!("/api/v1/questions/{id}/answered"), Some(&host), None).await;
    assert_eq!(twice.code(), "already_answered");
}

#[tokio::test]
async fn an_empty_or_huge_question_is_refused_and_nothing_is_stored() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 3).await;
    for text in ["  ", &"?".repeat(5000)] {
        let reply = app.post(&format!("/api/v1/venues/{venue}/questions"), Some(&host), json!({"text": text})).await;
        assert_eq!((reply.status, reply.field()), (StatusCode::UNPROCESSABLE_ENTITY, "text"));
    }
    assert_eq!(app.count("questions").await, 0);
}

#[tokio::test]
async fn a_question_identifies_its_asker_only_as_their_visibility_allows() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (asker, neighbour) = (app.member("Asker").await, app.member("Neighbour").await);
    let profile = json!({"display_name": "Asker", "visibility": "venue"});
    app.call(Method::PUT, "/api/v1/me/profile", Some(&asker), Some(profile)).await;
    app.arrive(&host, &asker, venue).await;
    app.arrive(&host, &neighbour, venue).await;
    app.post(&format!("/api/v1/venues/{venue}/questions"), Some(&asker), json!({"text": "Anyone know Rust?"})).await;
    let path = format!("/api/v1/venues/{venue}/questions");
    let anonymous = app.get(&path, None).await;
    assert_eq!(anonymous.body["items"][0]["asker_id"], serde_json::Value::Null);
    assert!(!anonymous.body.to_string().contains(&asker.id.to_string()), "no ID to find them by");
    let here = app.get(&path, Some(&neighbour)).await;
    assert_eq!(here.body["items"][0]["asker_name"], "Asker");
    app.post(&format!("/api/v1/venues/{venue}/check-outs"), Some(&asker), json!({})).await;
    let after = app.get(&path, Some(&neighbour)).await;
    assert_eq!(after.body["items"][0]["asker_name"], serde_json::Value::Null, "not once the asker has left");
}

#[tokio::test]
async fn a_question_reaches_whoever_has_been_helping_on_its_topic_even_when_their_profile_does_not_say_so() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (ana, ben, cy, dee) =
        (app.member("Ana").await, app.member("Ben").await, app.member("Cy").await, app.member("Dee").await);
    for (who, name, offers) in
        [(&ana, "Ana", "ux"), (&ben, "Ben", "python"), (&cy, "Cy", "design"), (&dee, "Dee", "design")]
    {
        let body = json!({"display_name": name, "offers": [offers], "visibility": "public"});
        app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
        assert_eq!(app.arrive(&host, who, venue).await.status, StatusCode::OK);
    }
    // Cy has helped twice with VAT, confirmed; Dee once, but it was never confirmed.
    for (giver, receiver, confirm) in [(&cy, &ben, true), (&cy, &ana, true), (&dee, &ben, false)] {
        let gave = json!({"with": receiver.id, "role": "gave", "tags": ["vat"], "text": "Explained VAT on invoices"});
        let proposed = app.post("/api/v1/me/exchanges", Some(giver), gave).await;
        assert_eq!(proposed.status, StatusCode::CREATED, "{}", proposed.body);
        if confirm {
            let id = proposed.body["id"].as_str().unwrap();
            app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(receiver), None).await;
        }
    }
    let asked = app
        .post(
            &format!("/api/v1/venues/{venue}/questions"),
            Some(&ana),
            json!({"text": "How does VAT work for e-books?", "tags": ["vat"]}),
        )
        .await;
    let question = asked.body["id"].as_str().unwrap();
    let answerers = app.get(&format!("/api/v1/questions/{question}/answerers"), Some(&ana)).await;
    assert_eq!(answerers.status, StatusCode::OK, "{}", answerers.body);
    let named =
        |body: &serde_json::Value, name: &str| body.as_array().unwrap().iter().any(|a| a["display_name"] == name);
    assert!(!named(&answerers.body, "Cy"), "Cy keeps her record to herself: it routes nothing: {}", answerers.body);
    for (who, name) in [(&cy, "Cy"), (&dee, "Dee")] {
        let shown =
            json!({"display_name": name, "offers": ["design"], "visibility": "public", "record_visibility": "public"});
        app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(shown)).await;
    }
    let answerers = app.get(&format!("/api/v1/questions/{question}/answerers"), Some(&ana)).await;
    let first = &answerers.body[0];
    assert_eq!(first["display_name"], "Cy", "her record of helping on VAT counts once shown: {}", answerers.body);
    let reason = first["reason"].as_str().unwrap();
    assert!(reason.contains("vat") && reason.ends_with("; helped twice on VAT this month."), "{reason}");
    assert!(!named(&answerers.body, "Dee"), "help not confirmed does not count: {}", answerers.body);
}

#[tokio::test]
async fn a_reason_tells_of_someones_help_only_once_they_show_their_record() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (ana, ben, eve) = (app.member("Ana").await, app.member("Ben").await, app.member("Eve").await);
    let eve_profile = |record: &str| json!({"display_name": "Eve", "offers": ["vat"], "visibility": "public", "record_visibility": record});
    app.call(Method::PUT, "/api/v1/me/profile", Some(&eve), Some(eve_profile("hidden"))).await;
    for who in [&ana, &ben, &eve] {
        assert_eq!(app.arrive(&host, who, venue).await.status, StatusCode::OK);
    }
    for _ in 0..2 {
        let gave = json!({"with": ben.id, "role": "gave", "tags": ["vat"], "text": "Explained VAT on invoices"});
        let proposed = app.post("/api/v1/me/exchanges", Some(&eve), gave).await;
        assert_eq!(proposed.status, StatusCode::CREATED, "{}", proposed.body);
        let id = proposed.body["id"].as_str().unwrap();
        app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&ben), None).await;
    }
    let asked = app
        .post(
            &format!("/api/v1/venues/{venue}/questions"),
            Some(&ana),
            json!({"text": "VAT on e-books?", "tags": ["vat"]}),
        )
        .await;
    let path = format!("/api/v1/questions/{}/answerers", asked.body["id"].as_str().unwrap());
    let reason = |body: &serde_json::Value| {
        let eve = body.as_array().unwrap().iter().find(|a| a["display_name"] == "Eve").expect("Eve offers VAT");
        eve["reason"].as_str().unwrap().to_owned()
    };
    let hidden = app.get(&path, Some(&ana)).await;
    assert_eq!(reason(&hidden.body), "Offers VAT, which the question is about.", "her record is her own");
    app.call(Method::PUT, "/api/v1/me/profile", Some(&eve), Some(eve_profile("public"))).await;
    let shown = app.get(&path, Some(&ana)).await;
    assert_eq!(reason(&shown.body), "Offers VAT, which the question is about; helped twice on VAT this month.");
}

#[tokio::test]
async fn someone_who_helped_on_what_you_seek_is_suggested_to_you_when_they_show_their_record() {
    let Some(app) = spawn_app().await else { return };
    let (ana, ben, cy) = (app.member("Ana").await, app.member("Ben").await, app.member("Cy").await);
    let profile = |name: &str, offers: &str, seeking: &[&str], record: &str| json!({"display_name": name, "offers": [offers], "seeking": seeking, "visibility": "public", "record_visibility": record});
    for (who, body) in [
        (&ana, profile("Ana", "ux", &["vat"], "hidden")),
        (&ben, profile("Ben", "python", &[], "hidden")),
        (&cy, profile("Cy", "design", &[], "hidden")),
    ] {
        app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
    }
    // Cy helped Ben with VAT, and Ben confirmed it.
    let gave = json!({"with": ben.id, "role": "gave", "tags": ["vat"], "text": "Explained VAT on invoices"});
    let id = app.post("/api/v1/me/exchanges", Some(&cy), gave).await.body["id"].as_str().unwrap().to_owned();
    app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&ben), None).await;
    let names = |body: &serde_json::Value| -> Vec<String> {
        body.as_array()
            .unwrap()
            .iter()
            .map(|i| i["with"]["display_name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let hidden = app.get("/api/v1/me/suggestions?scope=network", Some(&ana)).await;
    assert_eq!(hidden.status, StatusCode::OK, "{}", hidden.body);
    assert!(!names(&hidden.body).contains(&"Cy".to_owned()), "Cy keeps her record to herself: {}", hidden.body);
    app.call(Method::PUT, "/api/v1/me/profile", Some(&cy), Some(profile("Cy", "design", &[], "public"))).await;
    let shown = app.get("/api/v1/me/suggestions?scope=network", Some(&ana)).await;
    assert_eq!(names(&shown.body).first().map(String::as_str), Some("Cy"), "{}", shown.body);
    let reason = shown.body[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.to_lowercase().contains("vat"), "the reason says what she helped on: {reason}");
}
