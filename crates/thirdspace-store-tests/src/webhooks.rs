//! Webhooks: each outbox event fanned out once to the endpoints that want it, whichever store
//! gets there first; deliveries claimed by one store at a time, in order per endpoint, claimed
//! again once a stopped store's hold lapses; secrets rotated without ever leaving none.

use std::collections::HashSet;

use serde_json::json;
use thirdspace_store::outbox::{EventType, NewEvent};
use thirdspace_store::webhooks::{DeliveryAttempt, DeliveryDone, DeliveryStatus, EndpointChange, NewEndpoint};
use thirdspace_store::{Conflict, Page, Store, StoreError, WebhookConflict};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async fn record(store: &dyn Store, kind: EventType, venue: Option<Uuid>, now: i64) {
    let mut work = store.begin().await.unwrap();
    let event = NewEvent { kind, venue, subject: Uuid::now_v7(), data: json!({}), occurred_at: now };
    let done = work.record(&event).await;
    work.end(done).await.unwrap();
}

async fn endpoint(store: &dyn Store, venue: Option<Uuid>, owner: Uuid, events: &[&str]) -> Uuid {
    let new = NewEndpoint {
        venue_id: venue,
        url: "https://hooks.example.org/in".to_owned(),
        events: events.iter().map(|e| e.to_string()).collect(),
        created_by: owner,
        secret: SECRET.to_owned(),
        now: 100,
    };
    let mut work = store.begin().await.unwrap();
    let made = work.create_endpoint(&new).await;
    work.end(made).await.unwrap().0.id
}

/// Fans out everything written since the cursor; how many deliveries it made.
async fn fan_out(store: &dyn Store, now: i64) -> u64 {
    let from = store.webhook_cursor().await.unwrap();
    let events = store.events_after(from, 1000).await.unwrap();
    let to = events.last().map_or(from, |e| e.id);
    store.fan_out(from, to, &events, now).await.unwrap().expect("the cursor stood where it was read")
}

async fn finish(store: &dyn Store, delivery: Uuid, attempt: u32, code: Option<u16>, done: DeliveryDone, at: i64) {
    let tried = DeliveryAttempt { delivery_id: delivery, attempt, at, code, error: None, duration_ms: 3 };
    let mut work = store.begin().await.unwrap();
    let finished = work.finish_delivery(&tried, done).await;
    work.end(finished).await.unwrap();
}

pub async fn events_fan_out_once_to_the_endpoints_that_want_them(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let owner = create_user(store, "owner@example.org", "Owner", 100).await.id;
    let (here, there) = (create_venue(store, owner, 100).await, create_venue(store, owner, 100).await);
    record(store, EventType::BookingMade, Some(here), 100).await;
    let start = store.webhook_cursor().await.unwrap();
    assert_eq!(start, store.last_event_id().await.unwrap(), "the cursor starts at the outbox's end");
    assert_eq!(store.webhook_cursor().await.unwrap(), start, "and stays there");

    let every = endpoint(store, Some(here), owner, &[]).await;
    let cancels = endpoint(store, Some(here), owner, &["booking.cancelled"]).await;
    let network = endpoint(store, None, owner, &[]).await;
    let elsewhere = endpoint(store, Some(there), owner, &[]).await;
    let off = endpoint(store, Some(here), owner, &[]).await;
    let change = EndpointChange { enabled: Some(false), ..EndpointChange::default() };
    let mut work = store.begin().await.unwrap();
    let changed = work.change_endpoint(off, &change).await;
    assert!(!work.end(changed).await.unwrap().enabled);

    record(store, EventType::BookingMade, Some(here), 200).await;
    record(store, EventType::BookingCancelled, Some(here), 201).await;
    record(store, EventType::ProfileChanged, None, 202).await;
    let events = store.events_after(start, 100).await.unwrap();
    let last = events.last().unwrap().id;
    assert_eq!(store.fan_out(start + 1, last, &events, 300).await.unwrap(), None, "not where the cursor stands");
    assert_eq!(store.webhook_cursor().await.unwrap(), start, "and nothing moved");
    // every: made, cancelled; cancels: cancelled; network: all three; elsewhere and off: none.
    assert_eq!(store.fan_out(start, last, &events, 300).await.unwrap(), Some(6));
    assert_eq!(store.fan_out(start, last, &events, 300).await.unwrap(), None, "once");
    assert_eq!(store.webhook_cursor().await.unwrap(), last);

    let count = |id| async move { store.deliveries(id, Page::new(1, 100)).await.unwrap().total };
    assert_eq!((count(every).await, count(cancels).await, count(network).await), (2, 1, 3));
    assert_eq!((count(elsewhere).await, count(off).await), (0, 0));
    let listed = store.deliveries(every, Page::new(1, 100)).await.unwrap().items;
    assert_eq!(listed[0].event_type, "booking.cancelled", "newest first");
    let body: serde_json::Value = serde_json::from_str(&listed[1].body).unwrap();
    assert_eq!(
        (body["type"].as_str(), body["venue"].as_str()),
        (Some("booking.made"), Some(here.to_string().as_str()))
    );
    assert!(listed.iter().all(|d| d.status == DeliveryStatus::Pending && d.attempts == 0 && d.next_at == 300));
    db.database.close().await;
}

