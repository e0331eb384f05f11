//! Failed log-ins are limited per e-mail address, so that nobody can guess a password by trying
//! many: after a number of failures the address is refused for a while, whatever the password.
//! The count is kept by the store, so every instance on one database refuses the same address.

use thirdspace_store::{Store, StoreResult};

/// Failures allowed in a window before the address is refused.
pub const MAX_FAILURES: u32 = 10;
/// The window, in seconds.
pub const WINDOW_SECONDS: i64 = 15 * 60;

/// Before `email` tries to log in: `Err(seconds to wait)` while it is refused, otherwise whether
/// any failures are counted for it (and so need clearing after a success).
pub async fn check(store: &dyn Store, email: &str, now: i64) -> StoreResult<Result<bool, i64>> {
    Ok(match store.login_failures(email).await? {
        Some((count, since)) if count >= MAX_FAILURES && now < since + WINDOW_SECONDS => {
            Err(since + WINDOW_SECONDS - now)
        }
        counted => Ok(counted.is_some()),
    })
}

pub async fn failed(store: &dyn Store, email: &str, now: i64) -> StoreResult<()> {
    store.record_login_failure(email, now, WINDOW_SECONDS).await.map(|_| ())
}

pub async fn succeeded(store: &dyn Store, email: &str) -> StoreResult<()> {
    store.clear_login_failures(email).await
}

/// Forgets the windows that are over (the sweep calls it).
pub async fn forget_old(store: &dyn Store, now: i64) -> StoreResult<u64> {
    store.forget_login_failures(now - WINDOW_SECONDS).await
}
