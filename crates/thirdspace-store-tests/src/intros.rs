//! Introductions: suggested, answered by each side, met, and what came of them.

use thirdspace_domain::exchange::{Answer, ExchangeDraft, ExchangeInput, Role};
use thirdspace_store::{
    Conflict, Helped, Helping, IntroAnswer, IntroConflict, IntroStep, NewIntro, Page, SettledPair, StoreError,
    HELPS_KEPT,
};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

fn intro(venue: Option<Uuid>, a: Uuid, b: Uuid, score: f32, reason: &str) -> NewIntro {
    NewIntro { venue, a, b, score, reason: reason.to_owned() }
}

/// A database with a venue and four members.
async fn setting(backend: &dyn Backend) -> (Db, Uuid, Vec<Uuid>) {
    let db = Db::open(backend).await;
    let users = create_users(&*db.store, 4, 100).await;
    let venue = create_venue(&*db.store, users[0], 100).await;
    (db, venue, users)
}

pub async fn a_suggested_pair_keeps_its_introduction_until_it_settles(backend: &dyn Backend) {
    let (db, venue, users) = setting(backend).await;
    let store = &*db.store;
    let (a, b) = (users[0], users[1]);
    let first = store.suggest_intros(vec![intro(Some(venue), b, a, 0.5, "both like jazz")], 0, 1000).await.unwrap();
    let first = first.into_iter().next().unwrap();
    assert_eq!((first.person_a, first.person_b), (a.min(b), a.max(b)), "the pair is kept in order");
    assert_eq!((first.venue_id, first.score, first.reason.as_str()), (Some(venue), 0.5, "both like jazz"));
    assert_eq!(
        (first.a_answer, first.b_answer, first.met_at, first.created_at),
        (IntroAnswer::Pending, IntroAnswer::Pending, None, 1000)
    );
    assert_eq!(store.intro(first.id).await.unwrap(), Some(first.clone()));
    assert_eq!(store.intro(Uuid::now_v7()).await.unwrap(), None);

    let again = store.suggest_intros(vec![intro(Some(venue), a, b, 0.75, "both write")], 0, 1100).await.unwrap();
    assert_eq!(
        (again[0].id, again[0].score, again[0].reason.as_str(), again[0].created_at),
        (first.id, 0.75, "both write", 1000)
    );

    store.step_intro(first.id, b, IntroStep::Decline, 1200).await.unwrap();
    let within = store.suggest_intros(vec![intro(Some(venue), a, b, 0.8, "again")], 1100, 1300).await.unwrap();
    assert_eq!(within[0].id, first.id, "a decline within the cool-down keeps the pair's introduction");
    let after = store.suggest_intros(vec![intro(None, a, b, 0.9, "later")], 1250, 5000).await.unwrap();
    assert_ne!(after[0].id, first.id, "after the cool-down the pair may be introduced anew");
    assert_eq!(
        (after[0].venue_id, after[0].a_answer, after[0].b_answer),
        (None, IntroAnswer::Pending, IntroAnswer::Pending)
    );

    let batch =
        vec![intro(Some(venue), users[2], users[3], 0.25, "x"), intro(Some(venue), users[0], users[2], 0.5, "y")];
    let made = store.suggest_intros(batch, 0, 6000).await.unwrap();
    assert_eq!(made.len(), 2);
    assert_ne!(made[0].id, made[1].id);
    db.database.close().await;
}

pub async fn an_introduction_goes_from_accepted_to_met_to_feedback(backend: &dyn Backend) {
    let (db, venue, users) = setting(backend).await;
    let store = &*db.store;
    let (a, b, outsider) = (users[0], users[1], users[2]);
    let made = store.suggest_intros(vec![intro(Some(venue), a, b, 0.5, "r")], 0, 1000).await.unwrap();
    let id = made[0].id;
    let refused = |outcome: Result<_, StoreError>, conflict: Conflict| {
        assert!(matches!(outcome, Err(StoreError::Conflict(c)) if c == conflict), "{outcome:?}, not {conflict:?}");
    };
    refused(store.step_intro(id, a, IntroStep::Met, 1100).await, Conflict::Intro(IntroConflict::NotMutual));
    refused(
        store.step_intro(id, a, IntroStep::Feedback { useful: true }, 1100).await,
        Conflict::Intro(IntroConflict::NotMet),
    );
    let nobody = store.step_intro(id, outsider, IntroStep::Accept, 1100).await;
    assert!(matches!(nobody, Err(StoreError::NotFound(_))), "{nobody:?}");
    let unknown = store.step_intro(Uuid::now_v7(), a, IntroStep::Accept, 1100).await;
    assert!(matches!(unknown, Err(StoreError::NotFound(_))), "{unknown:?}");

    let accepted = store.step_intro(id, a, IntroStep::Accept, 1100).await.unwrap();
    let mine = |i: &thirdspace_store::Intro, who| i.sides(who).map(|(_, mine, theirs)| (mine, theirs));
    assert_eq!(mine(&accepted, a), Some((IntroAnswer::Accepted, IntroAnswer::Pending)));
    assert_eq!(store.step_intro(id, a, IntroStep::Accept, 1150).await.unwrap(), accepted, "accepting twice is fine");
    refused(store.step_intro(id, a, IntroStep::Decline, 1160).await, Conflict::Intro(IntroConflict::IntroAnswered));
    let mutual = store.step_intro(id, b, IntroStep::Accept, 1200).await.unwrap();
    assert_eq!(mine(&mutual, b), Some((IntroAnswer::Accepted, IntroAnswer::Accepted)));

    let met = store.step_intro(id, b, IntroStep::Met, 1300).await.unwrap();
    assert_eq!(met.met_at, Some(1300));
    assert_eq!(store.step_intro(id, a, IntroStep::Met, 1400).await.unwrap().met_at, Some(1300), "met once");
    let feedback = store.step_intro(id, a, IntroStep::Feedback { useful: true }, 1500).await.unwrap();
    let (a_useful, b_useful) = if a == feedback.person_a { (Some(true), None) } else { (None, Some(true)) };
    assert_eq!((feedback.a_useful, feedback.b_useful), (a_useful, b_useful));
    let changed = store.step_intro(id, a, IntroStep::Feedback { useful: false }, 1600).await.unwrap();
    assert_eq!(changed.a_useful.or(changed.b_useful), Some(false));
    db.database.close().await;
}

