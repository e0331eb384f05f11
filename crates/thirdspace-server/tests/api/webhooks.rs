//! Webhooks: delivered from the outbox to a real HTTP receiver, signed the Standard Webhooks way
//! (checked by the `standardwebhooks` crate, not by our own code), in order per endpoint, tried
//! again as `Retry-After` asks, switched off by a 410, their owner told when they keep failing,
//! never sent to a loopback or private address unless the operator allows the host, nor after a
//! redirect; sent again on request; delivered after a restart that cut a try short. Other
//! people's endpoints are not found.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode as Status};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{eventually, spawn_app_with, test_config, Member, TestApp};

/// What the receiver answers to one request.
#[derive(Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    /// Keep the request waiting until the receiver is told to let go.
    pub hold: bool,
}

impl Answer {
    pub fn status(status: u16) -> Self {
        Self { status, headers: Vec::new(), hold: false }
    }
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// A request the receiver got.
#[derive(Clone, Debug)]
pub struct Got {
    /// The path and query it was sent to.
    pub uri: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Got {
    pub fn id(&self) -> String {
        self.headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct Inner {
    got: Mutex<Vec<Got>>,
    answers: Mutex<VecDeque<Answer>>,
    release: tokio::sync::Notify,
}

/// A small HTTP server on a random port that records every request and answers as told (200
/// once the answers run out).
#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    inner: Arc<Inner>,
}

impl Receiver {
    pub async fn start() -> Self {
        let inner = Arc::new(Inner::default());
        let shared = inner.clone();
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri, headers: HeaderMap, body: String| {
            let inner = shared.clone();
            async move {
                inner.got.lock().unwrap().push(Got { uri: uri.to_string(), headers, body });
                let answer = inner.answers.lock().unwrap().pop_front().unwrap_or(Answer::status(200));
                if answer.hold {
                    inner.release.notified().await;
                }
                let mut response = axum::http::Response::builder().status(Status::from_u16(answer.status).unwrap());
                for (name, value) in answer.headers {
                    response = response.header(name, value);
                }
                response.body(axum::body::Body::empty()).unwrap()
            }
        });
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { addr, inner }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hooks", self.addr)
    }

    /// Answers the next requests so, in turn.
    pub fn answer(&self, answers: impl IntoIterator<Item = Answer>) {
        self.inner.answers.lock().unwrap().extend(answers);
    }

    pub fn got(&self) -> Vec<Got> {
        self.inner.got.lock().unwrap().clone()
    }

    /// Lets go of every request held.
    pub fn release(&self) {
        self.inner.release.notify_waiters();
    }

    /// Waits until it got `n` requests, and gives them.
    pub async fn wait_for(&self, n: usize) -> Vec<Got> {
        eventually(&format!("{n} requests at the receiver"), || async {
            let got = self.got();
            (got.len() >= n).then_some(got)
        })
        .await
    }
}

/// A server whose webhooks may reach the receivers on 127.0.0.1 (the operator's allowance).
pub async fn app_allowing_loopback() -> Option<TestApp> {
    let config = thirdspace_server::ServerConfig {
        webhook_allow_hosts: vec!["127.0.0.1".to_owned()],
        webhook_every: Duration::from_millis(50),
        ..test_config()
    };
    spawn_app_with(config).await
}

/// Adds a webhook to the venue as `host`; its id and secret.
pub async fn webhook(app: &TestApp, host: &Member, venue: Uuid, url: &str, events: Value) -> (String, String) {
    let made =
        app.post(&format!("/api/v1/venues/{venue}/webhooks"), Some(host), json!({"url": url, "events": events})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    (made.body["id"].as_str().unwrap().to_owned(), made.body["secret"]["secret"].as_str().unwrap().to_owned())
}

/// The endpoint's delivery log, newest first.
async fn log(app: &TestApp, host: &Member, id: &str) -> Vec<Value> {
    let reply = app.get(&format!("/api/v1/webhooks/{id}/deliveries"), Some(host)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["items"].as_array().unwrap().clone()
}

/// Waits until the endpoint's log shows a delivery for which `check` holds, and gives it.
async fn logged(app: &TestApp, host: &Member, id: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    eventually(what, || async { log(app, host, id).await.into_iter().find(|d| check(d)) }).await
}

fn verify(secret: &str, got: &Got) -> Result<(), standardwebhooks::WebhookError> {
    standardwebhooks::Webhook::new(secret)
        .expect("a secret the library reads")
        .verify(got.body.as_bytes(), &got.headers)
}

#[tokio::test]
async fn deliveries_are_signed_the_standard_webhooks_way_with_every_secret_while_one_rotates() {
    let Some(app) = app_allowing_loopback().await else { return };
    let receiver = Receiver::start().await;
    // The library checks the timestamp against the real clock.
    let now = chrono::Utc::now();
    app.clock.set(now.timestamp());
    let tomorrow = (now.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive() + chrono::Days::new(1)).to_string();
    let (host, ann) = (app.member("Host").await, app.member("Ann").await);
    let (venue, _) = app.venue(&host, 5).await;
    let (id, old) = webhook(&app, &host, venue, &receiver.url(), json!([])).await;
    assert!(old.starts_with("whsec_"));

    let booked = app.book(&ann, venue, &tomorrow, "09:00", "12:00").await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    let first = receiver.wait_for(1).await.remove(0);
    verify(&old, &first).expect("the standardwebhooks crate verifies the delivery");
    let event = first.json();
    assert_eq!((event["type"].as_str(), event["version"].as_u64()), (Some("booking.made"), Some(1)));
    assert_eq!(event["subject"]["id"], booked.body["id"]);
    assert_eq!(event["venue"].as_str(), Some(venue.to_string().as_str()));
    assert_eq!(first.headers["content-type"], "application/json");
    let mut tampered = first.clone();
    tampered.body = first.body.replace("booking.made", "booking.gone");
    assert!(verify(&old, &tampered).is_err(), "a changed body does not verify");

    let rotated = app.post(&format!("/api/v1/webhooks/{id}/secrets"), Some(&host), json!({})).await;
    assert_eq!(rotated.status, StatusCode::CREATED, "{}", rotated.body);
    let new = rotated.body["secret"].as_str().unwrap().to_owned();
    let cancel = format!("/api/v1/bookings/{}/cancel", booked.body["id"].as_str().unwrap());
    let cancelled = app.post(&cancel, Some(&ann), json!({})).await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);
    let second = receiver.wait_for(2).await.remove(1);
    assert_eq!(second.json()["type"], "booking.cancelled");
    assert_eq!(second.headers["webhook-signature"].to_str().unwrap().split(' ').count(), 2, "one signature per secret");
    verify(&old, &second).expect("the old secret still verifies during the rotation");
    verify(&new, &second).expect("and the new one");

    let shown = app.get(&format!("/api/v1/webhooks/{id}"), Some(&host)).await;
    assert_eq!(shown.body["secrets"].as_array().unwrap().len(), 2);
    assert!(!shown.body.to_string().contains(&new[6..]), "a secret is shown once, when made");
    let old_id = shown.body["secrets"][0]["id"].as_str().unwrap().to_owned();
    let removed = app.call(Method::DELETE, &format!("/api/v1/webhooks/{id}/secrets/{old_id}"), Some(&host), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.body);
    let new_id = shown.body["secrets"][1]["id"].as_str().unwrap().to_owned();
    let last = app.call(Method::DELETE, &format!("/api/v1/webhooks/{id}/secrets/{new_id}"), Some(&host), None).await;
    assert_eq!((last.status, last.code()), (StatusCode::CONFLICT, "last_secret"));
}

#[tokio::test]
async fn an_endpoint_gets_its_events_in_order_and_a_retry_waits_as_retry_after_asks() {
    let Some(app) = app_allowing_loopback().await else { return };
    let receiver = Receiver::start().await;
    receiver.answer([Answer::status(503).with("retry-after", "120")]);
    let (host, ann, bo) = (app.member("Host").await, app.member("Ann").await, app.member("Bo").await);
    let (venue, _) = app.venue(&host, 5).await;
    let (elsewhere, _) = app.venue(&host, 5).await;
    let (id, _) = webhook(&app, &host, venue, &receiver.url(), json!(["booking.made"])).await;

    let t0 = app.clock_now();
    for who in [&ann, &bo] {
        assert_eq!(app.book(who, venue, "2026-11-24", "09:00", "12:00").await.status, StatusCode::CREATED);
    }
    assert_eq!(app.book(&ann, elsewhere, "2026-11-25", "09:00", "12:00").await.status, StatusCode::CREATED);
    let first = receiver.wait_for(1).await.remove(0);
    let waiting = logged(&app, &host, &id, "the refused try logged", |d| d["last_response_code"] == 503).await;
    assert_eq!(waiting["status"], "pending");
    let next = chrono::DateTime::parse_from_rfc3339(waiting["next_attempt_at"].as_str().unwrap()).unwrap().timestamp();
    assert_eq!(next, t0 + 120, "Retry-After (120 s) beats the schedule's 5 s");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.got().len(), 1, "the next event waits behind the first");

    app.clock.set(t0 + 119);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.got().len(), 1, "not before Retry-After");
    app.clock.set(t0 + 120);
    let got = receiver.wait_for(3).await;
    assert_eq!(got[1].id(), first.id(), "the same webhook-id on every try");
    let ids: Vec<u64> = got.iter().map(|g| g.json()["id"].as_u64().unwrap()).collect();
    assert!(ids[1] < ids[2], "in the outbox's order: {ids:?}");
    assert!(got.iter().all(|g| g.json()["venue"] == json!(venue) && g.json()["type"] == "booking.made"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.got().len(), 3, "nothing of the other venue");
    let tries = app.get(&format!("/api/v1/webhooks/{id}/deliveries/{}", first.id()), Some(&host)).await;
    let codes: Vec<Value> =
        tries.body["tries"].as_array().unwrap().iter().map(|a| a["response_code"].clone()).collect();
    assert_eq!(codes, vec![json!(503), json!(200)]);
    assert_eq!(tries.body["status"], "delivered");
}

#[tokio::test]
async fn a_410_switches_the_endpoint_off_until_its_owner_switches_it_on() {
    let Some(app) = app_allowing_loopback().await else { return };
    let receiver = Receiver::start().await;
    receiver.answer([Answer::status(410)]);
    let (host, ann) = (app.member("Host").await, app.member("Ann").await);
    let (venue, _) = app.venue(&host, 5).await;
    let (id, _) = webhook(&app, &host, venue, &receiver.url(), json!([])).await;
    app.book(&ann, venue, "2026-11-24", "09:00", "12:00").await;
    receiver.wait_for(1).await;
    let off = eventually("the endpoint switched off", || async {
        let shown = app.get(&format!("/api/v1/webhooks/{id}"), Some(&host)).await;
        (shown.body["enabled"] == false).then_some(shown.body)
    })
    .await;
    assert_eq!(off["disabled_reason"], "gone");
    app.clock.advance(3600);
    app.book(&ann, venue, "2026-11-25", "09:00", "12:00").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.got().len(), 1, "nothing more goes to a switched-off endpoint");

