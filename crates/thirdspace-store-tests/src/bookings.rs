//! Bookings, check-in, check-out, presence and the sweeps, one example at a time.

use thirdspace_domain::booking::BookingStatus;
use thirdspace_domain::profile::Visibility;
use thirdspace_domain::space::SpaceKind;
use thirdspace_store::{BookingConflict, BookingsWhen, Conflict, NewBooking, Page, PresenceConflict, StoreError};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

fn is_conflict<T: std::fmt::Debug>(outcome: &Result<T, StoreError>, conflict: Conflict) -> bool {
    matches!(outcome, Err(StoreError::Conflict(c)) if *c == conflict)
}

pub async fn bookings_are_listed_upcoming_and_past_and_by_venue_day(backend: &dyn Backend) {
    let venue = Venue::with(backend, 3, 2).await;
    let store = venue.store();
    let now = at(8, 0);
    let nine = store.book(venue.booking(0, (at(9, 0), at(10, 0)), now)).await.unwrap();
    let eleven = store.book(venue.booking(0, (at(11, 0), at(12, 0)), now)).await.unwrap();
    let tomorrow = store.book(venue.booking(0, (at(10, 0) + DAY, at(11, 0) + DAY), now)).await.unwrap();
    let other = store.book(venue.booking(1, (at(9, 30), at(10, 30)), now)).await.unwrap();
    assert_eq!(store.booking(nine.id).await.unwrap(), Some(nine.clone()));
    assert_eq!(store.booking(Uuid::now_v7()).await.unwrap(), None);
    assert_eq!(nine.status, BookingStatus::Booked);
    assert_eq!((nine.date, nine.start, nine.end), (base_date(), minute_of(at(9, 0)), minute_of(at(10, 0))));
    assert_eq!((nine.focus.as_str(), nine.pledge.as_str(), nine.walk_in), (FOCUS, PLEDGE, false));
    assert_eq!((nine.checked_in_at, nine.checked_out_at, nine.created_at), (None, None, now));

    let later = at(10, 30);
    let upcoming = store.bookings_of(venue.users[0], BookingsWhen::Upcoming, later, Page::default()).await.unwrap();
    assert_eq!(upcoming.items, vec![eleven.clone(), tomorrow.clone()]);
    assert_eq!(upcoming.total, 2);
    let past = store.bookings_of(venue.users[0], BookingsWhen::Past, later, Page::default()).await.unwrap();
    assert_eq!(past.items, vec![nine.clone()]);
    let second = store.bookings_of(venue.users[0], BookingsWhen::Upcoming, later, Page::new(2, 1)).await.unwrap();
    assert_eq!((second.items, second.page, second.per_page, second.total), (vec![tomorrow], 2, 1, 2));

    let day = store.venue_day(venue.venue, base_date(), Page::default()).await.unwrap();
    let ids: Vec<Uuid> = day.items.iter().map(|d| d.booking.id).collect();
    assert_eq!(ids, vec![nine.id, other.id, eleven.id], "the day's bookings by start");
    assert_eq!(day.items[1].display_name, "Member 1");
    assert_eq!(day.items[1].visibility, Visibility::Venue);
    let empty = store.venue_day(venue.venue, base_date() - chrono::Duration::days(1), Page::default()).await.unwrap();
    assert_eq!((empty.items.len(), empty.total), (0, 0));
    venue.close().await;
}

pub async fn a_booking_is_refused_without_open_seating_or_in_an_unknown_space(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let now = at(8, 0);
    let users = create_users(store, 1, now).await;
    let venue = create_venue(store, users[0], now).await;
    let booking = |space| NewBooking { user: users[0], venue, space, plan: plan(at(10, 0), at(11, 0), now), now };
    let refused = store.book(booking(None)).await;
    assert!(is_conflict(&refused, Conflict::Booking(BookingConflict::NoOpenSeating)), "{refused:?}");
    let room = create_space(store, venue, SpaceKind::MeetingRoom, 8, 0, now).await;
    let refused = store.book(booking(None)).await;
    assert!(is_conflict(&refused, Conflict::Booking(BookingConflict::NoOpenSeating)), "{refused:?}");
    let refused = store.book(booking(Some(room))).await;
    assert!(matches!(refused, Err(StoreError::NotFound(_))), "a meeting room is not booked by the seat: {refused:?}");
    let refused = store.book(booking(Some(Uuid::now_v7()))).await;
    assert!(matches!(refused, Err(StoreError::NotFound(_))), "{refused:?}");
    let refused = store.book(NewBooking { venue: Uuid::now_v7(), ..booking(None) }).await;
    assert!(matches!(refused, Err(StoreError::NotFound(_))), "{refused:?}");
    db.database.close().await;
}

