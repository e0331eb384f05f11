//! The venue's screens: tokens a host gives a TV or a kiosk, and the dashboard's picture of the
//! venue right now (people as they allow now; hidden people only counted).

use std::collections::HashMap;

use serde::Serialize;
use thirdspace_domain::hours;
use thirdspace_domain::profile::{may_see, Viewer, Visibility};
use thirdspace_domain::text;
use thirdspace_serendipity::person::{question_needs, tag_labels, terms};
use thirdspace_serendipity::route::Router;
use thirdspace_serendipity::vocabulary::{shipped, Vocabulary};
use thirdspace_store::{IntroAnswer, Page, Paged, Profile, ScreenKind, ScreenToken, User};
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::{self, time_zone, venue_for_staff};
use super::{gatherings, presence};
use super::{AppError, AppResult};
use crate::auth::{new_token, token_hash};
use crate::matching::{candidate, first_name, read_reason};
use crate::AppState;

/// A new screen token: the secret is shown this once.
pub struct IssuedScreenToken {
    /// Put it in the screen's link as `?token=…`.
    pub token: String,
    pub info: ScreenToken,
}

/// Issues a token for one of the venue's screens (its staff only); the token itself is shown once.
pub async fn issue(
    state: &AppState,
    actor: &User,
    venue: Uuid,
    kind: ScreenKind,
    name: &str,
) -> AppResult<IssuedScreenToken> {
    venue_for_staff(state, venue, actor).await?;
    let name = text::bounded("name", name, 1, 80, false)?;
    let token = new_token();
    let info = state.store.create_screen_token(venue, kind, &name, &token_hash(&token), state.clock.now()).await?;
    Ok(IssuedScreenToken { token, info })
}

/// A venue's screen tokens (its staff only).
pub async fn list(state: &AppState, actor: &User, venue: Uuid, page: Page) -> AppResult<Paged<ScreenToken>> {
    venue_for_staff(state, venue, actor).await?;
    Ok(state.store.screen_tokens(venue, page).await?)
}

/// Revokes a screen's token (its venue's staff only): the screen stops showing names.
pub async fn revoke(state: &AppState, actor: &User, venue: Uuid, token: Uuid) -> AppResult<ScreenToken> {
    venue_for_staff(state, venue, actor).await?;
    Ok(state.store.revoke_screen_token(venue, token, state.clock.now()).await?)
}

/// Fails unless `token` is a live screen token of `kind` for `venue`.
pub async fn screen_opens(state: &AppState, venue: Uuid, token: &str, kind: ScreenKind) -> AppResult<()> {
    match state.store.screen_token(&token_hash(token)).await? {
        Some((v, k)) if v == venue && k == kind => Ok(()),
        _ => Err(AppError::Forbidden(match kind {
            ScreenKind::Display => "this token does not open this venue's dashboard (it may have been revoked)",
            ScreenKind::Kiosk => "this token does not open this venue's kiosk (it may have been revoked)",
        })),
    }
}

/// Whether a request may see a venue's dashboard: a live display token of that venue, or its staff.
pub async fn may_show(state: &AppState, venue: Uuid, token: Option<&str>, user: Option<&User>) -> AppResult<()> {
    if let Some(token) = token {
        return screen_opens(state, venue, token, ScreenKind::Display).await;
    }
    match user {
        Some(user) => venue_for_staff(state, venue, user).await.map(|_| ()),
        None => Err(AppError::Unauthenticated),
    }
}

/// Today's check-in code of a venue, for a screen `may_show` lets through.
pub async fn check_in_code(state: &AppState, id: Uuid, token: Option<&str>, user: Option<&User>) -> AppResult<String> {
    let venue = access::venue(state, id).await?;
    may_show(state, id, token, user).await?;
    let secret = access::checkin_secret(state, id).await?;
    let (today, _) = hours::local_now(time_zone(&venue)?, state.clock.now());
    Ok(thirdspace_domain::checkin::daily_code(&secret, today))
}

/// Someone on the dashboard.
#[derive(Serialize, ToSchema)]
pub struct ScreenPerson {
    pub display_name: String,
    pub headline: Option<String>,
    pub offers: Vec<String>,
    pub seeking: Vec<String>,
    pub focus: String,
}

