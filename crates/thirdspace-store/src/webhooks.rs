//! Webhooks: endpoints of a venue or of the network, the secrets that sign their deliveries, and
//! the deliveries themselves, fanned out from the outbox once for every instance and claimed by
//! one instance at a time, in order per endpoint.

use async_trait::async_trait;
use uuid::Uuid;

use crate::outbox::StoredEvent;
use crate::{Begin, Page, Paged, StoreResult};

/// The most secrets an endpoint holds at once.
pub const MAX_SECRETS: usize = 5;

/// An endpoint that receives events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub id: Uuid,
    /// `None`: the network's, receiving every event.
    pub venue_id: Option<Uuid>,
    pub url: String,
    /// The event types wanted; empty for every type.
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why it is disabled: `gone` (the receiver answered 410) or `owner`.
    pub disabled_reason: Option<String>,
    pub created_by: Uuid,
    pub created_at: i64,
    /// Since when its tries fail without a success in between.
    pub failing_since: Option<i64>,
    /// When its owner was told it keeps failing (cleared by a success).
    pub told_at: Option<i64>,
}

/// An endpoint to create, with its first secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEndpoint {
    pub venue_id: Option<Uuid>,
    pub url: String,
    pub events: Vec<String>,
    pub created_by: Uuid,
    /// The first secret, as written (`whsec_…`).
    pub secret: String,
    pub now: i64,
}

/// What to change of an endpoint; `None` leaves it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointChange {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    /// `true` enables it again (its failures forgotten), `false` disables it by its owner.
    pub enabled: Option<bool>,
}

/// A signing secret of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSecret {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    /// As written, `whsec_…`.
    pub secret: String,
    pub created_at: i64,
    /// It signs no more from then.
    pub expires_at: Option<i64>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Not delivered yet: tried when due.
    Pending,
    Delivered,
    /// Given up after the last try of the schedule.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed].into_iter().find(|s| s.as_str() == raw)
    }
}

/// One event for one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Also its `webhook-id`, the same on every try.
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: u64,
    pub event_type: String,
    /// The event's documented JSON, signed and sent as is on every try.
    pub body: String,
    pub status: DeliveryStatus,
    /// Tries so far (a claimed one included).
    pub attempts: u32,
    pub next_at: i64,
    pub last_code: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub done_at: Option<i64>,
}

/// One try of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryAttempt {
    pub delivery_id: Uuid,
    pub attempt: u32,
    pub at: i64,
    /// The receiver's status code, if it answered.
    pub code: Option<u16>,
    /// What went wrong, in words, when it did.
    pub error: Option<String>,
    pub duration_ms: u32,
}

/// How a claimed delivery's try ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryDone {
    Delivered,
    /// Failed; tried again at the instant given.
    Retry(i64),
    /// Failed for the last time: given up.
    GaveUp,
    /// The receiver answered 410: the endpoint is disabled and the delivery waits for it.
    Gone,
}

/// What is read of webhooks.
#[async_trait]
pub trait Webhooks: Begin {
    async fn endpoint(&self, id: Uuid) -> StoreResult<Option<Endpoint>>;
    /// The endpoints of a venue, or the network's (`None`), oldest first.
    async fn endpoints(&self, venue: Option<Uuid>) -> StoreResult<Vec<Endpoint>>;
    /// An endpoint's secrets, oldest first, expired ones included.
    async fn endpoint_secrets(&self, endpoint: Uuid) -> StoreResult<Vec<EndpointSecret>>;
    /// An endpoint's deliveries, newest event first.
    async fn deliveries(&self, endpoint: Uuid, page: Page) -> StoreResult<Paged<Delivery>>;
    async fn delivery(&self, id: Uuid) -> StoreResult<Option<Delivery>>;
    /// A delivery's tries, first first.
    async fn delivery_attempts(&self, delivery: Uuid) -> StoreResult<Vec<DeliveryAttempt>>;
    /// The last outbox event fanned out; the first call on a database starts it at the outbox's
    /// end.
    async fn webhook_cursor(&self) -> StoreResult<u64>;
    /// Fans `events` (ascending, all after `from`) out into deliveries for the enabled endpoints
    /// that want them, and moves the cursor from `from` to `to`, in one transaction: `None`, and
    /// nothing written, when the cursor no longer stands at `from` (another instance did it).
    async fn fan_out(&self, from: u64, to: u64, events: &[StoredEvent], now: i64) -> StoreResult<Option<u64>>;
    /// Claims up to `limit` deliveries due at `now` that nobody holds, each the oldest pending
    /// one of its enabled endpoint, for this instance until `until`; each try is counted.
    async fn claim_deliveries(&self, now: i64, until: i64, limit: u32) -> StoreResult<Vec<Delivery>>;

    /// [`WebhooksWork::forget_deliveries`] in a unit of work of its own.
    async fn forget_deliveries(&self, before: i64) -> StoreResult<u64> {
        let mut work = self.begin().await?;
        let done = work.forget_deliveries(before).await;
        work.end(done).await
    }
}

/// What is written of webhooks, inside a unit of work.
#[async_trait]
pub trait WebhooksWork: Send {
    async fn create_endpoint(&mut self, endpoint: &NewEndpoint) -> StoreResult<(Endpoint, EndpointSecret)>;
    async fn change_endpoint(&mut self, id: Uuid, change: &EndpointChange) -> StoreResult<Endpoint>;
    /// Deletes an endpoint with its secrets and deliveries.
    async fn delete_endpoint(&mut self, id: Uuid) -> StoreResult<()>;
    /// Adds a secret; the others that do not expire yet expire at `others_expire` (a rotation),
    /// if given. At most [`MAX_SECRETS`] (`TooManySecrets`).
    async fn add_secret(
        &mut self,
        endpoint: Uuid,
        secret: &str,
        others_expire: Option<i64>,
        now: i64,
    ) -> StoreResult<EndpointSecret>;
    /// Removes a secret, never the last one that signs (`LastSecret`).
    async fn remove_secret(&mut self, endpoint: Uuid, secret: Uuid, now: i64) -> StoreResult<()>;
    /// Records a claimed delivery's try and how it ended, and the endpoint's health with it: a
    /// success clears its failures, a failure starts them, a 410 disables it. The endpoint after.
    async fn finish_delivery(&mut self, attempt: &DeliveryAttempt, done: DeliveryDone) -> StoreResult<Endpoint>;
    /// Notes that the endpoint's owner was told it keeps failing.
    async fn mark_told(&mut self, endpoint: Uuid, now: i64) -> StoreResult<()>;
    /// Sends a delivery again: due at `now`, pending again if it was delivered or given up.
    async fn send_again(&mut self, delivery: Uuid, now: i64) -> StoreResult<Delivery>;
    /// Forgets the deliveries delivered or given up before `before`, with their tries; how many.
    async fn forget_deliveries(&mut self, before: i64) -> StoreResult<u64>;
}
