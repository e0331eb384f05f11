//! A venue's report: what its spare seats produced, counted for its staff only.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_venue_s_report_counts_visits_knowledge_introductions_questions_and_outcomes_for_its_staff() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (anna, bob, cas) = (app.member("Anna").await, app.member("Bob").await, app.member("Cas").await);
    for who in [&anna, &bob] {
        let body = json!({"display_name": "Member", "visibility": "public"});
        app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
        assert_eq!(app.arrive(&host, who, venue).await.status, StatusCode::OK);
    }
    let asked =
        app.post(&format!("/api/v1/venues/{venue}/questions"), Some(&anna), json!({"text": "Who knows VAT?"})).await;
    let question = asked.body["id"].as_str().unwrap().to_owned();
    app.call(Method::POST, &format!("/api/v1/questions/{question}/answered"), Some(&anna), None).await;
    let shared =
        json!({"with": anna.id, "role": "gave", "tags": ["vat"], "text": "VAT for e-books", "venue_id": venue});
    let exchange = app.post("/api/v1/me/exchanges", Some(&bob), shared).await;
    assert_eq!(exchange.status, StatusCode::CREATED, "{}", exchange.body);
    let id = exchange.body["id"].as_str().unwrap();
    app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&anna), None).await;
    for sharing in ["venue", "private"] {
        let outcome = json!({"category": "skill", "venue_id": venue, "sharing": sharing});
        assert_eq!(app.post("/api/v1/me/outcomes", Some(&anna), outcome).await.status, StatusCode::CREATED);
    }

    let today = chrono::DateTime::from_timestamp(app.clock_now(), 0).unwrap().date_naive();
    let (from, to) = (today - chrono::Duration::days(3), today + chrono::Duration::days(3));
    let path = format!("/api/v1/venues/{venue}/report?from={from}&to={to}&by=week");
    let report = app.get(&path, Some(&host)).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let total = &report.body["total"];
    assert_eq!((total["visits"].clone(), total["coworkers"].clone()), (json!(2), json!(2)));
    assert!(total["seat_hours"].as_f64().unwrap() > 0.0, "{total}");
    assert_eq!(
        (total["exchanges"].clone(), total["questions_asked"].clone(), total["questions_answered"].clone()),
        (json!(1), json!(1), json!(1))
    );
    assert_eq!(total["outcomes"], 1, "a private outcome is not the venue's to count");
    assert_eq!(report.body["topics"], json!([{"tag": "vat", "count": 1}]));
    assert_eq!(report.body["outcomes"], json!([{"category": "skill", "count": 1}]));
    let periods = report.body["periods"].as_array().unwrap();
    assert!((1..=2).contains(&periods.len()), "six days are one or two weeks: {}", report.body);
    let visits: u64 = periods.iter().map(|p| p["visits"].as_u64().unwrap()).sum();
    assert_eq!(visits, 2, "the periods add up to the total");
    assert!(!report.body.to_string().contains(&anna.id.to_string()), "nobody is named in a report");

    let csv = app.get(&format!("/api/v1/venues/{venue}/report.csv?from={from}&to={to}&by=week"), Some(&host)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = csv.body.as_str().unwrap_or_default();
    assert!(text.starts_with("period_start,visits,coworkers,seat_hours,"), "{text}");
    assert_eq!(text.lines().count(), periods.len() + 1, "a row a period: {text}");

    let outsider = app.get(&path, Some(&cas)).await;
    assert!(matches!(outsider.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", outsider.status);
    assert_eq!(app.get(&path, None).await.status, StatusCode::UNAUTHORIZED);
    let backwards = app.get(&format!("/api/v1/venues/{venue}/report?from={to}&to={from}"), Some(&host)).await;
    assert_eq!((backwards.status, backwards.field()), (StatusCode::UNPROCESSABLE_ENTITY, "to"));
    let too_long = app.get(&format!("/api/v1/venues/{venue}/report?from=2025-01-01&to=2026-06-01"), Some(&host)).await;
    assert_eq!((too_long.status, too_long.field()), (StatusCode::UNPROCESSABLE_ENTITY, "to"));
    let not_a_date = app.get(&format!("/api/v1/venues/{venue}/report?from=yesterday&to={to}"), Some(&host)).await;
    assert_eq!(not_a_date.status, StatusCode::BAD_REQUEST);
    let by_year = app.get(&format!("/api/v1/venues/{venue}/report?from={from}&to={to}&by=year"), Some(&host)).await;
    assert_eq!(by_year.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_network_s_report_counts_every_venue_for_its_admins_and_a_member_s_their_own() {
    let Some(app) = spawn_app().await else { return };
    let (host, other_host) = (app.member("Host").await, app.member("Other host").await);
    let (first, _) = app.venue(&host, 5).await;
    let (second, _) = app.venue(&other_host, 5).await;
    let (anna, bob, cas) = (app.member("Anna").await, app.member("Bob").await, app.member("Cas").await);
    for who in [&anna, &bob, &cas] {
        let body = json!({"display_name": "Member", "visibility": "public"});
        app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
    }
    assert_eq!(app.arrive(&host, &anna, first).await.status, StatusCode::OK);
    assert_eq!(app.arrive(&other_host, &bob, second).await.status, StatusCode::OK);
    assert_eq!(app.arrive(&other_host, &cas, second).await.status, StatusCode::OK);
    let shared = json!({"with": anna.id, "role": "gave", "tags": ["vat"], "text": "VAT for e-books"});
    let exchange = app.post("/api/v1/me/exchanges", Some(&bob), shared).await;
    let id = exchange.body["id"].as_str().unwrap();
    app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&anna), None).await;
    for (who, sharing) in [(&anna, "private"), (&bob, "public")] {
        let outcome = json!({"category": "client", "sharing": sharing});
        assert_eq!(app.post("/api/v1/me/outcomes", Some(who), outcome).await.status, StatusCode::CREATED);
    }

    let admin = app.member("Admin").await;
    let refused = app.get("/api/v1/network/report?from=2026-11-01&to=2026-12-01", Some(&host)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "a venue's host is not the network's admin");
    let email = thirdspace_domain::email::Email::parse(&admin.email).unwrap();
    thirdspace_store::Accounts::set_admin(&*app.store, &email, true).await.unwrap();
    let network = app.get("/api/v1/network/report?from=2026-11-01&to=2026-12-01&by=week", Some(&admin)).await;
    assert_eq!(network.status, StatusCode::OK, "{}", network.body);
    let total = &network.body["total"];
    assert_eq!((total["visits"].clone(), total["coworkers"].clone()), (json!(3), json!(3)), "both venues: {total}");
    assert_eq!(total["exchanges"], 1);
    assert_eq!(total["outcomes"], 1, "a private outcome is nobody else's to count");
    assert!(total["seat_hours"].as_f64().unwrap() > 0.0);
    assert_eq!(network.body["venue_id"], serde_json::Value::Null);
    assert_eq!(network.body["topics"], json!([{"tag": "vat", "count": 1}]));
    let weeks = network.body["periods"].as_array().unwrap();
    assert_eq!(weeks.iter().map(|w| w["visits"].as_u64().unwrap()).sum::<u64>(), 3, "the weeks add up");
    assert_eq!(weeks.iter().find(|w| w["start"] == "2026-11-23").unwrap()["coworkers"], 3);
    assert!(!network.body.to_string().contains(&anna.id.to_string()), "nobody is named");
    let csv = app.get("/api/v1/network/report.csv?from=2026-11-01&to=2026-12-01", Some(&admin)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.body.as_str().unwrap_or_default().lines().count(), 2, "one month, one row: {}", csv.body);
    let backwards = app.get("/api/v1/network/report?from=2026-12-01&to=2026-11-01", Some(&admin)).await;
    assert_eq!((backwards.status, backwards.field()), (StatusCode::UNPROCESSABLE_ENTITY, "to"));

    let mine = app.get("/api/v1/me/report?from=2026-11-23&to=2026-11-24&by=day", Some(&anna)).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    let total = &mine.body["total"];
    assert_eq!((total["visits"].clone(), total["coworkers"].clone()), (json!(1), json!(1)), "her own visit");
    assert_eq!(total["exchanges"], 1, "the exchange she received");
    assert_eq!(total["outcomes"], 1, "her own outcome, private or not");
    let cas_own = app.get("/api/v1/me/report?from=2026-11-23&to=2026-11-24", Some(&cas)).await;
    assert_eq!(
        (cas_own.body["total"]["visits"].clone(), cas_own.body["total"]["exchanges"].clone()),
        (json!(1), json!(0))
    );
    assert_eq!(app.get("/api/v1/me/report?from=2026-11-23&to=2026-11-24", None).await.status, StatusCode::UNAUTHORIZED);
}
