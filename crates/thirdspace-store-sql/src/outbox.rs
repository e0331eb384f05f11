//! The outbox: events written inside the change's transaction, read in id order.

use async_trait::async_trait;
use thirdspace_store::outbox::{EventType, Events, EventsWork, NewEvent, StoredEvent, VERSION};
use thirdspace_store::StoreResult;
use uuid::Uuid;

use crate::{args, json, Backend, Columns, Dialect, Sql, SqlStore, SqlWork, Transaction};

/// The channel PostgreSQL instances listen on for committed events.
pub const CHANNEL: &str = "thirdspace_events";

/// Writes `event` inside the open transaction on `c`. On PostgreSQL the same statement sends a
/// `NOTIFY`, which is delivered only when the transaction commits.
pub async fn record<C: Sql>(c: &mut C, event: &NewEvent) -> StoreResult<()> {
    let insert = "INSERT INTO outbox (type, version, venue_id, subject_id, data, occurred_at) \
                  VALUES ($1, $2, $3, $4, $5, $6)";
    let sql = match c.dialect() {
        Dialect::Sqlite => insert.to_owned(),
        Dialect::Postgres => format!("WITH written AS ({insert}) SELECT pg_notify('{CHANNEL}', '')"),
    };
    let data = json(&event.data)?;
    c.execute(&sql, args![event.kind.as_str(), VERSION, event.venue, event.subject, data, event.occurred_at]).await?;
    Ok(())
}

/// Runs a sweep's `UPDATE … RETURNING id, venue_id` and records an event of `kind` for each
/// booking it changed; how many.
pub async fn sweep<C: Sql>(c: &mut C, sql: &str, args: &[crate::Value], kind: EventType, now: i64) -> StoreResult<u64> {
    let changed = c.fetch_all(sql, args).await?;
    for row in &changed {
        let (booking, venue): (Uuid, Uuid) = (row.uuid("id")?, row.uuid("venue_id")?);
        record(c, &NewEvent::swept(kind, booking, venue, now)).await?;
    }
    Ok(changed.len() as u64)
}

fn stored(r: &impl Columns) -> StoreResult<StoredEvent> {
    Ok(StoredEvent {
        id: r.unsigned("id")?,
        version: r.unsigned("version")?,
        kind: EventType::stored(&r.text("type")?)?,
        venue: r.opt_uuid("venue_id")?,
        subject: r.uuid("subject_id")?,
        data: r.json("data")?,
        occurred_at: r.int("occurred_at")?,
    })
}

#[async_trait]
impl<B: Backend> Events for SqlStore<B> {
    async fn events_after(&self, after: u64, limit: u32) -> StoreResult<Vec<StoredEvent>> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let sql = "SELECT id, type, version, venue_id, subject_id, data, occurred_at FROM outbox \
                   WHERE id > $1 ORDER BY id LIMIT $2";
        let rows = self.read().await?.fetch_all(sql, args![after, limit]).await?;
        rows.iter().map(stored).collect()
    }

    async fn last_event_id(&self) -> StoreResult<u64> {
        let row = self.read().await?.fetch_optional("SELECT MAX(id) AS id FROM outbox", args![]).await?;
        let last = match row {
            Some(r) => r.opt_int("id")?,
            None => None,
        };
        Ok(last.and_then(|id| u64::try_from(id).ok()).unwrap_or(0))
    }

    async fn events_written(&self) {
        self.backend.events_written().await;
    }
}

#[async_trait]
impl<T: Transaction> EventsWork for SqlWork<T> {
    async fn record(&mut self, event: &NewEvent) -> StoreResult<()> {
        record(&mut self.tx, event).await
    }

    async fn forget_events(&mut self, before: i64) -> StoreResult<u64> {
        let sql = "DELETE FROM outbox WHERE occurred_at < $1 AND id < (SELECT MAX(id) FROM outbox)";
        self.tx.execute(sql, args![before]).await
    }
}
