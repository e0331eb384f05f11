//! Venues: finding them, opening and running them, their spaces, staff and check-in code.

use chrono::NaiveDate;
use rand::RngCore;
use serde::Serialize;
use thirdspace_domain::email::Email;
use thirdspace_domain::hours::{self, Span, WeeklyHours};
use thirdspace_domain::resident::ResidentInput;
use thirdspace_domain::space::SpaceDraft;
use thirdspace_domain::venue::VenueDraft;
use thirdspace_domain::{checkin, Invalid};
use thirdspace_store::{
    Invitation, NewResident, Page, Paged, ResidentEntry, ResidentMail, Space, StaffMember, StaffRole, User, Venue,
};
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::{self, time_zone, venue_for_owner, venue_for_staff};
use super::{AppError, AppResult};
use crate::mail::Letter;
use crate::AppState;

/// A venue in a search, with its free seats when a date was asked for.
pub struct VenueListing {
    pub venue: Venue,
    /// Social-capital seats free over the asked span (or the whole opening day).
    pub free_seats: Option<u32>,
}

/// How many venues of one city a dated search looks through.
const MAX_DATED_SEARCH: usize = 2_000;

/// Venues by name (of a city, by its key); with a date, only those open then (over `span`, or
/// any time that day) with a social-capital seat free.
pub async fn search(
    state: &AppState,
    city: Option<&str>,
    date: Option<NaiveDate>,
    span: Option<Span>,
    page: Page,
) -> AppResult<Paged<VenueListing>> {
    let Some(date) = date else {
        if span.is_some() {
            return Err(Invalid::new("date", "give the date of the span").into());
        }
        let found = state.store.venues(city, page).await?;
        return Ok(found.map(|venue| VenueListing { venue, free_seats: None }));
    };
    Ok(page.slice(free_on(state, city, date, span).await?))
}

/// The venues (of a city, by its key) open on `date` over `span` (or the whole opening day)
/// with a social-capital seat free, each with how many.
pub async fn free_on(
    state: &AppState,
    city: Option<&str>,
    date: NaiveDate,
    span: Option<Span>,
) -> AppResult<Vec<VenueListing>> {
    let now = state.clock.now();
    // The earliest "today" on Earth is UTC−12; each venue then drops the dates already past there.
    let earliest_today = chrono::DateTime::from_timestamp(now - 12 * 3600, 0).unwrap_or_default().date_naive();
    let ahead = (date - earliest_today).num_days();
    if !(0..=thirdspace_domain::booking::BOOKING_HORIZON_DAYS).contains(&ahead) {
        return Err(Invalid::new("date", "must be between today and 180 days ahead").into());
    }
    let mut all = Vec::new();
    let mut batch = Page::new(1, Page::MAX_PER_PAGE);
    loop {
        let found = state.store.venues(city, batch).await?;
        let done = found.items.len() < batch.per_page as usize || all.len() >= MAX_DATED_SEARCH;
        all.extend(found.items);
        if done {
            break;
        }
        batch = Page::new(batch.page + 1, batch.per_page);
    }
    let mut open = Vec::new();
    for venue in all {
        let tz = time_zone(&venue)?;
        if date < hours::local_now(tz, now).0 {
            continue;
        }
        let weekly = WeeklyHours::parse(venue.opening_hours.clone())?;
        let wanted = match span {
            Some(span) => hours::opening_period_for(&weekly, &venue.closures, date, span).ok().map(|_| span),
            None if venue.closures.contains(&date) => None,
            None => {
                let periods: Vec<Span> = weekly.on(hours::Weekday::of(date)).collect();
                periods.first().zip(periods.last()).map(|(first, last)| Span { start: first.start, end: last.end })
            }
        };
        let Some(wanted) = wanted else { continue };
        let window = (hours::instant(tz, date, wanted.start).max(now), hours::instant(tz, date, wanted.end));
        if window.1 <= window.0 {
            continue;
        }
        let free = state.store.free_seats(venue.id, date, window, now).await?;
        if free > 0 {
            open.push(VenueListing { venue, free_seats: Some(free) });
        }
    }
    Ok(open)
}

/// Opens a venue with its first `spaces` in one transaction; the actor becomes its owner.
pub async fn open(state: &AppState, actor: &User, venue: &VenueDraft, spaces: &[SpaceDraft]) -> AppResult<Venue> {
    let mut secret = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut secret);
    Ok(state.store.create_venue(actor.id, venue, spaces, &secret, state.clock.now()).await?)
}

/// Replaces a venue's description, hours, closures and rules (its owner only).
pub async fn update(state: &AppState, actor: &User, id: Uuid, draft: &VenueDraft) -> AppResult<Venue> {
    venue_for_owner(state, id, actor).await?;
    let updated = state.store.update_venue(id, draft, state.clock.now()).await?;
    state.venues.forget(|venue, _| *venue == id);
    Ok(updated)
}

/// A venue's spaces.
pub async fn spaces(state: &AppState, id: Uuid, page: Page) -> AppResult<Paged<Space>> {
    access::venue(state, id).await?;
    Ok(state.store.spaces(id, page).await?)
}

/// Adds a space to a venue (its owner only).
pub async fn add_space(state: &AppState, actor: &User, id: Uuid, draft: &SpaceDraft) -> AppResult<Space> {
    venue_for_owner(state, id, actor).await?;
    Ok(state.store.create_space(id, draft, state.clock.now()).await?)
}

/// Edits a space (its venue's owner only); bookings already made are kept.
pub async fn edit_space(state: &AppState, actor: &User, id: Uuid, space: Uuid, draft: &SpaceDraft) -> AppResult<Space> {
    venue_for_owner(state, id, actor).await?;
    Ok(state.store.update_space(id, space, draft, state.clock.now()).await?)
}

