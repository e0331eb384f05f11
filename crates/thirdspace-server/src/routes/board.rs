//! The community board over the API.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use thirdspace_domain::board::{Category, PostInput, PostKind};
use thirdspace_store::Where;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::shapes::{rfc3339, rfc3339_opt};
use crate::app::{board, gatherings};
use crate::auth::{Auth, MaybeAuth};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

/// A post on the board.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostView {
    pub id: Uuid,
    pub kind: PostKind,
    pub category: Category,
    pub title: String,
    pub body: Option<String>,
    pub tags: Vec<String>,
    pub venue_id: Option<Uuid>,
    pub city: String,
    /// The author, by name where they allow you to see it.
    pub author_name: Option<String>,
    /// Whether you wrote it.
    pub mine: bool,
    /// `open`, `fulfilled` or `withdrawn`.
    pub status: String,
    /// When it comes down.
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: i64,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<i64>,
}

impl From<board::PostView> for PostView {
    fn from(v: board::PostView) -> Self {
        let p = v.post;
        Self {
            id: p.id,
            kind: p.kind,
            category: p.category,
            title: p.title,
            body: p.body,
            tags: p.tags,
            venue_id: p.venue_id,
            city: p.city,
            author_name: v.author_name,
            mine: v.mine,
            status: p.status.as_str().to_owned(),
            expires_at: p.expires_at,
            created_at: p.created_at,
            closed_at: p.closed_at,
        }
    }
}

/// Puts up a post: an offer or a need, at a venue or in a city, standing 30 days unless you say
/// otherwise (at most 90); you are reminded a week and a day before it comes down.
#[utoipa::path(post, path = "/api/v1/board", tag = "board", request_body = PostInput,
    responses((status = 201, body = PostView), (status = 401, body = ErrorBody), (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn put_up(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<PostInput>,
) -> ApiResult<(StatusCode, Json<PostView>)> {
    Ok((StatusCode::CREATED, Json(board::put_up(&state, &auth.user, body).await?.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// The city (any case and spacing); or give `venue_id`.
    #[param(nullable = false)]
    city: Option<String>,
    /// A venue's board.
    #[param(nullable = false)]
    venue_id: Option<Uuid>,
    /// Offers or needs only.
    #[param(nullable = false)]
    kind: Option<PostKind>,
}

/// The open posts of a city or a venue, newest first (at most 100).
#[utoipa::path(get, path = "/api/v1/board", tag = "board", params(BoardQuery),
    responses((status = 200, body = Vec<PostView>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn listed(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiQuery(q): ApiQuery<BoardQuery>,
) -> ApiResult<Json<Vec<PostView>>> {
    let found = match (q.venue_id, q.city.as_deref()) {
        (Some(venue), _) => board::listed(&state, viewer.as_ref(), Where::Venue(venue), q.kind).await?,
        (None, city) => {
            let city = gatherings::city(city.unwrap_or(""))?;
            board::listed(&state, viewer.as_ref(), Where::City(&city), q.kind).await?
        }
    };
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

/// A post (one taken down or expired only for its author).
#[utoipa::path(get, path = "/api/v1/board/{id}", tag = "board", params(("id" = Uuid, Path)),
    responses((status = 200, body = PostView), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PostView>> {
    Ok(Json(board::show(&state, viewer.as_ref(), id).await?.into()))
}

/// Keeps your post up for another 30 days from today.
#[utoipa::path(post, path = "/api/v1/board/{id}/renew", tag = "board", params(("id" = Uuid, Path)),
    responses((status = 200, body = PostView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "Fulfilled or withdrawn", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn renew(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Json<PostView>> {
    Ok(Json(board::renew(&state, &auth.user, id).await?.into()))
}

/// Who a post was fulfilled with.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Fulfilled {
    /// Someone who wrote to you about it: an exchange between you is proposed in the ledger
    /// (you gave what you offered, or received what you needed), counting once they confirm it.
    #[serde(default)]
    pub with_user_id: Option<Uuid>,
}

/// Marks your post fulfilled (it comes down).
#[utoipa::path(post, path = "/api/v1/board/{id}/fulfil", tag = "board", params(("id" = Uuid, Path)),
    request_body = Fulfilled,
    responses((status = 200, body = PostView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "Already taken down or expired", body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn fulfil(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<Fulfilled>,
) -> ApiResult<Json<PostView>> {
    Ok(Json(board::close(&state, &auth.user, id, true, body.with_user_id).await?.into()))
}

/// Takes your post down without it being fulfilled.
#[utoipa::path(post, path = "/api/v1/board/{id}/withdraw", tag = "board", params(("id" = Uuid, Path)),
    responses((status = 200, body = PostView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "Already taken down or expired", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn withdraw(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PostView>> {
    Ok(Json(board::close(&state, &auth.user, id, false, None).await?.into()))
}

/// A message about a post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "I'd love to borrow the lamp next week. Where shall we meet?"
    )]
    pub body: String,
    /// For the post's author: the member who wrote to you, to reply to. Others leave it out.
    #[serde(default)]
    pub to: Option<Uuid>,
}

/// A message in a conversation about a post.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub id: Uuid,
    /// The member writing to the author: the conversation's other side.
    pub member_id: Uuid,
    pub from_me: bool,
    pub body: String,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
}

impl From<board::MessageView> for MessageView {
    fn from(v: board::MessageView) -> Self {
        Self {
            id: v.message.id,
            member_id: v.message.member_id,
            from_me: v.from_me,
            body: v.message.body,
            created_at: v.message.created_at,
        }
    }
}

/// Writes about a post: to its author, or (its author) back to a member who wrote. The other side
/// is told by e-mail; neither address is shown.
#[utoipa::path(post, path = "/api/v1/board/{id}/messages", tag = "board", params(("id" = Uuid, Path)),
    request_body = MessageInput,
    responses((status = 201, body = MessageView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Your own post: reply to someone who wrote", body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 429, description = "Too many messages this hour (30)", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn write(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<MessageInput>,
) -> ApiResult<(StatusCode, Json<MessageView>)> {
    let sent = board::write(&state, &auth.user, id, &body.body, body.to).await?;
    Ok((StatusCode::CREATED, Json(sent.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConversationQuery {
    /// For the post's author: whose conversation.
    #[param(nullable = false)]
    with: Option<Uuid>,
}

/// Your conversation about a post (its author: the one with `with`).
#[utoipa::path(get, path = "/api/v1/board/{id}/messages", tag = "board", params(("id" = Uuid, Path), ConversationQuery),
    responses((status = 200, body = Vec<MessageView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn conversation(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ConversationQuery>,
) -> ApiResult<Json<Vec<MessageView>>> {
    let found = board::conversation(&state, &auth.user, id, q.with).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

/// A post suggested to you, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedPost {
    pub post: PostView,
    /// In your words, e.g. "Jun is looking for bookkeeping, and you offer bookkeeping".
    pub reason: String,
}

/// Open posts that fit you, best first: needs for what you offer and offers of what you look
/// for, in the cities where you book seats.
#[utoipa::path(get, path = "/api/v1/me/board-suggestions", tag = "board",
    responses((status = 200, body = Vec<SuggestedPost>), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn suggestions(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<SuggestedPost>>> {
    let found = board::suggestions(&state, &auth.user).await?;
    Ok(Json(found.into_iter().map(|s| SuggestedPost { post: s.view.into(), reason: s.reason }).collect()))
}