    let on =
        app.call(Method::PATCH, &format!("/api/v1/webhooks/{id}"), Some(&host), Some(json!({"enabled": true}))).await;
    assert_eq!((on.status, on.body["enabled"].clone()), (StatusCode::OK, json!(true)), "{}", on.body);
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].id(), got[0].id(), "the delivery that met the 410 goes again");
    app.book(&ann, venue, "2026-11-26", "09:00", "12:00").await;
    let got = receiver.wait_for(3).await;
    assert_eq!(got[2].json()["type"], "booking.made");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.got().len(), 3, "what happened while it was off is not sent");
}

#[tokio::test]
async fn the_owner_is_told_once_by_e_mail_when_an_endpoint_keeps_failing() {
    let Some(app) = app_allowing_loopback().await else { return };
    let receiver = Receiver::start().await;
    receiver.answer((0..20).map(|_| Answer::status(500)));
    let (host, ann) = (app.member("Host").await, app.member("Ann").await);
    let (venue, _) = app.venue(&host, 5).await;
    let (id, _) = webhook(&app, &host, venue, &receiver.url(), json!([])).await;
    app.book(&ann, venue, "2026-11-24", "09:00", "12:00").await;
    receiver.wait_for(1).await;
    logged(&app, &host, &id, "the failed try logged", |d| d["last_response_code"] == 500).await;
    assert_eq!(app.count("mail_jobs WHERE kind = 'webhook_failing'").await, 0, "not after one failure");

    app.clock.advance(86_400);
    receiver.wait_for(2).await;
    let told = app.smtp.first_with(&host.email, "Your webhook keeps failing").await;
    assert!(told.data.contains(&receiver.url()), "{}", told.data);
    assert!(told.data.contains(&format!("/host/venues/{venue}/webhooks")), "{}", told.data);
    app.clock.advance(86_400);
    receiver.wait_for(3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.count("mail_jobs WHERE kind = 'webhook_failing'").await, 1, "told once until it works again");
}

