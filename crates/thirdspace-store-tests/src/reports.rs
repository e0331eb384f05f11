//! The facts a venue's report counts, read within its range and only for that venue.

use thirdspace_domain::exchange::{Answer, ExchangeDraft, ExchangeInput, Role};
use thirdspace_domain::outcome::{Category, OutcomeDraft, OutcomeInput, Sharing};
use thirdspace_domain::space::SpaceKind;
use thirdspace_store::{ExchangeFact, IntroStep, NewIntro, NewQuestion};

use crate::fixtures::*;
use crate::Backend;

pub async fn a_venue_s_facts_are_read_within_its_range_and_for_it_alone(backend: &dyn Backend) {
    let venue = Venue::with(backend, 3, 3).await;
    let store = venue.store();
    let (ana, bo, cy) = (venue.users[0], venue.users[1], venue.users[2]);
    let other = create_venue(store, cy, at(0, 0) - DAY).await;
    create_space(store, other, SpaceKind::OpenSeating, 3, 3, at(0, 0) - DAY).await;

    store.check_in(venue.check_in(0, at(9, 0), Some(walk_in_plan(at(9, 0))))).await.unwrap();
    store.book(venue.booking(1, (at(14, 0), at(15, 0)), at(9, 0))).await.unwrap();
    store.check_in(venue.check_in(2, at(9, 0) + DAY, Some(walk_in_plan(at(9, 0) + DAY)))).await.unwrap();
    let exchange = |venue_id| {
        let input = ExchangeInput {
            with: bo,
            role: Role::Gave,
            tags: vec!["vat".into()],
            text: "VAT".into(),
            venue_id,
            source: None,
            source_id: None,
        };
        ExchangeDraft::parse(ana, input).unwrap()
    };
    for v in [Some(venue.venue), Some(other)] {
        let e = store.propose_exchange(&exchange(v), at(10, 0)).await.unwrap();
        store.answer_exchange(e.id, bo, Answer::Confirm, at(10, 30)).await.unwrap();
    }
    store.propose_exchange(&exchange(Some(venue.venue)), at(10, 0)).await.unwrap();
    let intro = NewIntro { venue: Some(venue.venue), a: ana.min(bo), b: ana.max(bo), score: 0.5, reason: "{}".into() };
    let made = store.suggest_intros(vec![intro], at(8, 0), at(11, 0)).await.unwrap().remove(0);
    for who in [ana, bo] {
        store.step_intro(made.id, who, IntroStep::Accept, at(11, 1)).await.unwrap();
    }
    store.step_intro(made.id, ana, IntroStep::Met, at(11, 2)).await.unwrap();
    let ask = NewQuestion { venue: venue.venue, asker: ana, text: "Who?".into(), tags: Vec::new(), now: at(12, 0) };
    let question = store.post_question(ask).await.unwrap();
    store.mark_answered(question.id, at(12, 5)).await.unwrap();
    for sharing in [Sharing::Venue, Sharing::Private] {
        let input = OutcomeInput {
            category: Category::Skill,
            note: None,
            with: None,
            venue_id: Some(venue.venue),
            exchanges: Vec::new(),
            intros: Vec::new(),
            value_cents: None,
            currency: None,
            hours: None,
            sharing,
        };
        store.record_outcome(&OutcomeDraft::parse(ana, input).unwrap(), at(13, 0)).await.unwrap();
    }

    let day = (date_of(at(0, 0)), date_of(at(0, 0)));
    let facts = store.venue_facts(venue.venue, day, at(0, 0), at(0, 0) + DAY).await.unwrap();
    assert_eq!(facts.visits.len(), 1, "the check-in of the day; not the booking nobody came to, nor tomorrow's");
    assert_eq!((facts.visits[0].user, facts.visits[0].checked_in_at), (ana, Some(at(9, 0))));
    let confirmed = ExchangeFact { at: at(10, 30), tags: vec!["vat".to_owned()], giver: ana, receiver: bo };
    assert_eq!(facts.exchanges, [confirmed], "confirmed here only");
    assert!(!facts.visits[0].resident);
    assert_eq!(facts.intros.len(), 1);
    assert!(facts.intros[0].accepted && facts.intros[0].met && !facts.intros[0].useful);
    assert_eq!(facts.questions, [(at(12, 0), Some(at(12, 5)))]);
    assert_eq!(facts.outcomes, [(at(13, 0), Category::Skill)], "a private outcome is not the venue's");
    let tomorrow = (date_of(at(0, 0) + DAY), date_of(at(0, 0) + DAY));
    let next = store.venue_facts(venue.venue, tomorrow, at(0, 0) + DAY, at(0, 0) + 2 * DAY).await.unwrap();
    assert_eq!((next.visits.len(), next.exchanges.len(), next.outcomes.len()), (1, 0, 0));
    let elsewhere = store.venue_facts(other, day, at(0, 0), at(0, 0) + DAY).await.unwrap();
    assert_eq!((elsewhere.visits.len(), elsewhere.exchanges.len()), (0, 1));
    venue.close().await;
}
