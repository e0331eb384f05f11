use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn signing_up_starts_a_session_cookie_that_identifies_the_member() {
    let Some(app) = spawn_app().await else { return };
    let reply = app
        .post(
            "/api/v1/auth/signup",
            None,
            json!({"email": "Zoë@Example.org", "password": "a long enough secret", "display_name": "Zoë Ahmed"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["user"]["email"], "zoë@example.org");
    let cookie = reply.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_owned();
    let me = app.client.get(app.url("/api/v1/me")).header("cookie", &session).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["profile"]["display_name"], "Zoë Ahmed");
    assert_eq!(me["profile"]["visibility"], "venue");
}

#[tokio::test]
async fn an_address_already_taken_is_refused_whatever_its_case() {
    let Some(app) = spawn_app().await else { return };
    let body = json!({"email": "anna@example.org", "password": "a long enough secret", "display_name": "Anna"});
    assert_eq!(app.post("/api/v1/auth/signup", None, body).await.status, StatusCode::CREATED);
    let again = app
        .post(
            "/api/v1/auth/signup",
            None,
            json!({"email": "ANNA@example.org", "password": "another long secret", "display_name": "Anna 2"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "email_taken");
    assert_eq!(app.count("users").await, 1);
}

#[tokio::test]
async fn a_short_password_is_refused_and_no_account_is_made() {
    let Some(app) = spawn_app().await else { return };
    let reply = app
        .post("/api/v1/auth/signup", None, json!({"email": "a@example.org", "password": "short", "display_name": "A"}))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.field(), "password");
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let Some(app) = spawn_app().await else { return };
    let body = json!({"email": "anna@example.org", "password": "a long enough secret", "display_name": "Anna"});
    app.post("/api/v1/auth/signup", None, body).await;
    let wrong = app
        .post("/api/v1/auth/login", None, json!({"email": "anna@example.org", "password": "not the password"}))
        .await;
    let unknown = app
        .post("/api/v1/auth/login", None, json!({"email": "nobody@example.org", "password": "not the password"}))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body);
    let right = app
        .post("/api/v1/auth/login", None, json!({"email": "anna@example.org", "password": "a long enough secret"}))
        .await;
    assert_eq!(right.status, StatusCode::OK);
}

#[tokio::test]
async fn an_api_token_for_a_password_works_as_bearer_until_revoked() {
    let Some(app) = spawn_app().await else { return };
    app.post(
        "/api/v1/auth/signup",
        None,
        json!({"email": "sam@example.org", "password": "a long enough secret", "display_name": "Sam"}),
    )
    .await;
    let issued = app
        .post(
            "/api/v1/auth/tokens",
            None,
            json!({"email": "sam@example.org", "password": "a long enough secret", "name": "script"}),
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    let token = issued.body["token"].as_str().unwrap();
    let id = issued.body["id"].as_str().unwrap();
    let me = app.client.get(app.url("/api/v1/me")).bearer_auth(token).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let list = app.client.get(app.url("/api/v1/me/tokens")).bearer_auth(token).send().await.unwrap();
    let list: serde_json::Value = list.json().await.unwrap();
    assert_eq!(list["total"], 1);
    assert!(list["items"][0].get("token").is_none(), "the secret is never listed");
    let revoked =
        app.client.delete(app.url(&format!("/api/v1/me/tokens/{id}"))).bearer_auth(token).send().await.unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let after = app.client.get(app.url("/api/v1/me")).bearer_auth(token).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let Some(app) = spawn_app().await else { return };
    let member = app.member("Lee").await;
    assert_eq!(app.get("/api/v1/me", Some(&member)).await.status, StatusCode::OK);
    let out = app.call(reqwest::Method::POST, "/api/v1/auth/logout", Some(&member), None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", Some(&member)).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn requests_without_credentials_are_told_to_log_in() {
    let Some(app) = spawn_app().await else { return };
    let reply = app.get("/api/v1/me", None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "unauthenticated");
    let forged = app.client.get(app.url("/api/v1/me")).bearer_auth("not-a-token").send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_profile_is_normalised_and_shown_only_as_its_visibility_allows() {
    let Some(app) = spawn_app().await else { return };
    let anna = app.member("Anna").await;
    let stranger = app.member("Stranger").await;
    let profile = json!({
        "display_name": "Anna", "headline": "Bookkeeper", "offers": [" Bookkeeping ", "VAT", "vat"],
        "seeking": ["UX"], "visibility": "hidden", "open_to_meet": true, "links": ["https://example.org/anna"]
    });
    let put = app.call(reqwest::Method::PUT, "/api/v1/me/profile", Some(&anna), Some(profile)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(put.body["offers"], json!(["Bookkeeping", "VAT"]), "trimmed, each once, in the person's own casing");
    let path = format!("/api/v1/people/{}", anna.id);
    assert_eq!(app.get(&path, Some(&stranger)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&path, Some(&anna)).await.status, StatusCode::OK);
    let public = json!({"display_name": "Anna", "visibility": "public"});
    app.call(reqwest::Method::PUT, "/api/v1/me/profile", Some(&anna), Some(public)).await;
    assert_eq!(app.get(&path, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_successful_log_in_clears_the_failures_counted_before_it() {
    let Some(app) = spawn_app().await else { return };
    let ana = app.member("Ana").await;
    let attempt = |password: &'static str| {
        let body = json!({"email": ana.email, "password": password});
        async { app.post("/api/v1/auth/login", None, body).await.status }
    };
    let allowed = thirdspace_server::limits::MAX_FAILURES - 1;
    for _ in 0..allowed {
        assert_eq!(attempt("a wrong guess").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt("correct horse battery").await, StatusCode::OK);
    assert_eq!(app.count("login_failures").await, 0, "the count is cleared");
    for _ in 0..allowed {
        assert_eq!(attempt("a wrong guess").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt("correct horse battery").await, StatusCode::OK, "nine more failures do not lock it");
}