/// A venue's owner and staff (its staff only).
pub async fn staff(state: &AppState, actor: &User, id: Uuid, page: Page) -> AppResult<Paged<StaffMember>> {
    venue_for_staff(state, id, actor).await?;
    Ok(state.store.staff(id, page).await?)
}

/// Invites `email` to help run `venue` on behalf of its owner `inviter`, and e-mails the invited
/// person: the one way in for the API and the pages alike. A failed e-mail leaves the invitation
/// standing (it shows under the invited person's invitations once they log in).
pub async fn invite(state: &AppState, inviter: &User, venue: &Venue, email: &str) -> AppResult<Invitation> {
    let email = Email::parse(email)?;
    let invitation = state.store.invite_staff(venue.id, &email, inviter.id, state.clock.now()).await?;
    let body = format!(
        "Hello,\n\n{name} invites you to help run {venue} on thirdspace.\n\nLog in (or sign up) with this e-mail address, confirm it with the link we send you, and open {base}/host to accept.\n",
        name = inviter.display_name,
        venue = venue.name,
        base = state.config.public_url
    );
    let subject = format!("Help run {} on thirdspace", venue.name);
    if let Err(e) = state.mailer.send(&invitation.email, &subject, body).await {
        tracing::warn!(error = %e, "the invitation was stored, but its e-mail was not sent");
    }
    Ok(invitation)
}

/// Staff invitations waiting for the actor, at their e-mail address.
pub async fn my_invitations(state: &AppState, actor: &User) -> AppResult<Vec<Invitation>> {
    let email = Email::parse(&actor.email)?;
    Ok(state.store.invitations_for(&email).await?)
}

/// Accepts a staff invitation sent to the actor's confirmed e-mail address: the venue joined, and
/// the actor as its staff.
pub async fn accept_invitation(state: &AppState, actor: &User, id: Uuid) -> AppResult<(Uuid, StaffMember)> {
    let waiting = my_invitations(state, actor).await?;
    let venue = waiting.into_iter().find(|i| i.id == id).map(|i| i.venue_id);
    let member = state.store.accept_invitation(id, actor, state.clock.now()).await?;
    state.roles.forget(|(_, user), _| *user == actor.id);
    // Accepted, so it was waiting for this address.
    Ok((venue.ok_or(AppError::NotFound("invitation"))?, member))
}

/// The venues the actor helps run, with their role in each.
pub async fn run_by(state: &AppState, actor: &User) -> AppResult<Vec<(Venue, StaffRole)>> {
    Ok(state.store.staffed_venues(actor.id).await?)
}

/// Today's check-in code: what the QR code at the door carries.
#[derive(Serialize, ToSchema)]
pub struct CheckInCode {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    #[schema(example = "K7QX2M")]
    pub code: String,
}

/// Today's check-in code of a venue, in its local date (its staff only).
pub async fn check_in_code(state: &AppState, actor: &User, id: Uuid) -> AppResult<CheckInCode> {
    let (venue, _) = venue_for_staff(state, id, actor).await?;
    let secret = access::checkin_secret(state, id).await?;
    let (date, _) = hours::local_now(time_zone(&venue)?, state.clock.now());
    Ok(CheckInCode { date, code: checkin::daily_code(&secret, date) })
}

/// The addresses and domains a venue lists as its residents (its staff only).
pub async fn residents(state: &AppState, actor: &User, id: Uuid) -> AppResult<Vec<ResidentEntry>> {
    venue_for_staff(state, id, actor).await?;
    Ok(state.store.residents(id).await?)
}

/// Lists an address or a domain among a venue's residents (its staff); a person listed by address
/// is told by e-mail, queued with the listing, that they may check in without a booking.
pub async fn add_resident(state: &AppState, actor: &User, id: Uuid, input: ResidentInput) -> AppResult<ResidentEntry> {
    let (venue, _) = venue_for_staff(state, id, actor).await?;
    let resident = NewResident::bare(input.parse()?);
    Ok(state.store.add_resident(venue.id, &resident, actor.id, state.clock.now()).await?)
}

/// The e-mail telling a person listed by address that they are a resident (greeted by the name
/// the host gave, from the host who listed them); `None` once the venue is gone.
pub async fn resident_letter(state: &AppState, mail: &ResidentMail) -> AppResult<Option<Letter>> {
    let Some(venue) = state.store.venue(mail.venue_id).await? else { return Ok(None) };
    let host = match mail.added_by {
        Some(by) => state.store.user(by).await?.map(|u| u.display_name),
        None => None,
    };
    let body = format!(
        "Hello{greeting},\n\n{host} lists you as a resident of {venue} on thirdspace: you can check in there \
         without a booking, take part in the introductions and questions of the day, and share what \
         you know.\n\nLog in (or sign up) with this e-mail address, and check in at the door with \
         the code on the venue's screen: {base}/today\n",
        greeting = mail.name.as_deref().map(|n| format!(" {n}")).unwrap_or_default(),
        host = host.as_deref().unwrap_or("The venue's host"),
        venue = venue.name,
        base = state.config.public_url
    );
    Ok(Some(Letter {
        to: mail.email.clone(),
        subject: format!("You are a resident of {} on thirdspace", venue.name),
        body,
        attachment: None,
    }))
}

/// Takes an entry off a venue's residents (its staff).
pub async fn remove_resident(state: &AppState, actor: &User, id: Uuid, entry: Uuid) -> AppResult<()> {
    venue_for_staff(state, id, actor).await?;
    Ok(state.store.remove_resident(id, entry).await?)
}
