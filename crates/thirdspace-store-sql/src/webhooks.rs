//! Webhooks: endpoints, secrets, deliveries and their tries.
//!
//! The fan-out from the outbox locks the one cursor row, checks it still stands where the caller
//! read it, inserts the deliveries and moves it, in one transaction: each event becomes each
//! endpoint's delivery once, whichever instance gets there first. A claim is one statement that
//! holds the oldest pending delivery of each endpoint until a deadline (skipping rows another
//! instance is claiming on PostgreSQL; SQLite's one writer serialises claims): no two instances
//! send one delivery at once, and an endpoint's deliveries go in the outbox's order.

use async_trait::async_trait;
use thirdspace_domain::webhook::wants;
use thirdspace_store::outbox::StoredEvent;
use thirdspace_store::webhooks::*;
use thirdspace_store::{Page, Paged, StoreError, StoreResult, WebhookConflict};
use uuid::Uuid;

use crate::paging::paged;
use crate::{args, json, Backend, Columns, Sql, SqlStore, SqlWork, Transaction, Value};

const ENDPOINT_COLUMNS: &str =
    "id, venue_id, url, events, enabled, disabled_reason, created_by, created_at, failing_since, told_at";
const SECRET_COLUMNS: &str = "id, endpoint_id, secret, created_at, expires_at";
const DELIVERY_COLUMNS: &str = "id, endpoint_id, event_id, event_type, body, status, attempts, next_at, last_code, \
                                last_error, created_at, done_at";

fn endpoint(r: &impl Columns) -> StoreResult<Endpoint> {
    Ok(Endpoint {
        id: r.uuid("id")?,
        venue_id: r.opt_uuid("venue_id")?,
        url: r.text("url")?,
        events: r.json("events")?,
        enabled: r.bool("enabled")?,
        disabled_reason: r.opt_text("disabled_reason")?,
        created_by: r.uuid("created_by")?,
        created_at: r.int("created_at")?,
        failing_since: r.opt_int("failing_since")?,
        told_at: r.opt_int("told_at")?,
    })
}

fn secret(r: &impl Columns) -> StoreResult<EndpointSecret> {
    Ok(EndpointSecret {
        id: r.uuid("id")?,
        endpoint_id: r.uuid("endpoint_id")?,
        secret: r.text("secret")?,
        created_at: r.int("created_at")?,
        expires_at: r.opt_int("expires_at")?,
    })
}

fn delivery(r: &impl Columns) -> StoreResult<Delivery> {
    Ok(Delivery {
        id: r.uuid("id")?,
        endpoint_id: r.uuid("endpoint_id")?,
        event_id: r.unsigned("event_id")?,
        event_type: r.text("event_type")?,
        body: r.text("body")?,
        status: r.parsed("status", DeliveryStatus::parse)?,
        attempts: r.unsigned("attempts")?,
        next_at: r.int("next_at")?,
        last_code: r.opt_unsigned("last_code")?,
        last_error: r.opt_text("last_error")?,
        created_at: r.int("created_at")?,
        done_at: r.opt_int("done_at")?,
    })
}

fn attempt(r: &impl Columns) -> StoreResult<DeliveryAttempt> {
    Ok(DeliveryAttempt {
        delivery_id: r.uuid("delivery_id")?,
        attempt: r.unsigned("attempt")?,
        at: r.int("at")?,
        code: r.opt_unsigned("code")?,
        error: r.opt_text("error")?,
        duration_ms: r.unsigned("duration_ms")?,
    })
}

fn id_value(id: u64) -> Value {
    Value::from(i64::try_from(id).unwrap_or(i64::MAX))
}

/// Runs `steps` in a transaction of its own, committing when they succeed.
macro_rules! in_tx {
    ($store:expr, |$tx:ident| $steps:expr) => {{
        let mut $tx = $store.begin_tx().await?;
        let done: StoreResult<_> = async { $steps }.await;
        match done {
            Ok(value) => $tx.commit().await.map(|()| value),
            Err(e) => {
                $tx.rollback().await;
                Err(e)
            }
        }
    }};
}

#[async_trait]
impl<B: Backend> Webhooks for SqlStore<B> {
    async fn endpoint(&self, id: Uuid) -> StoreResult<Option<Endpoint>> {
        let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1");
        self.read().await?.fetch_optional(&sql, args![id]).await?.as_ref().map(endpoint).transpose()
    }

