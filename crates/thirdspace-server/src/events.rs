//! Live events of a venue: who arrived or left, a profile, a question or an introduction that
//! changed. Published by the handlers, fanned out to every open stream (Server-Sent Events), and
//! kept for a while so that a stream that reconnects catches up on what it missed.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use tokio::sync::broadcast;
use utoipa::ToSchema;
use uuid::Uuid;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
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
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Presence => "presence",
            Self::Profile => "profile",
            Self::Question => "question",
            Self::Intro => "intro",
        }
    }
}

/// One event; ids grow by one across all venues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct VenueEvent {
    pub id: u64,
    pub venue_id: Uuid,
    pub kind: EventKind,
    /// When, in UTC seconds since the epoch.
    pub at: i64,
}

/// How many recent events are kept for catching up.
const KEPT: usize = 4096;

/// The event bus of one server.
pub struct Events {
    tx: broadcast::Sender<VenueEvent>,
    next: AtomicU64,
    recent: Mutex<VecDeque<VenueEvent>>,
}

impl Default for Events {
    fn default() -> Self {
        Self::new()
    }
}

impl Events {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(KEPT);
        Self { tx, next: AtomicU64::new(1), recent: Mutex::new(VecDeque::with_capacity(KEPT)) }
    }

    /// Tells every stream of `venue` that something changed.
    pub fn publish(&self, venue: Uuid, kind: EventKind, at: i64) {
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let event = VenueEvent { id: self.next.fetch_add(1, Ordering::SeqCst), venue_id: venue, kind, at };
        if recent.len() == KEPT {
            recent.pop_front();
        }
        recent.push_back(event.clone());
        // No stream open is not an error.
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<VenueEvent> {
        self.tx.subscribe()
    }

    /// The events of `venue` after `last_id`, or `None` when some of them are no longer kept
    /// (the stream must then reload everything).
    pub fn since(&self, venue: Uuid, last_id: u64) -> Option<Vec<VenueEvent>> {
        let recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let oldest = recent.front().map_or(self.next.load(Ordering::SeqCst), |e| e.id);
        if last_id + 1 < oldest {
            return None;
        }
        Some(recent.iter().filter(|e| e.id > last_id && e.venue_id == venue).cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reconnecting_stream_gets_exactly_what_it_missed_at_its_venue() {
        let events = Events::new();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        events.publish(a, EventKind::Presence, 1);
        events.publish(b, EventKind::Presence, 2);
        events.publish(a, EventKind::Question, 3);
        let missed = events.since(a, 1).unwrap();
        assert_eq!(missed.iter().map(|e| e.id).collect::<Vec<_>>(), vec![3]);
        assert_eq!(events.since(a, 3).unwrap(), vec![]);
    }

    #[test]
    fn a_stream_too_far_behind_is_told_to_reload() {
        let events = Events::new();
        let venue = Uuid::new_v4();
        for i in 0..(KEPT as i64 + 10) {
            events.publish(venue, EventKind::Presence, i);
        }
        assert!(events.since(venue, 1).is_none());
        assert!(events.since(venue, 20).is_some());
    }
}