#[derive(Serialize, ToSchema)]
pub struct ScreenIntro {
    pub a: String,
    pub b: String,
    pub reason: String,
    /// Both said yes.
    pub accepted: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ScreenQuestion {
    pub text: String,
    pub tags: Vec<String>,
    pub asker: Option<String>,
    /// People here who may be able to help, best first.
    pub who_can_help: Vec<String>,
}

/// Knowledge shared at the venue today: an exchange confirmed, by its topics (never by name).
#[derive(Serialize, ToSchema)]
pub struct ScreenExchange {
    pub topics: Vec<String>,
}

/// A gathering at the venue today, as its screen shows it.
#[derive(Serialize, ToSchema)]
pub struct ScreenGathering {
    pub title: String,
    /// Its kind, as a label ("Knowledge session").
    pub kind: String,
    /// Local start and end at the venue, "HH:MM".
    pub starts: String,
    pub ends: String,
    /// Places still free (going and offered places are taken).
    pub places_left: u32,
    /// No place free: whoever answers now joins the line.
    pub full: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Counters {
    /// Everyone checked in, shown or not.
    pub here: u32,
    pub intros_suggested_today: u32,
    pub intros_accepted_today: u32,
    /// Distinct knowledge topics offered by the people here.
    pub topics: u32,
    /// Exchanges of knowledge confirmed here today.
    pub exchanges_today: u32,
    /// Outcomes recorded today and shared with the venue or everyone.
    pub outcomes_today: u32,
}

/// What a venue's screen shows now.
#[derive(Serialize, ToSchema)]
pub struct Dashboard {
    pub venue_id: Uuid,
    pub venue_name: String,
    /// Local time at the venue, "HH:MM".
    pub local_time: String,
    /// Today's check-in code, for people who type it instead of scanning the QR code.
    pub check_in_code: String,
    /// While the venue is closed: that it is, and when it opens again (the screen then shows
    /// this instead of inviting people to check in).
    pub closed: Option<String>,
    /// The local date at the venue: the check-in QR code changes with it.
    #[schema(value_type = String, format = Date)]
    pub local_date: chrono::NaiveDate,
    pub people: Vec<ScreenPerson>,
    pub intros: Vec<ScreenIntro>,
    pub questions: Vec<ScreenQuestion>,
    /// Today's exchanges confirmed here, newest first (at most 12).
    pub shared_today: Vec<ScreenExchange>,
    /// Today's outcomes shared with the venue, in words ("a new client"), newest first.
    pub outcomes_today: Vec<String>,
    /// The venue's gatherings today not over yet, soonest first: open ones only (members-only
    /// gatherings are for signed-in members, and a screen is read by anyone in the room), not
    /// cancelled.
    pub gatherings_today: Vec<ScreenGathering>,
    pub counters: Counters,
}

/// The venue's screen shows people whose visibility is `public` or `venue` (the screen is at the
/// venue); hidden people are only counted.
fn on_screen(profile: &Profile) -> bool {
    profile.visibility != Visibility::Hidden
}

/// The venue right now, for its screen (a display token) or its staff.
pub async fn dashboard(state: &AppState, id: Uuid, token: Option<&str>, user: Option<&User>) -> AppResult<Dashboard> {
    let venue = access::venue(state, id).await?;
    may_show(state, id, token, user).await?;
    let now = state.clock.now();
    let tz = time_zone(&venue)?;
    let (today, at) = hours::local_now(tz, now);
    let secret = access::checkin_secret(state, id).await?;
    let check_in_code = thirdspace_domain::checkin::daily_code(&secret, today);
    let weekly = hours::WeeklyHours::parse(venue.opening_hours.clone())?;
    let closed = hours::closed_now(&weekly, &venue.closures, today, at);
    let view = state.presence.present(state.store.as_ref(), id, now).await?;
    let present = &view.people;
    let v = shipped();
    let shown: Vec<&thirdspace_store::PresentPerson> = present.iter().filter(|p| on_screen(&p.profile)).collect();
    let name_of = |user: Uuid| shown.iter().find(|p| p.profile.user_id == user).map(|p| p.profile.display_name.clone());
    let mut topics: Vec<_> = present.iter().flat_map(|p| terms(v, &p.profile.offers)).collect();
    topics.sort();
    topics.dedup();
    let day_start = now - 86_400;
    let intros = state.store.venue_intros(id, day_start, 200).await?;
    let midnight = hours::instant(tz, today, hours::ClockTime::MIDNIGHT);
    let facts = state.store.venue_facts(id, (today, today), midnight, now + 1).await?;
    let mut exchanges = facts.exchanges;
    exchanges.sort_by_key(|e| std::cmp::Reverse(e.at));
    let mut outcomes = facts.outcomes;
    outcomes.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let accepted =
        |i: &thirdspace_store::Intro| i.a_answer == IntroAnswer::Accepted && i.b_answer == IntroAnswer::Accepted;
    let counters = Counters {
        here: present.len() as u32,
        intros_suggested_today: intros.len() as u32,
        intros_accepted_today: intros.iter().filter(|i| accepted(i)).count() as u32,
        topics: topics.len() as u32,
        exchanges_today: exchanges.len() as u32,
        outcomes_today: outcomes.len() as u32,
    };
    let screen_intros = intros
        .iter()
        .filter(|i| i.met_at.is_none())
        .filter_map(|i| {
            let (a, b) = (name_of(i.person_a)?, name_of(i.person_b)?);
            let first = |id: Uuid| first_name(if id == i.person_a { &a } else { &b });
            let reason = read_reason(&i.reason, None, first).unwrap_or_else(|| i.reason.clone());
            Some(ScreenIntro { a, b, reason, accepted: accepted(i) })
        })
        .take(12)
        .collect();
    let candidates: Vec<_> = shown.iter().map(|p| candidate(v, &p.profile, &Default::default())).collect();
    let router = Router::new(&candidates, now);
    let open = state.store.open_questions(id, Page::new(1, 10)).await?;
    let questions = open
        .items
        .into_iter()
        .map(|question| {
            let needs = question_needs(v, &question.tags, &question.text);
            let who_can_help = router
                .scored(v, &needs, &question.text, |i| shown[i as usize].profile.user_id == question.asker_id)
                .into_iter()
                .take(3)
                .map(|(i, _)| shown[i as usize].profile.display_name.clone())
                .collect();
            ScreenQuestion { asker: name_of(question.asker_id), text: question.text, tags: question.tags, who_can_help }
        })
        .collect();
    let people = shown
        .iter()
        .map(|p| ScreenPerson {
            display_name: p.profile.display_name.clone(),
            headline: p.profile.headline.clone(),
            offers: tag_labels(v, &p.profile.offers),
            seeking: tag_labels(v, &p.profile.seeking),
            focus: p.focus.clone(),
        })
        .collect();
    let clock = |t: i64| hours::local_now(tz, t).1.to_string();
    let gatherings_today = gatherings::today_at(state, &venue)
        .await?
        .into_iter()
        .map(|(g, d)| ScreenGathering {
            places_left: d.capacity.saturating_sub(d.taken),
            full: d.taken >= d.capacity,
            starts: clock(d.starts_at),
            ends: clock(d.ends_at),
            kind: g.kind.label().to_owned(),
            title: g.title,
        })
        .collect();
    Ok(Dashboard {
        venue_id: id,
        venue_name: venue.name,
        local_time: at.to_string(),
        check_in_code,
        closed,
        local_date: today,
        people,
        intros: screen_intros,
        questions,
        shared_today: shared_today(state, v, &exchanges, present).await?,
        outcomes_today: outcomes.into_iter().take(12).map(|(_, category)| category.words().to_owned()).collect(),
        gatherings_today,
        counters,
    })
}

/// Today's exchanges for the screen, newest first (at most 12), by topic: only those whose two
/// people both show themselves and their record at the venue, so that a topic on the screen
/// beside the faces of the people here never tells of someone who keeps it to themselves. Counts
/// are not names: the counter counts them all.
async fn shared_today(
    state: &AppState,
    v: &Vocabulary,
    exchanges: &[thirdspace_store::ExchangeFact],
    present: &[thirdspace_store::PresentPerson],
) -> AppResult<Vec<ScreenExchange>> {
    // Each person is looked up once: those here are known already.
    let at_the_venue = Viewer { is_self: false, shares_venue_now: true };
    let shows = |p: &Profile| may_see(p.visibility, at_the_venue) && may_see(p.record_visibility, at_the_venue);
    let mut known: HashMap<Uuid, bool> = present.iter().map(|p| (p.profile.user_id, shows(&p.profile))).collect();
    let mut shown = Vec::new();
    for e in exchanges.iter().take(100) {
        let mut both = true;
        for person in [e.giver, e.receiver] {
            let visible = match known.get(&person) {
                Some(visible) => *visible,
                None => {
                    let visible = state.store.profile(person).await?.is_some_and(|p| shows(&p));
                    known.insert(person, visible);
                    visible
                }
            };
            both &= visible;
        }
        if both {
            shown.push(ScreenExchange { topics: tag_labels(v, &e.tags) });
        }
        if shown.len() == 12 {
            break;
        }
    }
    Ok(shown)
}

/// Whether the display token with `hash` still opens `venue`'s screen.
pub async fn display_still_opens(state: &AppState, venue: Uuid, hash: &str) -> AppResult<bool> {
    Ok(matches!(state.store.screen_token(hash).await?, Some((v, ScreenKind::Display)) if v == venue))
}

/// Who follows a venue's events, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follower {
    /// A screen with a display token, or the venue's staff: for as long as they like.
    Screen,
    /// A person checked in there: while they stay checked in.
    Person(Uuid),
}

/// Whether the venue's events may be followed by a screen with `token`, or by `user` (its staff,
/// or someone checked in there now).
pub async fn may_follow(
    state: &AppState,
    venue: Uuid,
    token: Option<&str>,
    user: Option<&User>,
) -> AppResult<Follower> {
    access::venue(state, venue).await?;
    if token.is_some() {
        may_show(state, venue, token, None).await?;
        return Ok(Follower::Screen);
    }
    let user = user.ok_or(AppError::Unauthenticated)?;
    if access::runs(state, venue, user).await? {
        return Ok(Follower::Screen);
    }
    if presence::is_here(state, user.id, venue).await? {
        Ok(Follower::Person(user.id))
    } else {
        Err(AppError::Forbidden("only the venue's screens, staff and the people checked in there follow its events"))
    }
}
