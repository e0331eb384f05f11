//! The no-show release, check-out at closing and check-in on bookings under way, by example.

use thirdspace_domain::booking::BookingStatus;
use thirdspace_store::{Conflict, StoreError};

use crate::fixtures::*;
use crate::Backend;

fn is_conflict<T: std::fmt::Debug>(outcome: &Result<T, StoreError>, conflict: Conflict) -> bool {
    matches!(outcome, Err(StoreError::Conflict(c)) if *c == conflict)
}

pub async fn a_no_show_releases_its_seat_after_the_grace_period(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 2).await;
    let store = venue.store();
    let (a, b) = (0, 1);
    let span = (at(10, 0), at(12, 0));

    let first = store.book(venue.booking(a, span, at(9, 0))).await.unwrap();
    let refused = store.book(venue.booking(b, span, at(9, 0))).await;
    assert!(is_conflict(&refused, Conflict::SeatsGone), "{refused:?}");

    // Still within the grace period, A may yet turn up.
    let refused = store.book(venue.booking(b, span, at(10, 14))).await;
    assert!(is_conflict(&refused, Conflict::SeatsGone), "{refused:?}");
    assert_eq!(store.release_no_shows(at(10, 14)).await.unwrap(), 0);

    let second = store.book(venue.booking(b, span, at(10, 16))).await.unwrap();
    assert_eq!(second.status, BookingStatus::Booked);
    let late = store.check_in(venue.check_in(a, at(10, 16), None)).await;
    assert!(is_conflict(&late, Conflict::NoBookingNow), "{late:?}");

    assert_eq!(store.release_no_shows(at(10, 16)).await.unwrap(), 1);
    let first = store.booking(first.id).await.unwrap().unwrap();
    assert_eq!(first.status, BookingStatus::Released);
    let second = store.booking(second.id).await.unwrap().unwrap();
    assert_eq!(second.status, BookingStatus::Booked, "B's booking, made at 10:16, is not a no-show");
    let cancel = store.cancel_booking(first.id, at(10, 17)).await;
    assert!(is_conflict(&cancel, Conflict::NotCancellable), "{cancel:?}");
    venue.close().await;
}

pub async fn check_out_at_closing_checks_everyone_out(backend: &dyn Backend) {
    let venue = Venue::with(backend, 3, 1).await;
    let store = venue.store();
    let now = at(15, 0);
    let walk_in = walk_in_plan(now);
    let closes_at = walk_in.closes_at;
    let checked_in = store.check_in(venue.check_in(0, now, Some(walk_in))).await.unwrap();
    assert!(checked_in.walk_in);
    assert_eq!(checked_in.booking.status, BookingStatus::CheckedIn);
    assert_eq!(store.present(venue.venue, closes_at - 60).await.unwrap().len(), 1);
    assert_eq!(store.check_out_at_closing(closes_at - 60).await.unwrap(), 0, "nobody leaves before closing");

    assert_eq!(store.check_out_at_closing(closes_at).await.unwrap(), 1);
    assert!(store.present(venue.venue, closes_at).await.unwrap().is_empty());
    let left = store.booking(checked_in.booking.id).await.unwrap().unwrap();
    assert_eq!(left.status, BookingStatus::CheckedOut);
    assert_eq!(left.checked_out_at, Some(closes_at));
    assert_eq!(store.checked_in_at(venue.users[0], closes_at).await.unwrap(), None);
    assert_eq!(store.check_out_at_closing(closes_at + 3600).await.unwrap(), 0, "nobody is checked out twice");
    venue.close().await;
}

pub async fn a_booking_for_a_span_under_way_holds_its_seat_until_its_holder_can_check_in(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 3).await;
    let store = venue.store();
    let now = at(10, 20);
    let made = store.book(venue.booking(1, (at(10, 0), at(12, 0)), now)).await.unwrap();

    let taken = store.book(venue.booking(2, (at(10, 0), at(12, 0)), now)).await;
    assert!(is_conflict(&taken, Conflict::SeatsGone), "the only seat went twice: {taken:?}");
    assert_eq!(store.release_no_shows(now).await.unwrap(), 0, "a booking made a moment ago is not a no-show");
    let arrived = store.check_in(venue.check_in(1, at(10, 30), None)).await.unwrap();
    assert_eq!(arrived.booking.id, made.id);
    venue.close().await;
}

pub async fn a_member_staying_on_from_an_earlier_booking_checks_in_to_the_next(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 3).await;
    let store = venue.store();
    let morning = store.book(venue.booking(1, (at(9, 0), at(10, 0)), at(8, 0))).await.unwrap();
    let late_morning = store.book(venue.booking(1, (at(10, 0), at(11, 0)), at(8, 0))).await.unwrap();
    let first = store.check_in(venue.check_in(1, at(9, 0), None)).await.unwrap();
    assert_eq!(first.booking.id, morning.id);

    let second = store.check_in(venue.check_in(1, at(10, 5), None)).await.unwrap();
    assert_eq!(second.booking.id, late_morning.id, "the check-in answered with the booking that is over");
    let morning = store.booking(morning.id).await.unwrap().unwrap();
    assert_eq!((morning.status, morning.checked_out_at), (BookingStatus::CheckedOut, Some(at(10, 0))));
    assert_eq!(store.release_no_shows(at(10, 15)).await.unwrap(), 0);
    let taken = store.book(venue.booking(2, (at(10, 0), at(11, 0)), at(10, 15))).await;
    assert!(is_conflict(&taken, Conflict::SeatsGone), "the seat went to another: {taken:?}");
    venue.close().await;
}
