//! Gatherings: organise one (a casual coworking day, a knowledge session, a group meetup, a
//! venue's own event), list them by city or venue, say you come, withdraw, take a place offered
//! from the line; the organiser sees the line, says yes or no, and moves someone up.

use thirdspace_domain::gathering::{AtVenue, GatheringDraft, GatheringInput};
use thirdspace_domain::venue::city_key;
use thirdspace_domain::{text, Invalid};
use thirdspace_store::{Answered, Conflict, Gathering, GatheringConflict, GatheringDate, Rsvp, User, Where};
use uuid::Uuid;

use super::{access, profiles, AppError, AppResult};
use crate::AppState;

/// The most days one listing covers.
pub const MAX_LISTING_DAYS: u32 = 62;
/// The most dates one listing shows.
pub const MAX_LISTED: u32 = 200;
/// The longest reason for moving someone up the line.
pub const MAX_REASON_CHARS: usize = 200;

/// A gathering as one viewer may see it: the address only for its organiser and the people
/// going, and the viewer's own answers.
pub struct GatheringView {
    pub gathering: Gathering,
    pub dates: Vec<GatheringDate>,
    /// The viewer's answers, by date.
    pub mine: Vec<Rsvp>,
    pub organiser_name: Option<String>,
    /// Whether the viewer organises it (or runs its venue): they see each date's line.
    pub organiser: bool,
}

/// One person in a date's line, as the organiser sees them (by name where they allow it).
pub struct LinePlace {
    pub rsvp: Rsvp,
    pub name: Option<String>,
}

/// Whether `viewer` may see `gathering` at all: a members-only one is hidden from visitors.
fn may_see(gathering: &Gathering, viewer: Option<&User>) -> bool {
    !gathering.members_only || viewer.is_some()
}

/// The gathering, if the viewer may see it at all.
async fn visible(state: &AppState, viewer: Option<&User>, id: Uuid) -> AppResult<Gathering> {
    let found = state.store.gathering(id).await?.ok_or(AppError::NotFound("gathering"))?;
    if !may_see(&found, viewer) {
        return Err(AppError::NotFound("gathering"));
    }
    Ok(found)
}

/// Whether `user` organises `gathering` (or runs the venue it is at).
async fn organises(state: &AppState, gathering: &Gathering, user: &User) -> AppResult<bool> {
    if gathering.organiser_id == user.id || user.is_admin {
        return Ok(true);
    }
    match gathering.venue_id {
        Some(venue) => access::runs(state, venue, user).await,
        None => Ok(false),
    }
}

async fn view(state: &AppState, viewer: Option<&User>, mut gathering: Gathering) -> AppResult<GatheringView> {
    let dates = state.store.gathering_dates(gathering.id).await?;
    let mine = match viewer {
        Some(user) => state.store.rsvps_of(gathering.id, user.id).await?,
        None => Vec::new(),
    };
    let going = mine.iter().any(|r| r.status == thirdspace_domain::gathering::RsvpStatus::Going);
    let organiser = match viewer {
        Some(user) => organises(state, &gathering, user).await?,
        None => false,
    };
    if !(going || organiser) {
        gathering.address = None;
    }
    let organiser_name = profiles::shown(state, viewer, gathering.organiser_id).await?.map(|p| p.display_name);
    Ok(GatheringView { gathering, dates, mine, organiser_name, organiser })
}

/// Organises a gathering. At a venue, only its staff may (its own events and what it hosts);
/// elsewhere any member may, at an address shown only to the people going.
pub async fn organise(state: &AppState, actor: &User, input: GatheringInput) -> AppResult<GatheringView> {
    let venue = match input.venue_id {
        Some(id) => {
            let venue = access::venue_named(state, id, "venue_id").await?;
            if !access::runs(state, id, actor).await? {
                return Err(AppError::Forbidden("only this venue's staff may organise a gathering there"));
            }
            Some(venue)
        }
        None => None,
    };
    let time_zone = venue.as_ref().map(access::time_zone).transpose()?;
    let at = venue.as_ref().zip(time_zone).map(|(v, time_zone)| AtVenue { time_zone, city: &v.city });
    let draft = GatheringDraft::parse(input, at, state.clock.now())?;
    let made = state.store.create_gathering(actor.id, &draft, state.clock.now()).await?;
    view(state, Some(actor), made).await
}

/// A gathering with its dates, as `viewer` may see it.
pub async fn show(state: &AppState, viewer: Option<&User>, id: Uuid) -> AppResult<GatheringView> {
    let found = visible(state, viewer, id).await?;
    view(state, viewer, found).await
}

/// The dates in a city or at a venue over `days` days from `from` (an instant), soonest first;
/// members-only gatherings only for members, addresses never.
pub async fn listed(
    state: &AppState,
    viewer: Option<&User>,
    place: Where<'_>,
    from: i64,
    days: u32,
) -> AppResult<Vec<(Gathering, GatheringDate)>> {
    if !(1..=MAX_LISTING_DAYS).contains(&days) {
        return Err(Invalid::new("days", format!("must be from 1 to {MAX_LISTING_DAYS}")).into());
    }
    let span = (from, from + i64::from(days) * 86_400);
    dates_shown(state, viewer, place, span, (MAX_LISTED, false)).await
}

