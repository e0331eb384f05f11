//! Failed log-ins are limited per e-mail address, so that nobody can guess a password by trying
//! many: after a number of failures the address is refused for a while, whatever the password.
//! Kept in memory: each instance counts on its own.

use std::collections::HashMap;
use std::sync::Mutex;

/// Failures allowed in a window before the address is refused.
pub const MAX_FAILURES: u32 = 10;
/// The window, in seconds.
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// Addresses tracked before the expired ones are swept.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, i64)>>,
}

impl LoginLimiter {
    /// `Err(seconds to wait)` while `key` is refused.
    pub fn check(&self, key: &str, now: i64) -> Result<(), i64> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match failures.get(key) {
            Some(&(count, since)) if count >= MAX_FAILURES && now < since + WINDOW_SECONDS => {
                Err(since + WINDOW_SECONDS - now)
            }
            _ => Ok(()),
        }
    }

    pub fn failed(&self, key: &str, now: i64) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() > SWEEP_ABOVE {
            failures.retain(|_, (_, since)| now < *since + WINDOW_SECONDS);
        }
        let entry = failures.entry(key.to_owned()).or_insert((0, now));
        if now >= entry.1 + WINDOW_SECONDS {
            *entry = (0, now);
        }
        entry.0 += 1;
    }

    pub fn succeeded(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_after_too_many_failures_until_the_window_passes() {
        let limiter = LoginLimiter::default();
        for _ in 0..MAX_FAILURES {
            assert!(limiter.check("ana@example.org", 100).is_ok());
            limiter.failed("ana@example.org", 100);
        }
        assert_eq!(limiter.check("ana@example.org", 160), Err(WINDOW_SECONDS - 60));
        assert!(limiter.check("bob@example.org", 160).is_ok(), "others are not affected");
        assert!(limiter.check("ana@example.org", 100 + WINDOW_SECONDS).is_ok());
    }

    #[test]
    fn a_success_clears_the_count() {
        let limiter = LoginLimiter::default();
        for _ in 0..MAX_FAILURES - 1 {
            limiter.failed("ana@example.org", 100);
        }
        limiter.succeeded("ana@example.org");
        limiter.failed("ana@example.org", 101);
        assert!(limiter.check("ana@example.org", 102).is_ok());
    }
}