    async fn endpoints(&self, venue: Option<Uuid>) -> StoreResult<Vec<Endpoint>> {
        let mut c = self.read().await?;
        let rows = match venue {
            Some(v) => {
                let sql = format!(
                    "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE venue_id = $1 ORDER BY created_at, id"
                );
                c.fetch_all(&sql, args![v]).await?
            }
            None => {
                let sql = format!(
                    "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE venue_id IS NULL ORDER BY created_at, id"
                );
                c.fetch_all(&sql, args![]).await?
            }
        };
        rows.iter().map(endpoint).collect()
    }

    async fn endpoint_secrets(&self, endpoint: Uuid) -> StoreResult<Vec<EndpointSecret>> {
        let sql =
            format!("SELECT {SECRET_COLUMNS} FROM webhook_secrets WHERE endpoint_id = $1 ORDER BY created_at, id");
        let rows = self.read().await?.fetch_all(&sql, args![endpoint]).await?;
        rows.iter().map(secret).collect()
    }

    async fn deliveries(&self, endpoint: Uuid, page: Page) -> StoreResult<Paged<Delivery>> {
        let mut c = self.read().await?;
        paged(
            &mut c,
            DELIVERY_COLUMNS,
            "webhook_deliveries WHERE endpoint_id = $1",
            "event_id DESC",
            args![endpoint],
            page,
            delivery,
        )
        .await
    }

    async fn delivery(&self, id: Uuid) -> StoreResult<Option<Delivery>> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1");
        self.read().await?.fetch_optional(&sql, args![id]).await?.as_ref().map(delivery).transpose()
    }

    async fn delivery_attempts(&self, id: Uuid) -> StoreResult<Vec<DeliveryAttempt>> {
        let sql = "SELECT delivery_id, attempt, at, code, error, duration_ms FROM webhook_attempts \
                   WHERE delivery_id = $1 ORDER BY attempt";
        let rows = self.read().await?.fetch_all(sql, args![id]).await?;
        rows.iter().map(attempt).collect()
    }

    async fn webhook_cursor(&self) -> StoreResult<u64> {
        in_tx!(self, |tx| {
            let start =
                "INSERT INTO webhook_cursor (id, last_event) SELECT 1, COALESCE(MAX(id), 0) FROM outbox WHERE TRUE \
                         ON CONFLICT (id) DO NOTHING";
            tx.execute(start, args![]).await?;
            let row = tx.fetch_optional("SELECT last_event FROM webhook_cursor WHERE id = 1", args![]).await?;
            row.map_or(Ok(0), |r| r.unsigned("last_event"))
        })
    }

    async fn fan_out(&self, from: u64, to: u64, events: &[StoredEvent], now: i64) -> StoreResult<Option<u64>> {
        in_tx!(self, |tx| {
            let lock = tx.dialect().lock();
            let sql = format!("SELECT last_event FROM webhook_cursor WHERE id = 1{lock}");
            let at: Option<u64> = match tx.fetch_optional(&sql, args![]).await? {
                Some(r) => Some(r.unsigned("last_event")?),
                None => None,
            };
            if at != Some(from) {
                return Ok(None);
            }
            let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE enabled");
            let endpoints = tx.fetch_all(&sql, args![]).await?.iter().map(endpoint).collect::<StoreResult<Vec<_>>>()?;
            let mut added = 0;
            for event in events {
                let body = serde_json::to_string(&event.to_json()).map_err(StoreError::backend)?;
                let kind = event.kind.as_str();
                for e in endpoints.iter().filter(|e| wants(e.venue_id, &e.events, event.venue, kind)) {
                    let insert = "INSERT INTO webhook_deliveries \
                                  (id, endpoint_id, event_id, event_type, body, status, next_at, created_at) \
                                  VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6) \
                                  ON CONFLICT (endpoint_id, event_id) DO NOTHING";
                    let args = [
                        Value::from(Uuid::now_v7()),
                        Value::from(e.id),
                        id_value(event.id),
                        Value::from(kind),
                        Value::from(&body),
                        Value::from(now),
                    ];
                    added += tx.execute(insert, &args).await?;
                }
            }
            tx.execute("UPDATE webhook_cursor SET last_event = $1 WHERE id = 1", &[id_value(to)]).await?;
            Ok(Some(added))
        })
    }

    async fn claim_deliveries(&self, now: i64, until: i64, limit: u32) -> StoreResult<Vec<Delivery>> {
        let claimed = in_tx!(self, |tx| {
            let skip = tx.dialect().skip_locked("d");
            let sql = format!(
                "UPDATE webhook_deliveries SET claimed_until = $1, attempts = attempts + 1 WHERE id IN \
                 (SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
                  WHERE d.status = 'pending' AND d.next_at <= $2 AND d.claimed_until <= $2 AND e.enabled \
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = d.endpoint_id \
                                  AND o.status = 'pending' AND o.event_id < d.event_id) \
                  ORDER BY d.next_at, d.event_id LIMIT $3{skip}) RETURNING {DELIVERY_COLUMNS}"
            );
            tx.fetch_all(&sql, args![until, now, limit]).await
        })?;
        let mut claimed = claimed.iter().map(delivery).collect::<StoreResult<Vec<_>>>()?;
        claimed.sort_by_key(|d| (d.next_at, d.event_id));
        Ok(claimed)
    }
}

