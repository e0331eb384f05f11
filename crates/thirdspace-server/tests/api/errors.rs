use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_app, venue_body};

fn assert_error_shape(body: &serde_json::Value) {
    let error = &body["error"];
    assert!(error["code"].is_string() && error["message"].is_string(), "{body}");
    assert!(error.get("field").is_some(), "field is always present (null when none): {body}");
}

#[tokio::test]
async fn malformed_json_gets_a_400_in_the_one_error_shape() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let resp = app
        .client
        .post(app.url("/api/v1/venues"))
        .bearer_auth(&host.token)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_error_shape(&body);
    assert_eq!(body["error"]["code"], "malformed_json");
}

#[tokio::test]
async fn a_value_of_the_wrong_type_is_refused_naming_its_field() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let mut body = venue_body("X", "Utrecht");
    body["coordinates"]["latitude"] = json!("north");
    let reply = app.post("/api/v1/venues", Some(&host), body).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.field(), "coordinates.latitude");
    let mut body = venue_body("X", "Utrecht");
    body["kind"] = json!("castle");
    assert_eq!(app.post("/api/v1/venues", Some(&host), body).await.field(), "kind");
    let mut body = venue_body("X", "Utrecht");
    body["surprise"] = json!(1);
    assert_eq!(app.post("/api/v1/venues", Some(&host), body).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("venues").await, 0);
}

#[tokio::test]
async fn a_ten_thousand_character_name_is_refused_and_nothing_is_written() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let reply = app.post("/api/v1/venues", Some(&host), venue_body(&"n".repeat(10_000), "Utrecht")).await;
    assert_eq!((reply.status, reply.field()), (StatusCode::UNPROCESSABLE_ENTITY, "name"));
    assert_error_shape(&reply.body);
    let profile = app
        .call(Method::PUT, "/api/v1/me/profile", Some(&host), Some(json!({"display_name": "ü".repeat(10_000)})))
        .await;
    assert_eq!(profile.field(), "display_name");
    assert_eq!(app.count("venues").await, 0);
    assert_eq!(app.get("/api/v1/me", Some(&host)).await.body["profile"]["display_name"], "Host");
}

#[tokio::test]
async fn unicode_names_and_tags_are_kept_as_written() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let reply = app.post("/api/v1/venues", Some(&host), venue_body("Café Ünïcødé 北京 🚲", "Den Haag")).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.body["name"], "Café Ünïcødé 北京 🚲");
}

#[tokio::test]
async fn names_and_tags_that_show_nothing_or_hide_characters_are_refused_naming_the_field() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    for name in ["\u{3164}", "\u{2800}", "\u{200B}\u{200D}", "Caf\u{200F}é", "Caf\u{E0041}é", "Caf\u{2028}é"] {
        let reply = app.post("/api/v1/venues", Some(&host), venue_body(name, "Utrecht")).await;
        assert_eq!((reply.status, reply.field()), (StatusCode::UNPROCESSABLE_ENTITY, "name"), "{name:?}");
        assert_error_shape(&reply.body);
    }
    let profile = |body: serde_json::Value| app.call(Method::PUT, "/api/v1/me/profile", Some(&host), Some(body));
    let blank_name = profile(json!({"display_name": "\u{3164}\u{3164}"})).await;
    assert_eq!((blank_name.status, blank_name.field()), (StatusCode::UNPROCESSABLE_ENTITY, "display_name"));
    let blank_tag = profile(json!({"display_name": "Anna", "offers": ["vat", "\u{2800}"]})).await;
    assert_eq!((blank_tag.status, blank_tag.field()), (StatusCode::UNPROCESSABLE_ENTITY, "offers[1]"));
    let split_headline = profile(json!({"display_name": "Anna", "headline": "Book\u{2029}keeper"})).await;
    assert_eq!((split_headline.status, split_headline.field()), (StatusCode::UNPROCESSABLE_ENTITY, "headline"));
    assert_eq!(app.count("venues").await, 0);
    assert_eq!(app.get("/api/v1/me", Some(&host)).await.body["profile"]["display_name"], "Host");
}

