//! Live events of a venue: who arrived or left, a profile, a question or an introduction that
//! changed. Published by the handlers on an [`EventBus`], fanned out to every open stream
//! (Server-Sent Events) of every instance, and kept for a while so that a stream that reconnects
//! catches up on what it missed. [`LocalBus`] is the bus of one process; a backend shared by
//! several instances provides one that carries events between them.
//!
//! Event ids start at the server's start time in microseconds, so they keep growing across a
//! restart: a screen that reconnects to a new server with an id from the old one is told to reload
//! rather than waiting for ids the new server will never send.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use async_trait::async_trait;
use serde::Serialize;
use tokio::sync::{broadcast, watch};
use utoipa::ToSchema;
use uuid::Uuid;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Someone checked in or out.
    Presence,
    /// Someone present changed their profile.
    Profile,
    /// A question was asked or answered.
    Question,
    /// Introductions were suggested or answered.
    Intro,
    /// A seat was booked or a booking cancelled.
    Booking,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Presence => "presence",
            Self::Profile => "profile",
            Self::Question => "question",
            Self::Intro => "intro",
            Self::Booking => "booking",
        }
    }
}

/// One event; ids grow across all venues, and across restarts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct VenueEvent {
    pub id: u64,
    pub venue_id: Uuid,
    pub kind: EventKind,
    /// When, in UTC seconds since the epoch.
    pub at: i64,
}

/// How many recent events are kept for catching up.
const KEPT: usize = 4096;

/// Completes when the server is stopping.
pub type Closed = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Where handlers publish events and live streams follow them.
#[async_trait]
pub trait EventBus: Send + Sync {
    /// Tells every open stream of `venue`, on every instance, that something changed. A failure
    /// to pass it on is logged, not returned: the change itself is already stored.
    async fn publish(&self, venue: Uuid, kind: EventKind, at: i64);
    /// Every event from now on, of every venue.
    fn subscribe(&self) -> broadcast::Receiver<VenueEvent>;
    /// The events of `venue` after `last_id`, or `None` when some of them are no longer kept or
    /// the id is not one of this bus's (the stream must then reload everything).
    fn since(&self, venue: Uuid, last_id: u64) -> Option<Vec<VenueEvent>>;
    /// The id of the latest event seen (or just below the first one to come).
    fn last_id(&self) -> u64;
    /// Ends every open stream, so that the server can stop (a stream never ends by itself).
    fn close(&self);
    /// Completes when the server is stopping.
    fn closed(&self) -> Closed;
}

/// The event bus of one process.
pub struct LocalBus {
    tx: broadcast::Sender<VenueEvent>,
    next: AtomicU64,
    recent: Mutex<VecDeque<VenueEvent>>,
    closing: watch::Sender<bool>,
}

impl Default for LocalBus {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalBus {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(KEPT);
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX / 2));
        Self {
            tx,
            next: AtomicU64::new(started.max(1)),
            recent: Mutex::new(VecDeque::with_capacity(KEPT)),
            closing: watch::Sender::new(false),
        }
    }

    /// A bus whose ids start at `first` (a shared bus continues its database's sequence).
    pub fn starting_at(first: u64) -> Self {
        let bus = Self::new();
        bus.next.store(first.max(1), Ordering::SeqCst);
        bus
    }

    /// The next id this process would give an event.
    pub fn next_id(&self) -> u64 {
        self.next.fetch_add(1, Ordering::SeqCst)
    }

    /// Passes on an event that already has its id (from this process or, through a shared bus,
    /// from another instance) to this process's streams, and keeps it for catching up.
    pub fn deliver(&self, event: VenueEvent) {
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.next.fetch_max(event.id + 1, Ordering::SeqCst);
        if recent.len() == KEPT {
            recent.pop_front();
        }
        // Events from several instances may arrive a little out of order: keep them sorted.
        let at = recent.iter().rposition(|e| e.id < event.id).map_or(0, |i| i + 1);
        recent.insert(at, event.clone());
        // No stream open is not an error.
        let _ = self.tx.send(event);
    }
}