#[tokio::test]
async fn loopback_and_private_addresses_are_refused_unless_the_operator_allows_the_host() {
    let Some(app) =
        spawn_app_with(thirdspace_server::ServerConfig { webhook_every: Duration::from_millis(50), ..test_config() })
            .await
    else {
        return;
    };
    let receiver = Receiver::start().await;
    let (host, ann) = (app.member("Host").await, app.member("Ann").await);
    let (venue, _) = app.venue(&host, 5).await;
    let port = receiver.addr.port();
    let (by_ip, _) = webhook(&app, &host, venue, &format!("http://127.0.0.1:{port}/hooks"), json!([])).await;
    let (by_name, _) = webhook(&app, &host, venue, &format!("http://localhost:{port}/hooks"), json!([])).await;
    let (mapped, _) = webhook(&app, &host, venue, &format!("http://[::ffff:127.0.0.1]:{port}/hooks"), json!([])).await;
    let (metadata, _) = webhook(&app, &host, venue, "http://169.254.169.254/latest/meta-data", json!([])).await;
    app.book(&ann, venue, "2026-11-24", "09:00", "12:00").await;
    for id in [&by_ip, &by_name, &mapped, &metadata] {
        let refused = logged(&app, &host, id, "a refused try logged", |d| !d["last_error"].is_null()).await;
        assert!(refused["last_error"].as_str().unwrap().starts_with("refused:"), "{refused}");
        assert!(refused["last_response_code"].is_null());
    }
    assert!(receiver.got().is_empty(), "nothing reached the loopback receiver");
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let Some(app) = app_allowing_loopback().await else { return };
    let (receiver, inner) = (Receiver::start().await, Receiver::start().await);
    receiver.answer((0..5).map(|_| Answer::status(307).with("location", inner.url())));
    let (host, ann) = (app.member("Host").await, app.member("Ann").await);
    let (venue, _) = app.venue(&host, 5).await;
    let (id, _) = webhook(&app, &host, venue, &receiver.url(), json!([])).await;
    app.book(&ann, venue, "2026-11-24", "09:00", "12:00").await;
    let redirected = logged(&app, &host, &id, "the redirect logged", |d| d["last_response_code"] == 307).await;
    assert_eq!(redirected["status"], "pending", "a redirect is a failure, tried again later");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(inner.got().is_empty(), "the redirect's target got nothing");
}