/// The dates of a city or venue in `span` as `viewer` may see them: members-only gatherings for
/// members only, addresses never; at most `limit`, cancelled ones only `with_cancelled`.
async fn dates_shown(
    state: &AppState,
    viewer: Option<&User>,
    place: Where<'_>,
    span: (i64, i64),
    (limit, with_cancelled): (u32, bool),
) -> AppResult<Vec<(Gathering, GatheringDate)>> {
    if let Where::Venue(id) = place {
        access::venue(state, id).await?;
    }
    let found = state.store.gathering_dates_in(place, span, limit, with_cancelled).await?;
    Ok(found
        .into_iter()
        .filter(|(g, _)| viewer.is_some() || !g.members_only)
        .map(|(g, d)| (Gathering { address: None, ..g }, d))
        .collect())
}

/// How far back and ahead a calendar feed reaches, in days, and how many dates it holds at most.
pub const FEED_DAYS: (i64, i64) = (30, 366);
pub const MAX_FEED: u32 = 1000;

/// The dates a public calendar feed of a city or venue holds: from a month back to a year ahead,
/// members-only gatherings and addresses left out (a feed is read without signing in).
pub async fn feed(state: &AppState, place: Where<'_>) -> AppResult<Vec<(Gathering, GatheringDate)>> {
    let now = state.clock.now();
    let (back, ahead) = FEED_DAYS;
    dates_shown(state, None, place, (now - back * 86_400, now + ahead * 86_400), (MAX_FEED, true)).await
}

/// The key a city is listed under.
pub fn city(raw: &str) -> AppResult<String> {
    let key = city_key(raw);
    if key.is_empty() || key.chars().count() > 80 {
        return Err(Invalid::new("city", "name a city, at most 80 characters").into());
    }
    Ok(key)
}

/// A date with its gathering, as `viewer` may see them: a members-only one is hidden from
/// visitors, the address left out.
pub async fn date(state: &AppState, viewer: Option<&User>, id: Uuid) -> AppResult<(Gathering, GatheringDate)> {
    let (gathering, date) = state.store.gathering_date(id).await?.ok_or(AppError::NotFound("gathering date"))?;
    if !may_see(&gathering, viewer) {
        return Err(AppError::NotFound("gathering date"));
    }
    Ok((Gathering { address: None, ..gathering }, date))
}

/// A date `actor` may answer for: its gathering must be visible to them.
async fn date_for(state: &AppState, actor: &User, date: Uuid) -> AppResult<(Gathering, GatheringDate)> {
    let found = state.store.gathering_date(date).await?.ok_or(AppError::NotFound("gathering date"))?;
    if !may_see(&found.0, Some(actor)) {
        return Err(AppError::NotFound("gathering"));
    }
    Ok(found)
}

/// `actor` says they come to a date: going while a place is free, else in line.
pub async fn answer(state: &AppState, actor: &User, date: Uuid) -> AppResult<Rsvp> {
    date_for(state, actor, date).await?;
    Ok(state.store.answer_gathering(date, actor.id, state.clock.now()).await?)
}

/// `actor` says they come to every date of the gathering still open: the answers given, one a
/// date, in one unit of work.
pub async fn answer_series(state: &AppState, actor: &User, id: Uuid) -> AppResult<Vec<Rsvp>> {
    visible(state, Some(actor), id).await?;
    let now = state.clock.now();
    let open: Vec<Uuid> = state
        .store
        .gathering_dates(id)
        .await?
        .into_iter()
        .filter(|d| d.cancelled_at.is_none() && d.starts_at > now)
        .map(|d| d.id)
        .collect();
    if open.is_empty() {
        return Err(AppError::Conflict(Conflict::Gathering(GatheringConflict::Started)));
    }
    let mut work = state.store.begin().await?;
    let mut answers = Vec::with_capacity(open.len());
    for date in open {
        match work.answer_gathering(date, actor.id, now).await {
            Ok(rsvp) => answers.push(rsvp),
            Err(e) => {
                work.rollback().await;
                return Err(e.into());
            }
        }
    }
    work.commit().await?;
    Ok(answers)
}

/// `actor` withdraws from a date; a place they held is offered to the next in line, who is told
/// by e-mail.
pub async fn leave(state: &AppState, actor: &User, date: Uuid) -> AppResult<Answered> {
    date_for(state, actor, date).await?;
    let answered = state.store.leave_gathering(date, actor.id, state.clock.now()).await?;
    tell_offered(state, &answered.offered).await;
    Ok(answered)
}

