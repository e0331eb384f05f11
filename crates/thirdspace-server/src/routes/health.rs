use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::health;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    status: &'static str,
}

/// Whether the server runs and its database answers (within two seconds).
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health),
        (status = 503, body = ErrorBody, description = "The database does not answer (`database_unavailable`).",
            headers(("Retry-After" = u64, description = "Seconds to wait before asking again")))))]
pub async fn healthz(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    health::alive(&state).await?;
    Ok(Json(Health { status: "ok" }))
}

/// Whether the server can serve everything now: its database answers, can take writes, and
/// records exactly this version's migrations (within two seconds). A load balancer sends traffic
/// elsewhere while this answers `503`.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Health),
        (status = 503, body = ErrorBody,
            description = "The database does not answer (`database_unavailable`), cannot write (`storage_full`), or its schema is another version's (`schema_mismatch`).",
            headers(("Retry-After" = u64, description = "Seconds to wait before asking again")))))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    health::ready(&state).await?;
    Ok(Json(Health { status: "ready" }))
}
