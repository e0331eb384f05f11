use std::net::Ipv4Addr;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{client_from, spawn_app, Reply, TestApp};

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
    assert_eq!(app.count("attempts WHERE key LIKE 'log-in % from %'").await, 0, "the count is cleared");
    for _ in 0..allowed {
        assert_eq!(attempt("a wrong guess").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt("correct horse battery").await, StatusCode::OK, "nine more failures do not lock it");
}

/// Signs up through the API: the session cookie to send as `cookie`.
pub(crate) async fn sign_up(app: &TestApp, email: &str, name: &str) -> String {
    let body = json!({"email": email, "password": "a long enough secret", "display_name": name});
    let reply = app.post("/api/v1/auth/signup", None, body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["user"]["email_verified"], false, "an address is not confirmed by signing up");
    reply.headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned()
}

/// A call with a session cookie.
async fn with_session(app: &TestApp, method: Method, path: &str, session: &str) -> Reply {
    let resp = app.client.request(method, app.url(path)).header("cookie", session).send().await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::String(text)), headers }
}

/// The token of the last link to confirm an address e-mailed to `to` (other e-mails to the same
/// address, a resident's letter say, may come before or after it).
pub(crate) async fn confirmation_token(app: &TestApp, to: &str) -> String {
    let mail = crate::helpers::eventually(&format!("an e-mail to {to} confirming the address"), || async {
        app.smtp.received().into_iter().rev().find(|m| {
            m.to.iter().any(|t| t.eq_ignore_ascii_case(to)) && m.data.contains("Subject: Confirm your e-mail address")
        })
    })
    .await;
    let at = mail.data.find("http://thirdspace.test/email/verify/").expect("a link") + 36;
    mail.data[at..].split_whitespace().next().unwrap().to_owned()
}

#[tokio::test]
async fn a_staff_invitation_is_accepted_only_from_a_confirmed_matching_address() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let invited =
        app.post(&format!("/api/v1/venues/{venue}/staff"), Some(&host), json!({"email": "sam@example.org"})).await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.body);
    let id = invited.body["id"].as_str().unwrap().to_owned();

    // Whoever signs up first with the address has not proven it is theirs.
    let session = sign_up(&app, "sam@example.org", "Not Sam").await;
    let accept = format!("/api/v1/me/invitations/{id}/accept");
    let refused = with_session(&app, Method::POST, &accept, &session).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_eq!(refused.code(), "email_not_verified");
    let code = with_session(&app, Method::GET, &format!("/api/v1/venues/{venue}/check-in-code"), &session).await;
    assert_eq!(code.status, StatusCode::FORBIDDEN, "not on the staff: {}", code.body);

    // The link e-mailed at sign-up went to the address: whoever holds the mailbox confirms it.
    let token = confirmation_token(&app, "sam@example.org").await;
    let wrong = app.post("/api/v1/auth/verify-email", None, json!({"token": "not-a-token"})).await;
    assert_eq!((wrong.status, wrong.code()), (StatusCode::GONE, "link_not_working"));
    let confirmed = app.post("/api/v1/auth/verify-email", None, json!({"token": token})).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(confirmed.body["user"]["email_verified"], true);
    let me = with_session(&app, Method::GET, "/api/v1/me", &session).await;
    assert_eq!(me.body["user"]["email_verified"], true);
    let joined = with_session(&app, Method::POST, &accept, &session).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
}

#[tokio::test]
async fn the_confirmation_link_is_sent_again_on_request_only_the_newest_works_and_e_mails_are_limited() {
    let Some(app) = spawn_app().await else { return };
    let session = sign_up(&app, "lee@example.org", "Lee").await;
    let first = confirmation_token(&app, "lee@example.org").await;
    let again = with_session(&app, Method::POST, "/api/v1/me/email-verification", &session).await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.body);
    let newest = confirmation_token(&app, "lee@example.org").await;
    assert_ne!(first, newest);
    let old = app.post("/api/v1/auth/verify-email", None, json!({"token": first})).await;
    assert_eq!(old.status, StatusCode::GONE, "a newer link voids the older one");

    // Sign-up's e-mail and the one above count: three more, then the address had its share.
    for _ in 0..3 {
        let asked = with_session(&app, Method::POST, "/api/v1/me/email-verification", &session).await;
        assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.body);
    }
    let sent = app.smtp.received().len();
    let refused = with_session(&app, Method::POST, "/api/v1/me/email-verification", &session).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::TOO_MANY_REQUESTS, "too_many_emails"));
    assert!(refused.body["error"]["message"].as_str().unwrap().contains("try again in 60 minutes"), "{}", refused.body);
    assert_eq!(refused.headers["retry-after"], "3600", "the wait is given in seconds too");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(app.smtp.received().len(), sent, "nothing sent");

    let newest = confirmation_token(&app, "lee@example.org").await;
    assert_eq!(app.post("/api/v1/auth/verify-email", None, json!({"token": newest})).await.status, StatusCode::OK);
    let done = with_session(&app, Method::POST, "/api/v1/me/email-verification", &session).await;
    assert_eq!((done.status, done.code()), (StatusCode::CONFLICT, "already_verified"));
}

