//! What a venue's exports read: its bookings, exchanges and outcomes within a span, by the page.

use thirdspace_domain::exchange::{ExchangeDraft, ExchangeInput, Role};
use thirdspace_domain::outcome::{Category, OutcomeDraft, OutcomeInput, Sharing};
use thirdspace_store::Page;
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

fn exchange(proposer: Uuid, with: Uuid, venue: Option<Uuid>) -> ExchangeDraft {
    let input = ExchangeInput {
        with,
        role: Role::Gave,
        tags: vec!["vat".into()],
        text: "Walked through VAT".into(),
        venue_id: venue,
        source: None,
        source_id: None,
    };
    ExchangeDraft::parse(proposer, input).expect("a valid exchange")
}

fn outcome(owner: Uuid, venue: Option<Uuid>, sharing: Sharing) -> OutcomeDraft {
    let input = OutcomeInput {
        category: Category::Client,
        note: None,
        with: None,
        venue_id: venue,
        exchanges: vec![],
        intros: vec![],
        value_cents: None,
        currency: None,
        hours: None,
        sharing,
    };
    OutcomeDraft::parse(owner, input).expect("a valid outcome")
}

pub async fn a_venue_s_bookings_exchanges_and_outcomes_are_read_within_a_span_by_the_page(backend: &dyn Backend) {
    let venue = Venue::with(backend, 3, 3).await;
    let store = venue.store();
    let (ana, bo) = (venue.users[0], venue.users[1]);
    let elsewhere = create_venue(store, ana, base() - DAY).await;
    let now = at(7, 0);
    let early = store.book(venue.booking(0, (at(9, 0), at(10, 0)), now)).await.unwrap();
    let late = store.book(venue.booking(1, (at(11, 0), at(12, 0)), now)).await.unwrap();
    let outside = store.book(venue.booking(2, (at(14, 0), at(15, 0)), now)).await.unwrap();
    let span = (at(9, 0), at(14, 0));

    let first = store.venue_bookings(venue.venue, span, Page::new(1, 1)).await.unwrap();
    assert_eq!(first.total, 2, "the span's end is left out");
    assert_eq!(first.items.iter().map(|b| b.booking.id).collect::<Vec<_>>(), [early.id], "earliest first");
    assert!(!first.items[0].display_name.is_empty());
    let second = store.venue_bookings(venue.venue, span, Page::new(2, 1)).await.unwrap();
    assert_eq!(second.items.iter().map(|b| b.booking.id).collect::<Vec<_>>(), [late.id]);
    let all = store.venue_bookings(venue.venue, (at(0, 0), at(23, 0)), Page::new(1, 10)).await.unwrap();
    assert_eq!(all.items.last().map(|b| b.booking.id), Some(outside.id));
    assert_eq!(store.venue_bookings(elsewhere, span, Page::new(1, 10)).await.unwrap().total, 0);

    let here = store.propose_exchange(&exchange(ana, bo, Some(venue.venue)), at(10, 0)).await.unwrap();
    store.propose_exchange(&exchange(bo, ana, Some(elsewhere)), at(10, 0)).await.unwrap();
    store.propose_exchange(&exchange(bo, ana, None), at(10, 0)).await.unwrap();
    store.propose_exchange(&exchange(bo, ana, Some(venue.venue)), at(14, 0)).await.unwrap();
    let exchanges = store.venue_exchanges(venue.venue, span, Page::new(1, 10)).await.unwrap();
    assert_eq!(exchanges.items.iter().map(|e| e.id).collect::<Vec<_>>(), [here.id]);

    let shared = store.record_outcome(&outcome(ana, Some(venue.venue), Sharing::Venue), at(10, 0)).await.unwrap();
    let private = store.record_outcome(&outcome(bo, Some(venue.venue), Sharing::Private), at(11, 0)).await.unwrap();
    store.record_outcome(&outcome(bo, Some(elsewhere), Sharing::Public), at(11, 0)).await.unwrap();
    let outcomes = store.venue_outcomes(venue.venue, span, Page::new(1, 10)).await.unwrap();
    assert_eq!(
        outcomes.items.iter().map(|o| o.id).collect::<Vec<_>>(),
        [shared.id, private.id],
        "every sharing: the application keeps what its reader may see"
    );
    venue.close().await;
}
