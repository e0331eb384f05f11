//! What an operator watches: the metrics listener and the health checks.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_app_with, test_config, TestApp, MONDAY};
use crate::live::open_stream;

/// The value of the sample `series` (name and labels exactly as written) in an exposition.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.trim().parse().ok())
}

async fn scrape(app: &TestApp) -> String {
    let addr = app.metrics.expect("the metrics listener is bound");
    let reply = app.client.get(format!("http://{addr}/metrics")).send().await.expect("scrape");
    assert_eq!(reply.status(), StatusCode::OK);
    let kind = reply.headers()["content-type"].to_str().expect("type").to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    reply.text().await.expect("exposition")
}

#[tokio::test]
async fn metrics_are_off_unless_asked_for_and_never_on_the_public_address() {
    let Some(app) = spawn_app().await else { return };
    assert!(app.metrics.is_none(), "no listener of its own by default");
    assert_eq!(app.get("/metrics", None).await.status, StatusCode::NOT_FOUND);

    let config = thirdspace_server::ServerConfig { metrics_bind: Some(([127, 0, 0, 1], 0).into()), ..test_config() };
    let Some(app) = spawn_app_with(config).await else { return };
    assert!(app.metrics.is_some());
    assert_eq!(app.get("/metrics", None).await.status, StatusCode::NOT_FOUND, "only on the metrics listener");
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_bookings_by_outcome_and_check_ins_without_ids() {
    let config = thirdspace_server::ServerConfig { metrics_bind: Some(([127, 0, 0, 1], 0).into()), ..test_config() };
    let Some(app) = spawn_app_with(config).await else { return };
    let host = app.member("Host").await;
    let (anna, bob) = (app.member("Anna").await, app.member("Bob").await);
    let (venue, _) = app.venue(&host, 1).await;
    assert_eq!(app.book(&anna, venue, MONDAY, "09:00", "17:00").await.status, StatusCode::CREATED);
    assert_eq!(app.book(&bob, venue, MONDAY, "10:00", "12:00").await.code(), "seats_gone");
    assert_eq!(app.book(&bob, venue, MONDAY, "12:00", "10:00").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let checked_in = app
        .post(&format!("/api/v1/venues/{venue}/check-ins"), Some(&host), serde_json::json!({"user_id": anna.id}))
        .await;
    assert_eq!(checked_in.status, StatusCode::OK, "{}", checked_in.body);
    let stream = open_stream(&app, &host, venue, None).await;

    let text = scrape(&app).await;
    let booked = r#"thirdspace_http_requests_total{method="POST",route="/api/v1/venues/{id}/bookings",status="201"}"#;
    assert_eq!(sample(&text, booked), Some(1.0), "{text}");
    let refused = r#"thirdspace_http_requests_total{method="POST",route="/api/v1/venues/{id}/bookings",status="409"}"#;
    assert_eq!(sample(&text, refused), Some(1.0));
    let timed = r#"thirdspace_http_request_duration_seconds_count{method="POST",route="/api/v1/venues/{id}/bookings"}"#;
    assert_eq!(sample(&text, timed), Some(3.0));
    assert_eq!(sample(&text, "thirdspace_bookings_made_total"), Some(1.0));
    assert_eq!(sample(&text, r#"thirdspace_bookings_refused_total{reason="seats_gone"}"#), Some(1.0));
    assert_eq!(sample(&text, r#"thirdspace_bookings_refused_total{reason="invalid"}"#), Some(1.0));
    assert_eq!(sample(&text, "thirdspace_check_ins_total"), Some(1.0));
    assert_eq!(sample(&text, "thirdspace_event_streams_open"), Some(1.0));
    assert!(sample(&text, "thirdspace_outbox_lag_events").is_some_and(|lag| lag >= 0.0));
    assert_eq!(sample(&text, "thirdspace_password_hashes_queued"), Some(0.0));
    assert!(text.contains("thirdspace_db_pool_max_connections{pool="), "{text}");
    assert!(text.contains("# UNIT thirdspace_http_request_duration_seconds seconds"));
    assert!(text.trim_end().ends_with("# EOF"));
    for id in [venue, anna.id, bob.id, host.id] {
        assert!(!text.contains(&id.to_string()), "no label names an id");
    }
    let unknown = app.get("/api/v1/nothing/here/12345", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let text = scrape(&app).await;
    assert!(!text.contains("12345"), "a path that matches no route is not a label");

    drop(stream);
    let mut open = None;
    for _ in 0..100 {
        open = sample(&scrape(&app).await, "thirdspace_event_streams_open");
        if open == Some(0.0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(open, Some(0.0), "a closed stream is no longer counted");
}

#[tokio::test]
async fn readiness_needs_the_database_on_this_version_s_schema() {
    let Some(app) = spawn_app().await else { return };
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);
    // A later version's migration recorded (as a newer instance would) makes this one unready,
    // while it stays alive.
    app.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101, 'from a later version', TRUE, '\\x00', 1)",
    )
    .await;
    let ready = app.get("/readyz", None).await;
    assert_eq!((ready.status, ready.code()), (StatusCode::SERVICE_UNAVAILABLE, "schema_mismatch"), "{}", ready.body);
    assert!(ready.headers.contains_key("retry-after"));
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
    app.execute("DELETE FROM _sqlx_migrations WHERE version = 99990101").await;
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);
}
