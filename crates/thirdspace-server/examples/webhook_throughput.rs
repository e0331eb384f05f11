//! Webhook deliveries per second from one instance to a local receiver: `ENDPOINTS` network-wide
//! endpoints, `EVENTS` events written to the outbox, then the courier (the server's own, as
//! `serve` runs it) fans them out and delivers every one, signed, to a small HTTP server on
//! 127.0.0.1 that answers 200 at once. The figure is deliveries answered per second, fan-out
//! included, from the first event read to the last delivery recorded as delivered.
//!
//! `cargo run --release -p thirdspace-server --example webhook_throughput -- ENDPOINTS EVENTS DB_FILE [POSTGRES_URL]`
//!
//! Each endpoint gets its events one at a time, in order, so `ENDPOINTS` is also how many
//! deliveries may be in flight at once.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use thirdspace_domain::email::Email;
use thirdspace_server::clock::SystemClock;
use thirdspace_server::{AppState, ServerConfig};
use thirdspace_store::outbox::{EventType, NewEvent};
use thirdspace_store::webhooks::NewEndpoint;
use thirdspace_store::{NewUser, Store};
use uuid::Uuid;

type Error = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let endpoints: usize = args.next().map_or(Ok(16), |n| n.parse())?;
    let events: usize = args.next().map_or(Ok(2_000), |n| n.parse())?;
    let file = std::path::PathBuf::from(args.next().ok_or("usage: ENDPOINTS EVENTS DB_FILE [POSTGRES_URL]")?);
    let postgres = args.next();

    let received = Arc::new(AtomicUsize::new(0));
    let receiver = receive(received.clone()).await?;
    let _ = std::fs::remove_file(&file);
    let sqlite = thirdspace_store_sqlite::open(&format!("sqlite://{}", file.display())).await?;
    println!("SQLite ({}):", file.display());
    measure(Arc::new(sqlite), endpoints, events, receiver, &received).await?;
    if let Some(url) = postgres {
        let pg = thirdspace_store_postgres::open(&url, thirdspace_store_postgres::PgOptions::default()).await?;
        println!("PostgreSQL:");
        measure(Arc::new(pg), endpoints, events, receiver, &received).await?;
    }
    Ok(())
}

/// A receiver that counts requests and answers 200.
async fn receive(count: Arc<AtomicUsize>) -> Result<SocketAddr, Error> {
    let app = axum::Router::new().fallback(move || {
        let count = count.clone();
        async move {
            count.fetch_add(1, Ordering::Relaxed);
            axum::http::StatusCode::OK
        }
    });
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(addr)
}

async fn measure(
    store: Arc<dyn Store>,
    endpoints: usize,
    events: usize,
    receiver: SocketAddr,
    received: &AtomicUsize,
) -> Result<(), Error> {
    let now = chrono::Utc::now().timestamp();
    let owner = store
        .create_user(NewUser {
            email: Email::parse(&format!("owner-{}@example.org", Uuid::now_v7()))?,
            password_hash: "unused".to_owned(),
            display_name: "Owner".to_owned(),
            is_admin: true,
            email_verified: true,
            now,
        })
        .await?;
    // The cursor starts at the outbox's end: the events below are all after it.
    store.webhook_cursor().await?;
    let mut work = store.begin().await?;
    for _ in 0..endpoints {
        let new = NewEndpoint {
            venue_id: None,
            url: format!("http://{receiver}/hooks"),
            events: Vec::new(),
            created_by: owner.id,
            secret: thirdspace_domain::webhook::Secret::new(rand::random()).expose(),
            now,
        };
        work.create_endpoint(&new).await?;
    }
    for _ in 0..events {
        let event = NewEvent {
            kind: EventType::ProfileChanged,
            venue: None,
            subject: Uuid::now_v7(),
            data: json!({}),
            occurred_at: now,
        };
        work.record(&event).await?;
    }
    work.commit().await?;

    let config = ServerConfig {
        webhook_allow_hosts: vec!["127.0.0.1".to_owned()],
        webhook_every: Duration::from_millis(50),
        ..ServerConfig::default()
    };
    let state = AppState::new(store.clone(), Arc::new(SystemClock), config);
    let before = received.load(Ordering::Relaxed);
    let total = endpoints * events;
    let started = Instant::now();
    let courier = tokio::spawn(thirdspace_server::courier::run(state));
    while received.load(Ordering::Relaxed) - before < total {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let took = started.elapsed();
    courier.abort();
    println!(
        "  {endpoints} endpoints x {events} events = {total} deliveries in {:.2} s: {:.0} deliveries/s",
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64()
    );
    store.close().await;
    Ok(())
}
