//! Booking a seat, seeing and cancelling a booking.

use chrono::NaiveDate;
use thirdspace_domain::booking::{self, BookingInput, BookingStatus};
use thirdspace_domain::exchange;
use thirdspace_domain::{hours, Invalid};
use thirdspace_store::{
    Booking, BookingsWhen, DayBooking, Decision, NewBooking, Page, Paged, StoreResult, User, Venue, Work,
};
use uuid::Uuid;

use super::access::{self, VenueRules};
use super::{mails, presence};
use super::{AppError, AppResult};
use crate::AppState;

/// Books a seat for `user` at `venue`, by the venue's rules and the store's capacity check. Each
/// result is counted in the metrics once it is known, even when the requester has gone.
pub async fn place(state: &AppState, user: Uuid, venue: &Venue, input: &BookingInput) -> AppResult<Booking> {
    let (new, tz) = match planned(state, user, venue, input) {
        Ok(planned) => planned,
        Err(refused) => {
            let refused = Err(refused);
            state.metrics.booking(&refused);
            return refused;
        }
    };
    if state.store.one_writer() {
        // The group's writer counts what it writes.
        return state.group_commit.book(&state.store, &state.metrics, new, tz).await;
    }
    let placed = alone(state, new, tz).await;
    state.metrics.booking(&placed);
    placed
}

/// The booking the rules allow, ready for the store, with the venue's time zone.
fn planned(
    state: &AppState,
    user: Uuid,
    venue: &Venue,
    input: &BookingInput,
) -> AppResult<(NewBooking, chrono_tz::Tz)> {
    let rules = VenueRules::of(venue)?;
    let now = state.clock.now();
    let plan = booking::plan_with_terms(rules.clock(venue), access::terms(venue), input, now)?;
    let tz = access::time_zone(venue)?;
    Ok((NewBooking { user, venue: venue.id, space: input.space_id, plan, now }, tz))
}

/// A booking in a unit of work of its own.
async fn alone(state: &AppState, new: NewBooking, tz: chrono_tz::Tz) -> AppResult<Booking> {
    let mut work = state.store.begin().await?;
    let done = write(work.as_mut(), new, tz).await;
    Ok(work.end(done).await?)
}