impl<T: Transaction> SqlWork<T> {
    async fn load_endpoint(&mut self, id: Uuid) -> StoreResult<Endpoint> {
        let lock = self.tx.dialect().lock();
        let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1{lock}");
        self.tx
            .fetch_optional(&sql, args![id])
            .await?
            .as_ref()
            .map(endpoint)
            .transpose()?
            .ok_or(StoreError::NotFound("webhook"))
    }

    /// The secrets of `endpoint` that sign at `now`.
    async fn signing(&mut self, endpoint: Uuid, now: i64) -> StoreResult<Vec<EndpointSecret>> {
        let sql = format!(
            "SELECT {SECRET_COLUMNS} FROM webhook_secrets WHERE endpoint_id = $1 \
             AND (expires_at IS NULL OR expires_at > $2) ORDER BY created_at, id"
        );
        self.tx.fetch_all(&sql, args![endpoint, now]).await?.iter().map(secret).collect()
    }

    async fn insert_secret(&mut self, endpoint: Uuid, raw: &str, now: i64) -> StoreResult<EndpointSecret> {
        let id = Uuid::now_v7();
        let sql = "INSERT INTO webhook_secrets (id, endpoint_id, secret, created_at) VALUES ($1, $2, $3, $4)";
        self.tx.execute(sql, args![id, endpoint, raw, now]).await?;
        Ok(EndpointSecret { id, endpoint_id: endpoint, secret: raw.to_owned(), created_at: now, expires_at: None })
    }
}

#[async_trait]
impl<T: Transaction> WebhooksWork for SqlWork<T> {
    async fn create_endpoint(&mut self, new: &NewEndpoint) -> StoreResult<(Endpoint, EndpointSecret)> {
        let id = Uuid::now_v7();
        let sql = "INSERT INTO webhook_endpoints (id, venue_id, url, events, enabled, created_by, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7)";
        let args = [
            Value::from(id),
            Value::from(new.venue_id),
            Value::from(&new.url),
            json(&new.events)?,
            Value::from(true),
            Value::from(new.created_by),
            Value::from(new.now),
        ];
        self.tx.execute(sql, &args).await?;
        let secret = self.insert_secret(id, &new.secret, new.now).await?;
        Ok((self.load_endpoint(id).await?, secret))
    }

    async fn change_endpoint(&mut self, id: Uuid, change: &EndpointChange) -> StoreResult<Endpoint> {
        self.load_endpoint(id).await?;
        if let Some(url) = &change.url {
            self.tx.execute("UPDATE webhook_endpoints SET url = $1 WHERE id = $2", args![url, id]).await?;
        }
        if let Some(events) = &change.events {
            self.tx
                .execute("UPDATE webhook_endpoints SET events = $1 WHERE id = $2", &[json(events)?, Value::from(id)])
                .await?;
        }
        match change.enabled {
            Some(true) => {
                let sql = "UPDATE webhook_endpoints SET enabled = $1, disabled_reason = NULL, failing_since = NULL, \
                           told_at = NULL WHERE id = $2";
                self.tx.execute(sql, args![true, id]).await?;
            }
            Some(false) => {
                let sql = "UPDATE webhook_endpoints SET enabled = $1, disabled_reason = 'owner' WHERE id = $2";
                self.tx.execute(sql, args![false, id]).await?;
            }
            None => {}
        }
        self.load_endpoint(id).await
    }

    async fn delete_endpoint(&mut self, id: Uuid) -> StoreResult<()> {
        match self.tx.execute("DELETE FROM webhook_endpoints WHERE id = $1", args![id]).await? {
            0 => Err(StoreError::NotFound("webhook")),
            _ => Ok(()),
        }
    }

