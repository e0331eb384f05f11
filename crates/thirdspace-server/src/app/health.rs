//! Whether the server can serve: its database answers, and takes writes.

use std::time::Duration;

use thirdspace_store::{Outage, StoreResult};

use super::{AppError, AppResult};
use crate::AppState;

/// How long a health check waits for the database before it answers that it is unavailable.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// `check`, or unavailable when it does not finish in time.
async fn within_time(check: impl std::future::Future<Output = StoreResult<()>>) -> AppResult<()> {
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(checked) => Ok(checked?),
        Err(_) => Err(AppError::Unavailable(Outage::Unreachable)),
    }
}

/// The database answers (within two seconds).
pub async fn alive(state: &AppState) -> AppResult<()> {
    within_time(state.store.ping()).await
}

/// The database answers and can take writes (within two seconds).
pub async fn ready(state: &AppState) -> AppResult<()> {
    within_time(state.store.ready()).await
}
