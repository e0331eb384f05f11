//! Gatherings: places fill, then a line forms; a place freed is offered to the first in line
//! with a deadline, and an offer let pass goes to the next; the organiser's yes and no, and
//! moving someone up. Under races, capacity and the order of the line hold.

use std::sync::Arc;

use thirdspace_domain::gathering::{GatheringDraft, GatheringInput, RsvpStatus};
use thirdspace_store::{Conflict, GatheringConflict, Store, StoreError, Where};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

/// A gathering at a home in Utrecht on the day after the base date, 10:00 to 12:00 UTC, with
/// `capacity` places; `extra` changes the input's fields.
fn draft(capacity: u32, extra: serde_json::Value) -> GatheringDraft {
    let mut input = serde_json::json!({
        "kind": "coworking_day", "title": "Casual coworking", "address": "Kanaalstraat 3", "city": "Utrecht",
        "time_zone": "UTC", "date": (base_date() + chrono::Duration::days(1)).to_string(),
        "start": "10:00", "end": "12:00", "capacity": capacity
    });
    for (k, v) in extra.as_object().expect("an object") {
        input[k] = v.clone();
    }
    let input: GatheringInput = serde_json::from_value(input).expect("an input");
    GatheringDraft::parse(input, None, at(9, 0)).expect("a valid gathering")
}

/// The first date of a new gathering.
async fn first_date(store: &dyn Store, organiser: Uuid, draft: &GatheringDraft) -> Uuid {
    let made = store.create_gathering(organiser, draft, at(9, 0)).await.expect("a gathering");
    store.gathering_dates(made.id).await.expect("its dates")[0].id
}

fn conflict(result: Result<impl std::fmt::Debug, StoreError>) -> GatheringConflict {
    match result {
        Err(StoreError::Conflict(Conflict::Gathering(c))) => c,
        other => panic!("expected a gathering conflict, got {other:?}"),
    }
}

async fn line(store: &dyn Store, date: Uuid) -> Vec<(Uuid, RsvpStatus)> {
    store.rsvps(date).await.expect("answers").into_iter().map(|r| (r.user_id, r.status)).collect()
}

