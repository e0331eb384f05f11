//! The serendipity engine at work: suggestions for a person, rounds and tables for a venue, who can
//! answer a question, and the life of an introduction. Every person appears as they allow now.

use serde::Serialize;
use thirdspace_domain::mail::MailKind;
use thirdspace_domain::profile::{may_see, Viewer, Visibility};
use thirdspace_domain::Invalid;
use thirdspace_serendipity::person::{question_needs, Person};
use thirdspace_serendipity::round::{round, suggestions_for, tables};
use thirdspace_serendipity::route::{answer_reason, Candidate, Router};
use thirdspace_serendipity::score::Exclusions;
use thirdspace_serendipity::vocabulary::shipped;
use thirdspace_store::{Helping, Intro, IntroAnswer, IntroStep, Page, Paged, PresentPerson, Profile, User};
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::venue_for_staff;
use super::presence;
use super::{AppError, AppResult, Denial};
use crate::matching::{candidate, first_name, new_intros, person, read_reason, SOMEONE};
use crate::AppState;

/// Pairs that met, or where someone declined, are not suggested again for this long.
pub const COOL_DOWN_SECONDS: i64 = 90 * 86_400;
/// How many of the network's people a suggestion scores in full: the best found by the index
/// for what the person offers and looks for.
const NETWORK_PARTNERS: usize = 100;
/// How many of the network's people a question's routing scores in full: the best found by the
/// index for what the question needs.
const NETWORK_ANSWERERS: usize = 200;
/// How far back a person's record of helping counts when routing a question: the last year.
const HELPING_DAYS: i64 = 365;
/// [`HELPING_DAYS`] in seconds.
pub const HELPING_SECONDS: i64 = HELPING_DAYS * 86_400;

/// Pairs not to suggest: those who met within the cool-down, and those where someone declined —
/// or, when suggesting to one person (`for_whom`), only where that person declined, so that what
/// they are shown never depends on the other side's answer.
async fn exclusions(state: &AppState, people: &[Person], for_whom: Option<Uuid>, now: i64) -> AppResult<Exclusions> {
    let ids: Vec<Uuid> = people.iter().map(|p| Uuid::from_u128(p.id)).collect();
    let mut ex = Exclusions::new();
    for pair in state.store.settled_pairs(&ids, now - COOL_DOWN_SECONDS).await? {
        let declined = match for_whom {
            Some(me) => pair.declined_by.contains(&me),
            None => !pair.declined_by.is_empty(),
        };
        if pair.met || declined {
            ex.add(pair.a.as_u128(), pair.b.as_u128());
        }
    }
    Ok(ex)
}

/// Ids of the network's people, found by `find` in the index; `None` while it is still being
/// read after a start.
async fn network_people(
    state: &AppState,
    find: impl FnOnce(&thirdspace_serendipity::network::Network) -> Vec<(u128, f32)>,
) -> Option<Vec<Uuid>> {
    let index = state.network.read().await?;
    Some(find(&index).into_iter().map(|(id, _)| Uuid::from_u128(id)).collect())
}

/// The profiles of `ids` as they are now, in that order, of those still shown publicly and open
/// to meet (the index may be a moment behind a change).
async fn listed_profiles(state: &AppState, ids: &[Uuid]) -> AppResult<Vec<Profile>> {
    let mut found = state.store.profiles(ids).await?;
    found.retain(crate::network::listed);
    found.sort_by_key(|p| ids.iter().position(|id| *id == p.user_id));
    Ok(found)
}

/// The other person of an introduction, as much as the caller may see: someone who does not
/// show themselves to the caller now is "Someone", without an id or headline.
#[derive(Serialize, ToSchema)]
pub struct IntroPerson {
    pub user_id: Option<Uuid>,
    pub display_name: String,
    pub headline: Option<String>,
}

impl IntroPerson {
    fn shown(profile: &Profile) -> Self {
        Self {
            user_id: Some(profile.user_id),
            display_name: profile.display_name.clone(),
            headline: profile.headline.clone(),
        }
    }
}

