//! Questions to the people around you at a venue.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use thirdspace_domain::profile::may_see;
use thirdspace_domain::{tag, text, Invalids};
use thirdspace_store::{NewQuestion, Paged, Question, User};
use utoipa::ToSchema;
use uuid::Uuid;

use super::profiles::viewer_of;
use super::PageQuery;
use crate::app::access::venue_for_staff;
use crate::auth::{Auth, MaybeAuth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionInput {
    /// What you need help with, 3 to 1000 characters.
    #[schema(
        schema_with = text::schema::lines::<3, 1000>,
        example = "Does anyone know how VAT works for selling e-books to other EU countries?"
    )]
    text: String,
    #[serde(default)]
    #[schema(schema_with = tag::schema::list, example = json!(["vat", "e-commerce"]))]
    tags: Vec<String>,
}

/// A question as the caller sees it: the asker is identified only if their visibility allows
/// (for `venue` visibility: while both are checked in at this venue).
#[derive(Serialize, ToSchema)]
pub struct QuestionView {
    #[serde(flatten)]
    question: Question,
    asker_id: Option<Uuid>,
    asker_name: Option<String>,
}

/// The question with its asker as `viewer` may see them.
async fn view(state: &AppState, question: Question, viewer: Option<&User>, now: i64) -> ApiResult<QuestionView> {
    let asker = state.store.profile(question.asker_id).await?;
    let relation = viewer_of(state, viewer, question.asker_id, now).await?;
    let shown = asker.filter(|p| may_see(p.visibility, relation));
    Ok(QuestionView {
        asker_id: shown.as_ref().map(|p| p.user_id),
        asker_name: shown.map(|p| p.display_name),
        question,
    })
}

/// Asks the people around you: only someone checked in at the venue (or its staff) may.
#[utoipa::path(post, path = "/api/v1/venues/{id}/questions", tag = "questions", params(("id" = Uuid, Path)),
    request_body = QuestionInput,
    responses((status = 201, body = QuestionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<QuestionInput>,
) -> ApiResult<(StatusCode, Json<QuestionView>)> {
    state.store.venue(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    let question = ask(&state, &auth.user, id, &body.text, &body.tags).await?;
    let now = state.clock.now();
    Ok((StatusCode::CREATED, Json(view(&state, question, Some(&auth.user), now).await?)))
}

/// Posts `asker`'s question to the people at `venue` (they must be checked in there, or its
/// staff), and tells the venue's screens.
pub(crate) async fn ask(
    state: &AppState,
    asker: &User,
    venue: Uuid,
    text: &str,
    tags: &[String],
) -> ApiResult<Question> {
    let now = state.clock.now();
    let here = state.store.checked_in_at(asker.id, now).await? == Some(venue);
    if !here && venue_for_staff(state, venue, asker).await.is_err() {
        return Err(ApiError::forbidden("check in at this venue to ask the people here"));
    }
    let mut invalid = Invalids::default();
    let text = invalid.or_default(text::bounded("text", text, 3, 1000, true));
    let tags = invalid.or_default(tag::normalise_list("tags", tags));
    invalid.finish(())?;
    let question = state.store.post_question(NewQuestion { venue, asker: asker.id, text, tags, now }).await?;
    Ok(question)
}

/// The open questions of a venue, newest first.
#[utoipa::path(get, path = "/api/v1/venues/{id}/questions", tag = "questions", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Paged<QuestionView>), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("cookie" = [])))]
pub async fn list_open(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<QuestionView>>> {
    let page = q.page()?;
    state.store.venue(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    let now = state.clock.now();
    let questions = state.store.open_questions(id, page).await?;
    let mut items = Vec::with_capacity(questions.items.len());
    for question in questions.items {
        items.push(view(&state, question, viewer.as_ref(), now).await?);
    }
    Ok(Json(Paged { items, page: questions.page, per_page: questions.per_page, total: questions.total }))
}

/// Marks a question answered (its asker or the venue's staff).
#[utoipa::path(post, path = "/api/v1/questions/{id}/answered", tag = "questions", params(("id" = Uuid, Path)),
    responses((status = 200, body = QuestionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn mark_answered(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<QuestionView>> {
    let answered = close_question(&state, &auth.user, id).await?;
    let now = state.clock.now();
    Ok(Json(view(&state, answered, Some(&auth.user), now).await?))
}

/// Marks a question answered (its asker or the venue's staff), and tells the venue's screens.
pub(crate) async fn close_question(state: &AppState, user: &User, id: Uuid) -> ApiResult<Question> {
    let question = state.store.question(id).await?.ok_or_else(|| ApiError::not_found("question"))?;
    if question.asker_id != user.id && venue_for_staff(state, question.venue_id, user).await.is_err() {
        return Err(ApiError::forbidden("only the asker or the venue's staff may mark a question answered"));
    }
    let now = state.clock.now();
    let answered = state.store.mark_answered(id, now).await?;
    Ok(answered)
}
