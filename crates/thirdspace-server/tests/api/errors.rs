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
    let app = spawn_app().await;
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
    let app = spawn_app().await;
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
    let app = spawn_app().await;
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
    let app = spawn_app().await;
    let host = app.member("Host").await;
    let reply = app.post("/api/v1/venues", Some(&host), venue_body("Café Ünïcødé 北京 🚲", "Den Haag")).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.body["name"], "Café Ünïcødé 北京 🚲");
}

#[tokio::test]
async fn an_oversize_body_gets_413_and_a_body_not_sent_as_json_gets_415() {
    let app = spawn_app().await;
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
    let app = spawn_app().await;
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
    let app = spawn_app().await;
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
    let root = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let home = root.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.headers()["location"], "/api/docs/", "the root leads to the API page");
    let health = app.get("/healthz", None).await;
    assert_eq!(health.body["status"], "ok");
}
