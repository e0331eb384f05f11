//! The community board: posts at a venue or in a city, and the messages about each, one
//! conversation per member writing to its author.

use async_trait::async_trait;
use thirdspace_domain::board::{Category, PostDraft, PostKind};
use uuid::Uuid;

use crate::{Begin, StoreResult, Where};

/// Where a post stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostStatus {
    Open,
    /// Its author marked it done (with someone, perhaps).
    Fulfilled,
    Withdrawn,
}

impl PostStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Fulfilled => "fulfilled",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        [Self::Open, Self::Fulfilled, Self::Withdrawn].into_iter().find(|s| s.as_str() == raw)
    }
}

/// A post as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: Uuid,
    pub author_id: Uuid,
    pub kind: PostKind,
    pub category: Category,
    pub title: String,
    pub body: Option<String>,
    pub tags: Vec<String>,
    pub venue_id: Option<Uuid>,
    pub city: String,
    pub expires_at: i64,
    pub status: PostStatus,
    pub fulfilled_with: Option<Uuid>,
    pub closed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A message about a post, in the conversation between its author and `member_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardMessage {
    pub id: Uuid,
    pub post_id: Uuid,
    pub member_id: Uuid,
    pub from_id: Uuid,
    pub body: String,
    pub created_at: i64,
}

/// What is read of the board.
#[async_trait]
pub trait Board: Begin {
    async fn post(&self, id: Uuid) -> StoreResult<Option<Post>>;
    /// Open posts of a city or venue standing at `now`, newest first, at most `limit`; of one
    /// kind only when `kind` is given.
    async fn posts_in(&self, place: Where<'_>, kind: Option<PostKind>, now: i64, limit: u32) -> StoreResult<Vec<Post>>;
    /// Open posts standing at `now` in any of `cities` (by key), newest first, at most `limit`.
    async fn open_posts(&self, cities: &[String], now: i64, limit: u32) -> StoreResult<Vec<Post>>;
    /// A member's own posts, newest first, at most `limit`.
    async fn posts_of(&self, author: Uuid, limit: u32) -> StoreResult<Vec<Post>>;
    /// The conversation about a post between its author and `member`, oldest first.
    async fn conversation(&self, post: Uuid, member: Uuid) -> StoreResult<Vec<BoardMessage>>;
    /// The members who wrote to the author about a post, with the latest message's time, latest
    /// first.
    async fn correspondents(&self, post: Uuid) -> StoreResult<Vec<(Uuid, i64)>>;
    async fn board_message(&self, id: Uuid) -> StoreResult<Option<BoardMessage>>;
}

/// What is written of the board, inside a unit of work.
#[async_trait]
pub trait BoardWork: Send {
    /// Stores a post by `author`, with its `post.created` event.
    async fn create_post(&mut self, author: Uuid, draft: &PostDraft, now: i64) -> StoreResult<Post>;
    /// Closes an open post: fulfilled (with someone, perhaps) or withdrawn; with its event.
    async fn close_post(&mut self, id: Uuid, status: PostStatus, with: Option<Uuid>, now: i64) -> StoreResult<Post>;
    /// Sets an open post's expiry.
    async fn renew_post(&mut self, id: Uuid, expires_at: i64, now: i64) -> StoreResult<Post>;
    async fn add_board_message(&mut self, message: &BoardMessage) -> StoreResult<()>;
}
