//! Who may run a venue, and the venue's own settings as the rules need them.

use thirdspace_domain::booking::{Terms, VenueClock};
use thirdspace_domain::hours::WeeklyHours;
use thirdspace_domain::Invalid;
use thirdspace_store::{StaffRole, User, Venue};
use uuid::Uuid;

use super::{AppError, AppResult};
use crate::AppState;

/// A venue by id.
pub async fn venue(state: &AppState, id: Uuid) -> AppResult<Venue> {
    let found = state.venues.or_read(id, state.clock.now(), state.store.venue(id)).await?;
    found.ok_or(AppError::NotFound("venue"))
}

/// The user's role at venue `id`, if any: read at most once a second (`AppState::roles`); this
/// instance forgets it at once when it changes it (an invitation accepted).
pub async fn role(state: &AppState, id: Uuid, user: Uuid) -> AppResult<Option<StaffRole>> {
    let read = async { state.store.role(id, user).await.map(Some) };
    Ok(state.roles.or_read((id, user), state.clock.now(), read).await?.flatten())
}

/// Venue `id`'s check-in secret (it never changes): read at most once a second.
pub async fn checkin_secret(state: &AppState, id: Uuid) -> AppResult<Vec<u8>> {
    let found = state.secrets.or_read(id, state.clock.now(), state.store.checkin_secret(id)).await?;
    found.ok_or(AppError::NotFound("venue"))
}

/// The venue and the user's role there, if they run it (its owner or staff, or a network admin).
pub async fn venue_for_staff(state: &AppState, id: Uuid, user: &User) -> AppResult<(Venue, StaffRole)> {
    let found = venue(state, id).await?;
    if user.is_admin {
        return Ok((found, StaffRole::Owner));
    }
    match role(state, id, user.id).await? {
        Some(role) => Ok((found, role)),
        None => Err(AppError::Forbidden("only this venue's staff may do that")),
    }
}

/// The venue, if the user owns it (or is a network admin).
pub async fn venue_for_owner(state: &AppState, id: Uuid, user: &User) -> AppResult<Venue> {
    match venue_for_staff(state, id, user).await? {
        (venue, StaffRole::Owner) => Ok(venue),
        (_, StaffRole::Staff) => Err(AppError::Forbidden("only this venue's owner may do that")),
    }
}

/// Whether the user runs the venue (its owner or staff, or a network admin); the caller knows
/// the venue exists.
pub async fn runs(state: &AppState, id: Uuid, user: &User) -> AppResult<bool> {
    Ok(user.is_admin || role(state, id, user.id).await?.is_some())
}

/// The venue a request's `field` names, or that field refused: "no such venue".
pub async fn venue_named(state: &AppState, id: Uuid, field: &str) -> AppResult<Venue> {
    match venue(state, id).await {
        Err(AppError::NotFound(_)) => Err(Invalid::new(field, "no such venue").into()),
        found => found,
    }
}

/// The parsed time zone of a stored venue.
pub fn time_zone(venue: &Venue) -> AppResult<chrono_tz::Tz> {
    venue.time_zone.parse().map_err(|_| {
        tracing::error!(venue = %venue.id, tz = %venue.time_zone, "a stored venue has an unknown time zone");
        AppError::Internal
    })
}

/// What a stored venue asks of a booking beyond its hours.
pub fn terms(venue: &Venue) -> Terms {
    Terms { house_rules: venue.house_rules.is_some(), requires_approval: venue.requires_approval }
}

/// The opening hours and clock of a stored venue, for the booking rules.
pub struct VenueRules {
    pub tz: chrono_tz::Tz,
    pub hours: WeeklyHours,
}

impl VenueRules {
    pub fn of(venue: &Venue) -> AppResult<Self> {
        Ok(Self { tz: time_zone(venue)?, hours: WeeklyHours::parse(venue.opening_hours.clone())? })
    }

    pub fn clock<'a>(&'a self, venue: &'a Venue) -> VenueClock<'a> {
        VenueClock { time_zone: self.tz, hours: &self.hours, closures: &venue.closures }
    }
}
