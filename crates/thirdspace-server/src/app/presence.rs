//! Check-in (yourself with the daily code, by staff, or as a walk-in) and check-out.

use std::sync::Arc;

use serde::Serialize;
use serde_json::value::RawValue;
use thirdspace_domain::booking::{self, Refusal};
use thirdspace_domain::email::Email;
use thirdspace_domain::profile::{may_see, Viewer, Visibility};
use thirdspace_domain::{checkin, hours, resident};
use thirdspace_store::{
    Booking, CheckIn, CheckedIn, Conflict, PresenceConflict, PresentPerson, StoreError, User, Venue,
};
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::{self, VenueRules};
use super::bookings::walk_in_words;
use super::{AppError, AppResult, Denial};
use crate::AppState;

/// Who checks whom in, and how.
pub enum CheckInAs {
    /// Staff check a member in, on the booking the member holds for now.
    Staff { member: Uuid },
    /// People check themselves in with today's code (staff need none), on their booking for now
    /// or, with `walk_in`, on a booking made on the spot.
    Themselves { code: Option<String>, walk_in: bool, focus: Option<String>, pledge: Option<String> },
}

/// Checks someone in at venue `id`, as `actor` may.
pub async fn check_in(state: &AppState, actor: &User, id: Uuid, how: CheckInAs) -> AppResult<CheckedIn> {
    let venue = access::venue(state, id).await?;
    let staff = access::runs(state, id, actor).await?;
    let how = match how {
        CheckInAs::Staff { member } if member == actor.id => {
            CheckInAs::Themselves { code: None, walk_in: false, focus: None, pledge: None }
        }
        how => how,
    };
    match how {
        CheckInAs::Staff { member } => {
            if !staff {
                return Err(AppError::Forbidden("only this venue's staff may check someone else in"));
            }
            state.store.user(member).await?.ok_or(AppError::NotFound("person"))?;
            // Staff claim a member's own booking; only the member can make a walk-in booking.
            arrive(state, &venue, member, Arrival::OnBooking { by_staff: Some(actor.id) }).await
        }
        CheckInAs::Themselves { code, walk_in, focus, pledge } => {
            if !staff {
                check_code(state, &venue, code.as_deref().unwrap_or_default()).await?;
            }
            let arrival =
                if walk_in { Arrival::OrWalkIn { focus, pledge } } else { Arrival::OnBooking { by_staff: None } };
            arrive(state, &venue, actor.id, arrival).await
        }
    }
}

/// Fails unless `code` is today's check-in code of the venue.
pub async fn check_code(state: &AppState, venue: &Venue, code: &str) -> AppResult<()> {
    let (today, _) = hours::local_now(access::time_zone(venue)?, state.clock.now());
    let secret = access::checkin_secret(state, venue.id).await?;
    if checkin::code_matches(&secret, today, code) {
        Ok(())
    } else {
        Err(Denial::WrongCheckInCode.into())
    }
}

/// How someone arrives.
pub enum Arrival {
    /// On the booking they hold for now; `by_staff` when a staff member checks them in.
    OnBooking { by_staff: Option<Uuid> },
    /// On their booking for now, or else on a walk-in booking until closing when a seat is free.
    OrWalkIn { focus: Option<String>, pledge: Option<String> },
}

/// Checks `user` in at `venue` now (the caller has decided they may be).
pub async fn arrive(state: &AppState, venue: &Venue, user: Uuid, arrival: Arrival) -> AppResult<CheckedIn> {
    // Someone checked in here already (the door's code scanned twice) is answered from a read:
    // nothing to write, nothing to wait for.
    if let Some(booking) = state.store.visit_now(user, venue.id, state.clock.now()).await? {
        return Ok(CheckedIn { booking, walk_in: false });
    }
    let arrived = claim_seat(state, venue, user, arrival).await;
    if arrived.is_ok() {
        state.metrics.checked_in();
        state.presence.changed(venue.id);
    }
    arrived
}