#[tokio::test]
async fn an_oversize_body_gets_413_and_a_body_not_sent_as_json_gets_415() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let huge = json!({"display_name": "x", "bio": "b".repeat(200_000)});
    let reply = app.call(Method::PUT, "/api/v1/me/profile", Some(&host), Some(huge)).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
    let form = app
        .client
        .post(app.url("/api/v1/venues"))
        .bearer_auth(&host.token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn unknown_and_malformed_ids_get_404_and_unknown_routes_and_methods_get_json_errors() {
    let Some(app) = spawn_app().await else { return };
    let member = app.member("M").await;
    for path in [
        format!("/api/v1/venues/{}", uuid::Uuid::new_v4()),
        "/api/v1/venues/not-a-uuid".to_owned(),
        format!("/api/v1/bookings/{}", uuid::Uuid::new_v4()),
        "/api/v1/nothing-here".to_owned(),
    ] {
        let reply = app.get(&path, Some(&member)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_error_shape(&reply.body);
    }
    let reply = app.call(Method::DELETE, "/api/v1/venues", Some(&member), None).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_error_shape(&reply.body);
    let bad_page = app.get("/api/v1/venues?page=0", None).await;
    assert_eq!((bad_page.status, bad_page.field()), (StatusCode::BAD_REQUEST, "page"));
    let bad_type = app.get("/api/v1/venues?per_page=many", None).await;
    assert_eq!(bad_type.status, StatusCode::BAD_REQUEST);
    let bad_date = app.get("/api/v1/venues?date=2026-02-30", None).await;
    assert_eq!(bad_date.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_and_the_docs_page_needs_no_cdn() {
    let Some(app) = spawn_app().await else { return };
    let doc = app.get("/api/openapi.json", None).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc.body["paths"].as_object().unwrap();
    for path in [
        "/api/v1/auth/signup",
        "/api/v1/venues",
        "/api/v1/venues/{id}/bookings",
        "/api/v1/venues/{id}/check-ins",
        "/api/v1/venues/{id}/presence",
        "/api/v1/venues/{id}/questions",
        "/healthz",
    ] {
        assert!(paths.contains_key(path), "{path} is missing from the OpenAPI document");
    }
    assert!(doc.body["components"]["schemas"]["ErrorBody"].is_object());
    let page = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "the API page is served");
    assert!(!html.contains("https://"), "the API page loads nothing from outside");
    let init = app.client.get(app.url("/api/docs/swagger-initializer.js")).send().await.unwrap().text().await.unwrap();
    assert!(init.contains("/api/openapi.json") && init.contains("\"validatorUrl\": \"none\""), "{init}");
    let home = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK, "the root is the page to find a seat");
    assert!(home.text().await.unwrap().contains("Find a seat"));
    let health = app.get("/healthz", None).await;
    assert_eq!(health.body["status"], "ok");
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_names_what_is_wrong() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let null_choice = app
        .call(Method::PUT, "/api/v1/me/profile", Some(&host), Some(json!({"display_name": "x", "visibility": null})))
        .await;
    assert_eq!((null_choice.status, null_choice.field()), (StatusCode::UNPROCESSABLE_ENTITY, "visibility"));
    let mut venue = venue_body("X", "Utrecht");
    venue["kind"] = json!(5);
    assert_eq!(app.post("/api/v1/venues", Some(&host), venue).await.field(), "kind");
    let array = app.post("/api/v1/auth/tokens", None, json!(["a@example.org", "secret secret", "x"])).await;
    assert_eq!(array.status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing =
        app.post("/api/v1/auth/signup", None, json!({"password": "long enough secret", "display_name": "x"})).await;
    assert_eq!((missing.status, missing.field()), (StatusCode::UNPROCESSABLE_ENTITY, "email"));
    let nested = app.post("/api/v1/venues", Some(&host), json!({"coordinates": {}})).await;
    assert_eq!(nested.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_time_the_clocks_skip_is_refused_not_a_server_error() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let reply = app.post("/api/v1/venues", Some(&host), venue_body("Night owl", "Utrecht")).await;
    let venue = reply.body["id"].as_str().unwrap().to_owned();
    let mut body = venue_body("Night owl", "Utrecht");
    body["opening_hours"] = json!([{"day": "sunday", "opens": "00:00", "closes": "24:00"}]);
    app.call(Method::PUT, &format!("/api/v1/venues/{venue}"), Some(&host), Some(body)).await;
    let space = json!({"name": "Hall", "kind": "open_seating", "capacity": 3, "social_capital_seats": 3});
    app.post(&format!("/api/v1/venues/{venue}/spaces"), Some(&host), space).await;
    let gap = json!({"date": "2027-03-28", "start": "02:30", "end": "03:00", "focus": "f", "pledge": "p"});
    let reply = app.post(&format!("/api/v1/venues/{venue}/bookings"), Some(&host), gap).await;
    assert_eq!((reply.status, reply.field()), (StatusCode::UNPROCESSABLE_ENTITY, "start"), "{}", reply.body);
    assert_eq!(app.count("bookings").await, 0);
    let past = app.get("/api/v1/venues?date=2026-11-20", None).await;
    assert_eq!((past.status, past.field()), (StatusCode::UNPROCESSABLE_ENTITY, "date"), "a past date");
}
