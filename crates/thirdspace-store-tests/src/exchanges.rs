//! The social-capital ledger: an exchange counts once the other side confirms it.

use std::sync::Arc;

use thirdspace_domain::exchange::{Answer, ExchangeDraft, ExchangeInput, Role, Source, Status, LAPSE_SECONDS};
use thirdspace_store::outbox::EventType;
use thirdspace_store::{Conflict, ExchangeConflict, LedgerRecord, Page, StoreError, Tally};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

fn draft(proposer: Uuid, with: Uuid, role: Role, tags: &[&str], venue: Option<Uuid>) -> ExchangeDraft {
    let input = ExchangeInput {
        with,
        role,
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        text: "Walked through VAT for a first invoice".to_owned(),
        venue_id: venue,
        source: None,
        source_id: None,
    };
    ExchangeDraft::parse(proposer, input).expect("a valid exchange")
}

fn conflict(outcome: Result<impl std::fmt::Debug, StoreError>) -> Option<ExchangeConflict> {
    match outcome {
        Err(StoreError::Conflict(Conflict::Exchange(c))) => Some(c),
        other => panic!("expected an exchange conflict, got {other:?}"),
    }
}

pub async fn an_exchange_counts_in_both_records_once_the_other_side_confirms_it(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 3).await;
    let store = venue.store();
    let (ana, ben) = (venue.users[0], venue.users[1]);
    let start = store.last_event_id().await.unwrap();

    let first = draft(ben, ana, Role::Received, &["vat", "invoicing"], Some(venue.venue));
    let proposed = store.propose_exchange(&first, at(9, 0)).await.unwrap();
    assert_eq!((proposed.giver_id, proposed.receiver_id, proposed.proposer_id), (ana, ben, ben));
    assert_eq!((proposed.status, proposed.source, proposed.answered_at), (Status::Proposed, Source::Free, None));
    assert_eq!(store.ledger_record(ana).await.unwrap(), LedgerRecord::default(), "nothing counts unconfirmed");

    let confirmed = store.answer_exchange(proposed.id, ana, Answer::Confirm, at(10, 0)).await.unwrap();
    assert_eq!((confirmed.status, confirmed.answered_at), (Status::Confirmed, Some(at(10, 0))));
    let again = store.answer_exchange(proposed.id, ana, Answer::Confirm, at(11, 0)).await.unwrap();
    assert_eq!(again, confirmed, "confirming twice changes nothing");

    let other = draft(ana, ben, Role::Received, &["vat"], None);
    let second = store.propose_exchange(&other, at(12, 0)).await.unwrap();
    store.answer_exchange(second.id, ben, Answer::Confirm, at(12, 0) + DAY).await.unwrap();

    let given = Tally { given: 1, received: 0 };
    let received = Tally { given: 0, received: 1 };
    let ana_record = store.ledger_record(ana).await.unwrap();
    assert_eq!(ana_record.total, Tally { given: 1, received: 1 }, "given and received apart, not a balance");
    assert_eq!(
        ana_record.topics,
        [("vat".to_owned(), Tally { given: 1, received: 1 }), ("invoicing".to_owned(), given.clone())]
    );
    assert_eq!(ana_record.venues, [(venue.venue, given.clone())]);
    let day = at(10, 0).div_euclid(DAY);
    assert_eq!(ana_record.days, [(day, given.clone()), (day + 1, received.clone())]);
    let ben_record = store.ledger_record(ben).await.unwrap();
    assert_eq!(ben_record.total, Tally { given: 1, received: 1 });
    assert_eq!(store.ledger_record(venue.users[2]).await.unwrap(), LedgerRecord::default());

    let listed = store.exchanges_of(ana, Page::new(1, 10)).await.unwrap();
    assert_eq!(listed.total, 2);
    assert_eq!(listed.items.iter().map(|e| e.id).collect::<Vec<_>>(), [second.id, proposed.id], "newest first");
    assert_eq!(store.exchanges_of(venue.users[2], Page::new(1, 10)).await.unwrap().total, 0);

    let events: Vec<(EventType, Uuid)> =
        store.events_after(start, 100).await.unwrap().iter().map(|e| (e.kind, e.subject)).collect();
    assert_eq!(
        events,
        [
            (EventType::ExchangeProposed, proposed.id),
            (EventType::ExchangeConfirmed, proposed.id),
            (EventType::ExchangeProposed, second.id),
            (EventType::ExchangeConfirmed, second.id),
        ],
        "once each: confirming twice records nothing more"
    );
    venue.close().await;
}