pub async fn settled_pairs_and_helped_counts(backend: &dyn Backend) {
    let (db, venue, users) = setting(backend).await;
    let store = &*db.store;
    let (ana, bo, cy, dee) = (users[0], users[1], users[2], users[3]);
    let made = store
        .suggest_intros(vec![intro(Some(venue), ana, bo, 0.5, "r"), intro(Some(venue), ana, cy, 0.5, "r")], 0, 1000)
        .await
        .unwrap();
    let (met, declined) = (made[0].id, made[1].id);
    store.step_intro(met, ana, IntroStep::Accept, 1100).await.unwrap();
    store.step_intro(met, bo, IntroStep::Accept, 1100).await.unwrap();
    store.step_intro(met, bo, IntroStep::Met, 1200).await.unwrap();
    store.step_intro(met, bo, IntroStep::Feedback { useful: true }, 1300).await.unwrap();
    store.step_intro(declined, cy, IntroStep::Decline, 1400).await.unwrap();

    let mut settled = store.settled_pairs(&[ana], 0).await.unwrap();
    settled.sort_by_key(|p| p.met);
    let pair = |x: Uuid, y: Uuid| (x.min(y), x.max(y));
    assert_eq!(settled.len(), 2);
    assert_eq!(settled[0], SettledPair { a: pair(ana, cy).0, b: pair(ana, cy).1, met: false, declined_by: vec![cy] });
    assert_eq!(settled[1], SettledPair { a: pair(ana, bo).0, b: pair(ana, bo).1, met: true, declined_by: Vec::new() });
    assert_eq!(store.settled_pairs(&[cy], 1300).await.unwrap().len(), 1);
    assert!(store.settled_pairs(&[cy], 1401).await.unwrap().is_empty(), "settled before the cool-down began");
    assert!(store.settled_pairs(&[dee], 0).await.unwrap().is_empty());
    let times = |helping: Vec<Helping>| helping.into_iter().map(|h| h.times).collect::<Vec<_>>();
    assert_eq!(times(store.helping(&[ana, bo, cy, dee], 0).await.unwrap()), vec![1, 0, 0, 0], "Bo found Ana useful");
    assert_eq!(times(store.helping(&[ana], 1201).await.unwrap()), vec![0], "they met before the span");
    let gave = |giver: Uuid, receiver: Uuid| {
        let input = ExchangeInput {
            with: receiver,
            role: Role::Gave,
            tags: vec!["vat".into()],
            text: "VAT".into(),
            venue_id: None,
            source: None,
            source_id: None,
        };
        ExchangeDraft::parse(giver, input).unwrap()
    };
    let confirmed = store.propose_exchange(&gave(cy, dee), 1500).await.unwrap();
    store.answer_exchange(confirmed.id, dee, Answer::Confirm, 1600).await.unwrap();
    store.propose_exchange(&gave(dee, cy), 1500).await.unwrap();
    let record = store.helping(&[ana, bo, cy, dee], 0).await.unwrap();
    assert_eq!(times(record.clone()), vec![1, 0, 1, 0], "Dee confirmed Cy's help; Dee's own is not confirmed yet");
    assert_eq!((record[2].topics.clone(), record[0].topics.clone()), (vec!["vat".to_owned()], Vec::new()));
    let more = |tags: &[&str]| ExchangeInput {
        with: dee,
        role: Role::Gave,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        text: "Help".into(),
        venue_id: None,
        source: None,
        source_id: None,
    };
    for tags in [&["bookkeeping", "vat"][..], &["bookkeeping"], &["a", "b", "c", "d"]] {
        let proposed = store.propose_exchange(&ExchangeDraft::parse(cy, more(tags)).unwrap(), 1700).await.unwrap();
        store.answer_exchange(proposed.id, dee, Answer::Confirm, 1800).await.unwrap();
    }
    let cy_record = store.helping(&[cy], 0).await.unwrap().remove(0);
    assert_eq!(cy_record.times, 4);
    // Each time, newest first, with the exchange's tags (a met introduction has none).
    let at: Vec<i64> = cy_record.latest.iter().map(|h| h.at).collect();
    assert_eq!(at, [1800, 1800, 1800, 1600], "when each exchange was confirmed");
    assert_eq!(cy_record.latest[3].topics, ["vat"]);
    let mut topics: Vec<Vec<String>> = cy_record.latest[..3].iter().map(|h| h.topics.clone()).collect();
    topics.sort();
    assert_eq!(topics, [vec!["a", "b", "c", "d"], vec!["bookkeeping"], vec!["bookkeeping", "vat"]]);
    let ana_record = store.helping(&[ana], 0).await.unwrap().remove(0);
    assert_eq!(ana_record.latest, [Helped { at: 1200, topics: Vec::new() }], "when they met");
    assert_eq!(store.helping(&[cy], 1700).await.unwrap()[0].latest.len(), 3, "recent only");
    assert_eq!(cy_record.topics, ["bookkeeping", "vat", "a", "b", "c"], "most often first, then by name, five at most");
    assert_eq!(store.helping(&[cy], 1700).await.unwrap()[0].topics, ["bookkeeping", "a", "b", "c", "d"], "recent only");
    // Only the latest are kept with their moment, the count is of all.
    for n in 0..HELPS_KEPT as i64 {
        let proposed = store.propose_exchange(&gave(cy, dee), 2000 + n).await.unwrap();
        store.answer_exchange(proposed.id, dee, Answer::Confirm, 3000 + n).await.unwrap();
    }
    let busy = store.helping(&[cy, ana], 0).await.unwrap();
    assert_eq!(busy[0].times, 4 + HELPS_KEPT as u32);
    assert_eq!(busy[0].latest.len(), HELPS_KEPT);
    assert_eq!((busy[0].latest[0].at, busy[0].latest[HELPS_KEPT - 1].at), (2999 + HELPS_KEPT as i64, 3000));
    assert_eq!(busy[1].times, 1, "each person their own");
    db.database.close().await;
}

