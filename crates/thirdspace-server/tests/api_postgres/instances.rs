//! Several instances on one PostgreSQL database, as behind a load balancer: capacity holds when
//! requests are spread over them, and a check-in handled by one reaches a screen on the other.

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::json;
use thirdspace_server::clock::ManualClock;
use thirdspace_server::{AppState, Application, ServerConfig};
use thirdspace_store::Bookings;
use thirdspace_store_postgres::cluster::TestCluster;
use thirdspace_store_postgres::{PgOptions, PgStore};

use crate::helpers::{member_in, venue_body, MONDAY, MONDAY_9AM, PATIENCE};

struct Instances {
    bases: Vec<String>,
    store: Arc<PgStore>,
    client: reqwest::Client,
    _stops: Vec<tokio::sync::oneshot::Sender<()>>,
}

/// `n` servers on one fresh database of the shared test cluster, each with its own pool and its
/// own relay of the outbox; `None` (loudly) without PostgreSQL outside CI.
async fn instances(n: usize) -> Option<Instances> {
    let cluster = TestCluster::shared()?;
    let url = cluster.create_database().await.expect("a database");
    let clock = Arc::new(ManualClock::new(MONDAY_9AM));
    let mut bases = Vec::new();
    let mut stops = Vec::new();
    let mut first = None;
    for _ in 0..n {
        let store = Arc::new(thirdspace_store_postgres::open(&url, PgOptions::default()).await.expect("open"));
        store.listen().await.expect("listening for events");
        let state = AppState::new(store.clone(), clock.clone(), ServerConfig::default());
        let app = Application::bind(SocketAddr::from(([127, 0, 0, 1], 0)), state).await.expect("bind");
        bases.push(format!("http://{}", app.local_addr().expect("addr")));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        stops.push(stop);
        first.get_or_insert(store);
    }
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build().expect("client");
    Some(Instances { bases, store: first.expect("one instance at least"), client, _stops: stops })
}

impl Instances {
    async fn post(
        &self,
        instance: usize,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let resp = self
            .client
            .post(format!("{}{path}", self.bases[instance]))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = resp.status();
        (status, resp.json().await.unwrap_or_default())
    }

    /// A venue with one open-seating space of `seats` social-capital seats, made on instance 0.
    async fn venue(&self, host: &str, seats: u32) -> uuid::Uuid {
        let (status, venue) = self.post(0, "/api/v1/venues", host, venue_body("De Werkplaats", "Utrecht")).await;
        assert_eq!(status, StatusCode::CREATED, "{venue}");
        let id = venue["id"].as_str().expect("id").to_owned();
        let space =
            json!({"name": "Open floor", "kind": "open_seating", "capacity": seats + 4, "social_capital_seats": seats});
        let (status, body) = self.post(0, &format!("/api/v1/venues/{id}/spaces"), host, space).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        id.parse().expect("uuid")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_bookings_for_five_seats_spread_over_two_instances_give_exactly_five() {
    let Some(setup) = instances(2).await else { return };
    let host = member_in(&*setup.store, "Host").await.token;
    let venue = setup.venue(&host, 5).await;
    let mut members = Vec::new();
    for i in 0..50 {
        members.push(member_in(&*setup.store, &format!("Member{i}")).await.token);
    }
    let setup = Arc::new(setup);
    let tasks: Vec<_> = members
        .into_iter()
        .enumerate()
        .map(|(i, token)| {
            let setup = setup.clone();
            tokio::spawn(async move {
                let body = json!({"date": MONDAY, "start": "10:00", "end": "12:00", "focus": "Writing", "pledge": "Python help", "accept_house_rules": true});
                setup.post(i % 2, &format!("/api/v1/venues/{venue}/bookings"), &token, body).await
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let (status, body) = task.await.expect("task");
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => assert_eq!(body["error"]["code"], "seats_gone", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 5, "exactly the seats there are");
    let day = setup
        .store
        .venue_day(venue, MONDAY.parse().expect("date"), thirdspace_store::Page::new(1, 100))
        .await
        .expect("day");
    assert_eq!(day.items.len(), 5, "and exactly five stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_check_in_on_one_instance_reaches_a_screen_on_the_other() {
    let Some(setup) = instances(2).await else { return };
    let host = member_in(&*setup.store, "Host").await.token;
    let venue = setup.venue(&host, 5).await;
    let anna = member_in(&*setup.store, "Anna").await;
    let (anna, anna_token) = (anna.id, anna.token);
    let body = json!({"date": MONDAY, "start": "09:00", "end": "17:00", "focus": "Writing", "pledge": "Python help", "accept_house_rules": true});
    let (status, _) = setup.post(0, &format!("/api/v1/venues/{venue}/bookings"), &anna_token, body).await;
    assert_eq!(status, StatusCode::CREATED);
    let mut stream = setup
        .client
        .get(format!("{}/api/v1/venues/{venue}/events", setup.bases[1]))
        .bearer_auth(&host)
        .send()
        .await
        .expect("stream");
    assert_eq!(stream.status(), StatusCode::OK);
    // The stream's greeting: it is open before the check-in is sent.
    let _ = tokio::time::timeout(PATIENCE, stream.chunk()).await;
    let (status, body) =
        setup.post(0, &format!("/api/v1/venues/{venue}/check-ins"), &host, json!({"user_id": anna})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !seen.contains("event: presence") {
        match tokio::time::timeout_at(deadline, stream.chunk()).await {
            Ok(Ok(Some(bytes))) => seen.push_str(&String::from_utf8_lossy(&bytes)),
            _ => break,
        }
    }
    assert!(seen.contains("event: presence"), "instance B's screen heard instance A's check-in: {seen:?}");
    // Ids come from the database's sequence: instance B's own events follow A's.
    let id: u64 = seen.lines().find_map(|l| l.strip_prefix("id: ")).expect("an id").trim().parse().expect("number");
    assert!(id >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_log_ins_spread_over_two_instances_lock_the_address_on_both() {
    let Some(setup) = instances(2).await else { return };
    let locked = member_in(&*setup.store, "Locked").await;
    let email = locked.email.as_str();
    let log_in = |instance: usize, password: &'static str| {
        let url = format!("{}/api/v1/auth/tokens", setup.bases[instance]);
        let body = json!({"email": email, "password": password, "name": "laptop"});
        let request = setup.client.post(url).json(&body);
        async move { request.send().await.expect("log in").status() }
    };
    for attempt in 0..thirdspace_server::limits::MAX_FAILURES as usize {
        assert_eq!(log_in(attempt % 2, "wrong guess").await, StatusCode::UNAUTHORIZED);
    }
    for instance in 0..2 {
        let status = log_in(instance, "correct horse battery").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "instance {instance} counts the other's failures too");
    }
}
