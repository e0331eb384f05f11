//! The facts a venue's report counts, read within its range and only for that venue, and the
//! network's daily counts, kept by the database as what they count changes.

use thirdspace_domain::exchange::{Answer, ExchangeDraft, ExchangeInput, Role};
use thirdspace_domain::outcome::{Category, OutcomeDraft, OutcomeInput, Sharing};
use thirdspace_domain::profile::{ProfileDraft, Visibility};
use thirdspace_domain::space::SpaceKind;
use thirdspace_store::{ExchangeFact, IntroStep, NewIntro, NewQuestion, Scope};

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

/// The counts the database keeps by day (migration 0016) against what happened: visits in any
/// order, check-outs, exchanges, introductions, questions and outcomes, then rows deleted behind
/// the store's back, each followed.
pub async fn the_network_s_daily_counts_follow_every_change_to_what_they_count(backend: &dyn Backend) {
    let venue = Venue::with(backend, 5, 4).await;
    let store = venue.store();
    let (ana, bo, cy) = (venue.users[0], venue.users[1], venue.users[2]);
    let day0 = (at(0, 0) / DAY, at(0, 0) / DAY + 1);
    let days = |from: i64, to: i64| (day0.0 + from, day0.0 + to);
    let visit = |user: usize, day: i64| {
        let now = at(9, 0) + day * DAY;
        store.check_in(venue.check_in(user, now, Some(walk_in_plan(now))))
    };
    let mut ana_visits = Vec::new();
    // Ana comes on days 0 and 2 until 11:00, and her day 1 is recorded after them.
    for day in [0, 2, 1] {
        ana_visits.push(visit(0, day).await.unwrap().booking.id);
        if day != 1 {
            store.check_out(venue.venue, ana, at(11, 0) + day * DAY).await.unwrap();
        }
    }
    visit(2, 1).await.unwrap();
    visit(3, 2).await.unwrap();
    store.book(venue.booking(1, (at(14, 0), at(15, 0)), at(9, 0))).await.unwrap();

    let spans = [days(0, 1), days(1, 2), days(2, 3), days(1, 3), days(0, 3)];
    let visitors = store.visitors(Scope::Network, &spans).await.unwrap();
    assert_eq!(visitors, [1, 2, 2, 3, 3], "each person once a span, whatever order their visits were recorded in");
    let hers = store.visitors(Scope::Member(ana), &[days(0, 1), days(1, 2), days(0, 3), days(3, 9)]).await.unwrap();
    assert_eq!(hers, [1, 1, 1, 0], "a member is the one visitor of each span she came in");
    let totals = store.day_totals(Scope::Network, days(0, 3)).await.unwrap();
    let visits: Vec<(u32, i64)> = (0..3).map(|d| (totals.days[&d].visits, totals.days[&d].seat_seconds)).collect();
    // A walk-in at 9:00 holds its seat until midnight unless checked out.
    assert_eq!(visits, [(1, 2 * 3600), (2, 2 * 15 * 3600), (2, 17 * 3600)], "the booking nobody came to is no visit");
    assert_eq!(
        store.day_totals(Scope::Network, days(1, 3)).await.unwrap().days[&0].visits,
        2,
        "day 1 is the range's first"
    );

    // Ana's visit of day 1 disappears: her day 2 now follows her day 0.
    venue.db.database.delete("bookings", ana_visits[2]).await;
    let visitors = store.visitors(Scope::Network, &spans).await.unwrap();
    assert_eq!(visitors, [1, 1, 2, 3, 3], "Ana still came over days 1 and 2, on day 2");
    assert_eq!(store.day_totals(Scope::Network, days(1, 2)).await.unwrap().days[&0].visits, 1);

    // Ana in finance and Bo in design meet; Ana's field changes afterwards.
    let profile = |field: &str| ProfileDraft {
        display_name: "Someone".to_owned(),
        headline: None,
        bio: None,
        offers: Vec::new(),
        seeking: Vec::new(),
        seeking_text: None,
        interests: Vec::new(),
        field: Some(field.to_owned()),
        links: Vec::new(),
        visibility: Visibility::Public,
        open_to_meet: true,
        record_visibility: Visibility::Hidden,
    };
    store.put_profile(ana, &profile("finance"), at(7, 0)).await.unwrap();
    store.put_profile(bo, &profile("design"), at(7, 0)).await.unwrap();
    let intro = NewIntro { venue: Some(venue.venue), a: ana.min(bo), b: ana.max(bo), score: 0.5, reason: "{}".into() };
    let made = store.suggest_intros(vec![intro], at(8, 0), at(11, 0)).await.unwrap().remove(0);
    let other = NewIntro { venue: Some(venue.venue), a: ana.min(cy), b: ana.max(cy), score: 0.5, reason: "{}".into() };
    store.suggest_intros(vec![other], at(8, 0), at(11, 0)).await.unwrap();
    for who in [ana, bo] {
        store.step_intro(made.id, who, IntroStep::Accept, at(11, 1)).await.unwrap();
    }
    store.step_intro(made.id, ana, IntroStep::Met, at(11, 2)).await.unwrap();
    store.step_intro(made.id, bo, IntroStep::Feedback { useful: true }, at(11, 3)).await.unwrap();
    store.put_profile(ana, &profile("law"), at(12, 0)).await.unwrap();

    let exchange = |tags: &[&str]| {
        let input = ExchangeInput {
            with: bo,
            role: Role::Gave,
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            text: "VAT".into(),
            venue_id: None,
            source: None,
            source_id: None,
        };
        ExchangeDraft::parse(ana, input).unwrap()
    };
    let confirmed = store.propose_exchange(&exchange(&["vat", "bookkeeping"]), at(10, 0)).await.unwrap();
    store.answer_exchange(confirmed.id, bo, Answer::Confirm, at(10, 30) + DAY).await.unwrap();
    let declined = store.propose_exchange(&exchange(&["vat"]), at(10, 0)).await.unwrap();
    store.answer_exchange(declined.id, bo, Answer::Decline, at(10, 30)).await.unwrap();
    store.propose_exchange(&exchange(&["vat"]), at(10, 0)).await.unwrap();

    let ask = |now| NewQuestion { venue: venue.venue, asker: cy, text: "Who?".into(), tags: Vec::new(), now };
    let answered = store.post_question(ask(at(12, 0) + DAY)).await.unwrap();
    store.mark_answered(answered.id, at(12, 5) + 2 * DAY).await.unwrap();
    store.post_question(ask(at(13, 0) + DAY)).await.unwrap();
    for (sharing, category) in
        [(Sharing::Venue, Category::Skill), (Sharing::Public, Category::Job), (Sharing::Private, Category::Job)]
    {
        let input = OutcomeInput {
            category,
            note: None,
            with: None,
            venue_id: None,
            exchanges: Vec::new(),
            intros: Vec::new(),
            value_cents: None,
            currency: None,
            hours: None,
            sharing,
        };
        store.record_outcome(&OutcomeDraft::parse(bo, input).unwrap(), at(13, 0) + 2 * DAY).await.unwrap();
    }

    let totals = store.day_totals(Scope::Network, days(0, 3)).await.unwrap();
    let day = |d: i64| totals.days.get(&d).cloned().unwrap_or_default();
    assert_eq!(
        (day(0).exchanges, day(1).exchanges),
        (0, 1),
        "counted on the day it was confirmed, declined ones never"
    );
    assert_eq!(totals.topics, [("bookkeeping".to_owned(), 1), ("vat".to_owned(), 1)]);
    let intros = (day(0).intros_suggested, day(0).intros_accepted, day(0).intros_met, day(0).intros_useful);
    assert_eq!(intros, (2, 1, 1, 1));
    assert_eq!(totals.fields_met, 1, "finance met design, counted in the fields they were in when they met");
    assert_eq!((day(1).questions_asked, day(1).questions_answered, day(2).questions_asked), (2, 1, 0));
    assert_eq!(day(2).outcomes, 2, "a private outcome is nobody's report");
    assert_eq!(totals.outcomes, [(Category::Job, 1), (Category::Skill, 1)]);
    let member = store.day_totals(Scope::Member(ana), days(0, 3)).await.unwrap();
    assert_eq!((member.fields_met, member.days[&0].intros_suggested), (1, 2), "her own, the same way");

    // Bo goes, and with him (by the schema's cascades) the exchange, the introduction and his outcomes.
    venue.db.database.delete("users", bo).await;
    let totals = store.day_totals(Scope::Network, days(0, 3)).await.unwrap();
    let day = |d: i64| totals.days.get(&d).cloned().unwrap_or_default();
    assert_eq!((day(1).exchanges, day(0).intros_suggested, day(0).intros_met, day(2).outcomes), (0, 1, 0, 0));
    assert!(totals.topics.is_empty() && totals.outcomes.is_empty());
    assert_eq!(totals.fields_met, 0);
    // Ana goes: Cy of day 1 and Di of day 2 remain.
    venue.db.database.delete("users", ana).await;
    let visitors = store.visitors(Scope::Network, &spans).await.unwrap();
    assert_eq!(visitors, [0, 1, 1, 2, 2]);
    venue.close().await;
}