/// Tells each person offered a place that it is theirs to take, and until when. A failed e-mail
/// is logged; the offer stands and shows on the gathering's page.
pub async fn tell_offered(state: &AppState, offered: &[Rsvp]) {
    for rsvp in offered {
        let found = async {
            let user = state.store.user(rsvp.user_id).await?;
            let date = state.store.gathering_date(rsvp.date_id).await?;
            Ok::<_, thirdspace_store::StoreError>(user.zip(date))
        };
        let (user, (gathering, date)) = match found.await {
            Ok(Some(found)) => found,
            Ok(None) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "a place was offered, but who to tell could not be read");
                continue;
            }
        };
        let tz: chrono_tz::Tz = gathering.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let local = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .map(|t| t.with_timezone(&tz).format("%A %-d %B at %H:%M").to_string())
                .unwrap_or_default()
        };
        let until = rsvp.offered_until.map(local).unwrap_or_default();
        let body = format!(
            "Hello {name},\n\nA place came free at {title} on {when}, and you are first in line: it is yours \
             if you take it before {until} ({zone} time). After that it goes to the next person.\n\n\
             Take it on the gathering's page, {base}/gatherings/{gathering}, or through the API: \
             POST {base}/api/v1/gathering-dates/{date}/rsvp/take\n",
            name = user.display_name,
            title = gathering.title,
            when = local(date.starts_at),
            zone = gathering.time_zone,
            base = state.config.public_url,
            gathering = gathering.id,
            date = date.id,
        );
        let subject = format!("A place came free: {}", gathering.title);
        if let Err(e) = state.mailer.send(&user.email, &subject, body).await {
            tracing::warn!(error = %e, "a place was offered, but the e-mail was not sent");
        }
    }
}

/// Offers not taken by their deadline lapse; each place goes to the next in line, who is told.
pub async fn lapse_offers(state: &AppState) -> AppResult<usize> {
    let lapsed = state.store.lapse_offers(state.clock.now()).await?;
    for answered in &lapsed {
        tell_offered(state, &answered.offered).await;
    }
    Ok(lapsed.len())
}

/// `actor` takes the place offered to them.
pub async fn take_offer(state: &AppState, actor: &User, date: Uuid) -> AppResult<Rsvp> {
    date_for(state, actor, date).await?;
    Ok(state.store.take_offer(date, actor.id, state.clock.now()).await?)
}

/// The date, if `actor` organises its gathering.
async fn organised(state: &AppState, actor: &User, date: Uuid) -> AppResult<(Gathering, GatheringDate)> {
    let found = state.store.gathering_date(date).await?.ok_or(AppError::NotFound("gathering date"))?;
    if !organises(state, &found.0, actor).await? {
        return Err(AppError::Forbidden("only the gathering's organiser may do that"));
    }
    Ok(found)
}

/// Everyone who answered for a date, in the line's order, for its organiser.
pub async fn line(state: &AppState, actor: &User, date: Uuid) -> AppResult<Vec<LinePlace>> {
    organised(state, actor, date).await?;
    let mut places = Vec::new();
    for rsvp in state.store.rsvps(date).await? {
        let name = profiles::shown(state, Some(actor), rsvp.user_id).await?.map(|p| p.display_name);
        places.push(LinePlace { rsvp, name });
    }
    Ok(places)
}

/// The organiser cancels one date before it starts; the people going or in line are told by
/// e-mail.
pub async fn cancel_date(state: &AppState, actor: &User, date: Uuid) -> AppResult<GatheringDate> {
    let (gathering, _) = organised(state, actor, date).await?;
    let cancelled = state.store.cancel_gathering_date(date, state.clock.now()).await?;
    for rsvp in state.store.rsvps(date).await?.into_iter().filter(|r| r.status.is_active()) {
        let Some(user) = state.store.user(rsvp.user_id).await? else { continue };
        let body = format!(
            "Hello {name},\n\n{title} on {day} is cancelled by its organiser. Your other dates stay as they were.\n",
            name = user.display_name,
            title = gathering.title,
            day = cancelled.date.format("%A %-d %B"),
        );
        if let Err(e) = state.mailer.send(&user.email, &format!("Cancelled: {}", gathering.title), body).await {
            tracing::warn!(error = %e, "a date was cancelled, but an e-mail about it was not sent");
        }
    }
    Ok(cancelled)
}

/// The organiser says yes or no to someone waiting for it.
pub async fn decide(state: &AppState, actor: &User, date: Uuid, user: Uuid, approve: bool) -> AppResult<Answered> {
    organised(state, actor, date).await?;
    Ok(state.store.decide_rsvp(date, user, approve, state.clock.now()).await?)
}

/// The organiser moves someone to the front of the line, saying why.
pub async fn move_up(state: &AppState, actor: &User, date: Uuid, user: Uuid, reason: &str) -> AppResult<Answered> {
    let reason = text::bounded("reason", reason, 1, MAX_REASON_CHARS, false)?;
    organised(state, actor, date).await?;
    Ok(state.store.move_up(date, user, &reason, state.clock.now()).await?)
}