/// Whether `viewer` may see `profile` now, by its visibility as it is now: a venue-only person
/// only while both are checked in at the same venue.
pub async fn sees_now(state: &AppState, viewer: Uuid, profile: &Profile, now: i64) -> AppResult<bool> {
    let shares_venue_now = match profile.visibility {
        Visibility::Venue => {
            let theirs = state.store.checked_in_at(profile.user_id, now).await?;
            theirs.is_some() && theirs == state.store.checked_in_at(viewer, now).await?
        }
        Visibility::Public | Visibility::Hidden => false,
    };
    let viewer = thirdspace_domain::profile::Viewer { is_self: profile.user_id == viewer, shares_venue_now };
    Ok(thirdspace_domain::profile::may_see(profile.visibility, viewer))
}

/// An introduction as one of its two people sees it: the other's answer shows only once both
/// accepted (a decline is never shown).
pub struct IntroView {
    pub id: Uuid,
    pub venue_id: Option<Uuid>,
    pub with: IntroPerson,
    pub score: f32,
    /// Why, in plain words, from the terms that matched.
    pub reason: String,
    pub my_answer: IntroAnswer,
    /// Both accepted: time to meet.
    pub mutual: bool,
    pub met: bool,
    /// My feedback after meeting: was it useful?
    pub my_feedback: Option<bool>,
}

pub async fn view(state: &AppState, intro: Intro, me: Uuid) -> AppResult<IntroView> {
    let (other, mine, theirs) = intro.sides(me).ok_or(AppError::NotFound("introduction"))?;
    let profile = state.store.profile(other).await?.ok_or(AppError::NotFound("person"))?;
    let my_feedback = if me == intro.person_a { intro.a_useful } else { intro.b_useful };
    let shown = sees_now(state, me, &profile, state.clock.now()).await?;
    let name = if shown { first_name(&profile.display_name) } else { SOMEONE.to_owned() };
    let reason = match read_reason(&intro.reason, Some(me), |_| name.clone()) {
        Some(reason) => reason,
        None if shown => intro.reason,
        None => "Suggested for what each of you offers and looks for.".to_owned(),
    };
    let with = if shown {
        IntroPerson::shown(&profile)
    } else {
        IntroPerson { user_id: None, display_name: "Someone".to_owned(), headline: None }
    };
    Ok(IntroView {
        id: intro.id,
        venue_id: intro.venue_id,
        with,
        score: intro.score,
        reason,
        my_answer: mine,
        mutual: mine == IntroAnswer::Accepted && theirs == IntroAnswer::Accepted,
        met: intro.met_at.is_some(),
        my_feedback,
    })
}

/// Where to look for people to meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The venue where the actor is checked in now.
    Here,
    /// Everyone across the network who shows themselves publicly (the actor must too).
    Network,
}

/// The actor's best introductions, recorded so that they can accept or decline them.
pub async fn suggestions(state: &AppState, actor: &User, scope: Scope, limit: usize) -> AppResult<Vec<IntroView>> {
    let me = actor.id;
    let profiles = match scope {
        Scope::Here => {
            let venue = state.store.checked_in_at(me, state.clock.now()).await?.ok_or(Denial::NotCheckedIn)?;
            return suggestions_here(state, me, venue, limit).await;
        }
        Scope::Network => {
            let mine = state.store.profile(me).await?.ok_or(AppError::NotFound("profile"))?;
            if mine.visibility != Visibility::Public {
                return Err(AppError::Forbidden(
                    "only people who show themselves publicly are suggested across the network: make your profile public",
                ));
            }
            let me_now = person(shipped(), &mine, None);
            let ids = network_people(state, |index| {
                index.partners(shipped(), &me_now.offers, &me_now.needs, NETWORK_PARTNERS, |id| id == me_now.id)
            })
            .await
            .ok_or(Denial::Starting)?;
            let mut found = listed_profiles(state, &ids).await?;
            found.push(mine);
            found.into_iter().map(|p| (p, None)).collect()
        }
    };
    suggest(state, me, None, profiles, limit).await
}

