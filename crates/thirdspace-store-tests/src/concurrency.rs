//! Races: many bookings, walk-ins and check-ins at once, from one store or two on one database.
//! Whatever the interleaving, no space holds more than its seats and nobody holds two seats at
//! once; every refusal is one the rules allow.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use thirdspace_domain::booking::BookingStatus;
use thirdspace_domain::space::SpaceKind;
use thirdspace_store::{BookingConflict, Conflict, NewBooking, PresenceConflict, Store, StoreError};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::fixtures::*;
use crate::{Backend, StoredBooking};

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

/// Nobody holds two seats at once, as seen at `now`.
fn assert_no_overlaps(rows: &[StoredBooking], now: i64) {
    let held: Vec<(Uuid, (i64, i64))> = rows
        .iter()
        .filter_map(|b| thirdspace_domain::booking::held_interval(&b.hold(), now, GRACE).map(|h| (b.user, h)))
        .collect();
    for (i, (user, a)) in held.iter().enumerate() {
        for (other, b) in &held[i + 1..] {
            assert!(user != other || !(a.0 < b.1 && b.0 < a.1), "{user} holds {a:?} and {b:?} at once");
        }
    }
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
    assert_eq!(settle(tasks, &[Conflict::Booking(BookingConflict::SeatsGone)]).await, 5);
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
    assert_eq!(settle(tasks, &[Conflict::Booking(BookingConflict::SeatsGone)]).await, 5);
    assert_eq!(venue.db.live_bookings().await, 5);
    venue.close().await;
}

pub async fn concurrent_walk_ins_never_exceed_capacity(backend: &dyn Backend) {
    let venue = Arc::new(Venue::with(backend, 3, 24).await);
    let now = at(15, 0);
    let tasks: Vec<_> = (0..24)
        .map(|user| {
            let venue = Arc::clone(&venue);
            let check_in = venue.check_in(user, now, Some(walk_in_plan(now)));
            tokio::spawn(async move { venue.db.store.check_in(check_in).await })
        })
        .collect();
    assert_eq!(settle(tasks, &[Conflict::Booking(BookingConflict::SeatsGone)]).await, 3);
    assert_eq!(venue.store().present(venue.venue, now).await.unwrap().len(), 3);
    assert_eq!(venue.db.live_bookings().await, 3);
    venue.close().await;
}

pub async fn one_person_booking_many_spans_at_once_never_holds_two_that_overlap(backend: &dyn Backend) {
    // One person, two venues and two stores: sixteen overlapping spans, each asked for twice.
    let db = Db::open(backend).await;
    let other = db.database.open().await;
    let now = at(8, 0);
    let users = create_users(&*db.store, 1, now).await;
    let mut venues = Vec::new();
    for _ in 0..2 {
        let venue = create_venue(&*db.store, users[0], now).await;
        create_space(&*db.store, venue, SpaceKind::OpenSeating, 50, 50, now).await;
        venues.push(venue);
    }
    let tasks: Vec<_> = (0..32)
        .map(|i: i64| {
            let store: Arc<dyn Store> = if i % 2 == 0 { Arc::clone(&db.store) } else { Arc::clone(&other) };
            let start = at(9, 0) + (i % 16) * 15 * 60;
            let plan = plan(start, start + 2 * 3600, now);
            let booking = NewBooking { user: users[0], venue: venues[(i / 2 % 2) as usize], space: None, plan, now };
            tokio::spawn(async move { store.book(booking).await })
        })
        .collect();
    let booked = settle(tasks, &[Conflict::Booking(BookingConflict::OverlappingBooking)]).await;
    assert!(booked >= 1, "at least one of the spans is booked");
    let rows = db.stored_bookings().await;
    assert_eq!(rows.len(), booked);
    assert_no_overlaps(&rows, now);
    db.database.close().await;
}

pub async fn a_check_in_racing_a_cancellation_ends_in_one_of_them(backend: &dyn Backend) {
    // Each member's booking is cancelled and checked in at about the same moment, through two
    // stores, the cancellation a few milliseconds later for some: it ends cancelled or checked in,
    // never both nor neither, and the other side is refused.
    let members = 24;
    let venue = Venue::with(backend, members as u32, members).await;
    let other = venue.db.database.open().await;
    let span = (at(10, 0), at(12, 0));
    let mut bookings = Vec::new();
    for user in 0..members {
        bookings.push(venue.store().book(venue.booking(user, span, at(8, 0))).await.unwrap().id);
    }
    let now = at(10, 5);
    let tasks: Vec<_> = bookings
        .iter()
        .enumerate()
        .map(|(user, &id)| {
            let (first, second) = (Arc::clone(&venue.db.store), Arc::clone(&other));
            let check_in = venue.check_in(user, now, None);
            let delay = user * 25;
            tokio::spawn(async move {
                let cancel = async {
                    for _ in 0..delay {
                        tokio::task::yield_now().await;
                    }
                    first.cancel_booking(id, now).await
                };
                tokio::join!(cancel, second.check_in(check_in))
            })
        })
        .collect();
    let (mut cancelled, mut checked_in) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            (Ok(_), Err(StoreError::Conflict(Conflict::Presence(PresenceConflict::NoBookingNow)))) => cancelled += 1,
            (Err(StoreError::Conflict(Conflict::Booking(BookingConflict::NotCancellable))), Ok(_)) => checked_in += 1,
            both => panic!("a cancellation and a check-in of one booking ended in {both:?}"),
        }
    }
    let rows = venue.db.stored_bookings().await;
    let count = |status| rows.iter().filter(|b| b.status == status).count();
    assert_eq!((count(BookingStatus::Cancelled), count(BookingStatus::CheckedIn)), (cancelled, checked_in));
    venue.close().await;
}

