//! The background sweep: releases bookings nobody claimed within the grace period, checks out
//! everyone still checked in when their venue closes, passes on places offered from a
//! gathering's line and not taken in time, and forgets counted attempts (failed
//! log-ins, e-mails asked for) whose window is over, and events, e-mails sent (or set aside) and
//! webhook deliveries delivered (or given up) longer ago than [`EVENTS_KEPT_DAYS`].
//! Capacity and presence do not depend on it (both apply the same rules when read); it keeps the
//! stored statuses honest.

use crate::AppState;

/// How long the outbox keeps an event, in days.
pub const EVENTS_KEPT_DAYS: i64 = 30;

pub async fn run(state: AppState) {
    let mut every = tokio::time::interval(state.config.sweep_every);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let now = state.clock.now();
        match state.store.release_no_shows(now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(released = n, "released no-show bookings"),
            Err(e) => tracing::warn!(error = %e, "releasing no-shows failed"),
        }
        match state.store.check_out_at_closing(now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(checked_out = n, "checked people out at closing"),
            Err(e) => tracing::warn!(error = %e, "checking out at closing failed"),
        }
        match crate::app::gatherings::lapse_offers(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(lapsed = n, "offers of places not taken in time went to the next in line"),
            Err(e) => tracing::warn!(error = ?e, "lapsing offers of places failed"),
        }
        if let Err(e) = crate::limits::forget_old(&*state.store, now).await {
            tracing::warn!(error = %e, "forgetting old counted attempts failed");
        }
        if let Err(e) = state.store.forget_events(now - EVENTS_KEPT_DAYS * 86_400).await {
            tracing::warn!(error = %e, "forgetting old events failed");
        }
        if let Err(e) = state.store.forget_mails(now - EVENTS_KEPT_DAYS * 86_400).await {
            tracing::warn!(error = %e, "forgetting old e-mails failed");
        }
        if let Err(e) = state.store.forget_deliveries(now - EVENTS_KEPT_DAYS * 86_400).await {
            tracing::warn!(error = %e, "forgetting old webhook deliveries failed");
        }
    }
}
