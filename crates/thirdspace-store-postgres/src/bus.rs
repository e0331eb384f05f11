//! Live events shared by every instance on one database: each is published with `NOTIFY` (its id
//! from a sequence, so every instance sees one order) and received by every instance that
//! `LISTEN`s, which passes it on to its own streams.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgListener, PgPool};
use thirdspace_store::events::{Closed, EventBus, EventKind, LocalBus, VenueEvent};
use thirdspace_store::StoreError;
use tokio::sync::broadcast;
use uuid::Uuid;

/// The channel every instance listens on.
const CHANNEL: &str = "thirdspace_events";

pub struct PgBus {
    pool: PgPool,
    local: Arc<LocalBus>,
    listening: tokio::task::JoinHandle<()>,
}

impl Drop for PgBus {
    fn drop(&mut self) {
        self.listening.abort();
    }
}

impl PgBus {
    /// Listens for every instance's events on the database behind `pool`.
    pub async fn start(pool: PgPool) -> Result<Self, StoreError> {
        let mut listener = PgListener::connect_with(&pool).await.map_err(StoreError::backend)?;
        listener.listen(CHANNEL).await.map_err(StoreError::backend)?;
        // Ids continue the sequence: a screen back from another instance or a restart resumes.
        let last: i64 = sqlx::query_scalar("SELECT last_value FROM event_ids")
            .fetch_one(&pool)
            .await
            .map_err(StoreError::backend)?;
        let local = Arc::new(LocalBus::starting_at(u64::try_from(last).unwrap_or(0) + 1));
        let feed = local.clone();
        let listening = tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(note) => match serde_json::from_str::<VenueEvent>(note.payload()) {
                        Ok(event) => feed.deliver(event),
                        Err(e) => tracing::warn!(error = %e, "an event from the database does not parse"),
                    },
                    // The listener reconnects on the next call; events sent meanwhile are missed,
                    // and the screens' periodic refresh covers them.
                    Err(e) => {
                        tracing::warn!(error = %e, "listening for events failed; reconnecting");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(Self { pool, local, listening })
    }
}

#[async_trait]
impl EventBus for PgBus {
    async fn publish(&self, venue: Uuid, kind: EventKind, at: i64) {
        let sent = sqlx::query(
            "SELECT pg_notify($1, json_build_object('id', nextval('event_ids'), 'venue_id', $2::text, \
             'kind', $3::text, 'at', $4::bigint)::text)",
        )
        .bind(CHANNEL)
        .bind(venue.to_string())
        .bind(kind.as_str())
        .bind(at)
        .execute(&self.pool)
        .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, %venue, "an event could not be published; screens catch up on their next refresh");
        }
    }

    fn subscribe(&self) -> broadcast::Receiver<VenueEvent> {
        self.local.subscribe()
    }

    fn since(&self, venue: Uuid, last_id: u64) -> Option<Vec<VenueEvent>> {
        self.local.since(venue, last_id)
    }

    fn last_id(&self) -> u64 {
        self.local.last_id()
    }

    fn close(&self) {
        self.local.close();
    }

    fn closed(&self) -> Closed {
        self.local.closed()
    }
}