pub async fn free_seats_count_what_is_left_over_the_whole_window(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let now = at(8, 0);
    let users = create_users(store, 3, now).await;
    let venue = create_venue(store, users[0], now).await;
    let main = create_space(store, venue, SpaceKind::OpenSeating, 10, 3, now).await;
    create_space(store, venue, SpaceKind::OpenSeating, 4, 1, now + 1).await;
    create_space(store, venue, SpaceKind::MeetingRoom, 8, 0, now + 2).await;
    for (user, span) in [(0, (at(10, 0), at(12, 0))), (1, (at(11, 0), at(13, 0)))] {
        let plan = plan(span.0, span.1, now);
        store.book(NewBooking { user: users[user], venue, space: Some(main), plan, now }).await.unwrap();
    }
    assert_eq!(store.free_seats(venue, base_date(), (at(9, 0), at(10, 0)), now).await.unwrap(), 4);
    assert_eq!(store.free_seats(venue, base_date(), (at(10, 0), at(12, 0)), now).await.unwrap(), 2);
    assert_eq!(store.free_seats(venue, base_date(), (at(12, 0), at(14, 0)), now).await.unwrap(), 3);
    assert_eq!(
        store
            .free_seats(venue, base_date() + chrono::Duration::days(1), (at(10, 0) + DAY, at(12, 0) + DAY), now)
            .await
            .unwrap(),
        4
    );
    let gone = store.free_seats(Uuid::now_v7(), base_date(), (at(9, 0), at(10, 0)), now).await;
    assert!(matches!(gone, Err(StoreError::NotFound(_))), "{gone:?}");
    db.database.close().await;
}

pub async fn a_booking_is_cancelled_only_before_it_is_claimed(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 3).await;
    let store = venue.store();
    let span = (at(10, 0), at(12, 0));
    let made = store.book(venue.booking(1, span, at(9, 0))).await.unwrap();
    let refused = store.book(venue.booking(2, span, at(9, 0))).await;
    assert!(is_conflict(&refused, Conflict::Booking(BookingConflict::SeatsGone)), "{refused:?}");
    let cancelled = store.cancel_booking(made.id, at(9, 30)).await.unwrap();
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    let again = store.cancel_booking(made.id, at(9, 31)).await;
    assert!(is_conflict(&again, Conflict::Booking(BookingConflict::NotCancellable)), "{again:?}");
    let unknown = store.cancel_booking(Uuid::now_v7(), at(9, 31)).await;
    assert!(matches!(unknown, Err(StoreError::NotFound(_))), "{unknown:?}");

    let taken = store.book(venue.booking(2, span, at(9, 32))).await.unwrap();
    store.check_in(venue.check_in(2, at(10, 0), None)).await.unwrap();
    let claimed = store.cancel_booking(taken.id, at(10, 5)).await;
    assert!(
        is_conflict(&claimed, Conflict::Booking(BookingConflict::NotCancellable)),
        "a booking checked in is not cancelled: {claimed:?}"
    );
    venue.close().await;
}

pub async fn check_in_walk_in_and_check_out(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 2).await;
    let store = venue.store();
    let now = at(15, 0);
    let refused = store.check_in(venue.check_in(0, now, None)).await;
    assert!(is_conflict(&refused, Conflict::Presence(PresenceConflict::NoBookingNow)), "{refused:?}");
    let unknown =
        store.check_in(thirdspace_store::CheckIn { venue: Uuid::now_v7(), ..venue.check_in(0, now, None) }).await;
    assert!(matches!(unknown, Err(StoreError::NotFound(_))), "{unknown:?}");

    let walked_in = store.check_in(venue.check_in(0, now, Some(walk_in_plan(now)))).await.unwrap();
    assert!(walked_in.walk_in);
    assert_eq!(walked_in.booking.status, BookingStatus::CheckedIn);
    assert_eq!((walked_in.booking.checked_in_at, walked_in.booking.walk_in), (Some(now), true));
    let full = store.check_in(venue.check_in(1, now, Some(walk_in_plan(now)))).await;
    assert!(is_conflict(&full, Conflict::Booking(BookingConflict::SeatsGone)), "{full:?}");

    let again = store.check_in(venue.check_in(0, now + 60, Some(walk_in_plan(now + 60)))).await.unwrap();
    assert_eq!((again.booking.id, again.walk_in), (walked_in.booking.id, false), "checking in twice is fine");
    let present = store.present(venue.venue, now + 60).await.unwrap();
    assert_eq!(present.len(), 1);
    assert_eq!((present[0].profile.user_id, present[0].checked_in_at), (venue.users[0], now));
    assert_eq!((present[0].profile.display_name.as_str(), present[0].focus.as_str()), ("Member 0", FOCUS));
    assert_eq!(store.checked_in_at(venue.users[0], now + 60).await.unwrap(), Some(venue.venue));
    assert_eq!(store.checked_in_at(venue.users[1], now + 60).await.unwrap(), None);
    assert!(present[0].closes_at > now + 60, "the view knows when the visit closes");
    let visit = store.visit_now(venue.users[0], venue.venue, now + 60).await.unwrap();
    assert_eq!(visit.map(|b| b.id), Some(walked_in.booking.id));
    assert_eq!(store.visit_now(venue.users[1], venue.venue, now + 60).await.unwrap(), None);
    assert_eq!(store.visit_now(venue.users[0], Uuid::now_v7(), now + 60).await.unwrap(), None, "another venue");
    let closed = present[0].closes_at;
    assert_eq!(store.visit_now(venue.users[0], venue.venue, closed).await.unwrap(), None, "closed: not here");

    let left = store.check_out(venue.venue, venue.users[0], now + 120).await.unwrap();
    assert_eq!(
        (left.id, left.status, left.checked_out_at),
        (walked_in.booking.id, BookingStatus::CheckedOut, Some(now + 120))
    );
    let twice = store.check_out(venue.venue, venue.users[0], now + 180).await;
    assert!(is_conflict(&twice, Conflict::Presence(PresenceConflict::NotCheckedIn)), "{twice:?}");
    assert!(store.present(venue.venue, now + 180).await.unwrap().is_empty());
    assert_eq!(store.checked_in_at(venue.users[0], now + 180).await.unwrap(), None);
    let seat_back = store.check_in(venue.check_in(1, now + 180, Some(walk_in_plan(now + 180)))).await.unwrap();
    assert!(seat_back.walk_in, "the seat is free again once its holder left");
    venue.close().await;
}

