//! The outbox: each change of state writes its event in its own transaction, and only then.

use thirdspace_domain::profile::{ProfileDraft, Visibility};
use thirdspace_store::outbox::{EventType, StoredEvent};
use thirdspace_store::{BookingConflict, Conflict, IntroStep, NewIntro, NewQuestion, Store, StoreError};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

/// The events written after `after`, as (type, subject, venue).
async fn written(store: &dyn Store, after: u64) -> Vec<(EventType, Uuid, Option<Uuid>)> {
    let events = store.events_after(after, 1000).await.unwrap();
    let ids: Vec<u64> = events.iter().map(|e| e.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in the outbox's order: {ids:?}");
    assert!(events.iter().all(|e| e.id > after && e.version == 1));
    events.iter().map(|e| (e.kind, e.subject, e.venue)).collect()
}

pub async fn every_booking_and_presence_change_writes_its_event_and_a_refusal_writes_none(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 3).await;
    let store = venue.store();
    let here = Some(venue.venue);
    let start = store.last_event_id().await.unwrap();

    let made = store.book(venue.booking(1, (at(10, 0), at(12, 0)), at(9, 0))).await.unwrap();
    let refused = store.book(venue.booking(2, (at(10, 0), at(12, 0)), at(9, 0))).await;
    assert!(matches!(refused, Err(StoreError::Conflict(Conflict::Booking(BookingConflict::SeatsGone)))), "{refused:?}");
    store.cancel_booking(made.id, at(9, 10)).await.unwrap();
    let again = store.cancel_booking(made.id, at(9, 11)).await;
    assert!(again.is_err());
    let walked = store.check_in(venue.check_in(0, at(9, 20), Some(walk_in_plan(at(9, 20))))).await.unwrap();
    let left = store.check_out(venue.venue, venue.users[0], at(9, 30)).await.unwrap();
    let no_show = store.book(venue.booking(2, (at(13, 0), at(14, 0)), at(9, 40))).await.unwrap();
    assert_eq!(store.release_no_shows(at(13, 20)).await.unwrap(), 1);
    let stay = walk_in_plan(at(15, 0));
    let closes_at = stay.closes_at;
    let stays = store.check_in(venue.check_in(1, at(15, 0), Some(stay))).await.unwrap();
    assert_eq!(store.check_out_at_closing(closes_at).await.unwrap(), 1);

    let events = written(store, start).await;
    assert_eq!(
        events,
        vec![
            (EventType::BookingMade, made.id, here),
            (EventType::BookingCancelled, made.id, here),
            (EventType::BookingMade, walked.booking.id, here),
            (EventType::CheckedIn, walked.booking.id, here),
            (EventType::CheckedOut, left.id, here),
            (EventType::BookingMade, no_show.id, here),
            (EventType::BookingReleased, no_show.id, here),
            (EventType::BookingMade, stays.booking.id, here),
            (EventType::CheckedIn, stays.booking.id, here),
            (EventType::CheckedOut, stays.booking.id, here),
        ],
        "nothing for the refusals"
    );
    let last = store.last_event_id().await.unwrap();
    assert_eq!(store.events_after(start, 1000).await.unwrap().last().map(|e| e.id), Some(last));
    let first_two = store.events_after(start, 2).await.unwrap();
    assert_eq!(first_two.len(), 2, "a limit holds");
    let rest = written(store, first_two[1].id).await;
    assert_eq!(rest.len(), events.len() - 2, "reading on from an id gives what follows it");
    assert!(store.events_after(last, 10).await.unwrap().is_empty());
    venue.close().await;
}

