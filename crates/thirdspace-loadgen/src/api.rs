//! The few API calls both modes make to set a venue up.

use anyhow::{bail, Context, Result};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

pub const PASSWORD: &str = "load generator password";

pub async fn post(client: &Client, url: &str, token: Option<&str>, body: Value) -> Result<(StatusCode, Value)> {
    let mut req = client.post(url).json(&body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.with_context(|| format!("POST {url}"))?;
    let status = resp.status();
    Ok((status, resp.json().await.unwrap_or(Value::Null)))
}

/// Signs a new member up and returns an API token.
pub async fn member(client: &Client, base: &str, name: &str) -> Result<String> {
    let email = format!("{name}-{}@load.test", uuid::Uuid::new_v4().simple());
    let (status, body) = post(
        client,
        &format!("{base}/api/v1/auth/signup"),
        None,
        json!({"email": email, "password": PASSWORD, "display_name": name}),
    )
    .await?;
    if status != StatusCode::CREATED {
        bail!("sign-up failed: {status} {body}");
    }
    let (status, body) = post(
        client,
        &format!("{base}/api/v1/auth/tokens"),
        None,
        json!({"email": email, "password": PASSWORD, "name": "loadgen"}),
    )
    .await?;
    match body["token"].as_str() {
        Some(token) if status == StatusCode::CREATED => Ok(token.to_owned()),
        _ => bail!("token failed: {status} {body}"),
    }
}

/// Creates a venue open round the clock (UTC) with one space of more seats than a run fills.
pub async fn venue(client: &Client, base: &str, host: &str) -> Result<String> {
    let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let body = json!({
        "name": "Load test hall", "kind": "coworking_centre", "address": "Benchmark 1", "city": "Loadtown",
        "country": "NL", "time_zone": "UTC",
        "opening_hours": days.iter().map(|d| json!({"day": d, "opens": "00:00", "closes": "24:00"})).collect::<Vec<_>>(),
    });
    let (status, venue) = post(client, &format!("{base}/api/v1/venues"), Some(host), body).await?;
    let id = venue["id"].as_str().map(str::to_owned);
    let Some(id) = id.filter(|_| status == StatusCode::CREATED) else { bail!("venue failed: {status} {venue}") };
    let space = json!({"name": "Hall", "kind": "open_seating", "capacity": 10000, "social_capital_seats": 10000});
    let (status, body) = post(client, &format!("{base}/api/v1/venues/{id}/spaces"), Some(host), space).await?;
    if status != StatusCode::CREATED {
        bail!("space failed: {status} {body}");
    }
    Ok(id)
}