#[tokio::test]
async fn a_stranger_guessing_from_another_client_does_not_lock_the_owner_out() {
    let Some(app) = spawn_app().await else { return };
    let ana = app.member("Ana").await;
    let stranger = client_from(Ipv4Addr::new(127, 0, 0, 2));
    let guess = json!({"email": ana.email, "password": "a wrong guess"});
    for _ in 0..thirdspace_server::limits::MAX_FAILURES {
        let wrong = app.call_with(&stranger, Method::POST, "/api/v1/auth/login", None, Some(guess.clone())).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    let locked = app.call_with(&stranger, Method::POST, "/api/v1/auth/login", None, Some(guess)).await;
    assert_eq!((locked.status, locked.code()), (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"));
    let wait: i64 = locked.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert_eq!(wait, thirdspace_server::limits::WINDOW_SECONDS, "the whole window is left to wait");

    let owner =
        app.post("/api/v1/auth/login", None, json!({"email": ana.email, "password": "correct horse battery"})).await;
    assert_eq!(owner.status, StatusCode::OK, "the owner, on their own connection, still logs in: {}", owner.body);
    let right = json!({"email": ana.email, "password": "correct horse battery"});
    let there = app.call_with(&stranger, Method::POST, "/api/v1/auth/login", None, Some(right)).await;
    assert_eq!(there.status, StatusCode::TOO_MANY_REQUESTS, "the guessing client stays locked, whatever it tries");
}

#[tokio::test]
async fn guessing_from_many_clients_stops_at_a_ceiling_for_the_address() {
    let Some(app) = spawn_app().await else { return };
    let ana = app.member("Ana").await;
    let per_client = thirdspace_server::limits::MAX_FAILURES;
    let clients = thirdspace_server::limits::MAX_FAILURES_PER_ADDRESS / per_client;
    let mut guessers = Vec::new();
    for n in 0..clients {
        let client = client_from(Ipv4Addr::new(127, 0, 1, u8::try_from(n + 1).unwrap()));
        let (url, body) = (app.url("/api/v1/auth/login"), json!({"email": ana.email, "password": "a wrong guess"}));
        guessers.push(tokio::spawn(async move {
            for _ in 0..per_client {
                let status = client.post(&url).json(&body).send().await.unwrap().status();
                assert_eq!(status, StatusCode::UNAUTHORIZED);
            }
        }));
    }
    for guesser in guessers {
        guesser.await.unwrap();
    }
    let fresh = client_from(Ipv4Addr::new(127, 0, 2, 1));
    let right = json!({"email": ana.email, "password": "correct horse battery"});
    let paused = app.call_with(&fresh, Method::POST, "/api/v1/auth/login", None, Some(right.clone())).await;
    assert_eq!((paused.status, paused.code()), (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"));
    assert!(paused.body["error"]["message"].as_str().unwrap().contains("link by e-mail"), "{}", paused.body);
    app.clock.advance(thirdspace_server::limits::WINDOW_SECONDS);
    let later = app.call_with(&fresh, Method::POST, "/api/v1/auth/login", None, Some(right)).await;
    assert_eq!(later.status, StatusCode::OK, "{}", later.body);
}

#[tokio::test]
async fn a_token_revoked_through_one_instance_is_refused_there_at_once_and_by_another_within_a_second() {
    let Some(app) = spawn_app().await else { return };
    let member = app.member("Lee").await;
    let (other, _stop) = app.another_instance().await;
    let me_on = |base: String| {
        let client = app.client.clone();
        let token = member.token.clone();
        async move { client.get(format!("{base}/api/v1/me")).bearer_auth(token).send().await.unwrap().status() }
    };
    assert_eq!(me_on(other.clone()).await, StatusCode::OK, "the other instance has read the token's holder");
    assert_eq!(app.get("/api/v1/me", Some(&member)).await.status, StatusCode::OK);
    let out = app.call(reqwest::Method::POST, "/api/v1/auth/logout", Some(&member), None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", Some(&member)).await.status, StatusCode::UNAUTHORIZED, "at once here");
    let started = std::time::Instant::now();
    crate::helpers::eventually("the other instance refuses it", || async {
        (me_on(other.clone()).await == StatusCode::UNAUTHORIZED).then_some(())
    })
    .await;
    assert!(started.elapsed() < std::time::Duration::from_secs(3), "within a second or so: {:?}", started.elapsed());
}
