//! What was read from the store a moment ago, kept for at most `ttl` (by the process's own time
//! and by the server's clock, so a clock moved on in a test, or a token's end passing, is never
//! hidden for longer) so that the reads every request makes (who a token belongs to, the venue it
//! names) are not made again and again.
//!
//! This instance forgets an entry at once when it changes it; a change made by another instance
//! shows here within `ttl`. A read that raced a change is never kept: every change moves a counter
//! on, and a read is kept only if the counter stood still while it was made.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

struct Entries<K, V> {
    /// Each value with when it was read: the instant, and the clock's second.
    kept: HashMap<K, (V, Instant, i64)>,
    /// Changes seen so far.
    changes: u64,
}

/// Values read a moment ago, by key: at most `max` of them, none older than `ttl`.
pub struct Recent<K, V> {
    entries: Mutex<Entries<K, V>>,
    ttl: Duration,
    max: usize,
}

/// Where a read began: given back to [`Recent::keep`].
#[derive(Debug, Clone, Copy)]
struct Began {
    changes: u64,
    at: Instant,
    now: i64,
}

impl<K: Eq + Hash + Clone, V: Clone> Recent<K, V> {
    pub fn new(ttl: Duration, max: usize) -> Self {
        Self { entries: Mutex::new(Entries { kept: HashMap::new(), changes: 0 }), ttl, max: max.max(1) }
    }

    fn lock(&self) -> MutexGuard<'_, Entries<K, V>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The value kept for `key` if it is younger than `ttl` (and was read less than `ttl` before
    /// the clock's `now`, in whole seconds: the same second for a ttl of one); otherwise where a
    /// fresh read begins.
    fn get(&self, key: &K, now: i64) -> Result<V, Began> {
        let entries = self.lock();
        let seconds = i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX);
        match entries.kept.get(key) {
            Some((value, at, read))
                if at.elapsed() < self.ttl && (*read..read.saturating_add(seconds)).contains(&now) =>
            {
                Ok(value.clone())
            }
            _ => Err(Began { changes: entries.changes, at: Instant::now(), now }),
        }
    }

    /// The value kept for `key`, or what `read` finds now (kept when it finds one).
    pub async fn or_read<E>(
        &self,
        key: K,
        now: i64,
        read: impl std::future::Future<Output = Result<Option<V>, E>>,
    ) -> Result<Option<V>, E> {
        let began = match self.get(&key, now) {
            Ok(value) => return Ok(Some(value)),
            Err(began) => began,
        };
        let found = read.await?;
        if let Some(value) = &found {
            self.keep(key, value.clone(), began);
        }
        Ok(found)
    }

    /// Keeps what a read begun at `began` found, unless something changed meanwhile.
    fn keep(&self, key: K, value: V, began: Began) {
        let mut entries = self.lock();
        if entries.changes != began.changes {
            return;
        }
        if entries.kept.len() >= self.max && !entries.kept.contains_key(&key) {
            let ttl = self.ttl;
            entries.kept.retain(|_, (_, at, _)| at.elapsed() < ttl);
            if entries.kept.len() >= self.max {
                entries.kept.clear();
            }
        }
        entries.kept.insert(key, (value, began.at, began.now));
    }

    /// Forgets every entry `changed` picks: they changed.
    pub fn forget(&self, changed: impl Fn(&K, &V) -> bool) {
        let mut entries = self.lock();
        entries.changes += 1;
        entries.kept.retain(|key, (value, _, _)| !changed(key, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_kept_until_it_changes_or_grows_old() {
        let recent: Recent<u32, &str> = Recent::new(Duration::from_secs(60), 10);
        let began = recent.get(&1, 100).unwrap_err();
        recent.keep(1, "one", began);
        assert_eq!(recent.get(&1, 100).ok(), Some("one"));
        recent.forget(|key, _| *key == 2);
        assert_eq!(recent.get(&1, 100).ok(), Some("one"), "another key's change leaves it");
        recent.forget(|_, value| *value == "one");
        assert!(recent.get(&1, 100).is_err(), "forgotten by its value");
        let old: Recent<u32, &str> = Recent::new(Duration::ZERO, 10);
        let began = old.get(&1, 100).unwrap_err();
        old.keep(1, "one", began);
        assert!(old.get(&1, 100).is_err(), "older than its ttl");
        let clocked: Recent<u32, &str> = Recent::new(Duration::from_secs(1), 10);
        let began = clocked.get(&1, 100).unwrap_err();
        clocked.keep(1, "one", began);
        assert_eq!(clocked.get(&1, 100).ok(), Some("one"));
        assert!(clocked.get(&1, 101).is_err(), "the clock moved on past the ttl");
        assert!(clocked.get(&1, 99).is_err(), "nor back before the read");
    }

    #[test]
    fn a_read_that_raced_a_change_is_not_kept() {
        let recent: Recent<u32, &str> = Recent::new(Duration::from_secs(60), 10);
        let began = recent.get(&1, 100).unwrap_err();
        recent.forget(|key, _| *key == 1);
        recent.keep(1, "stale", began);
        assert!(recent.get(&1, 100).is_err());
    }

    #[test]
    fn at_most_max_values_are_kept() {
        let recent: Recent<u32, u32> = Recent::new(Duration::from_secs(60), 3);
        for key in 0..10 {
            let began = recent.get(&key, 100).unwrap_err();
            recent.keep(key, key, began);
            assert!(recent.lock().kept.len() <= 3);
        }
        assert_eq!(recent.get(&9, 100).ok(), Some(9), "the newest is kept");
    }
}
