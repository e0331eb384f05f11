//! Who is present at each venue, read from the store once per change instead of once per
//! request. A venue's view is forgotten when an event of that venue is relayed from the outbox
//! (whichever instance made the change), at once by this instance's own check-ins, check-outs and
//! profile changes, when the first of its people's visits closes, and after [`MAX_AGE`] whatever
//! happens, so a change missed by every other path shows within that bound.
//!
//! A read that raced a change is never kept: each venue's view carries the generation it was read
//! in, and a change moves the generation on before the read's result could be stored.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use thirdspace_store::events::VenueEvent;
use thirdspace_store::{PresentPerson, Store, StoreError, StoreResult};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;
use uuid::Uuid;

use crate::app::presence::{self, Shown};

/// The longest a view is kept without a change being seen.
pub const MAX_AGE: Duration = Duration::from_secs(1);
/// Venues whose views are kept at once; past it the oldest are forgotten.
const MAX_VENUES: usize = 4096;

/// The people present at one venue, as read at one moment.
#[derive(Debug)]
pub struct Present {
    pub people: Vec<PresentPerson>,
    /// Each of `people` as shown to whoever may see them, written as JSON once.
    pub shown: Vec<Arc<Shown>>,
    /// The first instant (UTC seconds) at which one of them stops being present unless changed.
    pub until: i64,
}

struct Kept {
    present: Arc<Present>,
    read_at: Instant,
    generation: u64,
}

#[derive(Default)]
struct Views {
    kept: HashMap<Uuid, Kept>,
    /// Changes counted across all venues: each change takes the next number.
    counter: u64,
    /// The number of each venue's latest change.
    changes: HashMap<Uuid, u64>,
    /// The number of the latest change of every venue at once.
    floor: u64,
}

impl Views {
    /// A venue's generation: it moves on with each change of the venue, never back.
    fn generation(&self, venue: Uuid) -> u64 {
        self.changes.get(&venue).copied().unwrap_or(0).max(self.floor)
    }

    /// Every venue changed: every read in flight is stale.
    fn forget_all(&mut self) {
        self.counter += 1;
        self.floor = self.counter;
        self.kept.clear();
        self.changes.clear();
    }
}

/// Every venue's view.
#[derive(Default)]
pub struct PresenceViews {
    views: Mutex<Views>,
}

impl PresenceViews {
    fn lock(&self) -> MutexGuard<'_, Views> {
        self.views.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The people present at `venue` at `now`: the view kept, or a fresh read of the store.
    pub async fn present(&self, store: &dyn Store, venue: Uuid, now: i64) -> StoreResult<Arc<Present>> {
        let generation = match self.kept(venue, now) {
            Ok(present) => return Ok(present),
            Err(generation) => generation,
        };
        let read_at = Instant::now();
        let people = store.present(venue, now).await?;
        let until = people.iter().map(|p| p.closes_at).min().unwrap_or(i64::MAX);
        let shown = presence::shown(&people).map_err(StoreError::backend)?;
        let present = Arc::new(Present { people, shown, until });
        self.keep(venue, generation, present.clone(), read_at);
        Ok(present)
    }

    /// The view of `venue` kept and still good at `now`, if any (a view is kept only of a venue
    /// found: venues are never deleted).
    pub fn kept_view(&self, venue: Uuid, now: i64) -> Option<Arc<Present>> {
        self.kept(venue, now).ok()
    }

    /// The view of `venue` kept and still good at `now`, or the generation a fresh read starts in.
    fn kept(&self, venue: Uuid, now: i64) -> Result<Arc<Present>, u64> {
        let views = self.lock();
        let generation = views.generation(venue);
        match views.kept.get(&venue) {
            Some(kept)
                if kept.generation == generation && now < kept.present.until && kept.read_at.elapsed() < MAX_AGE =>
            {
                Ok(kept.present.clone())
            }
            _ => Err(generation),
        }
    }

    /// Keeps a read begun in `generation`, unless the venue changed since.
    fn keep(&self, venue: Uuid, generation: u64, present: Arc<Present>, read_at: Instant) {
        let mut views = self.lock();
        if views.generation(venue) != generation {
            return;
        }
        if views.kept.len() >= MAX_VENUES && !views.kept.contains_key(&venue) {
            let oldest = views.kept.iter().min_by_key(|(_, k)| k.read_at).map(|(id, _)| *id);
            if let Some(oldest) = oldest {
                views.kept.remove(&oldest);
            }
        }
        views.kept.insert(venue, Kept { present, read_at, generation });
    }