/// The best introductions for `me` among the people checked in at `venue`, recorded.
pub async fn suggestions_here(state: &AppState, me: Uuid, venue: Uuid, limit: usize) -> AppResult<Vec<IntroView>> {
    let present = state.store.present(venue, state.clock.now()).await?;
    let profiles = present.into_iter().map(|p| (p.profile, Some(p.focus))).collect();
    suggest(state, me, Some(venue), profiles, limit).await
}

/// The best introductions for `me` among `profiles` (with today's focus when known), recorded.
async fn suggest(
    state: &AppState,
    me: Uuid,
    venue: Option<Uuid>,
    mut profiles: Vec<(Profile, Option<String>)>,
    limit: usize,
) -> AppResult<Vec<IntroView>> {
    let v = shipped();
    let now = state.clock.now();
    if !profiles.iter().any(|(p, _)| p.user_id == me) {
        let mine = state.store.profile(me).await?.ok_or(AppError::NotFound("profile"))?;
        profiles.push((mine, None));
    }
    let offering = with_record(state, profiles.iter().map(|(p, _)| p), venue.is_some(), now).await?;
    let people: Vec<Person> = profiles
        .iter()
        .zip(&offering)
        .map(|((p, focus), helped_on)| person(v, &offers_also(p, helped_on), focus.as_deref()))
        .collect();
    let Some(me_index) = people.iter().position(|p| p.id == me.as_u128()) else {
        return Ok(Vec::new());
    };
    let ex = exclusions(state, &people, Some(me), now).await?;
    let new = new_intros(v, &people, &suggestions_for(v, &people, me_index, &ex, limit), venue);
    let mut out = Vec::new();
    for intro in state.store.suggest_intros(new, now - COOL_DOWN_SECONDS, now).await? {
        out.push(view(state, intro, me).await?);
    }
    Ok(out)
}

/// What each person helped on lately, by their confirmed record, where they show that record to
/// the people they may be suggested to (everyone; or, `at_venue`, the people there): the ledger
/// counts in who is suggested to meet whom, and a reason may say so.
async fn with_record<'a>(
    state: &AppState,
    profiles: impl Iterator<Item = &'a Profile>,
    at_venue: bool,
    now: i64,
) -> AppResult<Vec<Vec<String>>> {
    let others = Viewer { is_self: false, shares_venue_now: at_venue };
    let shown: Vec<(Uuid, bool)> = profiles.map(|p| (p.user_id, may_see(p.record_visibility, others))).collect();
    let asked: Vec<Uuid> = shown.iter().filter(|(_, s)| *s).map(|(id, _)| *id).collect();
    let mut helping = state.store.helping(&asked, now - HELPING_SECONDS).await?.into_iter();
    Ok(shown
        .iter()
        .map(|(_, s)| if *s { helping.next().map(|h| h.topics).unwrap_or_default() } else { Vec::new() })
        .collect())
}

/// A profile that also offers what its person helped on.
fn offers_also(profile: &Profile, helped_on: &[String]) -> Profile {
    let mut p = profile.clone();
    for topic in helped_on {
        if !p.offers.contains(topic) {
            p.offers.push(topic.clone());
        }
    }
    p
}

/// One suggested introduction of a round, as the venue's staff see it.
#[derive(Serialize, ToSchema)]
pub struct RoundIntro {
    id: Uuid,
    a: IntroPerson,
    b: IntroPerson,
    score: f32,
    reason: String,
}

/// Everyone checked in at a venue now, as the engine sees them and as `actor` (its staff) may see
/// them, with the pairs not to put together.
struct Gathering<V> {
    present: Vec<PresentPerson>,
    people: Vec<Person>,
    ex: Exclusions,
    visible: V,
    now: i64,
}