pub async fn introductions_are_listed_by_venue_and_by_person(backend: &dyn Backend) {
    let (db, venue, users) = setting(backend).await;
    let store = &*db.store;
    let mut ids = Vec::new();
    for (i, (x, y)) in [(0, 1), (0, 2), (1, 2)].into_iter().enumerate() {
        let made =
            store.suggest_intros(vec![intro(Some(venue), users[x], users[y], 0.5, "r")], 0, 1000 + i as i64).await;
        ids.push(made.unwrap()[0].id);
    }
    store.suggest_intros(vec![intro(None, users[0], users[3], 0.5, "network")], 0, 2000).await.unwrap();
    let at_venue: Vec<Uuid> = store.venue_intros(venue, 0, 10).await.unwrap().iter().map(|i| i.id).collect();
    assert_eq!(at_venue, vec![ids[2], ids[1], ids[0]], "newest first");
    let recent: Vec<Uuid> = store.venue_intros(venue, 1001, 1).await.unwrap().iter().map(|i| i.id).collect();
    assert_eq!(recent, vec![ids[2]]);
    let of_first = store.intros_of(users[0], Page::default()).await.unwrap();
    assert_eq!(of_first.total, 3);
    assert_eq!((of_first.items[1].id, of_first.items[2].id), (ids[1], ids[0]));
    let page = store.intros_of(users[2], Page::new(2, 1)).await.unwrap();
    assert_eq!((page.items.iter().map(|i| i.id).collect::<Vec<_>>(), page.total), (vec![ids[1]], 2));
    db.database.close().await;
}

pub async fn one_round_of_suggestions_is_listed_best_first_on_every_page(backend: &dyn Backend) {
    let (db, venue, users) = setting(backend).await;
    let store = &*db.store;
    // Equal scores keep the order in which they were suggested.
    let batch = [(1, 0.7), (2, 0.9), (3, 0.7)].map(|(u, score)| intro(Some(venue), users[0], users[u], score, "r"));
    store.suggest_intros(batch.to_vec(), 0, 1000).await.unwrap();
    let other = |i: &thirdspace_store::Intro| if i.person_a == users[0] { i.person_b } else { i.person_a };
    let mut listed = Vec::new();
    for page in 1..=3 {
        listed.extend(store.intros_of(users[0], Page::new(page, 1)).await.unwrap().items.iter().map(other));
    }
    assert_eq!(listed, vec![users[2], users[1], users[3]]);
    let at_venue: Vec<Uuid> = store.venue_intros(venue, 0, 10).await.unwrap().iter().map(other).collect();
    assert_eq!(at_venue, listed);
    db.database.close().await;
}