pub async fn only_the_other_side_answers_a_decline_is_final_and_a_proposal_lapses(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 3).await;
    let store = venue.store();
    let (ana, ben, cas) = (venue.users[0], venue.users[1], venue.users[2]);
    let start = store.last_event_id().await.unwrap();
    let declined = store.propose_exchange(&draft(ana, ben, Role::Gave, &["vat"], None), at(9, 0)).await.unwrap();
    assert_eq!(
        conflict(store.answer_exchange(declined.id, ana, Answer::Confirm, at(9, 1)).await),
        Some(ExchangeConflict::OwnProposal)
    );
    let stranger = store.answer_exchange(declined.id, cas, Answer::Confirm, at(9, 1)).await;
    assert!(matches!(stranger, Err(StoreError::NotFound(_))), "{stranger:?}");
    let missing = store.answer_exchange(Uuid::now_v7(), ben, Answer::Confirm, at(9, 1)).await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))), "{missing:?}");
    let no = store.answer_exchange(declined.id, ben, Answer::Decline, at(9, 2)).await.unwrap();
    assert_eq!(no.status, Status::Declined);
    assert_eq!(
        conflict(store.answer_exchange(declined.id, ben, Answer::Confirm, at(9, 3)).await),
        Some(ExchangeConflict::Answered)
    );

    let late = store.propose_exchange(&draft(ana, ben, Role::Gave, &["vat"], None), at(9, 0)).await.unwrap();
    let lapsed = store.answer_exchange(late.id, ben, Answer::Confirm, at(9, 0) + LAPSE_SECONDS).await;
    assert_eq!(conflict(lapsed), Some(ExchangeConflict::Lapsed));
    let just_in_time = store.propose_exchange(&draft(ana, ben, Role::Gave, &["vat"], None), at(9, 0)).await.unwrap();
    store.answer_exchange(just_in_time.id, ben, Answer::Confirm, at(9, 0) + LAPSE_SECONDS - 1).await.unwrap();

    assert_eq!(store.ledger_record(ana).await.unwrap().total, Tally { given: 1, received: 0 });
    let kinds: Vec<EventType> = store.events_after(start, 100).await.unwrap().iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventType::ExchangeProposed,
            EventType::ExchangeProposed,
            EventType::ExchangeProposed,
            EventType::ExchangeConfirmed
        ],
        "a decline and the refusals write nothing"
    );
    venue.close().await;
}

pub async fn one_introduction_gives_one_exchange_each_way(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 2).await;
    let store = venue.store();
    let (ana, ben) = (venue.users[0], venue.users[1]);
    let from = |proposer, with, role| {
        let mut d = draft(proposer, with, role, &["vat"], None);
        (d.source, d.source_id) = (Source::Introduction, Some(Uuid::from_u128(7)));
        d
    };
    store.propose_exchange(&from(ana, ben, Role::Gave), at(9, 0)).await.unwrap();
    let twice = store.propose_exchange(&from(ben, ana, Role::Received), at(9, 1)).await;
    assert_eq!(conflict(twice), Some(ExchangeConflict::AlreadyRecorded), "the same giver and receiver");
    let other_way = store.propose_exchange(&from(ben, ana, Role::Gave), at(9, 2)).await.unwrap();
    assert_eq!((other_way.giver_id, other_way.source_id), (ben, Some(Uuid::from_u128(7))));
    assert_eq!(store.exchanges_of(ana, Page::new(1, 10)).await.unwrap().total, 2, "the refusal wrote nothing");
    venue.close().await;
}

pub async fn two_confirmations_at_once_confirm_it_once(backend: &dyn Backend) {
    let venue = Venue::with(backend, 1, 2).await;
    let store = Arc::clone(&venue.db.store);
    let second = venue.db.database.open().await;
    let (ana, ben) = (venue.users[0], venue.users[1]);
    for round in 0..5 {
        let proposed =
            store.propose_exchange(&draft(ana, ben, Role::Gave, &["vat"], None), at(9, round)).await.unwrap();
        let start = store.last_event_id().await.unwrap();
        let (a, b) = (Arc::clone(&store), Arc::clone(&second));
        let one = tokio::spawn(async move { a.answer_exchange(proposed.id, ben, Answer::Confirm, at(10, 0)).await });
        let two = tokio::spawn(async move { b.answer_exchange(proposed.id, ben, Answer::Confirm, at(10, 0)).await });
        let (one, two) = (one.await.unwrap().unwrap(), two.await.unwrap().unwrap());
        assert_eq!((one.status, two.status), (Status::Confirmed, Status::Confirmed));
        let confirmed = store.events_after(start, 10).await.unwrap();
        assert_eq!(confirmed.len(), 1, "one confirmation recorded, round {round}: {confirmed:?}");
    }
    assert_eq!(store.ledger_record(ana).await.unwrap().total, Tally { given: 5, received: 0 });
    venue.close().await;
}