pub async fn checking_in_long_before_a_booking_is_too_early(backend: &dyn Backend) {
    let venue = Venue::with(backend, 2, 1).await;
    let store = venue.store();
    store.book(venue.booking(0, (at(14, 0), at(16, 0)), at(8, 0))).await.unwrap();
    let early = store.check_in(venue.check_in(0, at(10, 0), Some(walk_in_plan(at(10, 0))))).await;
    assert!(is_conflict(&early, Conflict::Presence(PresenceConflict::TooEarly)), "{early:?}");
    assert!(store.present(venue.venue, at(10, 0)).await.unwrap().is_empty(), "a refused check-in leaves no trace");
    venue.close().await;
}

pub async fn arriving_early_takes_the_seat_from_now_when_one_is_free(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 2).await;
    let store = venue.store();
    store.book(venue.booking(1, (at(13, 0), at(13, 45)), at(8, 0))).await.unwrap();
    let later = store.book(venue.booking(0, (at(14, 0), at(16, 0)), at(8, 0))).await.unwrap();
    store.check_in(venue.check_in(1, at(13, 0), None)).await.unwrap();

    let no_seat = store.check_in(venue.check_in(0, at(13, 30), None)).await;
    assert!(
        is_conflict(&no_seat, Conflict::Booking(BookingConflict::SeatsGone)),
        "the seat is held until 13:45: {no_seat:?}"
    );
    store.check_out(venue.venue, venue.users[1], at(13, 35)).await.unwrap();
    let arrived = store.check_in(venue.check_in(0, at(13, 40), None)).await.unwrap();
    assert_eq!((arrived.booking.id, arrived.walk_in), (later.id, false));
    assert_eq!((arrived.booking.starts_at, arrived.booking.start), (at(13, 40), minute_of(at(13, 40))));
    assert_eq!((arrived.booking.ends_at, arrived.booking.status), (at(16, 0), BookingStatus::CheckedIn));
    venue.close().await;
}

pub async fn a_no_show_releases_its_seat_after_the_grace_period(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 2).await;
    let store = venue.store();
    let (a, b) = (0, 1);
    let span = (at(10, 0), at(12, 0));

    let first = store.book(venue.booking(a, span, at(9, 0))).await.unwrap();
    let refused = store.book(venue.booking(b, span, at(9, 0))).await;
    assert!(is_conflict(&refused, Conflict::Booking(BookingConflict::SeatsGone)), "{refused:?}");

    // Still within the grace period, A may yet turn up.
    let refused = store.book(venue.booking(b, span, at(10, 14))).await;
    assert!(is_conflict(&refused, Conflict::Booking(BookingConflict::SeatsGone)), "{refused:?}");
    assert_eq!(store.release_no_shows(at(10, 14)).await.unwrap(), 0);

    let second = store.book(venue.booking(b, span, at(10, 16))).await.unwrap();
    assert_eq!(second.status, BookingStatus::Booked);
    let late = store.check_in(venue.check_in(a, at(10, 16), None)).await;
    assert!(is_conflict(&late, Conflict::Presence(PresenceConflict::NoBookingNow)), "{late:?}");

    assert_eq!(store.release_no_shows(at(10, 16)).await.unwrap(), 1);
    let first = store.booking(first.id).await.unwrap().unwrap();
    assert_eq!(first.status, BookingStatus::Released);
    let second = store.booking(second.id).await.unwrap().unwrap();
    assert_eq!(second.status, BookingStatus::Booked, "B's booking, made at 10:16, is not a no-show");
    let cancel = store.cancel_booking(first.id, at(10, 17)).await;
    assert!(is_conflict(&cancel, Conflict::Booking(BookingConflict::NotCancellable)), "{cancel:?}");
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
    assert!(is_conflict(&taken, Conflict::Booking(BookingConflict::SeatsGone)), "the only seat went twice: {taken:?}");
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
    assert!(is_conflict(&taken, Conflict::Booking(BookingConflict::SeatsGone)), "the seat went to another: {taken:?}");
    venue.close().await;
}