async fn claim_seat(state: &AppState, venue: &Venue, user: Uuid, arrival: Arrival) -> AppResult<CheckedIn> {
    let now = state.clock.now();
    let rules = VenueRules::of(venue)?;
    let (today, at) = hours::local_now(rules.tz, now);
    let Some(period) = hours::open_period_at(&rules.hours, &venue.closures, today, at) else {
        return Err(Refusal::VenueClosed { date: today }.into());
    };
    let open_until = hours::instant(rules.tz, today, period.end);
    let check_in = |walk_in, by_staff| CheckIn { venue: venue.id, user, today, at, now, open_until, walk_in, by_staff };
    // The booking the person holds comes first, in the same transaction as the visit planned
    // for when there is none: a resident's (which takes no seat kept for social capital), or a
    // walk-in. A walk-in's own rules (not too close to closing, its words) never turn away someone
    // booked: when they refuse, the refusal is the answer only if there is no booking for now.
    let by_staff = match &arrival {
        Arrival::OnBooking { by_staff } => *by_staff,
        Arrival::OrWalkIn { .. } => None,
    };
    let otherwise = if is_resident(state, venue.id, user).await? {
        Some(booking::resident_visit(rules.clock(venue), now).map_err(AppError::from))
    } else {
        match arrival {
            Arrival::OnBooking { .. } => None,
            Arrival::OrWalkIn { focus, pledge } => Some(
                walk_in_words(focus, pledge)
                    .map_err(AppError::from)
                    .and_then(|(focus, pledge)| Ok(booking::walk_in(rules.clock(venue), now, focus, pledge)?)),
            ),
        }
    };
    match otherwise {
        Some(Ok(plan)) => Ok(state.store.check_in(check_in(Some(plan), by_staff)).await?),
        Some(Err(refused)) => match state.store.check_in(check_in(None, by_staff)).await {
            Err(StoreError::Conflict(Conflict::Presence(PresenceConflict::NoBookingNow))) => Err(refused),
            booked => Ok(booked?),
        },
        None => Ok(state.store.check_in(check_in(None, by_staff)).await?),
    }
}

/// Whether `user` is among the residents `venue` lists (by their address or its domain).
pub async fn is_resident(state: &AppState, venue: Uuid, user: Uuid) -> AppResult<bool> {
    let residents = state.store.residents(venue).await?;
    if residents.is_empty() {
        return Ok(false);
    }
    // An address counts once its owner proved it: anyone may sign up with any address.
    let Some(person) = state.store.user(user).await?.filter(|u| u.email_verified) else { return Ok(false) };
    let listed: Vec<_> = residents.into_iter().map(|r| r.resident).collect();
    Ok(Email::parse(&person.email).is_ok_and(|email| resident::is_resident(&email, &listed)))
}

/// Checks `member` (or, without one, the actor) out of venue `id`; only its staff check out
/// someone else.
pub async fn check_out(state: &AppState, actor: &User, id: Uuid, member: Option<Uuid>) -> AppResult<Booking> {
    access::venue(state, id).await?;
    let user = match member {
        Some(member) if member != actor.id => {
            if !access::runs(state, id, actor).await? {
                return Err(AppError::Forbidden("only this venue's staff may check someone else out"));
            }
            member
        }
        _ => actor.id,
    };
    leave(state, id, user).await
}

/// Checks `user` out of `venue` now.
pub async fn leave(state: &AppState, venue: Uuid, user: Uuid) -> AppResult<Booking> {
    let left = state.store.check_out(venue, user, state.clock.now()).await?;
    state.presence.changed(venue);
    Ok(left)
}

/// The venue where the actor is checked in now, if any.
pub async fn where_am_i(state: &AppState, actor: &User) -> AppResult<Option<Venue>> {
    match state.store.checked_in_at(actor.id, state.clock.now()).await? {
        Some(id) => Ok(state.store.venue(id).await?),
        None => Ok(None),
    }
}