#[tokio::test]
async fn a_delivery_is_sent_again_on_request_with_the_same_id() {
    let Some(app) = app_allowing_loopback().await else { return };
    let receiver = Receiver::start().await;
    let (host, ann) = (app.member("Host").await, app.member("Ann").await);
    let (venue, _) = app.venue(&host, 5).await;
    let (id, _) = webhook(&app, &host, venue, &receiver.url(), json!([])).await;
    app.book(&ann, venue, "2026-11-24", "09:00", "12:00").await;
    let first = receiver.wait_for(1).await.remove(0);
    let delivered = logged(&app, &host, &id, "delivered", |d| d["status"] == "delivered").await;
    let path = format!("/api/v1/webhooks/{id}/deliveries/{}/send-again", delivered["id"].as_str().unwrap());
    let again = app.post(&path, Some(&host), json!({})).await;
    assert_eq!((again.status, again.body["status"].clone()), (StatusCode::OK, json!("pending")), "{}", again.body);
    let got = receiver.wait_for(2).await;
    assert_eq!((got[1].id(), got[1].body.clone()), (first.id(), first.body.clone()));
    logged(&app, &host, &id, "delivered again", |d| d["status"] == "delivered" && d["attempts"] == 2).await;
}

#[tokio::test]
async fn other_people_s_webhooks_are_not_found_and_bad_input_is_named() {
    let Some(app) = app_allowing_loopback().await else { return };
    let (host, other, ann) = (app.member("Host").await, app.member("Other").await, app.member("Ann").await);
    let (venue, _) = app.venue(&host, 5).await;
    let (id, _) = webhook(&app, &host, venue, "https://hooks.example.org/in", json!([])).await;
    for (method, path) in [
        (Method::GET, format!("/api/v1/webhooks/{id}")),
        (Method::PATCH, format!("/api/v1/webhooks/{id}")),
        (Method::DELETE, format!("/api/v1/webhooks/{id}")),
        (Method::GET, format!("/api/v1/webhooks/{id}/deliveries")),
        (Method::POST, format!("/api/v1/webhooks/{id}/secrets")),
        (Method::GET, format!("/api/v1/venues/{venue}/webhooks")),
        (Method::POST, format!("/api/v1/venues/{venue}/webhooks")),
        (Method::GET, "/api/v1/webhooks".to_owned()),
        (Method::POST, "/api/v1/webhooks".to_owned()),
    ] {
        let body = match (&method, path.ends_with("/secrets")) {
            (&Method::GET | &Method::DELETE, _) => None,
            (_, true) => Some(json!({})),
            _ => Some(json!({"url": "https://x.example.org"})),
        };
        let reply = app.call(method.clone(), &path, Some(&other), body).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}: {}", reply.body);
    }
    let bad =
        app.post(&format!("/api/v1/venues/{venue}/webhooks"), Some(&host), json!({"url": "ftp://x.example.org"})).await;
    assert_eq!((bad.status, bad.field()), (StatusCode::UNPROCESSABLE_ENTITY, "url"), "{}", bad.body);
    let bad = app
        .post(
            &format!("/api/v1/venues/{venue}/webhooks"),
            Some(&host),
            json!({"url": "https://x.example.org", "events": ["booking.eaten"]}),
        )
        .await;
    assert_eq!((bad.status, bad.field()), (StatusCode::UNPROCESSABLE_ENTITY, "events"), "{}", bad.body);
    let bad = app.post(&format!("/api/v1/webhooks/{id}/secrets"), Some(&host), json!({"expire_others_in": -1})).await;
    assert_eq!((bad.status, bad.field()), (StatusCode::UNPROCESSABLE_ENTITY, "expire_others_in"), "{}", bad.body);
    assert_eq!(app.count("webhook_endpoints").await, 1, "nothing written by a refusal");

    let admin_email = thirdspace_domain::email::Email::parse(&ann.email).unwrap();
    app.store.set_admin(&admin_email, true).await.unwrap();
    let network = app.post("/api/v1/webhooks", Some(&ann), json!({"url": "https://net.example.org/in"})).await;
    assert_eq!(
        (network.status, network.body["venue_id"].clone()),
        (StatusCode::CREATED, Value::Null),
        "{}",
        network.body
    );
    let listed = app.get("/api/v1/webhooks", Some(&ann)).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    let gone = app.call(Method::DELETE, &format!("/api/v1/webhooks/{id}"), Some(&host), None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&format!("/api/v1/webhooks/{id}"), Some(&host)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_server_stopped_mid_delivery_delivers_after_its_restart() {
    let Some(mut app) = app_allowing_loopback().await else { return };
    let receiver = Receiver::start().await;
    receiver.answer([Answer { hold: true, ..Answer::status(200) }]);
    let (host, ann) = (app.member("Host").await, app.member("Ann").await);
    let (venue, _) = app.venue(&host, 5).await;
    let (id, _) = webhook(&app, &host, venue, &receiver.url(), json!([])).await;
    app.book(&ann, venue, "2026-11-24", "09:00", "12:00").await;
    let held = receiver.wait_for(1).await.remove(0);
    app.stop().await;
    receiver.release();
    app.start().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.got().len(), 1, "held by the stopped server until its hold lapses");
    app.clock.advance(thirdspace_server::courier::HOLD_SECONDS);
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].id(), held.id());
    logged(&app, &host, &id, "delivered after the restart", |d| d["status"] == "delivered").await;
}

