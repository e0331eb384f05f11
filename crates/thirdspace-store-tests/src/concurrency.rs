//! Races: many bookings at once, from one store or two on one database. Whatever the
//! interleaving, no space holds more than its seats; every refusal is one the rules allow.

use std::sync::Arc;

use thirdspace_store::{Conflict, StoreError};
use tokio::task::JoinHandle;

use crate::fixtures::*;
use crate::Backend;

/// Waits for every task; counts successes and refuses any error but the conflicts allowed.
async fn settle<T>(tasks: Vec<JoinHandle<Result<T, StoreError>>>, allowed: &[Conflict]) -> usize {
    let mut succeeded = 0;
    for task in tasks {
        match task.await.expect("a task that did not panic") {
            Ok(_) => succeeded += 1,
            Err(StoreError::Conflict(c)) if allowed.contains(&c) => {}
            Err(other) => panic!("refused for another reason: {other:?}"),
        }
    }
    succeeded
}

pub async fn concurrent_bookings_never_exceed_capacity(backend: &dyn Backend) {
    let venue = Arc::new(Venue::with(backend, 5, 40).await);
    let span = (at(10, 0), at(12, 0));
    let now = at(8, 0);
    let tasks: Vec<_> = (0..40)
        .map(|user| {
            let venue = Arc::clone(&venue);
            let booking = venue.booking(user, span, now);
            tokio::spawn(async move { venue.db.store.book(booking).await })
        })
        .collect();
    assert_eq!(settle(tasks, &[Conflict::SeatsGone]).await, 5);
    assert_eq!(venue.db.live_bookings().await, 5);
    venue.close().await;
}

pub async fn two_stores_on_one_database_never_exceed_capacity_together(backend: &dyn Backend) {
    // Two stores on one database stand for two processes: only the database keeps their bookings
    // apart.
    let venue = Venue::with(backend, 5, 40).await;
    let other = venue.db.database.open().await;
    let span = (at(10, 0), at(12, 0));
    let now = at(8, 0);
    let tasks: Vec<_> = (0..40)
        .map(|user| {
            let store = if user % 2 == 0 { Arc::clone(&venue.db.store) } else { Arc::clone(&other) };
            let booking = venue.booking(user, span, now);
            tokio::spawn(async move { store.book(booking).await })
        })
        .collect();
    assert_eq!(settle(tasks, &[Conflict::SeatsGone]).await, 5);
    assert_eq!(venue.db.live_bookings().await, 5);
    venue.close().await;
}
