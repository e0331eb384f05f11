//! The live stream of a venue's events, as Server-Sent Events.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use thirdspace_store::ScreenKind;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use uuid::Uuid;

use super::screens::{may_show, ScreenQuery};
use super::venue_for_staff;
use crate::auth::{token_hash, MaybeAuth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::events::VenueEvent;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;

fn sse(event: &VenueEvent) -> Event {
    Event::default()
        .id(event.id.to_string())
        .event(event.kind.as_str())
        .json_data(event)
        .unwrap_or_else(|_| reload(event.id))
}

/// Tells the client to reload everything: it missed more than can be replayed. It carries the
/// latest id, so that the client's next reconnection resumes from here.
fn reload(last_id: u64) -> Event {
    Event::default().id(last_id.to_string()).event("reload").data("{}")
}

/// Completes once the screen token with `hash` no longer opens `venue` (never for a person's
/// stream, which has no token).
async fn revocation(state: AppState, venue: Uuid, hash: Option<String>) {
    let Some(hash) = hash else { return std::future::pending().await };
    loop {
        tokio::time::sleep(state.config.screen_recheck).await;
        match state.store.screen_token(&hash).await {
            Ok(Some((v, ScreenKind::Display))) if v == venue => {}
            Ok(_) => return,
            // A database hiccup is not a revocation: look again next time.
            Err(e) => tracing::warn!(error = %e, "checking a screen's token failed"),
        }
    }
}

/// A venue's events as they happen (`presence`, `profile`, `question`, `intro`), for its
/// screens (`?token=` a display token), its staff and the people checked in there. Each event
/// carries an id; a client that reconnects with `Last-Event-ID` first receives what it missed,
/// or a `reload` event when that is too old.
#[utoipa::path(get, path = "/api/v1/venues/{id}/events", tag = "screens", params(("id" = Uuid, Path), ScreenQuery),
    responses((status = 200, description = "text/event-stream of VenueEvent", content_type = "text/event-stream", body = String),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("cookie" = [])))]
pub async fn events(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ScreenQuery>,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    state.store.venue(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    if q.token.is_some() {
        may_show(&state, id, q.token.as_deref(), None).await?;
    } else {
        let user = user.ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "log in, send a valid API token, or open the stream with a screen's ?token=",
            )
        })?;
        let here = state.store.checked_in_at(user.id, state.clock.now()).await? == Some(id);
        if !here && venue_for_staff(&state, id, &user).await.is_err() {
            return Err(ApiError::forbidden(
                "only the venue's screens, staff and the people checked in there follow its events",
            ));
        }
    }
    // Subscribe before reading what was missed, so that nothing falls between the two.
    let live = BroadcastStream::new(state.events.subscribe());
    let last_seen =
        headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    let (backlog, replayed_up_to) = match last_seen {
        None => (Vec::new(), 0),
        Some(last) => match state.events.since(id, last) {
            Some(missed) => {
                let up_to = missed.last().map_or(last, |e| e.id);
                (missed.iter().map(sse).collect(), up_to)
            }
            // Nothing of what it saw can be trusted: everything from now on is new to it.
            None => (vec![reload(state.events.last_id())], 0),
        },
    };
    let live = live.filter_map(move |received| async move {
        match received {
            Ok(event) if event.venue_id == id && event.id > replayed_up_to => Some(sse(&event)),
            Ok(_) => None,
            Err(BroadcastStreamRecvError::Lagged(_)) => Some(reload(0)),
        }
    });
    // Reconnect after a second when the connection drops; end when the server stops, or when the
    // screen's token is revoked (checked every `screen_recheck`).
    let hello = Event::default().retry(Duration::from_secs(1)).comment("connected");
    let closed = state.events.closed();
    let revoked = revocation(state.clone(), id, q.token.as_deref().map(token_hash));
    let stop = async move {
        tokio::select! {
            () = closed => {}
            () = revoked => {}
        }
    };
    let stream = stream::iter(std::iter::once(hello).chain(backlog)).chain(live).take_until(stop).map(Ok);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