async fn gathering(
    state: &AppState,
    actor: &User,
    id: Uuid,
) -> AppResult<Gathering<impl Fn(Uuid, Visibility) -> bool>> {
    venue_for_staff(state, id, actor).await?;
    let now = state.clock.now();
    let present = state.store.present(id, now).await?;
    let offering = with_record(state, present.iter().map(|p| &p.profile), true, now).await?;
    let people: Vec<Person> = present
        .iter()
        .zip(&offering)
        .map(|(p, helped_on)| person(shipped(), &offers_also(&p.profile, helped_on), Some(&p.focus)))
        .collect();
    let ex = exclusions(state, &people, None, now).await?;
    let visible = presence::who_may_see_here(state, Some(actor), id).await?;
    Ok(Gathering { present, people, ex, visible, now })
}

/// A round of introductions for everyone checked in at a venue (its staff only): the set that
/// maximises the total score with at most `cap` (1 to 5) per person. Every intro is recorded for
/// its two people; the answer lists only those whose people the actor may see.
pub async fn venue_round(state: &AppState, actor: &User, id: Uuid, cap: usize) -> AppResult<Vec<RoundIntro>> {
    if !(1..=5).contains(&cap) {
        return Err(Invalid::new("cap", "must be between 1 and 5").into());
    }
    let Gathering { present, people, ex, visible, now } = gathering(state, actor, id).await?;
    let v = shipped();
    let new = new_intros(v, &people, &round(v, &people, &ex, cap), Some(id));
    let stored = state.store.suggest_intros(new, now - COOL_DOWN_SECONDS, now).await?;
    let shown =
        |user: Uuid| present.iter().map(|p| &p.profile).find(|p| p.user_id == user && visible(p.user_id, p.visibility));
    let out = stored
        .into_iter()
        .filter_map(|i| {
            let (a, b) = (shown(i.person_a)?, shown(i.person_b)?);
            let name = |id: Uuid| first_name(if id == a.user_id { &a.display_name } else { &b.display_name });
            let reason = read_reason(&i.reason, None, name).unwrap_or(i.reason);
            Some(RoundIntro { id: i.id, a: IntroPerson::shown(a), b: IntroPerson::shown(b), score: i.score, reason })
        })
        .collect();
    Ok(out)
}

/// Seats everyone checked in at a venue who is open to meet at tables of `size` (3 or 4), each
/// grown around the people with most to give each other (its staff only); each table lists the
/// people the actor may see.
pub async fn venue_tables(state: &AppState, actor: &User, id: Uuid, size: usize) -> AppResult<Vec<Vec<IntroPerson>>> {
    if !(3..=4).contains(&size) {
        return Err(Invalid::new("size", "tables seat 3 or 4").into());
    }
    let Gathering { present, people, ex, visible, .. } = gathering(state, actor, id).await?;
    let seated = tables(shipped(), &people, &ex, size)
        .into_iter()
        .map(|table| {
            table
                .into_iter()
                .filter(|&i| visible(present[i].profile.user_id, present[i].profile.visibility))
                .map(|i| IntroPerson::shown(&present[i].profile))
                .collect()
        })
        .collect();
    Ok(seated)
}

/// The actor's introductions, newest first.
pub async fn mine(state: &AppState, actor: &User, page: Page) -> AppResult<Paged<IntroView>> {
    let page = state.store.intros_of(actor.id, page).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for intro in page.items {
        items.push(view(state, intro, actor.id).await?);
    }
    Ok(Paged { items, page: page.page, per_page: page.per_page, total: page.total })
}

