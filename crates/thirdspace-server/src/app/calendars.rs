//! A member's own calendar feed, at a secret address they can change: their bookings and the
//! gatherings they answered for, a month back and a year ahead.

use std::collections::HashMap;

use thirdspace_domain::gathering::RsvpStatus;
use thirdspace_store::{BookingsWhen, Page, User, Venue};
use uuid::Uuid;

use super::{AppError, AppResult};
use crate::auth::{new_token, token_hash};
use crate::AppState;

/// Where a calendar key is read: the feed's path under the public address.
pub fn feed_url(state: &AppState, key: &str) -> String {
    format!("{}/api/v1/calendars/{key}", state.config.public_url)
}

/// Gives `actor` a new calendar address; the one they had stops working.
pub async fn new_key(state: &AppState, actor: &User) -> AppResult<String> {
    let key = new_token();
    let mut work = state.store.begin().await?;
    let done = work.set_calendar_key(actor.id, Some(&token_hash(&key)), state.clock.now()).await;
    work.end(done).await?;
    Ok(feed_url(state, &key))
}

/// Stops `actor`'s calendar address working.
pub async fn drop_key(state: &AppState, actor: &User) -> AppResult<()> {
    let mut work = state.store.begin().await?;
    let done = work.set_calendar_key(actor.id, None, state.clock.now()).await;
    Ok(work.end(done).await?)
}

/// The most bookings and answers a personal feed holds, each.
pub const MAX_PERSONAL: u32 = 100;

/// The feed the key opens: the holder's bookings (upcoming, and the latest past ones) and their
/// answers for gatherings from a month back to a year ahead; a withdrawn answer or a cancelled
/// booking shows as cancelled, so calendars drop it. Addresses of homes only where they go.
pub async fn personal(state: &AppState, key: &str) -> AppResult<String> {
    let user = state.store.calendar_holder(&token_hash(key)).await?.ok_or(AppError::NotFound("calendar"))?;
    let now = state.clock.now();
    let base = &state.config.public_url;
    let page = Page::new(1, MAX_PERSONAL);
    let mut bookings = state.store.bookings_of(user, BookingsWhen::Upcoming, now, page).await?.items;
    bookings.extend(state.store.bookings_of(user, BookingsWhen::Past, now, page).await?.items);
    let mut venues: HashMap<Uuid, Option<Venue>> = HashMap::new();
    let mut events = Vec::new();
    for b in &bookings {
        let venue = match venues.get(&b.venue_id) {
            Some(found) => found.clone(),
            None => {
                let found = state.store.venue(b.venue_id).await?;
                venues.insert(b.venue_id, found.clone());
                found
            }
        };
        if let Some(venue) = venue {
            events.extend(crate::calendar::booking(b, &venue, base, now));
        }
    }
    let (back, ahead) = super::gatherings::FEED_DAYS;
    let span = (now - back * 86_400, now + ahead * 86_400);
    for (g, mut d, r) in state.store.answered_by(user, span, MAX_PERSONAL).await? {
        if matches!(r.status, RsvpStatus::Cancelled | RsvpStatus::Declined) {
            d.cancelled_at.get_or_insert(r.updated_at);
        }
        let address = g.address.as_deref().filter(|_| r.status == RsvpStatus::Going);
        events.extend(crate::calendar::gathering_date(&g, &d, address, base, now));
    }
    Ok(crate::calendar::feed("My thirdspace", events))
}
