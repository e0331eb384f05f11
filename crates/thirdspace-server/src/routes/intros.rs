//! The serendipity engine over the API: suggestions for me, rounds for a venue, who can answer a
//! question, the life of an introduction, and tag autocomplete.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use thirdspace_domain::profile::Visibility;
use thirdspace_serendipity::person::{question_needs, tag_labels, Person};

use crate::matching::{candidate, first_name, new_intros, person, read_reason, SOMEONE};
use thirdspace_serendipity::round::{round, suggestions_for, tables};
use thirdspace_serendipity::route::{answer_reason, Candidate, Router};
use thirdspace_serendipity::score::Exclusions;
use thirdspace_serendipity::vocabulary::shipped;
use thirdspace_store::{Intro, IntroAnswer, IntroStep, Paged, Profile};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::PageQuery;
use crate::app::access::venue_for_staff;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

/// Pairs that met, or where someone declined, are not suggested again for this long.
pub const COOL_DOWN_SECONDS: i64 = 90 * 86_400;
/// How many profiles a network-wide suggestion looks through.
const NETWORK_PROFILES: u32 = 5_000;

/// Pairs not to suggest: those who met within the cool-down, and those where someone declined —
/// or, when suggesting to one person (`for_whom`), only where that person declined, so that what
/// they are shown never depends on the other side's answer.
async fn exclusions(state: &AppState, people: &[Person], for_whom: Option<Uuid>, now: i64) -> ApiResult<Exclusions> {
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

/// Whether the caller may see a person present at a venue (their visibility, as in presence).
async fn visible_to(
    state: &AppState,
    viewer: &thirdspace_store::User,
    venue: Uuid,
    now: i64,
) -> ApiResult<impl Fn(&Profile) -> bool> {
    let here = state.store.checked_in_at(viewer.id, now).await? == Some(venue);
    let me = viewer.id;
    Ok(move |p: &Profile| {
        thirdspace_domain::profile::may_see(
            p.visibility,
            thirdspace_domain::profile::Viewer { is_self: p.user_id == me, shares_venue_now: here },
        )
    })
}

/// The other person of an introduction, as much as the caller may see: someone who does not
/// show themselves to the caller now is "Someone", without an id or headline.
#[derive(Serialize, ToSchema)]
pub struct IntroPerson {
    pub(crate) user_id: Option<Uuid>,
    pub(crate) display_name: String,
    pub(crate) headline: Option<String>,
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
pub(crate) async fn sees_now(state: &AppState, viewer: Uuid, profile: &Profile, now: i64) -> ApiResult<bool> {
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
#[derive(Serialize, ToSchema)]
pub struct IntroView {
    pub(crate) id: Uuid,
    venue_id: Option<Uuid>,
    pub(crate) with: IntroPerson,
    score: f32,
    /// Why, in plain words, from the terms that matched.
    pub(crate) reason: String,
    pub(crate) my_answer: IntroAnswer,
    /// Both accepted: time to meet.
    pub(crate) mutual: bool,
    pub(crate) met: bool,
    /// My feedback after meeting: was it useful?
    pub(crate) my_feedback: Option<bool>,
}

pub(crate) async fn view(state: &AppState, intro: Intro, me: Uuid) -> ApiResult<IntroView> {
    let (other, mine, theirs) = intro.sides(me).ok_or_else(|| ApiError::not_found("introduction"))?;
    let profile = state.store.profile(other).await?.ok_or_else(|| ApiError::not_found("person"))?;
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestionQuery {
    /// `venue` (default): people checked in where you are now; `network`: people who show
    /// themselves publicly anywhere.
    #[param(schema_with = scope_schema, nullable = false)]
    scope: Option<String>,
    /// How many, 1 to 20 (default 5).
    #[param(minimum = 1, maximum = 20, nullable = false)]
    limit: Option<usize>,
}

fn scope_schema() -> utoipa::openapi::Object {
    super::one_of(&["venue", "network"])
}

/// My best introductions, with the reason for each; they are recorded so that I can accept or
/// decline them.
#[utoipa::path(get, path = "/api/v1/me/suggestions", tag = "introductions", params(SuggestionQuery),
    responses((status = 200, body = Vec<IntroView>), (status = 400, body = ErrorBody),
        (status = 403, description = "Across the network, only for people who show themselves publicly", body = ErrorBody),
        (status = 409, description = "Not checked in anywhere (for `scope=venue`)", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn my_suggestions(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<SuggestionQuery>,
) -> ApiResult<Json<Vec<IntroView>>> {
    let limit = q.limit.unwrap_or(5);
    if !(1..=20).contains(&limit) {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", "limit is 1 to 20").with_field("limit"));
    }
    let now = state.clock.now();
    let me = auth.user.id;
    let profiles = match q.scope.as_deref() {
        None | Some("venue") => {
            let venue = state.store.checked_in_at(me, now).await?.ok_or_else(|| {
                ApiError::new(
                    StatusCode::CONFLICT,
                    "not_checked_in",
                    "check in at a venue to meet the people there, or ask with ?scope=network",
                )
            })?;
            return suggestions_here(&state, me, venue, limit).await.map(Json);
        }
        Some("network") => {
            let mine = state.store.profile(me).await?.ok_or_else(|| ApiError::not_found("profile"))?;
            if mine.visibility != Visibility::Public {
                return Err(ApiError::forbidden(
                    "only people who show themselves publicly are suggested across the network: make your profile public",
                ));
            }
            let public = state.store.open_public_profiles(NETWORK_PROFILES).await?;
            public.into_iter().map(|p| (p, None)).collect()
        }
        Some(_) => {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", "scope is venue or network")
                .with_field("scope"))
        }
    };
    suggest(&state, me, None, profiles, limit).await.map(Json)
}

/// The best introductions for `me` among the people checked in at `venue`, recorded.
pub(crate) async fn suggestions_here(
    state: &AppState,
    me: Uuid,
    venue: Uuid,
    limit: usize,
) -> ApiResult<Vec<IntroView>> {
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
) -> ApiResult<Vec<IntroView>> {
    let v = shipped();
    let now = state.clock.now();
    if !profiles.iter().any(|(p, _)| p.user_id == me) {
        let mine = state.store.profile(me).await?.ok_or_else(|| ApiError::not_found("profile"))?;
        profiles.push((mine, None));
    }
    let people: Vec<Person> = profiles.iter().map(|(p, focus)| person(v, p, focus.as_deref())).collect();
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundRequest {
    /// Introductions per person at most, 1 to 5 (default 2).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 5)]
    cap: Option<usize>,
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

/// Runs a round of introductions for everyone checked in at a venue (its staff): the set that
/// maximises the total score with at most `cap` per person; people who are hidden or not open
/// to meet, and pairs who met or declined recently, are left out. Every intro is recorded for
/// its two people; the answer lists only those whose people the caller may see.
#[utoipa::path(post, path = "/api/v1/venues/{id}/rounds", tag = "introductions", params(("id" = Uuid, Path)),
    request_body = RoundRequest,
    responses((status = 200, body = Vec<RoundIntro>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn venue_round(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<RoundRequest>,
) -> ApiResult<Json<Vec<RoundIntro>>> {
    let cap = body.cap.unwrap_or(2);
    if !(1..=5).contains(&cap) {
        return Err(thirdspace_domain::Invalid::new("cap", "must be between 1 and 5").into());
    }
    venue_for_staff(&state, id, &auth.user).await?;
    let v = shipped();
    let now = state.clock.now();
    let present = state.store.present(id, now).await?;
    let people: Vec<Person> = present.iter().map(|p| person(v, &p.profile, Some(&p.focus))).collect();
    let ex = exclusions(&state, &people, None, now).await?;
    let new = new_intros(v, &people, &round(v, &people, &ex, cap), Some(id));
    let stored = state.store.suggest_intros(new, now - COOL_DOWN_SECONDS, now).await?;
    let visible = visible_to(&state, &auth.user, id, now).await?;
    let shown = |user: Uuid| present.iter().map(|p| &p.profile).find(|p| p.user_id == user && visible(p));
    let out = stored
        .into_iter()
        .filter_map(|i| {
            let (a, b) = (shown(i.person_a)?, shown(i.person_b)?);
            let name = |id: Uuid| first_name(if id == a.user_id { &a.display_name } else { &b.display_name });
            let reason = read_reason(&i.reason, None, name).unwrap_or(i.reason);
            Some(RoundIntro { id: i.id, a: IntroPerson::shown(a), b: IntroPerson::shown(b), score: i.score, reason })
        })
        .collect();
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TablesRequest {
    /// People per table, 3 or 4 (default 4).
    #[serde(default)]
    #[schema(minimum = 3, maximum = 4)]
    size: Option<usize>,
}

/// Seats everyone checked in at a venue who is open to meet at tables (for lunch), each table
/// grown around the people who have most to give each other (its staff). Each table lists the
/// people the caller may see.
#[utoipa::path(post, path = "/api/v1/venues/{id}/tables", tag = "introductions", params(("id" = Uuid, Path)),
    request_body = TablesRequest,
    responses((status = 200, body = Vec<Vec<IntroPerson>>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn venue_tables(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<TablesRequest>,
) -> ApiResult<Json<Vec<Vec<IntroPerson>>>> {
    let size = body.size.unwrap_or(4);
    if !(3..=4).contains(&size) {
        return Err(thirdspace_domain::Invalid::new("size", "tables seat 3 or 4").into());
    }
    venue_for_staff(&state, id, &auth.user).await?;
    let v = shipped();
    let now = state.clock.now();
    let present = state.store.present(id, now).await?;
    let people: Vec<Person> = present.iter().map(|p| person(v, &p.profile, Some(&p.focus))).collect();
    let ex = exclusions(&state, &people, None, now).await?;
    let visible = visible_to(&state, &auth.user, id, now).await?;
    let seated = tables(v, &people, &ex, size)
        .into_iter()
        .map(|table| {
            table
                .into_iter()
                .filter(|&i| visible(&present[i].profile))
                .map(|i| IntroPerson::shown(&present[i].profile))
                .collect()
        })
        .collect();
    Ok(Json(seated))
}

/// My introductions, newest first.
#[utoipa::path(get, path = "/api/v1/me/intros", tag = "introductions", params(PageQuery),
    responses((status = 200, body = Paged<IntroView>), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn my_intros(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<IntroView>>> {
    let page = state.store.intros_of(auth.user.id, q.page()?).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for intro in page.items {
        items.push(view(&state, intro, auth.user.id).await?);
    }
    Ok(Json(Paged { items, page: page.page, per_page: page.per_page, total: page.total }))
}

async fn step(state: &AppState, auth: &Auth, id: Uuid, step: IntroStep) -> ApiResult<Json<IntroView>> {
    Ok(Json(take_step(state, auth.user.id, id, step).await?))
}

/// One side's step on an introduction (its event tells the venue's screens).
pub(crate) async fn take_step(state: &AppState, user: Uuid, id: Uuid, step: IntroStep) -> ApiResult<IntroView> {
    let intro = state.store.step_intro(id, user, step, state.clock.now()).await?;
    view(state, intro, user).await
}

/// Accepts an introduction (mutual opt-in: it is on once both accept).
#[utoipa::path(post, path = "/api/v1/intros/{id}/accept", tag = "introductions", params(("id" = Uuid, Path)),
    responses((status = 200, body = IntroView), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<IntroView>> {
    step(&state, &auth, id, IntroStep::Accept).await
}

/// Declines an introduction; the other person is never told, and the pair is not suggested
/// again during the cool-down.
#[utoipa::path(post, path = "/api/v1/intros/{id}/decline", tag = "introductions", params(("id" = Uuid, Path)),
    responses((status = 200, body = IntroView), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn decline(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<IntroView>> {
    step(&state, &auth, id, IntroStep::Decline).await
}

/// Records that the two met (after both accepted).
#[utoipa::path(post, path = "/api/v1/intros/{id}/met", tag = "introductions", params(("id" = Uuid, Path)),
    responses((status = 200, body = IntroView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn met(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Json<IntroView>> {
    step(&state, &auth, id, IntroStep::Met).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// Was meeting useful?
    useful: bool,
}

/// After meeting: was it useful? It counts towards the other person's record of helping.
#[utoipa::path(post, path = "/api/v1/intros/{id}/feedback", tag = "introductions", params(("id" = Uuid, Path)),
    request_body = Feedback,
    responses((status = 200, body = IntroView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn feedback(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<Feedback>,
) -> ApiResult<Json<IntroView>> {
    step(&state, &auth, id, IntroStep::Feedback { useful: body.useful }).await
}

/// Someone who may be able to answer a question.
#[derive(Serialize, ToSchema)]
pub struct Answerer {
    user_id: Uuid,
    pub(crate) display_name: String,
    pub(crate) headline: Option<String>,
    /// Checked in at the question's venue now.
    pub(crate) here: bool,
    /// Why they may be able to help, in plain words.
    pub(crate) reason: String,
}

/// Who can answer a question, best first: people here first, then across the network, by how
/// well their offers and words fit and by their record of helping. Only people whose visibility
/// allows the caller to see them are named; hidden people never appear.
#[utoipa::path(get, path = "/api/v1/questions/{id}/answerers", tag = "questions", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Answerer>), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn answerers(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<Answerer>>> {
    let question = state.store.question(id).await?.ok_or_else(|| ApiError::not_found("question"))?;
    Ok(Json(who_can_answer(&state, &auth.user, &question).await?))
}

/// Who can answer `question`, as `viewer` may see them: people here first, then the network.
pub(crate) async fn who_can_answer(
    state: &AppState,
    viewer: &thirdspace_store::User,
    question: &thirdspace_store::Question,
) -> ApiResult<Vec<Answerer>> {
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
    let mut network: Vec<Profile> = state.store.open_public_profiles(NETWORK_PROFILES).await?;
    network.retain(|p| !here.iter().any(|h| h.user_id == p.user_id));
    let needs = question_needs(v, &question.tags, &question.text);
    let mut out = Vec::new();
    for (group, is_here) in [(here, true), (network, false)] {
        let ids: Vec<Uuid> = group.iter().map(|p| p.user_id).collect();
        let helped = state.store.helped_counts(&ids).await?;
        let candidates: Vec<Candidate> = group.iter().zip(&helped).map(|(p, &h)| candidate(v, p, h)).collect();
        let router = Router::new(&candidates);
        let asker = question.asker_id;
        let ranked = router.scored(v, &needs, &question.text, |i| group[i as usize].user_id == asker);
        for (i, _) in ranked.into_iter().take(10) {
            let p = &group[i as usize];
            out.push(Answerer {
                user_id: p.user_id,
                display_name: p.display_name.clone(),
                headline: p.headline.clone(),
                here: is_here,
                reason: answer_reason(v, &candidates[i as usize], &needs, &question.text),
            });
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompleteQuery {
    /// What has been typed so far, at most 48 characters.
    #[param(max_length = 48)]
    q: String,
    /// How many, 1 to 20 (default 8).
    #[param(minimum = 1, maximum = 20, nullable = false)]
    limit: Option<usize>,
}

/// A tag suggested while typing.
#[derive(Serialize, ToSchema)]
pub struct TagSuggestion {
    tag: String,
    /// The alias that matched, when it is not the tag itself.
    via: Option<String>,
}

/// Autocomplete over the skill vocabulary: tags with a word starting with what was typed, and
/// a tag one typo away.
#[utoipa::path(get, path = "/api/v1/vocabulary/complete", tag = "profiles", params(CompleteQuery),
    responses((status = 200, body = Vec<TagSuggestion>), (status = 400, body = ErrorBody)))]
pub async fn complete(ApiQuery(q): ApiQuery<CompleteQuery>) -> ApiResult<Json<Vec<TagSuggestion>>> {
    let limit = q.limit.unwrap_or(8);
    if !(1..=20).contains(&limit) || q.q.chars().count() > 48 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "q is at most 48 characters, limit 1 to 20",
        ));
    }
    let found = shipped().complete(&q.q, limit);
    Ok(Json(found.into_iter().map(|s| TagSuggestion { tag: s.name, via: s.via }).collect()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LabelsQuery {
    /// Tags as typed, separated by commas (as in the profile form).
    tags: String,
}

/// How typed tags are shown on a venue's screen: the vocabulary's label for a tag it knows
/// ("vat returns" → "VAT"), else the tag as typed; each once, in order.
#[utoipa::path(get, path = "/api/v1/vocabulary/labels", tag = "profiles", params(LabelsQuery),
    responses((status = 200, body = Vec<String>), (status = 400, body = ErrorBody)))]
pub async fn labels(ApiQuery(q): ApiQuery<LabelsQuery>) -> ApiResult<Json<Vec<String>>> {
    let typed: Vec<&str> = q.tags.split(',').collect();
    let limit = thirdspace_domain::tag::MAX_TAGS;
    if typed.len() > limit || typed.iter().any(|t| t.chars().count() > thirdspace_domain::tag::MAX_TAG_CHARS + 16) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("at most {limit} tags of at most {} characters", thirdspace_domain::tag::MAX_TAG_CHARS),
        )
        .with_field("tags"));
    }
    Ok(Json(tag_labels(shipped(), &typed)))
}