pub async fn a_booked_check_in_and_the_data_of_a_booking_event(backend: &dyn Backend) {
    let venue = Venue::with(backend, 2, 1).await;
    let store = venue.store();
    let made = store.book(venue.booking(0, (at(10, 0), at(12, 0)), at(9, 0))).await.unwrap();
    let start = store.last_event_id().await.unwrap();
    store.check_in(venue.check_in(0, at(10, 0), None)).await.unwrap();
    let events: Vec<StoredEvent> = store.events_after(start, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!((event.kind, event.subject, event.occurred_at), (EventType::CheckedIn, made.id, at(10, 0)));
    assert_eq!(event.data["space"], serde_json::json!(venue.space));
    assert_eq!(event.data["start"], "10:00");
    assert_eq!(event.data["walk_in"], false);
    let shape = serde_json::to_value(event.to_json()).unwrap();
    assert_eq!(shape["type"], "presence.checked_in");
    assert_eq!(shape["subject"]["type"], "booking");
    assert!(shape.to_string().find("Member").is_none(), "no name in an event: {shape}");
    venue.close().await;
}

pub async fn profiles_questions_and_introductions_write_their_events(backend: &dyn Backend) {
    let venue = Venue::with(backend, 3, 2).await;
    let store = venue.store();
    let (ana, ben) = (venue.users[0], venue.users[1]);
    let start = store.last_event_id().await.unwrap();
    let draft = ProfileDraft {
        display_name: "Ana".to_owned(),
        headline: None,
        bio: None,
        offers: vec!["vat".to_owned()],
        seeking: Vec::new(),
        seeking_text: None,
        interests: Vec::new(),
        field: None,
        links: Vec::new(),
        visibility: Visibility::Public,
        open_to_meet: true,
        record_visibility: Visibility::Venue,
    };
    store.put_profile(ana, &draft, at(9, 0)).await.unwrap();
    store.check_in(venue.check_in(0, at(9, 5), Some(walk_in_plan(at(9, 5))))).await.unwrap();
    store.put_profile(ana, &draft, at(9, 10)).await.unwrap();
    let ask =
        NewQuestion { venue: venue.venue, asker: ana, text: "VAT?".into(), tags: vec!["vat".into()], now: at(9, 20) };
    let question = store.post_question(ask).await.unwrap();
    store.mark_answered(question.id, at(9, 30)).await.unwrap();
    assert!(store.mark_answered(question.id, at(9, 31)).await.is_err());
    let new = NewIntro { venue: Some(venue.venue), a: ana, b: ben, score: 0.5, reason: "{}".into() };
    let intro = store.suggest_intros(vec![new], at(8, 0), at(9, 40)).await.unwrap().remove(0);
    store.step_intro(intro.id, ana, IntroStep::Accept, at(9, 41)).await.unwrap();
    store.step_intro(intro.id, ben, IntroStep::Accept, at(9, 42)).await.unwrap();
    store.step_intro(intro.id, ana, IntroStep::Met, at(9, 43)).await.unwrap();
    store.step_intro(intro.id, ben, IntroStep::Feedback { useful: true }, at(9, 44)).await.unwrap();
    let stranger = store.step_intro(intro.id, Uuid::now_v7(), IntroStep::Met, at(9, 45)).await;
    assert!(stranger.is_err());

    let here = Some(venue.venue);
    let events: Vec<(EventType, Uuid, Option<Uuid>)> =
        written(store, start).await.into_iter().filter(|e| !e.0.as_str().starts_with("booking.")).collect();
    assert_eq!(
        events[..2],
        [(EventType::ProfileChanged, ana, None), (EventType::CheckedIn, events[1].1, here)],
        "a profile changed away from any venue belongs to none"
    );
    assert_eq!(
        events[2..],
        [
            (EventType::ProfileChanged, ana, here),
            (EventType::QuestionAsked, question.id, here),
            (EventType::QuestionAnswered, question.id, here),
            (EventType::IntroSuggested, intro.id, here),
            (EventType::IntroAnswered, intro.id, here),
            (EventType::IntroAnswered, intro.id, here),
            (EventType::IntroMet, intro.id, here),
            (EventType::IntroFeedback, intro.id, here),
        ]
    );
    venue.close().await;
}

pub async fn old_events_are_forgotten_but_the_order_goes_on(backend: &dyn Backend) {
    let venue = Venue::with(backend, 2, 2).await;
    let store = venue.store();
    let start = store.last_event_id().await.unwrap();
    let first = store.book(venue.booking(0, (at(10, 0), at(11, 0)), at(8, 0))).await.unwrap();
    store.book(venue.booking(1, (at(10, 0), at(11, 0)), at(9, 0))).await.unwrap();
    assert_eq!(store.forget_events(at(9, 0)).await.unwrap(), 1, "the 08:00 event is older");
    let kept = store.events_after(start, 10).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert!(kept.iter().all(|e| e.subject != first.id));
    let last = store.last_event_id().await.unwrap();
    assert_eq!(store.forget_events(at(23, 0)).await.unwrap(), 0, "the latest event is always kept");
    assert_eq!(store.last_event_id().await.unwrap(), last);
    store.cancel_booking(first.id, at(9, 30)).await.unwrap();
    assert_eq!(store.last_event_id().await.unwrap(), last + 1, "the next id follows the last one");
    venue.close().await;
}