pub async fn a_cancelled_seat_goes_to_exactly_one_of_the_bookings_racing_for_it(backend: &dyn Backend) {
    // One seat, held by member 0 for an hour. Member 0 cancels while six others, through two
    // stores, keep asking for the same hour until they have seen the cancellation done: whatever
    // the interleaving, exactly one of them gets the freed seat. Four rounds, on four hours, with
    // the cancellation a little later each time.
    let venue = Venue::with(backend, 1, 7).await;
    let other = venue.db.database.open().await;
    let now = at(8, 0);
    for round in 0..4 {
        let span = (at(9 + round, 0), at(10 + round, 0));
        let held = venue.store().book(venue.booking(0, span, now)).await.unwrap().id;
        let cancelled = Arc::new(AtomicBool::new(false));
        let canceller = {
            let (store, cancelled) = (Arc::clone(&venue.db.store), Arc::clone(&cancelled));
            tokio::spawn(async move {
                for _ in 0..round * 20 {
                    tokio::task::yield_now().await;
                }
                let done = store.cancel_booking(held, now).await;
                cancelled.store(true, Ordering::SeqCst);
                done
            })
        };
        let racers: Vec<JoinHandle<Result<bool, StoreError>>> = (1..7)
            .map(|user| {
                let store = if user % 2 == 0 { Arc::clone(&venue.db.store) } else { Arc::clone(&other) };
                let (booking, cancelled) = (venue.booking(user, span, now), Arc::clone(&cancelled));
                tokio::spawn(async move {
                    loop {
                        let after_the_cancellation = cancelled.load(Ordering::SeqCst);
                        match store.book(booking.clone()).await {
                            Ok(_) => return Ok(true),
                            Err(StoreError::Conflict(Conflict::Booking(BookingConflict::SeatsGone)))
                                if !after_the_cancellation =>
                            {
                                tokio::task::yield_now().await
                            }
                            Err(StoreError::Conflict(Conflict::Booking(BookingConflict::SeatsGone))) => {
                                return Ok(false)
                            }
                            Err(refused) => return Err(refused),
                        }
                    }
                })
            })
            .collect();
        let mut winners = 0;
        for racer in racers {
            winners += usize::from(racer.await.expect("a racer that did not panic").expect("booked or refused"));
        }
        let cancellation = canceller.await.expect("a cancellation that did not panic").expect("cancelled");
        assert_eq!(cancellation.status, BookingStatus::Cancelled);
        assert_eq!(winners, 1, "round {round}: the freed seat went to {winners} bookings");
        let rows = venue.db.stored_bookings().await;
        let in_span: Vec<_> =
            rows.iter().filter(|b| (b.starts_at, b.ends_at) == span && b.status == BookingStatus::Booked).collect();
        assert_eq!(in_span.len(), 1, "round {round}: one seat, one booking: {in_span:?}");
        assert_ne!(in_span[0].user, venue.users[0], "round {round}: the cancelled booking holds nothing");
    }
    venue.close().await;
}

pub async fn early_arrivals_racing_bookings_never_exceed_capacity(backend: &dyn Backend) {
    // Two seats. Members 0 to 3 hold 11:00–12:00 and 12:00–13:00 in turns and arrive at 10:15,
    // while members 4 to 11 try to book 10:30–11:00: the early arrivals and the bookings compete
    // for the same seats.
    let venue = Venue::with(backend, 2, 12).await;
    let other = venue.db.database.open().await;
    for user in 0..4 {
        let start = if user % 2 == 0 { at(11, 0) } else { at(12, 0) };
        venue.store().book(venue.booking(user, (start, start + 3600), at(8, 0))).await.unwrap();
    }
    let now = at(10, 15);
    let mut tasks: Vec<JoinHandle<Result<(), StoreError>>> = Vec::new();
    for user in 0..12 {
        let store = if user % 2 == 0 { Arc::clone(&venue.db.store) } else { Arc::clone(&other) };
        if user < 4 {
            let check_in = venue.check_in(user, now, None);
            tasks.push(tokio::spawn(async move { store.check_in(check_in).await.map(|_| ()) }));
        } else {
            let booking = venue.booking(user, (at(10, 30), at(11, 0)), now);
            tasks.push(tokio::spawn(async move { store.book(booking).await.map(|_| ()) }));
        }
    }
    let succeeded =
        settle(tasks, &[Conflict::Booking(BookingConflict::SeatsGone), Conflict::Presence(PresenceConflict::TooEarly)])
            .await;
    assert!(succeeded >= 1, "the two free seats of 10:30–11:00 went to nobody");
    let rows = venue.db.stored_bookings().await;
    let held: Vec<(i64, i64)> =
        rows.iter().filter_map(|b| thirdspace_domain::booking::held_interval(&b.hold(), now, GRACE)).collect();
    let at_10_45 = held.iter().filter(|&&(s, e)| s <= at(10, 45) && at(10, 45) < e).count();
    assert_eq!(at_10_45, 2, "both seats of 10:30–11:00 went to an early arrival or a booking: {held:?}");
    for minute in (0..180).step_by(5) {
        let t = at(10, 15) + minute * 60;
        let seated = held.iter().filter(|&&(s, e)| s <= t && t < e).count();
        assert!(seated <= 2, "{seated} seats held at {}: {held:?}", show(t));
    }
    assert_no_overlaps(&rows, now);
    venue.close().await;
}