pub async fn deliveries_go_in_order_per_endpoint_and_again_after_a_lapsed_hold(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let owner = create_user(store, "owner@example.org", "Owner", 100).await.id;
    let venue = create_venue(store, owner, 100).await;
    store.webhook_cursor().await.unwrap();
    let (one, two) = (endpoint(store, Some(venue), owner, &[]).await, endpoint(store, None, owner, &[]).await);
    for i in 0..3 {
        record(store, EventType::BookingMade, Some(venue), 200 + i).await;
    }
    assert_eq!(fan_out(store, 300).await, 6);

    assert!(store.claim_deliveries(299, 400, 10).await.unwrap().is_empty(), "none due before 300");
    let first = store.claim_deliveries(300, 400, 10).await.unwrap();
    assert_eq!(first.len(), 2, "the oldest of each endpoint only");
    let ends: HashSet<Uuid> = first.iter().map(|d| d.endpoint_id).collect();
    assert_eq!(ends, HashSet::from([one, two]));
    assert!(first.iter().all(|d| d.attempts == 1));
    assert!(store.claim_deliveries(350, 400, 10).await.unwrap().is_empty(), "held, and the later ones wait");
    let again = store.claim_deliveries(400, 500, 10).await.unwrap();
    assert_eq!(again.iter().map(|d| d.id).collect::<HashSet<_>>(), first.iter().map(|d| d.id).collect());
    assert!(again.iter().all(|d| d.attempts == 2), "a lapsed hold (its store stopped) is claimed again");

    let (a, b) = (&again[0], &again[1]);
    finish(store, a.id, 2, Some(200), DeliveryDone::Delivered, 450).await;
    finish(store, b.id, 2, Some(503), DeliveryDone::Retry(900), 450).await;
    let next = store.claim_deliveries(500, 600, 10).await.unwrap();
    assert_eq!(next.len(), 1, "the delivered one's endpoint moves on; the other waits for its retry");
    assert_eq!((next[0].endpoint_id, next[0].event_id), (a.endpoint_id, a.event_id + 1));
    let failing = store.endpoint(b.endpoint_id).await.unwrap().unwrap();
    assert_eq!(failing.failing_since, Some(450));
    let tries = store.delivery_attempts(b.id).await.unwrap();
    assert_eq!(tries.iter().map(|t| (t.attempt, t.code)).collect::<Vec<_>>(), vec![(2, Some(503))]);
    let stored = store.delivery(b.id).await.unwrap().unwrap();
    assert_eq!((stored.status, stored.next_at, stored.last_code), (DeliveryStatus::Pending, 900, Some(503)));

    finish(store, next[0].id, 1, Some(410), DeliveryDone::Gone, 550).await;
    let gone = store.endpoint(a.endpoint_id).await.unwrap().unwrap();
    assert!(!gone.enabled && gone.disabled_reason.as_deref() == Some("gone"));
    assert!(store.claim_deliveries(800, 900, 10).await.unwrap().is_empty(), "a disabled endpoint gets nothing");
    let retried = store.claim_deliveries(900, 1000, 10).await.unwrap();
    assert_eq!(retried.iter().map(|d| d.id).collect::<Vec<_>>(), vec![b.id]);
    finish(store, b.id, 3, None, DeliveryDone::GaveUp, 950).await;
    let given_up = store.delivery(b.id).await.unwrap().unwrap();
    assert_eq!((given_up.status, given_up.done_at), (DeliveryStatus::Failed, Some(950)));

    let mut work = store.begin().await.unwrap();
    let sent = work.send_again(a.id, 1000).await;
    let sent = work.end(sent).await.unwrap();
    assert_eq!((sent.status, sent.next_at, sent.done_at), (DeliveryStatus::Pending, 1000, None));
    let mut work = store.begin().await.unwrap();
    let enabled =
        work.change_endpoint(a.endpoint_id, &EndpointChange { enabled: Some(true), ..Default::default() }).await;
    let enabled = work.end(enabled).await.unwrap();
    assert!(enabled.enabled && enabled.failing_since.is_none() && enabled.disabled_reason.is_none());
    let resent = store.claim_deliveries(1000, 1100, 10).await.unwrap();
    assert_eq!(resent.len(), 2, "the one sent again first on its endpoint, the next of the other");
    assert!(resent.iter().any(|d| d.id == a.id));

    assert_eq!(store.forget_deliveries(950).await.unwrap(), 0, "kept until after they were done");
    assert_eq!(store.forget_deliveries(951).await.unwrap(), 1, "the one given up at 950, none pending");
    assert!(store.delivery(b.id).await.unwrap().is_none());
    assert!(store.delivery_attempts(b.id).await.unwrap().is_empty(), "its tries go with it");
    db.database.close().await;
}

