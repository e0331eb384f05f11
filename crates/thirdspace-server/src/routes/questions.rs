//! Questions to the people around you at a venue.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use thirdspace_domain::profile::{may_see, Viewer};
use thirdspace_domain::{tag, text};
use thirdspace_store::{NewQuestion, Paged, Question};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{venue_for_staff, PageQuery};
use crate::auth::{Auth, MaybeAuth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionInput {
    /// What you need help with, 3 to 1000 characters.
    #[schema(example = "Does anyone know how VAT works for selling e-books to other EU countries?")]
    text: String,
    #[serde(default)]
    #[schema(example = json!(["vat", "e-commerce"]))]
    tags: Vec<String>,
}

/// A question as others see it: the asker is named only if their visibility allows.
#[derive(Serialize, ToSchema)]
pub struct QuestionView {
    #[serde(flatten)]
    question: Question,
    asker_name: Option<String>,
}

/// Asks the people around you: only someone checked in at the venue (or its staff) may.
#[utoipa::path(post, path = "/api/v1/venues/{id}/questions", tag = "questions", params(("id" = Uuid, Path)),
    request_body = QuestionInput,
    responses((status = 201, body = Question), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<QuestionInput>,
) -> ApiResult<(StatusCode, Json<Question>)> {
    state.store.venue(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    let now = state.clock.now();
    let here = state.store.checked_in_at(auth.user.id, now).await? == Some(id);
    if !here && venue_for_staff(&state, id, &auth.user).await.is_err() {
        return Err(ApiError::forbidden("check in at this venue to ask the people here"));
    }
    let text = text::bounded("text", &body.text, 3, 1000, true)?;
    let tags = tag::normalise_list("tags", &body.tags)?;
    let question = state.store.post_question(NewQuestion { venue: id, asker: auth.user.id, text, tags, now }).await?;
    Ok((StatusCode::CREATED, Json(question)))
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
    let viewer_here = match &viewer {
        Some(v) => state.store.checked_in_at(v.id, now).await? == Some(id),
        None => false,
    };
    let questions = state.store.open_questions(id, page).await?;
    let mut items = Vec::with_capacity(questions.items.len());
    for question in questions.items {
        let is_self = viewer.as_ref().is_some_and(|v| v.id == question.asker_id);
        let asker = state.store.profile(question.asker_id).await?;
        let asker_name = asker
            .filter(|p| may_see(p.visibility, Viewer { is_self, shares_venue_now: viewer_here }))
            .map(|p| p.display_name);
        items.push(QuestionView { question, asker_name });
    }
    Ok(Json(Paged { items, page: questions.page, per_page: questions.per_page, total: questions.total }))
}

/// Marks a question answered (its asker or the venue's staff).
#[utoipa::path(post, path = "/api/v1/questions/{id}/answered", tag = "questions", params(("id" = Uuid, Path)),
    responses((status = 200, body = Question), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn mark_answered(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Question>> {
    let question = state.store.question(id).await?.ok_or_else(|| ApiError::not_found("question"))?;
    if question.asker_id != auth.user.id && venue_for_staff(&state, question.venue_id, &auth.user).await.is_err() {
        return Err(ApiError::forbidden("only the asker or the venue's staff may mark a question answered"));
    }
    Ok(Json(state.store.mark_answered(id, state.clock.now()).await?))
}
