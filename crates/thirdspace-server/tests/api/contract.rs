//! The OpenAPI document against the server: what every operation may answer, and the bounds of
//! its inputs. `.ci/contract` fuzzes the same document with schemathesis.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::spawn_app;

/// Every operation of the document: its path, method and description.
fn operations(doc: &Value) -> Vec<(String, Method, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
            all.push((path.clone(), method, operation.clone()));
        }
    }
    all
}

fn declares(operation: &Value, status: StatusCode) -> bool {
    operation["responses"].get(status.as_str()).is_some()
}

fn has_parameter_in(operation: &Value, place: &str) -> bool {
    operation["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["in"] == place))
}

/// The property `name` of the component schema `schema`.
fn property<'a>(doc: &'a Value, schema: &str, name: &str) -> &'a Value {
    &doc["components"]["schemas"][schema]["properties"][name]
}

/// The query parameter `name` of the operation `method path`.
fn query_parameter<'a>(doc: &'a Value, path: &str, method: &str, name: &str) -> &'a Value {
    let parameters = doc["paths"][path][method]["parameters"].as_array().expect("parameters");
    &parameters.iter().find(|p| p["name"] == name).expect("the parameter")["schema"]
}

#[tokio::test]
async fn every_operation_declares_the_answers_its_extractors_give_to_a_bad_body_id_or_token() {
    let Some(app) = spawn_app().await else { return };
    let doc = app.get("/api/openapi.json", None).await.body;
    let member = app.member("Fuzzy").await;
    let mut tried = 0;
    for (path, method, operation) in operations(&doc) {
        let with_ids = |id: &str| {
            app.url(&["{id}", "{space_id}", "{token_id}"].iter().fold(path.clone(), |p, n| p.replace(n, id)))
        };
        let (url, malformed) = (with_ids(&uuid::Uuid::new_v4().to_string()), with_ids("not-a-uuid"));
        let mut answers = Vec::new();
        if operation.get("requestBody").is_some() {
            let as_form = app.client.request(method.clone(), &url).bearer_auth(&member.token);
            answers.push(("a form body", as_form.header("content-type", "text/plain").body("x=1")));
            let broken = app.client.request(method.clone(), &url).bearer_auth(&member.token);
            answers.push(("broken JSON", broken.header("content-type", "application/json").body("{\"a\":")));
        }
        if has_parameter_in(&operation, "path") {
            answers.push(("a malformed ID", app.client.request(method.clone(), &malformed).bearer_auth(&member.token)));
        }
        if operation["security"]
            .as_array()
            .is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(|r| !r.is_empty())))
        {
            answers.push(("a revoked token", app.client.request(method.clone(), &url).bearer_auth("revoked")));
        }
        for (what, request) in answers {
            let status = request.send().await.expect("request").status();
            assert!(
                declares(&operation, status),
                "{method} {path} answers {status} to {what}, which it does not declare"
            );
            tried += 1;
        }
        if path != "/api/v1/vocabulary/complete" {
            let busy = &operation["responses"]["503"];
            assert!(busy["headers"]["Retry-After"].is_object(), "{method} {path} declares no 503 with Retry-After");
        }
        if has_parameter_in(&operation, "query") {
            assert!(declares(&operation, StatusCode::BAD_REQUEST), "{method} {path} refuses a bad query undeclared");
        }
    }
    assert!(tried > 60, "only {tried} requests were tried");
}

#[tokio::test]
async fn the_document_declares_the_bounds_the_server_checks() {
    let Some(app) = spawn_app().await else { return };
    let doc = app.get("/api/openapi.json", None).await.body;
    let paging = query_parameter(&doc, "/api/v1/me/tokens", "get", "page");
    assert_eq!((paging["minimum"].as_u64(), paging["maximum"].as_u64()), (Some(1), Some(1_000_000)));
    let per_page = query_parameter(&doc, "/api/v1/venues", "get", "per_page");
    assert_eq!((per_page["minimum"].as_u64(), per_page["maximum"].as_u64()), (Some(1), Some(100)));
    let password = property(&doc, "SignUp", "password");
    assert_eq!((password["minLength"].as_u64(), password["maxLength"].as_u64()), (Some(10), Some(256)));
    assert_eq!(property(&doc, "QuestionInput", "text")["minLength"], 3);
    let cap = property(&doc, "RoundRequest", "cap");
    assert_eq!((cap["minimum"].as_u64(), cap["maximum"].as_u64()), (Some(1), Some(5)));
    let size = property(&doc, "TablesRequest", "size");
    assert_eq!((size["minimum"].as_u64(), size["maximum"].as_u64()), (Some(3), Some(4)));
    assert_eq!(query_parameter(&doc, "/api/v1/vocabulary/complete", "get", "q")["maxLength"], 48);
    let limit = query_parameter(&doc, "/api/v1/vocabulary/complete", "get", "limit");
    assert_eq!((limit["minimum"].as_u64(), limit["maximum"].as_u64()), (Some(1), Some(20)));
    let when = query_parameter(&doc, "/api/v1/me/bookings", "get", "when");
    assert_eq!(when["enum"], serde_json::json!(["upcoming", "past"]));
    for (path, method) in [("/api/v1/auth/login", "post"), ("/api/v1/auth/tokens", "post")] {
        assert!(doc["paths"][path][method]["responses"]["429"].is_object(), "{path} declares no 429");
    }
}

#[tokio::test]
async fn a_value_outside_a_declared_bound_is_refused_and_one_inside_is_taken() {
    let Some(app) = spawn_app().await else { return };
    let member = app.member("Bounded").await;
    for (path, expected) in [
        ("/api/v1/me/tokens?per_page=100", StatusCode::OK),
        ("/api/v1/me/tokens?per_page=101", StatusCode::BAD_REQUEST),
        ("/api/v1/me/tokens?page=0", StatusCode::BAD_REQUEST),
        ("/api/v1/me/bookings?when=someday", StatusCode::BAD_REQUEST),
        ("/api/v1/vocabulary/complete?q=rust&limit=20", StatusCode::OK),
        ("/api/v1/vocabulary/complete?q=rust&limit=21", StatusCode::BAD_REQUEST),
        ("/api/v1/venues?start=", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/v1/venues?start=09:00&end=10:00", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        assert_eq!(app.get(path, Some(&member)).await.status, expected, "{path}");
    }
    let q = "q".repeat(49);
    assert_eq!(app.get(&format!("/api/v1/vocabulary/complete?q={q}"), None).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_whole_number_written_with_a_fraction_is_the_integer_it_is_and_a_fraction_is_refused() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let mut body = crate::helpers::venue_body("De Werkplaats", "Utrecht");
    body["no_show_grace_minutes"] = serde_json::json!(27.0);
    let reply = app.post("/api/v1/venues", Some(&host), body.clone()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["no_show_grace_minutes"], 27);
    body["no_show_grace_minutes"] = serde_json::json!(27.5);
    let reply = app.post("/api/v1/venues", Some(&host), body).await;
    assert_eq!((reply.status, reply.field()), (StatusCode::UNPROCESSABLE_ENTITY, "no_show_grace_minutes"));
}