/// Whether `user` is checked in at `venue` now.
pub async fn is_here(state: &AppState, user: Uuid, venue: Uuid) -> AppResult<bool> {
    Ok(state.store.checked_in_at(user, state.clock.now()).await? == Some(venue))
}

/// Whom `viewer` may see among the people of `venue` now, by each one's id and visibility:
/// `public` people anyone, `venue` people those checked in there too, `hidden` people nobody but
/// themselves.
pub async fn who_may_see_here(
    state: &AppState,
    viewer: Option<&User>,
    venue: Uuid,
) -> AppResult<impl Fn(Uuid, Visibility) -> bool> {
    let here = match viewer {
        Some(v) => is_here(state, v.id, venue).await?,
        None => false,
    };
    Ok(seen_by(viewer.map(|v| v.id), here))
}

/// Whom the viewer `me` (none: someone not logged in) may see, by each person's id and
/// visibility, when the viewer is (`here`) or is not checked in at the venue now.
fn seen_by(me: Option<Uuid>, here: bool) -> impl Fn(Uuid, Visibility) -> bool {
    move |person: Uuid, visibility: Visibility| {
        may_see(visibility, Viewer { is_self: me == Some(person), shares_venue_now: here })
    }
}

/// Someone here now, as much as they chose to show.
#[derive(Serialize, ToSchema)]
pub struct PresentView {
    pub user_id: Uuid,
    pub display_name: String,
    pub headline: Option<String>,
    pub offers: Vec<String>,
    pub seeking: Vec<String>,
    pub seeking_text: Option<String>,
    pub interests: Vec<String>,
    pub field: Option<String>,
    pub open_to_meet: bool,
    /// Today's focus.
    pub focus: String,
    #[schema(value_type = String, format = DateTime)]
    pub since: String,
}

/// Someone here now as [`PresentView`], written as JSON: once per change of the venue's people
/// (with its view, `here.rs`), not once per request.
#[derive(Debug)]
pub struct Shown {
    pub json: Box<RawValue>,
}

/// Everyone in `people` as they are shown to whoever may see them.
pub fn shown(people: &[PresentPerson]) -> serde_json::Result<Vec<Arc<Shown>>> {
    people
        .iter()
        .map(|p| {
            let view = PresentView {
                user_id: p.profile.user_id,
                display_name: p.profile.display_name.clone(),
                headline: p.profile.headline.clone(),
                offers: p.profile.offers.clone(),
                seeking: p.profile.seeking.clone(),
                seeking_text: p.profile.seeking_text.clone(),
                interests: p.profile.interests.clone(),
                field: p.profile.field.clone(),
                open_to_meet: p.profile.open_to_meet,
                focus: p.focus.clone(),
                since: chrono::DateTime::from_timestamp(p.checked_in_at, 0)
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                    .unwrap_or_default(),
            };
            Ok(Arc::new(Shown { json: serde_json::value::to_raw_value(&view)? }))
        })
        .collect()
}

/// Who is here now at venue `id`: everyone is counted, but only those whose visibility allows
/// `viewer` to see them now are named (`public` to anyone, `venue` to people checked in there,
/// `hidden` to nobody).
pub async fn here_now(state: &AppState, viewer: Option<&User>, id: Uuid) -> AppResult<(u32, Vec<Arc<Shown>>)> {
    let now = state.clock.now();
    let present = match state.presence.kept_view(id, now) {
        Some(present) => present,
        None => {
            access::venue(state, id).await?;
            state.presence.present(state.store.as_ref(), id, now).await?
        }
    };
    // Whether the viewer is here now is read from the same view: one moment for both.
    let me = viewer.map(|v| v.id);
    let here = present.people.iter().any(|p| Some(p.profile.user_id) == me);
    let visible = seen_by(me, here);
    let total = present.people.len() as u32;
    let shown = present
        .people
        .iter()
        .zip(&present.shown)
        .filter(|(p, _)| visible(p.profile.user_id, p.profile.visibility))
        .map(|(_, shown)| shown.clone())
        .collect();
    Ok((total, shown))
}
