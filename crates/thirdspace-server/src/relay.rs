//! The relay: reads the outbox in order and passes each venue's events to this process's live
//! streams. An event is in the outbox exactly when its change was committed, so nothing a
//! client was told happened is missed, whichever instance made the change and whether or not
//! the instance that made it stopped right after its commit.
//!
//! On PostgreSQL ids are taken before commit, so a later id may commit first: the relay waits at
//! a gap for up to [`GAP_WAIT`] for the missing event before taking it for one that was rolled
//! back.

use std::sync::Arc;
use std::time::{Duration, Instant};

use thirdspace_store::events::{LocalBus, PeopleChange, VenueEvent, KEPT};
use thirdspace_store::outbox::{EventType, StoredEvent};
use thirdspace_store::Store;

/// How long the relay waits for an event missing between two committed ones.
pub const GAP_WAIT: Duration = Duration::from_secs(2);
/// How often the relay looks when nothing wakes it.
const POLL: Duration = Duration::from_secs(1);
/// How soon it looks again while waiting at a gap.
const GAP_POLL: Duration = Duration::from_millis(20);
/// Events read at once.
const BATCH: u32 = 512;

/// Where the relay stands in the outbox.
#[derive(Debug, Default)]
pub struct Cursor {
    /// The latest id passed on.
    pub last: u64,
    /// Ids up to this one were committed before the relay started: a gap among them is for good.
    settled: u64,
    /// Since when the next event in line has been missing while a later one is there.
    gap_since: Option<Instant>,
}

impl Cursor {
    /// A cursor after `last`, where every id up to `settled` is known to be committed or gone.
    pub fn at(last: u64, settled: u64) -> Self {
        Self { last, settled, gap_since: None }
    }

    /// How many of `batch` (ascending ids, all after `last`) may be passed on at `now`: those up
    /// to the first gap, or past it once the gap has lasted [`GAP_WAIT`]. Moves the cursor past
    /// them.
    pub fn take(&mut self, batch: &[StoredEvent], now: Instant) -> usize {
        let mut taken = 0;
        for event in batch {
            if event.id != self.last + 1 && event.id > self.settled {
                let since = *self.gap_since.get_or_insert(now);
                if now.duration_since(since) < GAP_WAIT {
                    break;
                }
            }
            self.gap_since = None;
            self.last = event.id;
            taken += 1;
        }
        taken
    }

    /// Whether the cursor stands at a gap it is still waiting on.
    pub fn waiting(&self) -> bool {
        self.gap_since.is_some()
    }
}

fn live(event: &StoredEvent) -> Option<VenueEvent> {
    Some(VenueEvent {
        id: event.id,
        venue_id: event.venue?,
        kind: event.kind.live_kind(),
        event_type: event.kind.as_str().to_owned(),
        at: event.occurred_at,
    })
}

/// Takes up the outbox where it stands: the latest [`KEPT`] events already written are passed on
/// first, so that a stream reconnecting to a restarted server catches up on what it missed,
/// however the previous run ended. `None` when the outbox cannot be read now ([`run`] tries
/// again).
pub async fn resume(store: &dyn Store, bus: &LocalBus) -> Option<Cursor> {
    let start = match store.last_event_id().await {
        Ok(last) => last,
        Err(e) => {
            tracing::warn!(error = %e, "reading the outbox failed; trying again");
            return None;
        }
    };
    let mut cursor = Cursor::at(start.saturating_sub(KEPT as u64), start);
    loop {
        match pass_on(store, bus, &mut cursor).await {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                tracing::warn!(error = %e, "reading the outbox failed; trying again");
                break;
            }
        }
    }
    bus.passed(start);
    Some(cursor)
}

