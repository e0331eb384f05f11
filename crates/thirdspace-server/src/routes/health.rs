use std::time::Duration;

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use thirdspace_store::{Outage, StoreResult};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::AppState;

/// How long a health check waits for the database before it answers that it is unavailable.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    status: &'static str,
}

/// `check`, or unavailable when it does not finish in time.
async fn within_time(check: impl std::future::Future<Output = StoreResult<()>>) -> ApiResult<()> {
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(checked) => Ok(checked?),
        Err(_) => Err(ApiError::unavailable(Outage::Unreachable)),
    }
}

/// Whether the server runs and its database answers (within two seconds).
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health),
        (status = 503, body = ErrorBody, description = "The database does not answer (`database_unavailable`).",
            headers(("Retry-After" = u64, description = "Seconds to wait before asking again")))))]
pub async fn healthz(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    within_time(state.store.ping()).await?;
    Ok(Json(Health { status: "ok" }))
}

/// Whether the server can serve everything now: its database answers and can take writes
/// (within two seconds). A load balancer sends traffic elsewhere while this answers `503`.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Health),
        (status = 503, body = ErrorBody,
            description = "The database does not answer (`database_unavailable`) or cannot write (`storage_full`).",
            headers(("Retry-After" = u64, description = "Seconds to wait before asking again")))))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    within_time(state.store.ready()).await?;
    Ok(Json(Health { status: "ready" }))
}