pub async fn places_fill_then_a_line_forms_and_a_freed_place_is_offered_in_turn(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let people = create_users(store, 5, at(8, 0)).await;
    let series = draft(2, serde_json::json!({"repeat": "FREQ=WEEKLY;COUNT=3"}));
    let made = store.create_gathering(people[0], &series, at(9, 0)).await.unwrap();
    let dates = store.gathering_dates(made.id).await.unwrap();
    assert_eq!(dates.len(), 3);
    assert_eq!(dates[1].starts_at - dates[0].starts_at, 7 * DAY);
    let date = dates[0].id;

    let mut answers = Vec::new();
    for (i, who) in people[1..].iter().enumerate() {
        answers.push(store.answer_gathering(date, *who, at(9, i as i64)).await.unwrap().status);
    }
    assert_eq!(answers, [RsvpStatus::Going, RsvpStatus::Going, RsvpStatus::Waiting, RsvpStatus::Waiting]);
    let again = store.answer_gathering(date, people[3], at(9, 30)).await.unwrap();
    assert_eq!(again.status, RsvpStatus::Waiting, "answering twice changes nothing");
    // A person's answers across the series, in the dates' order, whatever order they were given in.
    store.answer_gathering(dates[2].id, people[4], at(9, 20)).await.unwrap();
    let theirs: Vec<(Uuid, RsvpStatus)> =
        store.rsvps_of(made.id, people[4]).await.unwrap().into_iter().map(|r| (r.date_id, r.status)).collect();
    assert_eq!(theirs, [(date, RsvpStatus::Waiting), (dates[2].id, RsvpStatus::Going)]);
    assert!(store.rsvps_of(made.id, people[0]).await.unwrap().is_empty(), "the organiser did not answer");
    let (_, counted) = store.gathering_date(date).await.unwrap().unwrap();
    assert_eq!((counted.taken, counted.waiting), (2, 2));
    assert_eq!(conflict(store.take_offer(date, people[3], at(9, 31)).await), GatheringConflict::NoOffer);

    // Person 1 withdraws: person 3, first in line, is offered the place until a day later.
    let left = store.leave_gathering(date, people[1], at(9, 40)).await.unwrap();
    assert_eq!(left.rsvp.status, RsvpStatus::Cancelled);
    let offered: Vec<(Uuid, Option<i64>)> = left.offered.iter().map(|r| (r.user_id, r.offered_until)).collect();
    assert_eq!(offered, [(people[3], Some(at(9, 40) + DAY))], "a day from the offer, before the start");
    assert_eq!(conflict(store.take_offer(date, people[4], at(9, 41)).await), GatheringConflict::NoOffer);
    assert_eq!(store.take_offer(date, people[3], at(9, 42)).await.unwrap().status, RsvpStatus::Going);

    // Person 2 withdraws; person 4 lets the offer pass; nobody is left to offer it to.
    let left = store.leave_gathering(date, people[2], at(9, 50)).await.unwrap();
    assert_eq!(left.offered.iter().map(|r| r.user_id).collect::<Vec<_>>(), [people[4]]);
    let until = left.offered[0].offered_until.unwrap();
    assert!(store.lapse_offers(until - 1).await.unwrap().is_empty(), "not before its deadline");
    let lapsed = store.lapse_offers(until).await.unwrap();
    assert_eq!(lapsed.len(), 1);
    assert_eq!((lapsed[0].rsvp.user_id, lapsed[0].rsvp.status), (people[4], RsvpStatus::Cancelled));
    assert!(lapsed[0].offered.is_empty());
    assert_eq!(conflict(store.take_offer(date, people[4], until).await), GatheringConflict::NoOffer);

    // Person 1 comes back: a place is free, so going again; withdrawing twice is refused.
    assert_eq!(store.answer_gathering(date, people[1], at(9, 55)).await.unwrap().status, RsvpStatus::Going);
    assert_eq!(conflict(store.leave_gathering(date, people[2], at(9, 56)).await), GatheringConflict::NotAnswered);
    assert_eq!(conflict(store.answer_gathering(date, people[2], at(10, 0) + DAY).await), GatheringConflict::Started);
    let standing = line(store, date).await;
    assert_eq!(
        &standing[..2],
        [(people[3], RsvpStatus::Going), (people[1], RsvpStatus::Going)],
        "in the order of answering"
    );
    // An offer made half an hour before the start (less than a day) lasts until the start.
    store.leave_gathering(date, people[3], at(11, 0)).await.unwrap();
    let answered = store.answer_gathering(date, people[4], at(11, 1)).await.unwrap();
    assert_eq!(answered.status, RsvpStatus::Going);
    store.answer_gathering(date, people[2], at(11, 2)).await.unwrap();
    let late = store.leave_gathering(date, people[4], at(9, 30) + DAY).await.unwrap();
    assert_eq!(late.offered[0].offered_until, Some(at(10, 0) + DAY));
    db.database.close().await;
}

pub async fn the_organiser_says_yes_or_no_and_moves_someone_up_with_a_reason(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let people = create_users(store, 5, at(8, 0)).await;
    let date = first_date(store, people[0], &draft(1, serde_json::json!({"requires_approval": true}))).await;
    for who in &people[1..4] {
        assert_eq!(store.answer_gathering(date, *who, at(9, 1)).await.unwrap().status, RsvpStatus::Pending);
    }
    let yes = store.decide_rsvp(date, people[1], true, at(9, 2)).await.unwrap();
    assert_eq!(yes.rsvp.status, RsvpStatus::Going);
    assert_eq!(store.decide_rsvp(date, people[2], true, at(9, 3)).await.unwrap().rsvp.status, RsvpStatus::Waiting);
    assert_eq!(store.decide_rsvp(date, people[3], false, at(9, 4)).await.unwrap().rsvp.status, RsvpStatus::Declined);
    assert_eq!(conflict(store.decide_rsvp(date, people[3], true, at(9, 5)).await), GatheringConflict::NotPending);

    // Person 4 answers and is approved into the line after person 2, then moved up.
    store.answer_gathering(date, people[4], at(9, 6)).await.unwrap();
    store.decide_rsvp(date, people[4], true, at(9, 7)).await.unwrap();
    let moved = store.move_up(date, people[4], "Gives the opening talk", at(9, 8)).await.unwrap();
    assert_eq!(moved.rsvp.moved_up.as_deref(), Some("Gives the opening talk"));
    assert!(moved.offered.is_empty(), "no place is free");
    let waiting: Vec<Uuid> =
        line(store, date).await.into_iter().filter(|(_, s)| *s == RsvpStatus::Waiting).map(|(u, _)| u).collect();
    assert_eq!(waiting, [people[4], people[2]]);
    assert_eq!(conflict(store.move_up(date, people[1], "no", at(9, 9)).await), GatheringConflict::NotInLine);
    let left = store.leave_gathering(date, people[1], at(9, 10)).await.unwrap();
    assert_eq!(left.offered.iter().map(|r| r.user_id).collect::<Vec<_>>(), [people[4]], "the one moved up first");
    db.database.close().await;
}

