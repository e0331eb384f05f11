//! Outcomes of coworking: recorded with what led to them, confirmed by the other person named.

use thirdspace_domain::outcome::{Category, OutcomeDraft, OutcomeInput, Sharing};
use thirdspace_store::outbox::EventType;
use thirdspace_store::{Conflict, OutcomeConflict, Page, StoreError};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

fn input(with: Option<Uuid>, venue: Option<Uuid>, sharing: Sharing) -> OutcomeInput {
    OutcomeInput {
        category: Category::Client,
        note: Some("A bookkeeping client through Bo".into()),
        with,
        venue_id: venue,
        exchanges: vec![Uuid::from_u128(2), Uuid::from_u128(1)],
        intros: vec![Uuid::from_u128(3)],
        value_cents: Some(250_000),
        currency: Some("EUR".into()),
        hours: Some(40),
        sharing,
    }
}

pub async fn an_outcome_is_recorded_with_what_led_to_it_and_confirmed_by_the_other_person(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 3).await;
    let store = venue.store();
    let (ana, bo, cy) = (venue.users[0], venue.users[1], venue.users[2]);
    let start = store.last_event_id().await.unwrap();
    let draft = OutcomeDraft::parse(ana, input(Some(bo), Some(venue.venue), Sharing::Venue)).unwrap();
    let recorded = store.record_outcome(&draft, at(9, 0)).await.unwrap();
    assert_eq!((recorded.owner_id, recorded.with_id, recorded.with_confirmed_at), (ana, Some(bo), None));
    assert_eq!((recorded.category, recorded.sharing, recorded.hours), (Category::Client, Sharing::Venue, Some(40)));
    assert_eq!(recorded.value, Some((250_000, "EUR".to_owned())));
    assert_eq!(recorded.exchanges, [Uuid::from_u128(1), Uuid::from_u128(2)]);
    assert_eq!(recorded.intros, [Uuid::from_u128(3)]);
    assert_eq!(store.outcome(recorded.id).await.unwrap(), Some(recorded.clone()));

    let own = store.confirm_outcome(recorded.id, ana, at(9, 1)).await;
    assert!(matches!(own, Err(StoreError::Conflict(Conflict::Outcome(OutcomeConflict::OwnOutcome)))), "{own:?}");
    let stranger = store.confirm_outcome(recorded.id, cy, at(9, 1)).await;
    assert!(matches!(stranger, Err(StoreError::NotFound(_))), "{stranger:?}");
    let confirmed = store.confirm_outcome(recorded.id, bo, at(9, 2)).await.unwrap();
    assert_eq!(confirmed.with_confirmed_at, Some(at(9, 2)));
    let twice = store.confirm_outcome(recorded.id, bo, at(9, 3)).await.unwrap();
    assert_eq!(twice, confirmed, "confirming twice changes nothing");

    let private = OutcomeDraft::parse(cy, input(None, Some(venue.venue), Sharing::Private)).unwrap();
    let alone = store.record_outcome(&private, at(10, 0)).await.unwrap();
    assert_eq!((alone.value.clone(), alone.with_id), (Some((250_000, "EUR".to_owned())), None));
    assert_eq!(store.outcomes_of(ana, Page::new(1, 10)).await.unwrap().items, std::slice::from_ref(&confirmed));
    assert_eq!(store.outcomes_of(bo, Page::new(1, 10)).await.unwrap().total, 1, "named in it");
    assert_eq!(store.outcomes_of(cy, Page::new(1, 10)).await.unwrap().items, std::slice::from_ref(&alone));

    let events: Vec<_> =
        store.events_after(start, 10).await.unwrap().iter().map(|e| (e.kind, e.subject, e.venue)).collect();
    assert_eq!(
        events,
        [
            (EventType::OutcomeRecorded, recorded.id, Some(venue.venue)),
            (EventType::OutcomeConfirmed, recorded.id, Some(venue.venue)),
            (EventType::OutcomeRecorded, alone.id, None),
        ],
        "a private outcome belongs to no venue's stream; confirming twice records once"
    );
    venue.close().await;
}