/// Writes a booking and the e-mails it sends inside a unit of work.
pub(super) async fn write(work: &mut dyn Work, new: NewBooking, tz: chrono_tz::Tz) -> StoreResult<Booking> {
    let now = new.now;
    let made = work.book(new).await?;
    mails::queue(work, &mails::for_booking(&made, tz, now), now).await?;
    Ok(made)
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

/// Every booking of today (the venue's local date) at `venue`, with who made it, for a caller
/// that has established who may see them: the venue's staff, or its kiosk.
pub async fn today_at(state: &AppState, venue: &Venue) -> AppResult<Vec<DayBooking>> {
    let (today, _) = hours::local_now(access::time_zone(venue)?, state.clock.now());
    day_at(state, venue.id, today).await
}

/// Every booking of `date` at `venue`, with who made it, read page by page.
async fn day_at(state: &AppState, venue: Uuid, date: NaiveDate) -> AppResult<Vec<DayBooking>> {
    let mut all = Vec::new();
    for number in 1.. {
        let page = state.store.venue_day(venue, date, Page::new(number, Page::MAX_PER_PAGE)).await?;
        let more = page.items.len() as u32 == Page::MAX_PER_PAGE;
        all.extend(page.items);
        if !more {
            break;
        }
    }
    Ok(all)
}

/// A venue's bookings on a local date (today there by default), with who made them (its staff
/// only).
pub async fn day(
    state: &AppState,
    actor: &User,
    id: Uuid,
    date: Option<NaiveDate>,
    page: Page,
) -> AppResult<Paged<DayBooking>> {
    let (venue, _) = access::venue_for_staff(state, id, actor).await?;
    let date = match date {
        Some(date) => date,
        None => hours::local_now(access::time_zone(&venue)?, state.clock.now()).0,
    };
    Ok(state.store.venue_day(id, date, page).await?)
}

/// The actor's bookings, upcoming (soonest first) or past (latest first).
pub async fn mine(state: &AppState, actor: &User, when: BookingsWhen, page: Page) -> AppResult<Paged<Booking>> {
    Ok(state.store.bookings_of(actor.id, when, state.clock.now(), page).await?)
}

/// Seats free at a venue on `date` over `window` (UTC instants), for the booking form.
pub async fn free_seats(state: &AppState, venue: Uuid, date: NaiveDate, window: (i64, i64)) -> AppResult<u32> {
    Ok(state.store.free_seats(venue, date, window, state.clock.now()).await?)
}

/// Who is expected at a venue on a date, as `viewer` may see them now: the names shown, and how
/// many more are expected without being shown. Each person counts once; bookings over, cancelled
/// or released do not count.
pub async fn expected(
    state: &AppState,
    viewer: Option<&User>,
    venue: &Venue,
    date: NaiveDate,
) -> AppResult<(Vec<(String, Booking)>, usize)> {
    let now = state.clock.now();
    let visible = presence::who_may_see_here(state, viewer, venue.id).await?;
    let mut shown = Vec::new();
    let mut hidden = 0;
    let mut seen = std::collections::HashSet::new();
    for b in day_at(state, venue.id, date).await? {
        let live =
            matches!(b.booking.status, BookingStatus::Booked | BookingStatus::CheckedIn) && b.booking.ends_at > now;
        if !live || !seen.insert(b.booking.user_id) {
            continue;
        }
        if visible(b.booking.user_id, b.visibility) {
            shown.push((b.display_name, b.booking));
        } else {
            hidden += 1;
        }
    }
    Ok((shown, hidden))
}

/// A venue's bookings waiting for approval, soonest first (its staff only).
pub async fn awaiting_approval(state: &AppState, actor: &User, id: Uuid, page: Page) -> AppResult<Paged<DayBooking>> {
    access::venue_for_staff(state, id, actor).await?;
    Ok(state.store.awaiting_approval(id, state.clock.now(), page).await?)
}

/// A host approves or declines booking `id` with an optional message to the visitor. Bookings at
/// venues the actor does not run are not found.
pub async fn decide(
    state: &AppState,
    actor: &User,
    id: Uuid,
    approve: bool,
    message: Option<&str>,
) -> AppResult<Booking> {
    let found = state.store.booking(id).await?.ok_or(AppError::NotFound("booking"))?;
    if !access::runs(state, found.venue_id, actor).await? {
        return Err(AppError::NotFound("booking"));
    }
    let message = booking::decision_message(message)?;
    let decision = Decision { approve, by: actor.id, message };
    let venue = access::venue(state, found.venue_id).await?;
    let tz = access::time_zone(&venue)?;
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let done = async {
        let decided = work.decide_booking(id, decision, now).await?;
        mails::queue(work.as_mut(), &mails::for_booking(&decided, tz, now), now).await?;
        Ok(decided)
    }
    .await;
    Ok(work.end(done).await?)
}

/// The actor says whether they shared what they pledged with booking `id`, optionally naming the
/// exchange it became (one they gave, still standing). Only the booking's holder answers.
pub async fn answer_pledge(
    state: &AppState,
    actor: &User,
    id: Uuid,
    kept: bool,
    exchange: Option<Uuid>,
) -> AppResult<Booking> {
    let found = state.store.booking(id).await?.ok_or(AppError::NotFound("booking"))?;
    if found.user_id != actor.id {
        return Err(AppError::NotFound("booking"));
    }
    let now = state.clock.now();
    if let Some(exchange) = exchange {
        let linked = state.store.exchange(exchange).await?;
        if !linked.is_some_and(|e| exchange::keeps_pledge_of(&e.proposal(), actor.id, now)) {
            return Err(Invalid::new("exchange_id", "name an exchange in which you helped someone").into());
        }
    }
    Ok(state.store.answer_pledge(id, kept, exchange, now).await?)
}
