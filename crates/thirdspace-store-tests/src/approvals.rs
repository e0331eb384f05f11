//! Bookings that wait for a host's approval, and pledges answered after the visit.

use std::sync::Arc;

use thirdspace_domain::booking::{Approval, BookingStatus};
use thirdspace_store::{BookingConflict, Conflict, Decision, NewBooking, Page, PresenceConflict, Store, StoreError};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

fn refused<T: std::fmt::Debug>(outcome: Result<T, StoreError>) -> Conflict {
    match outcome {
        Err(StoreError::Conflict(c)) => c,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

/// A booking by `user` of `[starts_at, ends_at)` that waits for the host.
fn waiting(venue: &Venue, user: usize, span: (i64, i64), now: i64) -> NewBooking {
    let mut new = venue.booking(user, span, now);
    new.plan.approval = Some(Approval::Pending);
    new
}

fn decision(approve: bool, by: Uuid, message: &str) -> Decision {
    Decision { approve, by, message: Some(message.to_owned()) }
}

pub async fn a_booking_waiting_for_approval_holds_its_seat_and_is_checked_in_only_once_approved(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 3).await;
    let store = venue.store();
    let host = venue.users[0];
    let now = at(8, 0);
    let span = (at(9, 0), at(12, 0));
    let pending = store.book(waiting(&venue, 1, span, now)).await.unwrap();
    assert_eq!((pending.status, pending.approval), (BookingStatus::Booked, Some(Approval::Pending)));
    let full = store.book(venue.booking(2, span, now)).await;
    assert_eq!(refused(full), Conflict::Booking(BookingConflict::SeatsGone), "the waiting booking holds the seat");
    assert_eq!(store.free_seats(venue.venue, base_date(), span, now).await.unwrap(), 0);

    let listed = store.awaiting_approval(venue.venue, now, Page::default()).await.unwrap();
    assert_eq!(listed.items.iter().map(|d| d.booking.id).collect::<Vec<_>>(), [pending.id]);
    assert!(store.awaiting_approval(venue.venue, span.1, Page::default()).await.unwrap().items.is_empty(), "over");

    let early = store.check_in(venue.check_in(1, at(9, 5), None)).await;
    assert_eq!(refused(early), Conflict::Presence(PresenceConflict::AwaitingApproval));

    let approved = store.decide_booking(pending.id, decision(true, host, "Welcome"), at(9, 10)).await.unwrap();
    assert_eq!(
        (approved.status, approved.approval, approved.approval_message.as_deref()),
        (BookingStatus::Booked, Some(Approval::Approved), Some("Welcome"))
    );
    let again = store.decide_booking(pending.id, decision(false, host, "No"), at(9, 11)).await;
    assert_eq!(refused(again), Conflict::Booking(BookingConflict::NotAwaitingApproval), "decided once");
    assert_eq!(store.booking(pending.id).await.unwrap(), Some(approved), "a refused decision changes nothing");
    assert!(store.awaiting_approval(venue.venue, now, Page::default()).await.unwrap().items.is_empty());
    let checked = store.check_in(venue.check_in(1, at(9, 12), None)).await.unwrap();
    assert_eq!(checked.booking.status, BookingStatus::CheckedIn);
    venue.close().await;
}

pub async fn a_declined_booking_gives_its_seat_back_and_an_unapproved_one_is_released(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 3).await;
    let store = venue.store();
    let host = venue.users[0];
    let now = at(8, 0);
    let span = (at(9, 0), at(12, 0));
    let pending = store.book(waiting(&venue, 1, span, now)).await.unwrap();
    let declined = store.decide_booking(pending.id, decision(false, host, "Exam week"), at(8, 30)).await.unwrap();
    assert_eq!(
        (declined.status, declined.approval, declined.approval_message.as_deref()),
        (BookingStatus::Cancelled, Some(Approval::Declined), Some("Exam week"))
    );
    assert!(store.book(venue.booking(2, span, at(8, 31))).await.is_ok(), "the seat went back");

    let never = (at(13, 0), at(15, 0));
    let ignored = store.book(waiting(&venue, 1, never, now)).await.unwrap();
    let released = store.release_no_shows(never.0 + GRACE).await.unwrap();
    assert_eq!(released, 2, "the morning's no-show, and the afternoon's booking nobody approved");
    assert_eq!(store.booking(ignored.id).await.unwrap().map(|b| b.status), Some(BookingStatus::Released));
    let gone = store.decide_booking(ignored.id, decision(true, host, "Sorry, late"), never.0 + GRACE + 1).await;
    assert_eq!(refused(gone), Conflict::Booking(BookingConflict::NotAwaitingApproval));
    let unknown = store.decide_booking(Uuid::now_v7(), decision(true, host, ""), now).await;
    assert!(matches!(unknown, Err(StoreError::NotFound("booking"))), "{unknown:?}");
    let plain = store.book(venue.booking(1, (at(16, 0), at(17, 0)), now)).await.unwrap();
    let not_waiting = store.decide_booking(plain.id, decision(true, host, ""), now).await;
    assert_eq!(refused(not_waiting), Conflict::Booking(BookingConflict::NotAwaitingApproval), "nothing to approve");
    venue.close().await;
}

