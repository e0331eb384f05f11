//! Gatherings: organise one (a casual coworking day, a knowledge session, a group meetup, a
//! venue's own event), list them by city or venue, say you come, withdraw, take a place offered
//! from the line; the organiser sees the line, says yes or no, and moves someone up.

use thirdspace_domain::gathering::{AtVenue, DateChange, GatheringDraft, GatheringInput, Kind, RsvpStatus};
use thirdspace_domain::hours::{self, ClockTime};
use thirdspace_domain::mail::MailKind;
use thirdspace_domain::venue::city_key;
use thirdspace_domain::{text, Invalid, Invalids};
use thirdspace_store::{
    Answered, BookingsWhen, Conflict, Gathering, GatheringConflict, GatheringDate, GatheringMessage, MailJob, NewMail,
    Page, Rsvp, User, Venue, Where,
};
use uuid::Uuid;

use super::mails::{self, Draft};
use super::{access, presence, profiles, AppError, AppResult};
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
    let going = mine.iter().any(|r| r.status == RsvpStatus::Going);
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

/// Organises a gathering. At a venue, its staff may (its own events and what it hosts), and any
/// member may where the venue welcomes members' gatherings (but not as the venue's own event); the
/// date keeps seats of the venue's open seating for its places. Elsewhere any member may, at an
/// address shown only to the people going.
pub async fn organise(state: &AppState, actor: &User, input: GatheringInput) -> AppResult<GatheringView> {
    let venue = match input.venue_id {
        Some(id) => {
            let venue = access::venue_named(state, id, "venue_id").await?;
            if !access::runs(state, id, actor).await? {
                if !venue.welcomes_gatherings {
                    return Err(AppError::Forbidden(
                        "this venue does not welcome members' gatherings: only its staff may organise one there",
                    ));
                }
                if input.kind == Kind::VenueEvent {
                    return Err(AppError::Forbidden("only the venue's staff may organise the venue's own event"));
                }
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

/// The most dates a venue's screen lists for today.
pub const MAX_TODAY: u32 = 50;

/// The dates at `venue` on its local day today, not cancelled and not over yet, soonest first, as
/// anyone may see them: a screen is read without signing in, so members-only gatherings are left
/// off, and addresses never show.
pub async fn today_at(state: &AppState, venue: &Venue) -> AppResult<Vec<(Gathering, GatheringDate)>> {
    let tz = access::time_zone(venue)?;
    let now = state.clock.now();
    let (today, _) = hours::local_now(tz, now);
    let midnight = hours::instant(tz, today, ClockTime::MIDNIGHT);
    let next = today.succ_opt().map_or(midnight + 86_400, |d| hours::instant(tz, d, ClockTime::MIDNIGHT));
    let found = dates_shown(state, None, Where::Venue(venue.id), (midnight, next), (MAX_TODAY, false)).await?;
    Ok(found.into_iter().filter(|(_, d)| d.ends_at > now).collect())
}

/// How many days ahead a member's week of gatherings looks.
pub const WEEK_DAYS: u32 = 7;
/// The most of their own answers, and of the dates near them, a member's week shows.
pub const MAX_WEEK: u32 = 20;

/// A member's week of gatherings: the dates they answered for, and what else is on near them.
pub struct Week {
    /// Their answers that stand (going, in line, offered, waiting for the organiser's yes) for
    /// dates not over yet that start within [`WEEK_DAYS`] days, soonest first, with their
    /// gatherings (no address: the gathering's page shows it to the people going).
    pub answered: Vec<(Gathering, GatheringDate, Rsvp)>,
    /// The city they are near, and its dates over the same days that they did not answer for.
    pub near: Option<Near>,
}

/// The gatherings of the city a member is near.
pub struct Near {
    /// The city as its venue names it.
    pub city: String,
    pub dates: Vec<(Gathering, GatheringDate)>,
}

/// `user`'s week of gatherings. They are near the city of the venue they are checked in at, else
/// of their next booking's venue, else of their latest booking's; with no booking, near none.
pub async fn week(state: &AppState, user: &User) -> AppResult<Week> {
    let now = state.clock.now();
    let ahead = now + i64::from(WEEK_DAYS) * 86_400;
    // A date that began up to a day ago may still be under way.
    let answered: Vec<(Gathering, GatheringDate, Rsvp)> = state
        .store
        .answered_by(user.id, (now - 86_400, ahead), MAX_LISTED)
        .await?
        .into_iter()
        .filter(|(_, d, r)| d.ends_at > now && r.status.is_active())
        .map(|(g, d, r)| (Gathering { address: None, ..g }, d, r))
        .take(MAX_WEEK as usize)
        .collect();
    let near = match near_city(state, user).await? {
        Some(city) => {
            let key = city_key(&city);
            let dates = listed(state, Some(user), Where::City(&key), now, WEEK_DAYS)
                .await?
                .into_iter()
                .filter(|(_, d)| !answered.iter().any(|(_, mine, _)| mine.id == d.id))
                .take(MAX_WEEK as usize)
                .collect();
            Some(Near { city, dates })
        }
        None => None,
    };
    Ok(Week { answered, near })
}

/// The city of the venue `user` is checked in at, else of their next booking's venue, else of
/// their latest booking's.
async fn near_city(state: &AppState, user: &User) -> AppResult<Option<String>> {
    if let Some(venue) = presence::where_am_i(state, user).await? {
        return Ok(Some(venue.city));
    }
    let now = state.clock.now();
    for when in [BookingsWhen::Upcoming, BookingsWhen::Past] {
        let Some(booking) = state.store.bookings_of(user.id, when, now, Page::new(1, 1)).await?.items.pop() else {
            continue;
        };
        match access::venue(state, booking.venue_id).await {
            Ok(venue) => return Ok(Some(venue.city)),
            Err(AppError::NotFound(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(None)
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

/// `actor` says they come to a date: going while a place is free, else in line. Their
/// confirmation and the reminder the day before are queued with the answer.
pub async fn answer(state: &AppState, actor: &User, date: Uuid) -> AppResult<Rsvp> {
    let (_, d) = date_for(state, actor, date).await?;
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let done = async {
        let rsvp = work.answer_gathering(date, actor.id, now).await?;
        if rsvp.updated_at == now {
            mails::queue(work.as_mut(), &mails::for_answer(&rsvp, &d, now), now).await?;
        }
        Ok(rsvp)
    }
    .await;
    Ok(work.end(done).await?)
}

/// `actor` says they come to every date of the gathering still open: the answers given, one a
/// date, in one unit of work, with one confirmation for them all and a reminder before each.
pub async fn answer_series(state: &AppState, actor: &User, id: Uuid) -> AppResult<Vec<Rsvp>> {
    visible(state, Some(actor), id).await?;
    let now = state.clock.now();
    let open: Vec<GatheringDate> = state
        .store
        .gathering_dates(id)
        .await?
        .into_iter()
        .filter(|d| d.cancelled_at.is_none() && d.starts_at > now)
        .collect();
    if open.is_empty() {
        return Err(AppError::Conflict(Conflict::Gathering(GatheringConflict::Started)));
    }
    let mut work = state.store.begin().await?;
    let done = async {
        let mut answers = Vec::with_capacity(open.len());
        let mut queued =
            vec![NewMail { kind: MailKind::RsvpConfirmed, key: None, user: actor.id, subject: id, due_at: now }];
        for d in &open {
            let rsvp = work.answer_gathering(d.id, actor.id, now).await?;
            queued.extend(mails::reminder(&rsvp, d, now));
            answers.push(rsvp);
        }
        mails::queue(work.as_mut(), &queued, now).await?;
        Ok(answers)
    }
    .await;
    Ok(work.end(done).await?)
}

/// `actor` withdraws from a date; a place they held is offered to the next in line, who is told
/// by e-mail.
pub async fn leave(state: &AppState, actor: &User, date: Uuid) -> AppResult<Answered> {
    date_for(state, actor, date).await?;
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let done = async {
        let answered = work.leave_gathering(date, actor.id, now).await?;
        mails::queue(work.as_mut(), &mails::for_offers(&answered.offered, now), now).await?;
        Ok(answered)
    }
    .await;
    Ok(work.end(done).await?)
}

/// Offers not taken by their deadline lapse; each place goes to the next in line, who is told.
pub async fn lapse_offers(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let done = async {
        let lapsed = work.lapse_offers(now).await?;
        for answered in &lapsed {
            mails::queue(work.as_mut(), &mails::for_offers(&answered.offered, now), now).await?;
        }
        Ok(lapsed.len())
    }
    .await;
    Ok(work.end(done).await?)
}

/// `actor` takes the place offered to them; they are told they are going, and reminded.
pub async fn take_offer(state: &AppState, actor: &User, date: Uuid) -> AppResult<Rsvp> {
    let (_, d) = date_for(state, actor, date).await?;
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let done = async {
        let rsvp = work.take_offer(date, actor.id, now).await?;
        mails::queue(work.as_mut(), &mails::for_answer(&rsvp, &d, now), now).await?;
        Ok(rsvp)
    }
    .await;
    Ok(work.end(done).await?)
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
    organised(state, actor, date).await?;
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let done = async {
        let cancelled = work.cancel_gathering_date(date, now).await?;
        let told: Vec<Uuid> =
            work.answers(date).await?.into_iter().filter(|r| r.status.is_active()).map(|r| r.user_id).collect();
        mails::queue(work.as_mut(), &mails::to_each(MailKind::DateCancelled, &told, date, now), now).await?;
        Ok(cancelled)
    }
    .await;
    Ok(work.end(done).await?)
}

/// The organiser says yes or no to someone waiting for it; they are told, and a place offered is
/// told to whoever gets it.
pub async fn decide(state: &AppState, actor: &User, date: Uuid, user: Uuid, approve: bool) -> AppResult<Answered> {
    let (_, d) = organised(state, actor, date).await?;
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let done = async {
        let answered = work.decide_rsvp(date, user, approve, now).await?;
        let mut queued = mails::for_answer(&answered.rsvp, &d, now);
        queued.extend(mails::for_offers(&answered.offered, now));
        mails::queue(work.as_mut(), &queued, now).await?;
        Ok(answered)
    }
    .await;
    Ok(work.end(done).await?)
}

/// The organiser moves someone to the front of the line, saying why; a place that is free is
/// offered to them, and they are told.
pub async fn move_up(state: &AppState, actor: &User, date: Uuid, user: Uuid, reason: &str) -> AppResult<Answered> {
    let reason = text::bounded("reason", reason, 1, MAX_REASON_CHARS, false)?;
    organised(state, actor, date).await?;
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let done = async {
        let answered = work.move_up(date, user, &reason, now).await?;
        mails::queue(work.as_mut(), &mails::for_offers(&answered.offered, now), now).await?;
        Ok(answered)
    }
    .await;
    Ok(work.end(done).await?)
}

/// The longest subject and body of an organiser's message.
pub const MAX_SUBJECT_CHARS: usize = 120;
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// The organiser writes to everyone going to a date (each gets it by e-mail, unless they switched
/// such messages off); how many it goes to.
pub async fn message(state: &AppState, actor: &User, date: Uuid, subject: &str, body: &str) -> AppResult<usize> {
    let mut invalid = Invalids::default();
    let subject = invalid.or_default(text::bounded("subject", subject, 1, MAX_SUBJECT_CHARS, false));
    let body = invalid.or_default(text::bounded("body", body, 1, MAX_MESSAGE_CHARS, true));
    let (subject, body) = invalid.finish((subject, body))?;
    let (_, d) = organised(state, actor, date).await?;
    let now = state.clock.now();
    if d.cancelled_at.is_some() || d.ends_at <= now {
        return Err(Invalid::new("date", "this date is over or cancelled: nobody is going any more").into());
    }
    if let Err(wait) = crate::limits::message(&*state.store, actor.id, now).await? {
        return Err(AppError::Denied(super::Denial::TooManyEmails { wait }));
    }
    let m = GatheringMessage { id: Uuid::now_v7(), date_id: date, author_id: actor.id, subject, body, created_at: now };
    let mut work = state.store.begin().await?;
    let done = async {
        work.add_gathering_message(&m).await?;
        let going: Vec<Uuid> = work
            .answers(date)
            .await?
            .into_iter()
            .filter(|r| r.status == RsvpStatus::Going && r.user_id != actor.id)
            .map(|r| r.user_id)
            .collect();
        mails::queue(work.as_mut(), &mails::to_each(MailKind::OrganiserMessage, &going, m.id, now), now).await?;
        Ok(going.len())
    }
    .await;
    Ok(work.end(done).await?)
}

/// Where a date takes place, for someone going: the venue with its address, or the address the
/// organiser gave.
async fn place_words(state: &AppState, g: &Gathering) -> AppResult<String> {
    Ok(match g.venue_id {
        Some(venue) => match state.store.venue(venue).await? {
            Some(v) => format!("{}, {}, {}", v.name, v.address, v.city),
            None => g.city.clone(),
        },
        None => match &g.address {
            Some(address) => format!("{address}, {}", g.city),
            None => g.city.clone(),
        },
    })
}

/// The words of an e-mail about a gathering (`job`'s subject is a date, a whole gathering for a
/// series' confirmation, or a message), from what is true now.
pub async fn letter(state: &AppState, job: &MailJob, user: &User, now: i64) -> AppResult<Draft> {
    let base = &state.config.public_url;
    let message = match job.kind {
        MailKind::OrganiserMessage => match state.store.gathering_message(job.subject).await? {
            Some(m) => Some(m),
            None => return Ok(Draft::Skip),
        },
        _ => None,
    };
    let date_id = message.as_ref().map_or(job.subject, |m| m.date_id);
    let Some((g, d)) = state.store.gathering_date(date_id).await? else {
        return series_letter(state, job, user).await;
    };
    let tz: chrono_tz::Tz = g.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let when = format!("{} ({} time)", mails::local(tz, d.starts_at, mails::WHEN), g.time_zone);
    let link = format!("{base}/gatherings/{}", g.id);
    let Some(mine) = state.store.rsvps_of(g.id, user.id).await?.into_iter().find(|r| r.date_id == d.id) else {
        return Ok(Draft::Skip);
    };
    let open = d.cancelled_at.is_none() && d.starts_at > now;
    Ok(match job.kind {
        MailKind::RsvpConfirmed if open => {
            let body = match mine.status {
                RsvpStatus::Going => format!(
                    "You are going to {title} on {when}, at {place}.\n\nCan't come after all? Withdraw, and \
                     your place goes to the next in line: {link}",
                    title = g.title,
                    place = place_words(state, &g).await?
                ),
                RsvpStatus::Waiting => {
                    let ahead = state
                        .store
                        .rsvps(d.id)
                        .await?
                        .iter()
                        .filter(|r| r.status == RsvpStatus::Waiting && r.position < mine.position)
                        .count();
                    format!(
                        "{title} on {when} is full, and you are number {n} in line. If a place comes free it is \
                         offered to you by e-mail and held for you until a deadline.\n\n{link}",
                        title = g.title,
                        n = ahead + 1
                    )
                }
                RsvpStatus::Pending => format!(
                    "Your answer for {title} on {when} waits for the organiser's yes; you will hear from us.\n\n{link}",
                    title = g.title
                ),
                RsvpStatus::Declined => {
                    format!("The organiser of {title} could not take you on {when}, this time.", title = g.title)
                }
                RsvpStatus::Offered | RsvpStatus::Cancelled => return Ok(Draft::Skip),
            };
            Draft::write(format!("{}: your answer", g.title), body)
        }
        MailKind::PlaceOffered if open && mine.status == RsvpStatus::Offered => {
            let Some(until) = mine.offered_until.filter(|&until| until > now) else { return Ok(Draft::Skip) };
            Draft::write(
                format!("A place came free: {}", g.title),
                format!(
                    "A place came free at {title} on {when}, and you are first in line: it is yours if you take \
                     it before {until}. After that it goes to the next person.\n\nTake it here: {link}",
                    title = g.title,
                    until = mails::local(tz, until, mails::WHEN)
                ),
            )
        }
        MailKind::GatheringReminder if open && mine.status == RsvpStatus::Going => {
            if let Some(due) = thirdspace_domain::mail::day_before(d.starts_at, now) {
                return Ok(Draft::Later(due));
            }
            Draft::write(
                format!("Tomorrow: {}", g.title),
                format!(
                    "A reminder: {title} is on {when}, at {place}.\n\nCan't come? Withdraw, so that the next in \
                     line gets your place: {link}",
                    title = g.title,
                    place = place_words(state, &g).await?
                ),
            )
        }
        MailKind::DateChanged if open && mine.status.is_active() => Draft::write(
            format!("Moved: {}", g.title),
            format!(
                "{title} moves: it is now on {when} (until {until}), at {place}. Your answer stands; if you \
                 can't come now, withdraw so the next in line gets your place: {link}",
                title = g.title,
                until = mails::local(tz, d.ends_at, "%H:%M"),
                place = if mine.status == RsvpStatus::Going { place_words(state, &g).await? } else { g.city.clone() }
            ),
        ),
        MailKind::DateCancelled if d.cancelled_at.is_some() => Draft::write(
            format!("Cancelled: {}", g.title),
            format!(
                "{title} on {when} is cancelled by its organiser. Your answers for its other dates stay as they were.",
                title = g.title
            ),
        ),
        MailKind::OrganiserMessage if open || d.ends_at > now => match (&message, mine.status) {
            (Some(m), RsvpStatus::Going) => {
                let from = profiles::shown(state, Some(user), m.author_id).await?.map(|p| p.display_name);
                let from = from.as_deref().unwrap_or("The organiser");
                Draft::write(
                    format!("{}: {}", g.title, m.subject),
                    format!(
                        "{from} writes to everyone going to {title} on {when}:\n\n{body}\n\n{link}",
                        title = g.title,
                        body = m.body
                    ),
                )
            }
            _ => Draft::Skip,
        },
        _ => Draft::Skip,
    })
}

/// The confirmation of answers for every date of a series: where each stands now.
async fn series_letter(state: &AppState, job: &MailJob, user: &User) -> AppResult<Draft> {
    let Some(g) = state.store.gathering(job.subject).await?.filter(|_| job.kind == MailKind::RsvpConfirmed) else {
        return Ok(Draft::Skip);
    };
    let tz: chrono_tz::Tz = g.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let dates = state.store.gathering_dates(g.id).await?;
    let mut lines = Vec::new();
    for r in state.store.rsvps_of(g.id, user.id).await?.iter().filter(|r| r.status.is_active()) {
        let Some(d) = dates.iter().find(|d| d.id == r.date_id && d.cancelled_at.is_none()) else { continue };
        let stands = match r.status {
            RsvpStatus::Going => "you are going",
            RsvpStatus::Waiting => "full: you are in line",
            RsvpStatus::Offered => "a place is offered to you",
            _ => "waiting for the organiser's yes",
        };
        lines.push(format!("- {}: {stands}", mails::local(tz, d.starts_at, mails::WHEN)));
    }
    if lines.is_empty() {
        return Ok(Draft::Skip);
    }
    Ok(Draft::write(
        format!("{}: your answers", g.title),
        format!(
            "You answered for every date of {title} ({zone} time):\n{lines}\n\n{base}/gatherings/{id}",
            title = g.title,
            zone = g.time_zone,
            lines = lines.join("\n"),
            base = state.config.public_url,
            id = g.id
        ),
    ))
}

/// What an organiser changes of a gathering; what is left out stays.
#[derive(Debug, Clone, Default)]
pub struct ChangeInput {
    pub title: Option<String>,
    /// `Some(None)` or an empty text removes it.
    pub description: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub capacity: Option<u32>,
}

/// The organiser changes a gathering (every date still to come): calendars see each date's
/// `SEQUENCE` raised; more places go to the line at once (each told by e-mail); fewer places than
/// people going is refused.
pub async fn change(state: &AppState, actor: &User, id: Uuid, input: ChangeInput) -> AppResult<GatheringView> {
    let mut invalid = Invalids::default();
    let title = input.title.map(|t| invalid.or_default(text::bounded("title", &t, 1, 120, false)));
    let description =
        input.description.map(|d| invalid.or_default(text::optional("description", d.as_deref(), 4000, true)));
    let tags = input.tags.map(|t| invalid.or_default(thirdspace_domain::tag::normalise_list("tags", &t)));
    if let Some(capacity) = input.capacity.filter(|c| !(1..=thirdspace_domain::gathering::MAX_CAPACITY).contains(c)) {
        let most = thirdspace_domain::gathering::MAX_CAPACITY;
        invalid.add(Invalid::new("capacity", format!("must be from 1 to {most} places, not {capacity}")));
    }
    let change =
        invalid.finish(thirdspace_store::GatheringChange { title, description, tags, capacity: input.capacity })?;
    let found = state.store.gathering(id).await?.ok_or(AppError::NotFound("gathering"))?;
    if !organises(state, &found, actor).await? {
        return Err(AppError::Forbidden("only the gathering's organiser may change it"));
    }
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let done = async {
        let changed = work.change_gathering(id, &change, now).await?;
        mails::queue(work.as_mut(), &mails::for_offers(&changed.offered, now), now).await?;
        Ok(changed)
    }
    .await;
    let changed = work.end(done).await?;
    view(state, Some(actor), changed.gathering).await
}

/// The organiser moves one date still to come to another day or times, in the gathering's time
/// zone; whoever answered is told, and reminders follow the date.
pub async fn reschedule(state: &AppState, actor: &User, date: Uuid, to: DateChange) -> AppResult<GatheringDate> {
    let (g, _) = organised(state, actor, date).await?;
    let tz: chrono_tz::Tz = g.time_zone.parse().map_err(|_| AppError::Internal)?;
    let now = state.clock.now();
    let moved = thirdspace_domain::gathering::reschedule(to, tz, now)?;
    let mut work = state.store.begin().await?;
    let done = async {
        let d = work.reschedule_date(date, &moved, now).await?;
        let due = thirdspace_domain::mail::day_before(d.starts_at, now).unwrap_or(now);
        work.move_mails(date, MailKind::GatheringReminder, due).await?;
        let told: Vec<Uuid> =
            work.answers(date).await?.into_iter().filter(|r| r.status.is_active()).map(|r| r.user_id).collect();
        let each = told.iter().map(|&user| NewMail {
            kind: MailKind::DateChanged,
            key: None,
            user,
            subject: date,
            due_at: now,
        });
        mails::queue(work.as_mut(), &each.collect::<Vec<_>>(), now).await?;
        Ok(d)
    }
    .await;
    Ok(work.end(done).await?)
}

/// Someone who came to a date: checked in at its venue during it (or just before).
pub struct Attendee {
    pub user_id: Uuid,
    pub name: Option<String>,
    pub checked_in_at: i64,
}

/// Who came to a date, by their check-ins, for its organiser.
pub async fn attendance(state: &AppState, actor: &User, date: Uuid) -> AppResult<Vec<Attendee>> {
    let (_, d) = organised(state, actor, date).await?;
    let mut came: Vec<Attendee> = Vec::new();
    for (user, checked_in_at, checked_out_at) in state.store.check_ins_at(date).await? {
        let was_there = thirdspace_domain::gathering::attended(checked_in_at, checked_out_at, (d.starts_at, d.ends_at));
        if was_there && !came.iter().any(|a| a.user_id == user) {
            let name = profiles::shown(state, Some(actor), user).await?.map(|p| p.display_name);
            came.push(Attendee { user_id: user, name, checked_in_at });
        }
    }
    Ok(came)
}

/// What confirming who came recorded.
pub struct AttendanceConfirmed {
    pub attended: usize,
    /// Exchanges proposed from the giver of a knowledge session to each person who came, each
    /// counting in the ledger once that person confirms it.
    pub exchanges: usize,
}

/// The organiser confirms who came to a date that has begun (once): each person who checked in
/// during it is marked attended, and for a knowledge session an exchange from its giver to each
/// of them is proposed in the ledger, in the same unit of work.
pub async fn confirm_attendance(state: &AppState, actor: &User, date: Uuid) -> AppResult<AttendanceConfirmed> {
    let (g, _) = organised(state, actor, date).await?;
    let came: Vec<Uuid> =
        attendance(state, actor, date).await?.into_iter().map(|a| a.user_id).filter(|&u| u != g.organiser_id).collect();
    let now = state.clock.now();
    let session = g.kind == Kind::KnowledgeSession;
    let mut work = state.store.begin().await?;
    let done = async {
        work.confirm_attendance(date, &came, now).await?;
        if session {
            for &receiver in &came {
                let draft = thirdspace_domain::exchange::ExchangeDraft {
                    proposer: g.organiser_id,
                    giver: g.organiser_id,
                    receiver,
                    tags: g.tags.clone(),
                    text: format!("Knowledge session: {}", g.title),
                    venue: g.venue_id,
                    source: thirdspace_domain::exchange::Source::Free,
                    source_id: None,
                };
                work.propose_exchange(&draft, now).await?;
            }
        }
        Ok(())
    }
    .await;
    work.end(done).await?;
    Ok(AttendanceConfirmed { attended: came.len(), exchanges: if session { came.len() } else { 0 } })
}
