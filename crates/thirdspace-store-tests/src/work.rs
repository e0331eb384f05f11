//! Units of work: several writes of different features in one transaction, kept together or not
//! at all.

use thirdspace_store::outbox::{EventType, NewEvent};
use thirdspace_store::{BookingConflict, Conflict, NewQuestion, StoreError};

use crate::fixtures::*;
use crate::Backend;

pub async fn a_unit_of_work_keeps_every_write_of_several_features_or_none(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 2).await;
    let store = venue.store();
    let start = store.last_event_id().await.unwrap();
    let ask = |now| NewQuestion {
        venue: venue.venue,
        asker: venue.users[0],
        text: "Who knows VAT?".into(),
        tags: vec!["vat".into()],
        now,
    };

    // Rolled back: neither the booking, nor the question, nor any event is kept.
    let mut work = store.begin().await.unwrap();
    let booked = work.book(venue.booking(0, (at(10, 0), at(12, 0)), at(9, 0))).await.unwrap();
    let asked = work.post_question(ask(at(9, 0))).await.unwrap();
    work.rollback().await;
    assert_eq!(store.booking(booked.id).await.unwrap(), None);
    assert!(store.question(asked.id).await.unwrap().is_none());
    assert_eq!(store.last_event_id().await.unwrap(), start);

    // Dropped without a commit: the same.
    let mut work = store.begin().await.unwrap();
    let dropped = work.book(venue.booking(0, (at(10, 0), at(12, 0)), at(9, 1))).await.unwrap();
    drop(work);
    assert_eq!(store.booking(dropped.id).await.unwrap(), None);

    // A refusal ends the unit: what it had written goes with it.
    let mut work = store.begin().await.unwrap();
    let first = work.book(venue.booking(0, (at(10, 0), at(12, 0)), at(9, 2))).await.unwrap();
    let second = work.book(venue.booking(1, (at(10, 0), at(12, 0)), at(9, 2))).await;
    let ended = work.end(second).await;
    assert!(matches!(ended, Err(StoreError::Conflict(Conflict::Booking(BookingConflict::SeatsGone)))), "{ended:?}");
    assert_eq!(store.booking(first.id).await.unwrap(), None);
    assert_eq!(store.last_event_id().await.unwrap(), start);

    // Committed: every write, and the events in the order they were written, the unit's own included.
    let mut work = store.begin().await.unwrap();
    let booked = work.book(venue.booking(0, (at(10, 0), at(12, 0)), at(9, 3))).await.unwrap();
    let asked = work.post_question(ask(at(9, 3))).await.unwrap();
    work.record(&NewEvent::booking(EventType::BookingCancelled, &booked, at(9, 3))).await.unwrap();
    work.commit().await.unwrap();
    assert_eq!(store.booking(booked.id).await.unwrap().map(|b| b.id), Some(booked.id));
    assert_eq!(store.question(asked.id).await.unwrap().map(|q| q.text), Some("Who knows VAT?".to_owned()));
    let kinds: Vec<_> = store.events_after(start, 10).await.unwrap().iter().map(|e| (e.kind, e.subject)).collect();
    assert_eq!(
        kinds,
        [
            (EventType::BookingMade, booked.id),
            (EventType::QuestionAsked, asked.id),
            (EventType::BookingCancelled, booked.id)
        ]
    );
    venue.close().await;
}

pub async fn a_mark_drops_or_keeps_what_follows_it_alone(backend: &dyn Backend) {
    let venue = Venue::with(backend, 2, 3).await;
    let store = venue.store();
    let start = store.last_event_id().await.unwrap();

    let mut work = store.begin().await.unwrap();
    let before = work.book(venue.booking(0, (at(10, 0), at(12, 0)), at(9, 0))).await.unwrap();
    work.mark().await.unwrap();
    let undone = work.book(venue.booking(1, (at(10, 0), at(12, 0)), at(9, 0))).await.unwrap();
    work.undo_to_mark().await.unwrap();
    // The seat the undone booking took is free again inside the same unit.
    work.mark().await.unwrap();
    let kept = work.book(venue.booking(2, (at(10, 0), at(12, 0)), at(9, 0))).await.unwrap();
    work.keep_since_mark().await.unwrap();
    // A refusal after a mark leaves the unit able to go on.
    work.mark().await.unwrap();
    let refused = work.book(venue.booking(1, (at(10, 0), at(12, 0)), at(9, 0))).await;
    assert!(matches!(refused, Err(StoreError::Conflict(Conflict::Booking(BookingConflict::SeatsGone)))), "{refused:?}");
    work.undo_to_mark().await.unwrap();
    work.commit().await.unwrap();

    assert_eq!(store.booking(before.id).await.unwrap().map(|b| b.id), Some(before.id));
    assert_eq!(store.booking(undone.id).await.unwrap(), None);
    assert_eq!(store.booking(kept.id).await.unwrap().map(|b| b.id), Some(kept.id));
    let made: Vec<_> = store.events_after(start, 10).await.unwrap().iter().map(|e| (e.kind, e.subject)).collect();
    assert_eq!(made, [(EventType::BookingMade, before.id), (EventType::BookingMade, kept.id)]);
    venue.close().await;
}
