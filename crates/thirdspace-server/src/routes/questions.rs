//! Questions to the people around you at a venue.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use thirdspace_domain::{tag, text};
use utoipa::ToSchema;
use uuid::Uuid;

use super::shapes::{ExchangeView, Paged, QuestionView};
use super::PageQuery;
use crate::app::{exchanges, questions};
use crate::auth::{Auth, MaybeAuth};
use crate::error::{ApiResult, ErrorBody};
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
    let question = questions::ask(&state, &auth.user, id, &body.text, &body.tags).await?;
    Ok((StatusCode::CREATED, Json(questions::view(&state, question, Some(&auth.user)).await?.into())))
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
    Ok(Json(questions::open(&state, viewer.as_ref(), id, q.page()?).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnsweredByInput {
    /// Who answered: someone you can see now, who is asked to confirm the exchange.
    by: Uuid,
}

/// The question, answered, and the exchange proposed to whoever answered it.
#[derive(Serialize, ToSchema)]
pub struct AnsweredBy {
    question: QuestionView,
    exchange: ExchangeView,
}

/// Marks my question answered by someone (its asker only): in one step the question is answered
/// and an exchange from them to me is proposed, which counts once they confirm it. If anything is
/// refused, the question stays open.
#[utoipa::path(post, path = "/api/v1/questions/{id}/answered-by", tag = "questions", params(("id" = Uuid, Path)),
    request_body = AnsweredByInput,
    responses((status = 200, body = AnsweredBy), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Answered already", body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn answered_by(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<AnsweredByInput>,
) -> ApiResult<Json<AnsweredBy>> {
    let (question, exchange) = questions::answered_by(&state, &auth.user, id, body.by).await?;
    Ok(Json(AnsweredBy {
        question: questions::view(&state, question, Some(&auth.user)).await?.into(),
        exchange: exchanges::view(&state, &auth.user, exchange).await?.into(),
    }))
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
    let answered = questions::close(&state, &auth.user, id).await?;
    Ok(Json(questions::view(&state, answered, Some(&auth.user)).await?.into()))
}