    async fn add_secret(
        &mut self,
        endpoint: Uuid,
        raw: &str,
        others_expire: Option<i64>,
        now: i64,
    ) -> StoreResult<EndpointSecret> {
        self.load_endpoint(endpoint).await?;
        let held = self.tx.fetch_all("SELECT id FROM webhook_secrets WHERE endpoint_id = $1", args![endpoint]).await?;
        if held.len() >= MAX_SECRETS {
            return Err(WebhookConflict::TooManySecrets.into());
        }
        if let Some(at) = others_expire {
            let sql = "UPDATE webhook_secrets SET expires_at = $1 WHERE endpoint_id = $2 \
                       AND (expires_at IS NULL OR expires_at > $1)";
            self.tx.execute(sql, args![at, endpoint]).await?;
        }
        self.insert_secret(endpoint, raw, now).await
    }

    async fn remove_secret(&mut self, endpoint: Uuid, id: Uuid, now: i64) -> StoreResult<()> {
        self.load_endpoint(endpoint).await?;
        let signing = self.signing(endpoint, now).await?;
        if signing.len() == 1 && signing[0].id == id {
            return Err(WebhookConflict::LastSecret.into());
        }
        let sql = "DELETE FROM webhook_secrets WHERE id = $1 AND endpoint_id = $2";
        match self.tx.execute(sql, args![id, endpoint]).await? {
            0 => Err(StoreError::NotFound("secret")),
            _ => Ok(()),
        }
    }

    async fn finish_delivery(&mut self, tried: &DeliveryAttempt, done: DeliveryDone) -> StoreResult<Endpoint> {
        let lock = self.tx.dialect().lock();
        let sql = format!("SELECT endpoint_id FROM webhook_deliveries WHERE id = $1{lock}");
        let row = self.tx.fetch_optional(&sql, args![tried.delivery_id]).await?;
        let endpoint_id = row.ok_or(StoreError::NotFound("delivery"))?.uuid("endpoint_id")?;
        let code = tried.code.map(i64::from);
        let insert = "INSERT INTO webhook_attempts (delivery_id, attempt, at, code, error, duration_ms) \
                      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (delivery_id, attempt) DO NOTHING";
        let args = [
            Value::from(tried.delivery_id),
            Value::from(tried.attempt),
            Value::from(tried.at),
            Value::from(code),
            Value::from(&tried.error),
            Value::from(tried.duration_ms),
        ];
        self.tx.execute(insert, &args).await?;
        let (status, next_at, done_at) = match done {
            DeliveryDone::Delivered => ("delivered", None, Some(tried.at)),
            DeliveryDone::Retry(at) => ("pending", Some(at), None),
            DeliveryDone::GaveUp => ("failed", None, Some(tried.at)),
            DeliveryDone::Gone => ("pending", None, None),
        };
        let sql = "UPDATE webhook_deliveries SET status = $1, next_at = COALESCE($2, next_at), done_at = $3, \
                   claimed_until = 0, last_code = $4, last_error = $5 WHERE id = $6";
        self.tx.execute(sql, args![status, next_at, done_at, code, &tried.error, tried.delivery_id]).await?;
        match done {
            DeliveryDone::Delivered => {
                let sql = "UPDATE webhook_endpoints SET failing_since = NULL, told_at = NULL WHERE id = $1";
                self.tx.execute(sql, args![endpoint_id]).await?
            }
            DeliveryDone::Retry(_) | DeliveryDone::GaveUp => {
                let sql = "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $1) WHERE id = $2";
                self.tx.execute(sql, args![tried.at, endpoint_id]).await?
            }
            DeliveryDone::Gone => {
                let sql = "UPDATE webhook_endpoints SET enabled = $1, disabled_reason = 'gone', \
                           failing_since = COALESCE(failing_since, $2) WHERE id = $3";
                self.tx.execute(sql, args![false, tried.at, endpoint_id]).await?
            }
        };
        self.load_endpoint(endpoint_id).await
    }

    async fn mark_told(&mut self, endpoint: Uuid, now: i64) -> StoreResult<()> {
        self.tx.execute("UPDATE webhook_endpoints SET told_at = $1 WHERE id = $2", args![now, endpoint]).await?;
        Ok(())
    }

    async fn send_again(&mut self, id: Uuid, now: i64) -> StoreResult<Delivery> {
        let sql = format!(
            "UPDATE webhook_deliveries SET status = 'pending', next_at = $1, done_at = NULL WHERE id = $2 \
             RETURNING {DELIVERY_COLUMNS}"
        );
        let row = self.tx.fetch_optional(&sql, args![now, id]).await?;
        row.as_ref().map(delivery).transpose()?.ok_or(StoreError::NotFound("delivery"))
    }

    async fn forget_deliveries(&mut self, before: i64) -> StoreResult<u64> {
        let sql = "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND done_at < $1";
        self.tx.execute(sql, args![before]).await
    }
}
