//! Webhooks over the API: a venue's (its owner) and the network's (an admin), their secrets, and
//! each endpoint's delivery log with "send again".

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use thirdspace_store::webhooks::{Delivery, DeliveryAttempt, Endpoint, EndpointSecret};
use utoipa::ToSchema;
use uuid::Uuid;

use super::shapes::{rfc3339, rfc3339_opt, Paged};
use super::PageQuery;
use crate::app::webhooks::{self, ChangeInput, EndpointInput, NewSecret, Scope};
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

/// An endpoint that receives events, signed the Standard Webhooks way.
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    pub id: Uuid,
    /// The venue whose events it receives; `null` for the network's, which receives every event.
    pub venue_id: Option<Uuid>,
    pub url: String,
    /// The event types it receives (`docs/EVENTS.md`); empty for every type.
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why it is off: `gone` (it answered 410) or `owner` (switched off).
    pub disabled_reason: Option<String>,
    /// Since when its deliveries fail without a success in between (RFC 3339).
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub failing_since: Option<i64>,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
}

impl From<Endpoint> for Webhook {
    fn from(e: Endpoint) -> Self {
        Self {
            id: e.id,
            venue_id: e.venue_id,
            url: e.url,
            events: e.events,
            enabled: e.enabled,
            disabled_reason: e.disabled_reason,
            failing_since: e.failing_since,
            created_at: e.created_at,
        }
    }
}

/// A signing secret, without its value (shown once, when made).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookSecret {
    pub id: Uuid,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    /// It signs no more from then.
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<i64>,
}

impl From<EndpointSecret> for WebhookSecret {
    fn from(s: EndpointSecret) -> Self {
        Self { id: s.id, created_at: s.created_at, expires_at: s.expires_at }
    }
}

/// A secret just made, with its value: keep it now, it is not shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedSecret {
    pub id: Uuid,
    /// `whsec_` and the key in base64, as Standard Webhooks libraries take it.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
}

impl From<NewSecret> for IssuedSecret {
    fn from(s: NewSecret) -> Self {
        Self { id: s.secret.id, secret: s.secret.secret, created_at: s.secret.created_at }
    }
}

/// An endpoint just made, with its first secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: Webhook,
    pub secret: IssuedSecret,
}

/// An endpoint with its secrets.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDetail {
    #[serde(flatten)]
    pub webhook: Webhook,
    pub secrets: Vec<WebhookSecret>,
}

/// One event for one endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDelivery {
    /// Also its `webhook-id` header, the same on every try.
    pub id: Uuid,
    /// The outbox event's id.
    pub event_id: u64,
    pub event_type: String,
    /// `pending`, `delivered` or `failed` (given up after about three days).
    pub status: String,
    pub attempts: u32,
    /// When it is tried next, while pending.
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_attempt_at: Option<i64>,
    pub last_response_code: Option<u16>,
    pub last_error: Option<String>,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub done_at: Option<i64>,
}

impl From<Delivery> for WebhookDelivery {
    fn from(d: Delivery) -> Self {
        let pending = d.status == thirdspace_store::webhooks::DeliveryStatus::Pending;
        Self {
            id: d.id,
            event_id: d.event_id,
            event_type: d.event_type,
            status: d.status.as_str().to_owned(),
            attempts: d.attempts,
            next_attempt_at: pending.then_some(d.next_at),
            last_response_code: d.last_code,
            last_error: d.last_error,
            created_at: d.created_at,
            done_at: d.done_at,
        }
    }
}

/// One try of a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAttempt {
    pub attempt: u32,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: i64,
    /// The receiver's status code, if it answered.
    pub response_code: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u32,
}

impl From<DeliveryAttempt> for WebhookAttempt {
    fn from(a: DeliveryAttempt) -> Self {
        Self { attempt: a.attempt, at: a.at, response_code: a.code, error: a.error, duration_ms: a.duration_ms }
    }
}

/// A delivery with each of its tries.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryDetail {
    #[serde(flatten)]
    pub delivery: WebhookDelivery,
    /// Each try, oldest first (`attempts` counts them).
    pub tries: Vec<WebhookAttempt>,
}

/// An endpoint to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// Where to deliver: http or https, no user name or password. Loopback, private and other
    /// special addresses are refused when a delivery is made.
    #[schema(max_length = 2000, example = "https://hooks.example.org/thirdspace")]
    pub url: String,
    /// The event types wanted (`docs/EVENTS.md`); none or absent for every type.
    #[serde(default)]
    #[schema(max_items = 25, example = json!(["booking.made", "booking.cancelled"]))]
    pub events: Vec<String>,
}

/// What to change of an endpoint; what is absent stays.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookChange {
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    #[schema(max_items = 25)]
    pub events: Option<Vec<String>>,
    /// `true` switches it on again (its failures forgotten, its waiting deliveries go); `false`
    /// switches it off.
    pub enabled: Option<bool>,
}

/// A new secret; the others keep signing beside it for `expire_others_in` seconds, or until
/// removed when absent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretRequest {
    #[schema(minimum = 0, maximum = 604800, example = 86400)]
    pub expire_others_in: Option<i64>,
}