#[tokio::test]
async fn two_instances_on_one_database_deliver_each_event_once_and_in_order() {
    let Some(app) = app_allowing_loopback().await else { return };
    let (_second, _stop) = app.another_instance().await;
    let receiver = Receiver::start().await;
    let (host, admin) = (app.member("Host").await, app.member("Admin").await);
    app.store.set_admin(&thirdspace_domain::email::Email::parse(&admin.email).unwrap(), true).await.unwrap();
    let (venue, _) = app.venue(&host, 30).await;
    webhook(&app, &host, venue, &format!("{}?venue", receiver.url()), json!(["booking.made"])).await;
    let network = json!({"url": format!("{}?network", receiver.url()), "events": ["booking.made"]});
    let network = app.post("/api/v1/webhooks", Some(&admin), network).await;
    assert_eq!(network.status, StatusCode::CREATED, "{}", network.body);
    for i in 0..15 {
        let who = app.member(&format!("Person {i}")).await;
        assert_eq!(app.book(&who, venue, "2026-11-24", "09:00", "12:00").await.status, StatusCode::CREATED);
    }
    receiver.wait_for(30).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = receiver.got();
    assert_eq!(got.len(), 30, "each event once to each endpoint, whichever instance sent it");
    let ids: std::collections::HashSet<String> = got.iter().map(Got::id).collect();
    assert_eq!(ids.len(), 30, "no webhook-id twice");
    for which in ["venue", "network"] {
        let events: Vec<u64> =
            got.iter().filter(|g| g.uri.ends_with(which)).map(|g| g.json()["id"].as_u64().unwrap()).collect();
        assert_eq!(events.len(), 15, "{which}");
        assert!(events.windows(2).all(|w| w[0] < w[1]), "{which}, in the outbox's order: {events:?}");
    }
}

#[tokio::test]
async fn the_webhooks_page_is_the_venue_owner_s_alone() {
    let Some(app) = app_allowing_loopback().await else { return };
    let (host, other) = (app.member("Host").await, app.member("Other").await);
    let (venue, _) = app.venue(&host, 5).await;
    let page = format!("/host/venues/{venue}/webhooks");
    let owner = crate::web::Web::new(&app);
    owner.log_in(&host).await;
    let made = owner.submit(&page, &page, &[("url", "https://hooks.example.org/in"), ("events", "")]).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.html);
    assert!(made.html.contains("whsec_"), "the secret, shown once");
    let again = owner.get(&page).await;
    assert!(again.html.contains("https://hooks.example.org/in") && !again.html.contains("whsec_"));

    let stranger = crate::web::Web::new(&app);
    stranger.log_in(&other).await;
    assert_eq!(stranger.get(&page).await.status, StatusCode::NOT_FOUND);
    let csrf = stranger.get("/me/emails").await.hidden("csrf");
    let posted = stranger.post(&page, &[("csrf", &csrf), ("url", "https://evil.example.org"), ("events", "")]).await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("webhook_endpoints").await, 1);
}
