//! The serendipity engine over the API: suggestions for me, rounds for a venue, who can answer a
//! question, the life of an introduction, and tag autocomplete.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use thirdspace_serendipity::person::tag_labels;
use thirdspace_serendipity::vocabulary::shipped;
use thirdspace_store::IntroStep;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::shapes::{IntroView, Paged};
use super::PageQuery;
use crate::app::intros::{self, Answerer, IntroPerson, RoundIntro, Scope};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

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
    let scope = match q.scope.as_deref() {
        None | Some("venue") => Scope::Here,
        Some("network") => Scope::Network,
        Some(_) => {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", "scope is venue or network")
                .with_field("scope"))
        }
    };
    let suggested = intros::suggestions(&state, &auth.user, scope, limit).await?;
    Ok(Json(suggested.into_iter().map(IntroView::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundRequest {
    /// Introductions per person at most, 1 to 5 (default 2).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 5)]
    cap: Option<usize>,
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
    Ok(Json(intros::venue_round(&state, &auth.user, id, body.cap.unwrap_or(2)).await?))
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
    Ok(Json(intros::venue_tables(&state, &auth.user, id, body.size.unwrap_or(4)).await?))
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
    Ok(Json(intros::mine(&state, &auth.user, q.page()?).await?.into()))
}

async fn step(state: &AppState, auth: &Auth, id: Uuid, step: IntroStep) -> ApiResult<Json<IntroView>> {
    Ok(Json(intros::take_step(state, auth.user.id, id, step).await?.into()))
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

/// Who can answer a question, best first: people here first, then across the network, by how
/// much they have helped lately (most on the question's topics; only where they show their record
/// to the caller) and how well their offers and words fit. Only people whose visibility allows
/// the caller to see them are named; hidden people never appear.
#[utoipa::path(get, path = "/api/v1/questions/{id}/answerers", tag = "questions", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Answerer>), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn answerers(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<Answerer>>> {
    Ok(Json(intros::answerers(&state, &auth.user, id).await?))
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
