//! Live events of a venue: who arrived or left, a profile, a question or an introduction that
//! changed. Every change writes its event to the outbox in its own transaction (see [`crate::outbox`]);
//! the server's relay reads the outbox in order and hands each event of a venue to the [`LocalBus`]
//! of its process, which fans it out to every open stream (Server-Sent Events) and keeps the latest
//! ones so that a stream that reconnects catches up on what it missed.
//!
//! Event ids are the outbox's: one order for every instance on a database, kept across restarts,
//! so a screen that reconnects to another instance or a restarted one resumes where it was.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

/// What changed, as a screen refreshes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
    /// A seat was booked, a booking cancelled or released.
    Booking,
    /// An exchange of knowledge was proposed or confirmed.
    Exchange,
    /// An outcome of coworking was recorded or confirmed.
    Outcome,
    /// A post on the community board was put up or closed.
    Board,
    /// A gathering was organised or someone's answer for it changed.
    Gathering,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Presence => "presence",
            Self::Profile => "profile",
            Self::Question => "question",
            Self::Intro => "intro",
            Self::Booking => "booking",
            Self::Exchange => "exchange",
            Self::Outcome => "outcome",
            Self::Gathering => "gathering",
            Self::Board => "board",
        }
    }
}

/// One event of a venue, as its live stream carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VenueEvent {
    /// The outbox's id: grows across all venues, instances and restarts.
    pub id: u64,
    pub venue_id: Uuid,
    pub kind: EventKind,
    /// What happened exactly, e.g. `booking.made` (see the events' documentation).
    #[serde(rename = "type")]
    pub event_type: String,
    /// When, in UTC seconds since the epoch.
    pub at: i64,
}

/// A change that may change how someone is found across the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeopleChange {
    /// The person's profile was saved.
    Profile(Uuid),
    /// An exchange was confirmed: its giver's record of helping grew.
    Exchange(Uuid),
}

/// How many recent events are kept for catching up.
pub const KEPT: usize = 4096;

/// Completes when the server is stopping.
pub type Closed = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The live events of one process: what the relay delivers, fanned out to the open streams.
pub struct LocalBus {
    tx: broadcast::Sender<VenueEvent>,
    /// What may change how people are found across the network, as its events are passed on.
    people: broadcast::Sender<PeopleChange>,
    /// One more than the latest id passed on (or known to have been written).
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
        let (people, _) = broadcast::channel(KEPT);
        Self {
            tx,
            people,
            next: AtomicU64::new(1),
            recent: Mutex::new(VecDeque::with_capacity(KEPT)),
            closing: watch::Sender::new(false),
        }
    }

    /// Passes on an event to this process's streams, and keeps it for catching up.
    pub fn deliver(&self, event: VenueEvent) {
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.next.fetch_max(event.id + 1, Ordering::SeqCst);
        if recent.len() == KEPT {
            recent.pop_front();
        }
        let at = recent.iter().rposition(|e| e.id < event.id).map_or(0, |i| i + 1);
        recent.insert(at, event.clone());
        // No stream open is not an error.
        let _ = self.tx.send(event);
    }

    /// Records that every event up to `id` has been passed on (events of no venue move it too).
    pub fn passed(&self, id: u64) {
        self.next.fetch_max(id + 1, Ordering::SeqCst);
    }

    /// Tells whoever follows the people of a change that may change how someone is found.
    pub fn people_changed(&self, change: PeopleChange) {
        // Nobody following is not an error.
        let _ = self.people.send(change);
    }

    /// What changes people from now on.
    pub fn subscribe_people(&self) -> broadcast::Receiver<PeopleChange> {
        self.people.subscribe()
    }

    /// Every event from now on, of every venue.
    pub fn subscribe(&self) -> broadcast::Receiver<VenueEvent> {
        self.tx.subscribe()
    }

    /// The events of `venue` after `last_id`, or `None` when some of them are no longer kept or
    /// the id is not one of this database's (the stream must then reload everything).
    pub fn since(&self, venue: Uuid, last_id: u64) -> Option<Vec<VenueEvent>> {
        let recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let next = self.next.load(Ordering::SeqCst);
        if last_id >= next {
            return None;
        }
        let kept_from = match recent.front() {
            Some(oldest) if recent.len() == KEPT => oldest.id,
            _ => 0,
        };
        if last_id.saturating_add(1) < kept_from {
            return None;
        }
        Some(recent.iter().filter(|e| e.id > last_id && e.venue_id == venue).cloned().collect())
    }

    /// The id of the latest event passed on (0 when none).
    pub fn last_id(&self) -> u64 {
        self.next.load(Ordering::SeqCst).saturating_sub(1)
    }

    /// Ends every open stream, so that the server can stop (a stream never ends by itself).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Completes when the server is stopping.
    pub fn closed(&self) -> Closed {
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

    fn event(id: u64, venue: Uuid) -> VenueEvent {
        VenueEvent { id, venue_id: venue, kind: EventKind::Presence, event_type: "presence.checked_in".into(), at: 0 }
    }

    #[test]
    fn a_reconnecting_stream_gets_exactly_what_it_missed_at_its_venue() {
        let events = LocalBus::new();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        events.deliver(event(1, a));
        events.deliver(event(2, b));
        events.deliver(event(3, a));
        let missed = events.since(a, 1).unwrap();
        assert_eq!(missed.iter().map(|e| e.id).collect::<Vec<_>>(), vec![3]);
        assert_eq!(events.since(a, 3).unwrap(), vec![]);
        assert_eq!(events.since(a, 0).unwrap().len(), 2, "from the start, while nothing has been dropped");
    }

    #[test]
    fn an_id_from_the_future_is_not_this_databases() {
        let bus = LocalBus::new();
        let venue = Uuid::new_v4();
        bus.deliver(event(5, venue));
        assert!(bus.since(venue, 6).is_none());
        assert!(bus.since(venue, 5).is_some());
        bus.passed(9);
        assert_eq!(bus.last_id(), 9);
        assert!(bus.since(venue, 9).is_some(), "events of no venue up to 9 were passed on");
    }

    #[test]
    fn events_arriving_out_of_order_are_kept_in_order_and_move_the_last_id() {
        let bus = LocalBus::new();
        let venue = Uuid::new_v4();
        for id in [3, 1, 2] {
            bus.deliver(event(id, venue));
        }
        let kept: Vec<u64> = bus.since(venue, 0).unwrap().iter().map(|e| e.id).collect();
        assert_eq!(kept, vec![1, 2, 3]);
        assert_eq!(bus.last_id(), 3);
    }

    #[tokio::test]
    async fn closing_ends_every_stream() {
        let events = LocalBus::new();
        let closed = events.closed();
        events.close();
        tokio::time::timeout(std::time::Duration::from_secs(1), closed).await.expect("closed");
    }

    #[test]
    fn a_stream_too_far_behind_is_told_to_reload() {
        let events = LocalBus::new();
        let venue = Uuid::new_v4();
        for id in 1..=(KEPT as u64 + 10) {
            events.deliver(event(id, venue));
        }
        assert!(events.since(venue, 5).is_none());
        assert!(events.since(venue, 10).is_some(), "the oldest kept is 11, so 10 misses nothing");
        assert!(events.since(venue, 30).is_some());
    }
}
