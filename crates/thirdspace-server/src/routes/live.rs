//! The live stream of a venue's events, as Server-Sent Events.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use uuid::Uuid;

use super::screens::ScreenQuery;
use crate::app::presence;
use crate::app::screens::{self, Follower};
use crate::app::AppError;
use crate::auth::{token_hash, MaybeAuth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::events::{EventKind, VenueEvent};
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
        match screens::display_still_opens(&state, venue, &hash).await {
            Ok(true) => {}
            Ok(false) => return,
            // A database hiccup is not a revocation: look again next time.
            Err(e) => tracing::warn!(error = %e, "checking a screen's token failed"),
        }
    }
}

/// Completes once `user`, who follows the venue as a person checked in there, is no longer
/// checked in there: looked at on each of the venue's presence events (their check-out is one),
/// and every `screen_recheck` (a venue that closes checks people out without an event). Never
/// for a stream that is not a person's (`None`: a screen, staff).
async fn departure(state: AppState, venue: Uuid, user: Option<Uuid>) {
    let Some(user) = user else { return std::future::pending().await };
    let mut events = state.events.subscribe();
    loop {
        tokio::select! {
            received = events.recv() => match received {
                Ok(event) if event.venue_id != venue || event.kind != EventKind::Presence => continue,
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                // The server is stopping, which ends the stream anyway.
                Err(RecvError::Closed) => return std::future::pending().await,
            },
            () = tokio::time::sleep(state.config.screen_recheck) => {}
        }
        match presence::is_here(&state, user, venue).await {
            Ok(true) => {}
            Ok(false) => return,
            // A database hiccup is not a check-out: look again next time.
            Err(e) => tracing::warn!(error = %e, "checking a follower's check-in failed"),
        }
    }
}

/// A venue's events as they happen (`presence`, `profile`, `question`, `intro`), for its
/// screens (`?token=` a display token), its staff and the people checked in there. Each event
/// carries an id; a client that reconnects with `Last-Event-ID` first receives what it missed,
/// or a `reload` event when that is too old. A screen's stream ends with a `revoked` event when
/// its token is revoked; a person's ends when they are no longer checked in there.
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
    // A person (not staff) follows the venue only while checked in there.
    let follower = match screens::may_follow(&state, id, q.token.as_deref(), user.as_ref()).await {
        Ok(Follower::Screen) => None,
        Ok(Follower::Person(user)) => Some(user),
        Err(AppError::Unauthenticated) => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "log in, send a valid API token, or open the stream with a screen's ?token=",
            ))
        }
        Err(e) => return Err(e.into()),
    };
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
    // Reconnect after a second when the connection drops; end when the server stops, when the
    // screen's token is revoked (checked every `screen_recheck`), or when the person checks out.
    let hello = Event::default().retry(Duration::from_secs(1)).comment("connected");
    let closed = state.events.closed();
    let revoked = revocation(state.clone(), id, q.token.as_deref().map(token_hash));
    let left = departure(state.clone(), id, follower);
    // A revoked screen is told so before its stream ends, so that it stops showing names at once.
    let (farewell, last_word) = tokio::sync::oneshot::channel::<Event>();
    let stop = async move {
        tokio::select! {
            () = closed => {}
            () = revoked => {
                let _ = farewell.send(Event::default().event("revoked").data("{}"));
            }
            () = left => {}
        }
    };
    let last_word = stream::once(last_word).filter_map(|said| async move { said.ok() });
    // Counted as open for as long as the stream lives.
    let open = state.metrics.stream_opened();
    let stream = stream::iter(std::iter::once(hello).chain(backlog)).chain(live).take_until(stop).chain(last_word).map(
        move |event| {
            let _counted = &open;
            Ok(event)
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