/// One side's step on an introduction (its event tells the venue's screens).
/// When the step makes it "you both said yes", each side is told by e-mail.
pub async fn take_step(state: &AppState, user: Uuid, id: Uuid, step: IntroStep) -> AppResult<IntroView> {
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let done = async {
        let intro = work.step_intro(id, user, step, now).await?;
        if step == IntroStep::Accept
            && intro.a_answer == IntroAnswer::Accepted
            && intro.b_answer == IntroAnswer::Accepted
        {
            let both = [intro.person_a, intro.person_b];
            super::mails::queue(
                work.as_mut(),
                &super::mails::to_each(MailKind::IntroAccepted, &both, intro.id, now),
                now,
            )
            .await?;
        }
        Ok(intro)
    }
    .await;
    let intro = work.end(done).await?;
    view(state, intro, user).await
}

/// Someone who may be able to answer a question.
#[derive(Serialize, ToSchema)]
pub struct Answerer {
    pub user_id: Uuid,
    pub display_name: String,
    pub headline: Option<String>,
    /// Checked in at the question's venue now.
    pub here: bool,
    /// Why they may be able to help, in plain words.
    pub reason: String,
}

/// Who can answer question `id`, best first, as the actor may see them.
pub async fn answerers(state: &AppState, actor: &User, id: Uuid) -> AppResult<Vec<Answerer>> {
    let question = state.store.question(id).await?.ok_or(AppError::NotFound("question"))?;
    who_can_answer(state, actor, &question).await
}

/// Who can answer `question`, as `viewer` may see them: people here first, then the network.
pub async fn who_can_answer(
    state: &AppState,
    viewer: &thirdspace_store::User,
    question: &thirdspace_store::Question,
) -> AppResult<Vec<Answerer>> {
    let v = shipped();
    let now = state.clock.now();
    let viewer_here = state.store.checked_in_at(viewer.id, now).await? == Some(question.venue_id);
    let present = state.store.present(question.venue_id, now).await?;
    let here: Vec<Profile> = present
        .into_iter()
        .map(|p| p.profile)
        .filter(|p| p.open_to_meet)
        .filter(|p| match p.visibility {
            Visibility::Public => true,
            Visibility::Venue => viewer_here || p.user_id == viewer.id,
            Visibility::Hidden => false,
        })
        .collect();
    let needs = question_needs(v, &question.tags, &question.text);
    let here_ids: std::collections::HashSet<u128> = here.iter().map(|h| h.user_id.as_u128()).collect();
    // While the index is still being read after a start, the people here are asked alone.
    let ids = network_people(state, |index| {
        let skip = |id: u128| id == question.asker_id.as_u128() || here_ids.contains(&id);
        index.offering(v, &needs, NETWORK_ANSWERERS, skip)
    })
    .await
    .unwrap_or_default();
    let network = listed_profiles(state, &ids).await?;
    let mut out = Vec::new();
    for (group, is_here) in [(here, true), (network, false)] {
        let ids: Vec<Uuid> = group.iter().map(|p| p.user_id).collect();
        let helping = state.store.helping(&ids, now - HELPING_SECONDS).await?;
        // A person's record of helping counts only where they show it to the viewer (to
        // everyone, or to the people where they are): ranking by a hidden record would tell of it.
        let record_shown = |p: &Profile| {
            may_see(
                p.record_visibility,
                Viewer { is_self: p.user_id == viewer.id, shares_venue_now: is_here && viewer_here },
            )
        };
        let unshown = Helping::default();
        let candidates: Vec<Candidate> = group
            .iter()
            .zip(&helping)
            .map(|(p, h)| candidate(v, p, if record_shown(p) { h } else { &unshown }))
            .collect();
        let router = Router::new(&candidates, now);
        let asker = question.asker_id;
        let ranked = router.scored(v, &needs, &question.text, |i| group[i as usize].user_id == asker);
        for (i, _) in ranked.into_iter().take(10) {
            let p = &group[i as usize];
            out.push(Answerer {
                user_id: p.user_id,
                display_name: p.display_name.clone(),
                headline: p.headline.clone(),
                here: is_here,
                reason: answer_reason(v, &candidates[i as usize], &needs, &question.text, now),
            });
        }
    }
    Ok(out)
}