fn input(body: WebhookRequest) -> EndpointInput {
    EndpointInput { url: body.url, events: body.events }
}

async fn created(
    state: &AppState,
    auth: &Auth,
    scope: Scope,
    body: WebhookRequest,
) -> ApiResult<(StatusCode, Json<CreatedWebhook>)> {
    let (endpoint, secret) = webhooks::create(state, &auth.user, scope, &input(body)).await?;
    Ok((StatusCode::CREATED, Json(CreatedWebhook { webhook: endpoint.into(), secret: secret.into() })))
}

/// A venue's webhooks (its owner).
#[utoipa::path(get, path = "/api/v1/venues/{id}/webhooks", tag = "webhooks", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Webhook>), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn venue_list(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<Webhook>>> {
    let all = webhooks::list(&state, &auth.user, Scope::Venue(id)).await?;
    Ok(Json(all.into_iter().map(Webhook::from).collect()))
}

/// Adds a webhook for a venue's events (its owner); its secret is in the answer, and only there.
#[utoipa::path(post, path = "/api/v1/venues/{id}/webhooks", tag = "webhooks", params(("id" = Uuid, Path)),
    request_body = WebhookRequest,
    responses((status = 201, body = CreatedWebhook), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn venue_create(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<WebhookRequest>,
) -> ApiResult<(StatusCode, Json<CreatedWebhook>)> {
    created(&state, &auth, Scope::Venue(id), body).await
}

/// The network's webhooks (an admin), which receive every event.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    responses((status = 200, body = Vec<Webhook>), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn network_list(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<Webhook>>> {
    let all = webhooks::list(&state, &auth.user, Scope::Network).await?;
    Ok(Json(all.into_iter().map(Webhook::from).collect()))
}

/// Adds a webhook for the whole network's events (an admin); its secret is in the answer only.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = WebhookRequest,
    responses((status = 201, body = CreatedWebhook), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn network_create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<WebhookRequest>,
) -> ApiResult<(StatusCode, Json<CreatedWebhook>)> {
    created(&state, &auth, Scope::Network, body).await
}

/// A webhook with its secrets (their values are shown only when made).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = Uuid, Path)),
    responses((status = 200, body = WebhookDetail), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<WebhookDetail>> {
    let (endpoint, secrets) = webhooks::show(&state, &auth.user, id).await?;
    Ok(Json(WebhookDetail { webhook: endpoint.into(), secrets: secrets.into_iter().map(Into::into).collect() }))
}

/// Changes a webhook's URL or event types, or switches it on or off.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = Uuid, Path)),
    request_body = WebhookChange,
    responses((status = 200, body = Webhook), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn change(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<WebhookChange>,
) -> ApiResult<Json<Webhook>> {
    let change = ChangeInput { url: body.url, events: body.events, enabled: body.enabled };
    Ok(Json(webhooks::change(&state, &auth.user, id, &change).await?.into()))
}

/// Deletes a webhook, its secrets and its delivery log.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn delete(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<Uuid>) -> ApiResult<StatusCode> {
    webhooks::delete(&state, &auth.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a secret, to rotate without a moment unsigned: deliveries carry a signature by every
/// secret that signs; move the receiver to the new one, then remove the old (at most five).
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/secrets", tag = "webhooks", params(("id" = Uuid, Path)),
    request_body = SecretRequest,
    responses((status = 201, body = IssuedSecret), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn add_secret(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<SecretRequest>,
) -> ApiResult<(StatusCode, Json<IssuedSecret>)> {
    let made = webhooks::add_secret(&state, &auth.user, id, body.expire_others_in).await?;
    Ok((StatusCode::CREATED, Json(made.into())))
}

/// Removes a secret; the last one that signs stays (409).
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}/secrets/{secret_id}", tag = "webhooks",
    params(("id" = Uuid, Path), ("secret_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn remove_secret(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, secret)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    webhooks::remove_secret(&state, &auth.user, id, secret).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A webhook's delivery log, newest event first.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Paged<WebhookDelivery>), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn deliveries(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<WebhookDelivery>>> {
    Ok(Json(webhooks::deliveries(&state, &auth.user, id, q.page()?).await?.into()))
}

/// One delivery with each of its tries.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}", tag = "webhooks",
    params(("id" = Uuid, Path), ("delivery_id" = Uuid, Path)),
    responses((status = 200, body = WebhookDeliveryDetail), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn delivery(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, delivery)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Json<WebhookDeliveryDetail>> {
    let (found, tries) = webhooks::delivery(&state, &auth.user, id, delivery).await?;
    Ok(Json(WebhookDeliveryDetail { delivery: found.into(), tries: tries.into_iter().map(Into::into).collect() }))
}

/// Sends a delivery again now, with the same `webhook-id`.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/send-again", tag = "webhooks",
    params(("id" = Uuid, Path), ("delivery_id" = Uuid, Path)),
    responses((status = 200, body = WebhookDelivery), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn send_again(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, delivery)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Json<WebhookDelivery>> {
    Ok(Json(webhooks::send_again(&state, &auth.user, id, delivery).await?.into()))
}