    /// Forgets `venue`'s view: something there changed.
    pub fn changed(&self, venue: Uuid) {
        let mut views = self.lock();
        if views.changes.len() >= MAX_VENUES && !views.changes.contains_key(&venue) {
            // Too many venues' changes to keep apart: count it as a change of every venue.
            views.forget_all();
            return;
        }
        views.kept.remove(&venue);
        views.counter += 1;
        let number = views.counter;
        views.changes.insert(venue, number);
    }

    /// Forgets every view (events were missed).
    pub fn all_changed(&self) {
        self.lock().forget_all();
    }

    /// Forgets each venue's view as its events are relayed (`events`, from the bus's
    /// `subscribe`, taken before the first request), until the bus closes.
    pub async fn follow(self: Arc<Self>, mut events: Receiver<VenueEvent>) {
        loop {
            match events.recv().await {
                Ok(event) => self.changed(event.venue_id),
                Err(RecvError::Lagged(_)) => self.all_changed(),
                Err(RecvError::Closed) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nobody(until: i64) -> Arc<Present> {
        Arc::new(Present { people: Vec::new(), shown: Vec::new(), until })
    }

    #[test]
    fn a_view_is_kept_until_its_venue_changes() {
        let views = PresenceViews::default();
        let (venue, other) = (Uuid::now_v7(), Uuid::now_v7());
        let generation = views.kept(venue, 100).unwrap_err();
        views.keep(venue, generation, nobody(i64::MAX), Instant::now());
        assert!(views.kept(venue, 100).is_ok(), "kept");
        views.changed(other);
        assert!(views.kept(venue, 100).is_ok(), "another venue's change leaves it");
        views.changed(venue);
        assert!(views.kept(venue, 100).is_err(), "its own change forgets it");
    }

    #[test]
    fn a_read_that_raced_a_change_is_not_kept() {
        let views = PresenceViews::default();
        let venue = Uuid::now_v7();
        let generation = views.kept(venue, 100).unwrap_err();
        views.changed(venue);
        views.keep(venue, generation, nobody(i64::MAX), Instant::now());
        assert!(views.kept(venue, 100).is_err(), "read before the change: not kept");
        let generation = views.kept(venue, 100).unwrap_err();
        views.all_changed();
        views.keep(venue, generation, nobody(i64::MAX), Instant::now());
        assert!(views.kept(venue, 100).is_err(), "read before every venue changed: not kept");
    }

    #[test]
    fn a_view_ends_when_a_visit_closes_and_when_it_is_old() {
        let views = PresenceViews::default();
        let venue = Uuid::now_v7();
        let generation = views.kept(venue, 100).unwrap_err();
        views.keep(venue, generation, nobody(200), Instant::now());
        assert!(views.kept(venue, 199).is_ok());
        assert!(views.kept(venue, 200).is_err(), "the first visit closes at 200");
        let generation = views.kept(venue, 200).unwrap_err();
        let long_ago = Instant::now().checked_sub(MAX_AGE).unwrap_or_else(Instant::now);
        views.keep(venue, generation, nobody(i64::MAX), long_ago);
        assert!(views.kept(venue, 100).is_err(), "older than MAX_AGE");
    }

    #[test]
    fn the_views_kept_are_bounded_and_changes_of_too_many_venues_forget_all() {
        let views = PresenceViews::default();
        let first = Uuid::now_v7();
        let generation = views.kept(first, 0).unwrap_err();
        views.keep(first, generation, nobody(i64::MAX), Instant::now());
        for _ in 0..MAX_VENUES {
            let venue = Uuid::now_v7();
            let generation = views.kept(venue, 0).unwrap_err();
            views.keep(venue, generation, nobody(i64::MAX), Instant::now());
        }
        assert_eq!(views.lock().kept.len(), MAX_VENUES, "bounded");
        assert!(views.kept(first, 0).is_err(), "the oldest went first");
        let racing = Uuid::now_v7();
        let generation = views.kept(racing, 0).unwrap_err();
        for _ in 0..=MAX_VENUES {
            views.changed(Uuid::now_v7());
        }
        assert!(views.lock().changes.len() <= MAX_VENUES);
        views.keep(racing, generation, nobody(i64::MAX), Instant::now());
        assert!(views.kept(racing, 0).is_err(), "a read across the forgetting is not kept");
    }
}