pub async fn waiting_bookings_and_racing_decisions_keep_capacity(backend: &dyn Backend) {
    const SEATS: u32 = 3;
    const PEOPLE: usize = 12;
    let venue = Venue::with(backend, SEATS, PEOPLE + 1).await;
    let store: Arc<dyn Store> = venue.db.store.clone();
    let now = at(8, 0);
    let span = (at(9, 0), at(12, 0));
    let tasks: Vec<_> = (1..=PEOPLE)
        .map(|user| {
            let (store, new) = (store.clone(), waiting(&venue, user, span, now));
            tokio::spawn(async move { store.book(new).await })
        })
        .collect();
    let mut held = Vec::new();
    for task in tasks {
        match task.await.expect("a task that did not panic") {
            Ok(booking) => held.push(booking),
            Err(StoreError::Conflict(Conflict::Booking(BookingConflict::SeatsGone))) => {}
            Err(other) => panic!("refused for another reason: {other:?}"),
        }
    }
    assert_eq!(held.len(), SEATS as usize, "waiting bookings fill the seats and no more");
    assert_eq!(venue.db.live_bookings().await, SEATS as usize);

    // The host's staff approve and decline the same booking at once: one of them decides.
    let host = venue.users[0];
    let contested = held[0].id;
    let race: Vec<_> = [true, false, true, false]
        .into_iter()
        .map(|approve| {
            let store = store.clone();
            tokio::spawn(async move { store.decide_booking(contested, decision(approve, host, "m"), now).await })
        })
        .collect();
    let mut decided = Vec::new();
    for task in race {
        match task.await.expect("a task that did not panic") {
            Ok(booking) => decided.push(booking),
            Err(StoreError::Conflict(Conflict::Booking(BookingConflict::NotAwaitingApproval))) => {}
            Err(other) => panic!("refused for another reason: {other:?}"),
        }
    }
    assert_eq!(decided.len(), 1, "exactly one decision stands");
    let stored = store.booking(contested).await.unwrap().expect("the booking");
    assert_eq!((stored.status, stored.approval), (decided[0].status, decided[0].approval));

    // A decline racing bookings for the seat it frees gives it to exactly one of them.
    let freed = held[1].id;
    let mut tasks = vec![tokio::spawn({
        let store = store.clone();
        async move { store.decide_booking(freed, decision(false, host, "m"), now).await.map(|_| ()) }
    })];
    let holders: Vec<Uuid> = held.iter().map(|b| b.user_id).collect();
    let late: Vec<_> = (1..=PEOPLE)
        .filter(|user| !holders.contains(&venue.users[*user]))
        .map(|user| venue.booking(user, span, now))
        .collect();
    for new in late {
        let store = store.clone();
        tasks.push(tokio::spawn(async move { store.book(new).await.map(|_| ()) }));
    }
    for task in tasks {
        match task.await.expect("a task that did not panic") {
            Ok(()) | Err(StoreError::Conflict(Conflict::Booking(BookingConflict::SeatsGone))) => {}
            Err(other) => panic!("refused for another reason: {other:?}"),
        }
    }
    let live = venue.db.live_bookings().await;
    assert!(live <= SEATS as usize, "{live} bookings hold {SEATS} seats");
    let free = store.free_seats(venue.venue, base_date(), span, now).await.unwrap();
    assert_eq!(free as usize, SEATS as usize - live, "a seat given back is free again, and counted once");
    venue.close().await;
}

pub async fn a_pledge_is_answered_after_the_visit_and_may_name_its_exchange(backend: &dyn Backend) {
    let venue = Venue::with(backend, 2, 3).await;
    let store = venue.store();
    let now = at(8, 0);
    let span = (at(9, 0), at(11, 0));
    let booking = store.book(venue.booking(1, span, now)).await.unwrap();
    assert_eq!((booking.pledge_kept, booking.pledge_exchange_id), (None, None));
    let before = store.answer_pledge(booking.id, true, None, at(9, 30)).await;
    assert_eq!(refused(before), Conflict::Booking(BookingConflict::PledgeNotDue), "never came");
    store.check_in(venue.check_in(1, at(9, 5), None)).await.unwrap();
    let during = store.answer_pledge(booking.id, true, None, at(10, 0)).await;
    assert_eq!(refused(during), Conflict::Booking(BookingConflict::PledgeNotDue), "still here");

    let draft = thirdspace_domain::exchange::ExchangeDraft {
        proposer: venue.users[1],
        giver: venue.users[1],
        receiver: venue.users[2],
        tags: vec!["dutch".into()],
        text: "Proofread a cover letter".into(),
        venue: Some(venue.venue),
        source: thirdspace_domain::exchange::Source::Pledge,
        source_id: Some(booking.id),
    };
    let exchange = store.propose_exchange(&draft, at(10, 30)).await.unwrap();
    let kept = store.answer_pledge(booking.id, true, Some(exchange.id), span.1).await.unwrap();
    assert_eq!((kept.pledge_kept, kept.pledge_exchange_id), (Some(true), Some(exchange.id)));
    let changed = store.answer_pledge(booking.id, false, None, span.1 + 60).await.unwrap();
    assert_eq!((changed.pledge_kept, changed.pledge_exchange_id), (Some(false), None), "a later answer replaces it");
    assert_eq!(store.booking(booking.id).await.unwrap(), Some(changed));
    venue.close().await;
}