#[async_trait]
impl EventBus for LocalBus {
    async fn publish(&self, venue: Uuid, kind: EventKind, at: i64) {
        let event = VenueEvent { id: self.next_id(), venue_id: venue, kind, at };
        self.deliver(event);
    }

    fn subscribe(&self) -> broadcast::Receiver<VenueEvent> {
        self.tx.subscribe()
    }

    fn since(&self, venue: Uuid, last_id: u64) -> Option<Vec<VenueEvent>> {
        let recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let next = self.next.load(Ordering::SeqCst);
        let oldest = recent.front().map_or(next, |e| e.id);
        if last_id.saturating_add(1) < oldest || last_id >= next {
            return None;
        }
        Some(recent.iter().filter(|e| e.id > last_id && e.venue_id == venue).cloned().collect())
    }

    fn last_id(&self) -> u64 {
        self.next.load(Ordering::SeqCst).saturating_sub(1)
    }

    fn close(&self) {
        self.closing.send_replace(true);
    }

    fn closed(&self) -> Closed {
        let mut closing = self.closing.subscribe();
        Box::pin(async move {
            // An error means the bus itself is gone, which also ends the stream.
            let _ = closing.wait_for(|closed| *closed).await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_reconnecting_stream_gets_exactly_what_it_missed_at_its_venue() {
        let events = LocalBus::new();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        events.publish(a, EventKind::Presence, 1).await;
        events.publish(b, EventKind::Presence, 2).await;
        events.publish(a, EventKind::Question, 3).await;
        let first = events.recent.lock().unwrap()[0].id;
        let missed = events.since(a, first).unwrap();
        assert_eq!(missed.iter().map(|e| (e.id, e.at)).collect::<Vec<_>>(), vec![(first + 2, 3)]);
        assert_eq!(events.since(a, first + 2).unwrap(), vec![]);
    }

    #[tokio::test]
    async fn ids_from_an_earlier_run_or_another_server_mean_reload() {
        let before = LocalBus::new();
        let venue = Uuid::new_v4();
        before.publish(venue, EventKind::Presence, 1).await;
        let old_id = before.recent.lock().unwrap()[0].id;
        std::thread::sleep(std::time::Duration::from_millis(2));
        let restarted = LocalBus::new();
        restarted.publish(venue, EventKind::Presence, 2).await;
        assert!(restarted.recent.lock().unwrap()[0].id > old_id, "ids keep growing across a restart");
        assert!(restarted.since(venue, old_id).is_none());
        assert!(before.since(venue, old_id + 1_000_000).is_none(), "an id from the future is not ours");
    }

    #[tokio::test]
    async fn events_from_other_instances_are_kept_in_order_and_move_the_last_id() {
        let bus = LocalBus::new();
        let venue = Uuid::new_v4();
        let base = bus.last_id();
        for id in [base + 3, base + 1, base + 2] {
            bus.deliver(VenueEvent { id, venue_id: venue, kind: EventKind::Presence, at: 0 });
        }
        let kept: Vec<u64> = bus.since(venue, base).unwrap().iter().map(|e| e.id).collect();
        assert_eq!(kept, vec![base + 1, base + 2, base + 3]);
        assert_eq!(bus.last_id(), base + 3);
    }

    #[tokio::test]
    async fn closing_ends_every_stream() {
        let events = LocalBus::new();
        let closed = events.closed();
        events.close();
        tokio::time::timeout(std::time::Duration::from_secs(1), closed).await.expect("closed");
    }

    #[tokio::test]
    async fn a_stream_too_far_behind_is_told_to_reload() {
        let events = LocalBus::new();
        let venue = Uuid::new_v4();
        for i in 0..(KEPT as i64 + 10) {
            events.publish(venue, EventKind::Presence, i).await;
        }
        let first = events.recent.lock().unwrap()[0].id;
        assert!(events.since(venue, first - 5).is_none());
        assert!(events.since(venue, first + 20).is_some());
    }
}