pub async fn fifty_answers_at_once_for_ten_places_give_ten_going_and_forty_in_order(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store: Arc<dyn Store> = db.store.clone();
    let people = create_users(&*store, 51, at(8, 0)).await;
    let date = first_date(&*store, people[0], &draft(10, serde_json::json!({}))).await;
    let tasks: Vec<_> = people[1..]
        .iter()
        .map(|who| {
            let (store, who) = (store.clone(), *who);
            tokio::spawn(async move { store.answer_gathering(date, who, at(9, 0)).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("no panic").expect("an answer"));
    }
    let going = answers.iter().filter(|r| r.status == RsvpStatus::Going).count();
    assert_eq!((going, answers.len() - going), (10, 40));
    // The line is the order of answering: every going answer came before every waiting one.
    let mut positions: Vec<i64> = answers.iter().map(|r| r.position).collect();
    positions.sort_unstable();
    positions.dedup();
    assert_eq!(positions.len(), 50, "each answer has a place of its own");
    let last_going = answers.iter().filter(|r| r.status == RsvpStatus::Going).map(|r| r.position).max();
    let first_waiting = answers.iter().filter(|r| r.status == RsvpStatus::Waiting).map(|r| r.position).min();
    assert!(last_going < first_waiting);

    // Five of those going withdraw at once: each offers exactly one place, to the first five in line.
    let leaving: Vec<Uuid> =
        answers.iter().filter(|r| r.status == RsvpStatus::Going).take(5).map(|r| r.user_id).collect();
    let tasks: Vec<_> = leaving
        .iter()
        .map(|who| {
            let (store, who) = (store.clone(), *who);
            tokio::spawn(async move { store.leave_gathering(date, who, at(9, 30)).await })
        })
        .collect();
    let mut offered = Vec::new();
    for task in tasks {
        let left = task.await.expect("no panic").expect("withdrawn");
        assert_eq!(left.offered.len(), 1, "each withdrawal offers one place");
        offered.extend(left.offered.into_iter().map(|r| r.user_id));
    }
    let mut in_line: Vec<&thirdspace_store::Rsvp> =
        answers.iter().filter(|r| r.status == RsvpStatus::Waiting).collect();
    in_line.sort_by_key(|r| r.position);
    let mut first_five: Vec<Uuid> = in_line[..5].iter().map(|r| r.user_id).collect();
    first_five.sort();
    offered.sort();
    assert_eq!(offered, first_five);
    let (_, counted) = store.gathering_date(date).await.unwrap().unwrap();
    assert_eq!((counted.taken, counted.waiting), (10, 35));
    db.database.close().await;
}

pub async fn dates_are_listed_by_city_and_venue_soonest_first(backend: &dyn Backend) {
    let venue = Venue::with(backend, 3, 2).await;
    let store = venue.store();
    let organiser = venue.users[0];
    let home = draft(5, serde_json::json!({"repeat": "FREQ=DAILY;COUNT=3"}));
    let at_home = store.create_gathering(organiser, &home, at(9, 0)).await.unwrap();
    let input: GatheringInput = serde_json::from_value(serde_json::json!({
        "kind": "venue_event", "title": "Open day", "venue_id": venue.venue,
        "date": (base_date() + chrono::Duration::days(2)).to_string(), "start": "09:00", "end": "10:00", "capacity": 3
    }))
    .unwrap();
    let place = thirdspace_domain::gathering::AtVenue { time_zone: chrono_tz::UTC, city: "Utrecht" };
    let open_day = GatheringDraft::parse(input, Some(place), at(9, 0)).unwrap();
    let at_venue = store.create_gathering(organiser, &open_day, at(9, 0)).await.unwrap();

    let city =
        store.gathering_dates_in(Where::City("utrecht"), (at(0, 0), at(0, 0) + 30 * DAY), 10, false).await.unwrap();
    let order: Vec<(Uuid, i64)> = city.iter().map(|(g, d)| (g.id, d.starts_at)).collect();
    assert_eq!(
        order,
        [
            (at_home.id, at(10, 0) + DAY),
            (at_venue.id, at(9, 0) + 2 * DAY),
            (at_home.id, at(10, 0) + 2 * DAY),
            (at_home.id, at(10, 0) + 3 * DAY)
        ]
    );
    assert_eq!(city[0].0.address.as_deref(), Some("Kanaalstraat 3"));
    let limited =
        store.gathering_dates_in(Where::City("utrecht"), (at(0, 0), at(0, 0) + 30 * DAY), 2, false).await.unwrap();
    assert_eq!(limited.len(), 2);
    let there =
        store.gathering_dates_in(Where::Venue(venue.venue), (at(0, 0), at(0, 0) + 30 * DAY), 10, false).await.unwrap();
    assert_eq!(there.iter().map(|(g, _)| g.id).collect::<Vec<_>>(), [at_venue.id]);
    let window = store
        .gathering_dates_in(Where::City("utrecht"), (at(0, 0) + 2 * DAY, at(0, 0) + 3 * DAY), 10, false)
        .await
        .unwrap();
    assert_eq!(window.len(), 2, "from the start of the window, before its end");

    // The open day is cancelled: gone from listings, shown cancelled to a feed, answered no more.
    let day = there[0].1.id;
    let cancelled = store.cancel_gathering_date(day, at(9, 30)).await.unwrap();
    assert_eq!(cancelled.cancelled_at, Some(at(9, 30)));
    assert_eq!(store.cancel_gathering_date(day, at(9, 40)).await.unwrap().cancelled_at, Some(at(9, 30)), "once");
    let span = (at(0, 0), at(0, 0) + 30 * DAY);
    assert!(store.gathering_dates_in(Where::Venue(venue.venue), span, 10, false).await.unwrap().is_empty());
    let shown = store.gathering_dates_in(Where::Venue(venue.venue), span, 10, true).await.unwrap();
    assert_eq!(shown.iter().map(|(_, d)| d.cancelled_at).collect::<Vec<_>>(), [Some(at(9, 30))]);
    assert_eq!(
        conflict(store.answer_gathering(day, venue.users[1], at(9, 50)).await),
        GatheringConflict::DateCancelled
    );
    let started = city[0].1.id;
    let late = store.cancel_gathering_date(started, at(10, 0) + DAY).await;
    assert_eq!(conflict(late), GatheringConflict::Started);
    assert!(store
        .gathering_dates_in(Where::City("delft"), (at(0, 0), at(0, 0) + 30 * DAY), 10, false)
        .await
        .unwrap()
        .is_empty());
    venue.close().await;
}

/// A gathering at the fixture venue, on the day after the base date, 10:00 to 12:00 UTC.
fn at_venue(venue: Uuid, capacity: u32) -> GatheringDraft {
    let input = serde_json::json!({
        "kind": "venue_event", "title": "Open day", "venue_id": venue,
        "date": (base_date() + chrono::Duration::days(1)).to_string(), "start": "10:00", "end": "12:00",
        "capacity": capacity
    });
    let input: GatheringInput = serde_json::from_value(input).expect("an input");
    let venue_at = thirdspace_domain::gathering::AtVenue { time_zone: chrono_tz::UTC, city: "Utrecht" };
    GatheringDraft::parse(input, Some(venue_at), at(9, 0)).expect("a valid gathering")
}

pub async fn a_gathering_and_bookings_racing_for_a_venue_s_seats_never_share_one(backend: &dyn Backend) {
    let v = Venue::with(backend, 6, 9).await;
    let store: Arc<dyn Store> = v.db.store.clone();
    let span = (at(10, 0) + DAY, at(12, 0) + DAY);
    let organiser = v.users[0];
    let gathering = {
        let (store, draft) = (v.db.database.open().await, at_venue(v.venue, 3));
        tokio::spawn(async move { store.create_gathering(organiser, &draft, at(9, 0)).await })
    };
    let bookings: Vec<_> = (1..9)
        .map(|user| {
            let (store, booking) = (store.clone(), v.booking(user, span, at(9, 0)));
            tokio::spawn(async move { store.book(booking).await })
        })
        .collect();
    let made = gathering.await.expect("no panic");
    let booked = futures_count(bookings).await;
    let kept = if made.is_ok() { 3 } else { 0 };
    assert!(booked + kept <= 6, "{booked} booked and {kept} kept of 6 seats");
    assert_eq!(booked + kept, 6, "every seat went to someone: {booked} booked, {kept} kept ({made:?})");
    if let Err(e) = made {
        assert_eq!(conflict(Err::<(), _>(e)), GatheringConflict::NoSeats);
    }
    v.close().await;
}

async fn futures_count<T, E>(tasks: Vec<tokio::task::JoinHandle<Result<T, E>>>) -> usize {
    let mut ok = 0;
    for task in tasks {
        if task.await.expect("no panic").is_ok() {
            ok += 1;
        }
    }
    ok
}

pub async fn a_gathering_changes_within_its_places_and_seats_and_a_date_moves(backend: &dyn Backend) {
    let v = Venue::with(backend, 5, 6).await;
    let store = v.store();
    let made = store.create_gathering(v.users[0], &at_venue(v.venue, 2), at(9, 0)).await.unwrap();
    let date = store.gathering_dates(made.id).await.unwrap()[0].clone();
    assert_eq!((date.space_id, date.sequence), (Some(v.space), 0));
    for user in &v.users[1..4] {
        store.answer_gathering(date.id, *user, at(9, 1)).await.unwrap();
    }
    let mut work = store.begin().await.unwrap();
    let fewer = thirdspace_store::GatheringChange { capacity: Some(1), ..Default::default() };
    assert_eq!(conflict(work.change_gathering(made.id, &fewer, at(9, 2)).await), GatheringConflict::BelowGoing);
    work.rollback().await;
    let more = thirdspace_store::GatheringChange {
        capacity: Some(5),
        title: Some("Open day, bigger".into()),
        ..Default::default()
    };
    let mut work = store.begin().await.unwrap();
    let changed = work.change_gathering(made.id, &more, at(9, 3)).await.unwrap();
    work.commit().await.unwrap();
    assert_eq!(changed.gathering.title, "Open day, bigger");
    assert_eq!((changed.dates[0].capacity, changed.dates[0].sequence), (5, 1));
    assert_eq!(changed.offered.len(), 1, "the one in line is offered a new place");
    // Five places keep all five seats: a booking over the span is refused.
    let refused = store.book(v.booking(5, (at(10, 0) + DAY, at(11, 0) + DAY), at(9, 4))).await;
    assert!(matches!(refused, Err(StoreError::Conflict(Conflict::Booking(_)))), "{refused:?}");
    let six = thirdspace_store::GatheringChange { capacity: Some(6), ..Default::default() };
    let mut work = store.begin().await.unwrap();
    assert_eq!(conflict(work.change_gathering(made.id, &six, at(9, 5)).await), GatheringConflict::NoSeats);
    work.rollback().await;

    // Moved to the afternoon: its seats follow, and the morning is free again.
    let later = thirdspace_domain::gathering::Occurrence {
        date: date.date,
        starts_at: at(14, 0) + DAY,
        ends_at: at(16, 0) + DAY,
    };
    let mut work = store.begin().await.unwrap();
    let moved = work.reschedule_date(date.id, &later, at(9, 6)).await.unwrap();
    work.commit().await.unwrap();
    assert_eq!((moved.starts_at, moved.sequence), (at(14, 0) + DAY, 2));
    store.book(v.booking(5, (at(10, 0) + DAY, at(11, 0) + DAY), at(9, 7))).await.expect("the morning is free");
    v.close().await;
}