pub async fn two_stores_claiming_at_once_never_take_the_same_delivery(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let owner = create_user(&*db.store, "owner@example.org", "Owner", 100).await.id;
    db.store.webhook_cursor().await.unwrap();
    let mut endpoints = Vec::new();
    for _ in 0..12 {
        endpoints.push(endpoint(&*db.store, None, owner, &[]).await);
    }
    for i in 0..5 {
        record(&*db.store, EventType::ProfileChanged, None, 200 + i).await;
    }
    assert_eq!(fan_out(&*db.store, 300).await, 60);
    let (one, two) = (db.database.open().await, db.database.open().await);
    let work = |store: std::sync::Arc<dyn Store>| async move {
        let mut taken = Vec::new();
        loop {
            let claimed = store.claim_deliveries(300, 10_000, 4).await.unwrap();
            if claimed.is_empty() {
                break taken;
            }
            for d in claimed {
                finish(&*store, d.id, 1, Some(200), DeliveryDone::Delivered, 301).await;
                taken.push((d.endpoint_id, d.event_id, d.id));
            }
        }
    };
    let (a, b) = tokio::join!(work(one), work(two));
    let all: HashSet<Uuid> = a.iter().chain(&b).map(|t| t.2).collect();
    assert_eq!((a.len() + b.len(), all.len()), (60, 60), "each delivered once");
    for taken in [&a, &b] {
        for e in &endpoints {
            let order: Vec<u64> = taken.iter().filter(|t| t.0 == *e).map(|t| t.1).collect();
            assert!(order.windows(2).all(|w| w[0] < w[1]), "in order per endpoint: {order:?}");
        }
    }
    db.database.close().await;
}

pub async fn two_stores_fanning_out_at_once_make_each_delivery_once(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let owner = create_user(&*db.store, "owner@example.org", "Owner", 100).await.id;
    db.store.webhook_cursor().await.unwrap();
    endpoint(&*db.store, None, owner, &[]).await;
    for i in 0..20 {
        record(&*db.store, EventType::ProfileChanged, None, 200 + i).await;
    }
    let (one, two) = (db.database.open().await, db.database.open().await);
    let run = |store: std::sync::Arc<dyn Store>| async move {
        let mut made = 0;
        loop {
            let from = store.webhook_cursor().await.unwrap();
            let events = store.events_after(from, 3).await.unwrap();
            let Some(last) = events.last() else { break made };
            made += store.fan_out(from, last.id, &events, 300).await.unwrap().unwrap_or(0);
        }
    };
    let (a, b) = tokio::join!(run(one), run(two));
    assert_eq!(a + b, 20);
    db.database.close().await;
}

pub async fn secrets_rotate_and_an_endpoint_keeps_one(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let owner = create_user(store, "owner@example.org", "Owner", 100).await.id;
    let id = endpoint(store, None, owner, &[]).await;
    let first = store.endpoint_secrets(id).await.unwrap();
    assert_eq!(first.len(), 1);
    let mut work = store.begin().await.unwrap();
    let removed = work.remove_secret(id, first[0].id, 200).await;
    assert!(
        matches!(removed, Err(StoreError::Conflict(Conflict::Webhook(WebhookConflict::LastSecret)))),
        "{removed:?}"
    );
    work.rollback().await;

    let mut work = store.begin().await.unwrap();
    let added = work.add_secret(id, "whsec_second", Some(500), 200).await;
    let added = work.end(added).await.unwrap();
    let both = store.endpoint_secrets(id).await.unwrap();
    assert_eq!(
        both.iter().map(|s| (s.id, s.expires_at)).collect::<Vec<_>>(),
        vec![(first[0].id, Some(500)), (added.id, None)]
    );

    let mut work = store.begin().await.unwrap();
    let removed = work.remove_secret(id, added.id, 600).await;
    assert!(
        matches!(removed, Err(StoreError::Conflict(Conflict::Webhook(WebhookConflict::LastSecret)))),
        "the other expired"
    );
    work.rollback().await;
    let mut work = store.begin().await.unwrap();
    let removed = work.remove_secret(id, first[0].id, 300).await;
    work.end(removed).await.unwrap();
    for _ in 0..4 {
        let mut work = store.begin().await.unwrap();
        let added = work.add_secret(id, "whsec_more", None, 300).await;
        work.end(added).await.unwrap();
    }
    let mut work = store.begin().await.unwrap();
    let sixth = work.add_secret(id, "whsec_sixth", None, 300).await;
    assert!(matches!(sixth, Err(StoreError::Conflict(Conflict::Webhook(WebhookConflict::TooManySecrets)))));
    work.rollback().await;

    let mut work = store.begin().await.unwrap();
    let deleted = work.delete_endpoint(id).await;
    work.end(deleted).await.unwrap();
    assert!(store.endpoint(id).await.unwrap().is_none());
    assert!(store.endpoint_secrets(id).await.unwrap().is_empty(), "its secrets go with it");
    db.database.close().await;
}
