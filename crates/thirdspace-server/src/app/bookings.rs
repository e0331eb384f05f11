//! Booking a seat, seeing and cancelling a booking.

use thirdspace_domain::booking::{self, BookingInput};
use thirdspace_domain::Invalid;
use thirdspace_store::{Booking, NewBooking, User, Venue};
use uuid::Uuid;

use super::access::{self, VenueRules};
use super::{AppError, AppResult};
use crate::AppState;

/// Books a seat for `user` at `venue`, by the venue's rules and the store's capacity check.
pub async fn place(state: &AppState, user: Uuid, venue: &Venue, input: &BookingInput) -> AppResult<Booking> {
    let rules = VenueRules::of(venue)?;
    let now = state.clock.now();
    let plan = booking::plan(rules.clock(venue), input, now)?;
    Ok(state.store.book(NewBooking { user, venue: venue.id, space: input.space_id, plan, now }).await?)
}

/// A booking `actor` may see and cancel: their own, or one at a venue they run. Anyone else's is
/// not found, so booking IDs reveal nothing. The one rule for the API and the pages.
pub async fn visible(state: &AppState, actor: &User, id: Uuid) -> AppResult<Booking> {
    let found = state.store.booking(id).await?.ok_or(AppError::NotFound("booking"))?;
    if found.user_id == actor.id || access::runs(state, found.venue_id, actor).await? {
        Ok(found)
    } else {
        Err(AppError::NotFound("booking"))
    }
}

/// Cancels booking `id` for `actor` (its holder or the venue's staff); the seat goes back.
pub async fn cancel(state: &AppState, actor: &User, id: Uuid) -> AppResult<Booking> {
    visible(state, actor, id).await?;
    Ok(state.store.cancel_booking(id, state.clock.now()).await?)
}

/// The focus and pledge of a walk-in, when the person gave none.
pub fn walk_in_words(focus: Option<String>, pledge: Option<String>) -> Result<(String, String), Invalid> {
    let focus = thirdspace_domain::text::optional("focus", focus.as_deref(), 280, false)?
        .unwrap_or_else(|| "Dropped in today".to_owned());
    let pledge = thirdspace_domain::text::optional("pledge", pledge.as_deref(), 280, false)?
        .unwrap_or_else(|| "Happy to share what I know with the people here".to_owned());
    Ok((focus, pledge))
}