/// Passes the outbox's events on to `bus` from `cursor` (or from where [`resume`] finds it)
/// until the server stops.
pub async fn run(store: Arc<dyn Store>, bus: Arc<LocalBus>, cursor: Option<Cursor>) {
    let mut stopping = bus.closed();
    let mut cursor = match cursor {
        Some(cursor) => cursor,
        None => loop {
            if let Some(cursor) = resume(store.as_ref(), &bus).await {
                break cursor;
            }
            tokio::select! {
                () = tokio::time::sleep(POLL) => {}
                () = &mut stopping => return,
            }
        },
    };
    loop {
        let wait = match pass_on(store.as_ref(), &bus, &mut cursor).await {
            Ok(true) => continue,
            Ok(false) if cursor.waiting() => GAP_POLL,
            Ok(false) => POLL,
            Err(e) => {
                tracing::warn!(error = %e, "reading the outbox failed; trying again");
                POLL
            }
        };
        tokio::select! {
            () = store.events_written() => {}
            () = tokio::time::sleep(wait) => {}
            () = &mut stopping => return,
        }
    }
}

/// Passes on what can be passed on now; `true` when a full batch was read (more may follow).
async fn pass_on(store: &dyn Store, bus: &LocalBus, cursor: &mut Cursor) -> thirdspace_store::StoreResult<bool> {
    let batch = store.events_after(cursor.last, BATCH).await?;
    let taken = cursor.take(&batch, Instant::now());
    for event in &batch[..taken] {
        match event.kind {
            EventType::ProfileChanged => bus.people_changed(PeopleChange::Profile(event.subject)),
            EventType::ExchangeConfirmed => bus.people_changed(PeopleChange::Exchange(event.subject)),
            _ => {}
        }
        match live(event) {
            Some(live) => bus.deliver(live),
            None => bus.passed(event.id),
        }
    }
    Ok(taken == batch.len() && batch.len() == BATCH as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn events(ids: &[u64]) -> Vec<StoredEvent> {
        ids.iter()
            .map(|&id| StoredEvent {
                id,
                version: 1,
                kind: EventType::BookingMade,
                venue: Some(Uuid::nil()),
                subject: Uuid::nil(),
                data: serde_json::json!({}),
                occurred_at: 0,
            })
            .collect()
    }

    #[test]
    fn events_in_line_pass_at_once() {
        let mut cursor = Cursor::at(4, 0);
        assert_eq!(cursor.take(&events(&[5, 6, 7]), Instant::now()), 3);
        assert_eq!(cursor.last, 7);
        assert!(!cursor.waiting());
    }

    #[test]
    fn a_gap_holds_what_follows_until_it_is_filled_or_has_lasted_long_enough() {
        let start = Instant::now();
        let mut cursor = Cursor::at(4, 0);
        assert_eq!(cursor.take(&events(&[5, 7, 8]), start), 1, "6 is not committed yet");
        assert_eq!(cursor.last, 5);
        assert!(cursor.waiting());
        let nearly = start + GAP_WAIT - Duration::from_millis(1);
        assert_eq!(cursor.take(&events(&[7, 8]), nearly), 0);
        assert_eq!(cursor.take(&events(&[6, 7, 8]), nearly), 3, "6 came: all pass, in order");
        assert!(!cursor.waiting());

        let mut cursor = Cursor::at(4, 0);
        assert_eq!(cursor.take(&events(&[6]), start), 0);
        assert_eq!(cursor.take(&events(&[6]), start + GAP_WAIT), 1, "5 was rolled back");
        assert_eq!(cursor.last, 6);
        assert!(!cursor.waiting());
    }

    #[test]
    fn gaps_written_before_the_start_do_not_hold_anything() {
        let mut cursor = Cursor::at(0, 10);
        assert_eq!(cursor.take(&events(&[3, 9, 10, 12]), Instant::now()), 3, "11 is new: it may still come");
        assert_eq!(cursor.last, 10);
        assert!(cursor.waiting());
    }

    #[test]
    fn a_new_gap_is_timed_from_when_it_is_first_seen() {
        let start = Instant::now();
        let mut cursor = Cursor::at(0, 0);
        assert_eq!(cursor.take(&events(&[2]), start), 0);
        assert_eq!(cursor.take(&events(&[2, 4]), start + GAP_WAIT), 1, "2 passes after its wait; 4 starts a new one");
        assert_eq!(cursor.last, 2);
        assert_eq!(cursor.take(&events(&[4]), start + GAP_WAIT + Duration::from_millis(5)), 0);
    }
}
