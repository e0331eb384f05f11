//! The community board's posts and messages. A post is closed or renewed only while it is open,
//! in one statement that checks and changes it, so two closings at once close it once.

use async_trait::async_trait;
use thirdspace_domain::board::{Category, PostDraft, PostKind};
use thirdspace_domain::venue::city_key;
use thirdspace_store::outbox::{EventType, NewEvent};
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::record;
use crate::{args, json, Backend, Columns, Sql, SqlStore, SqlWork, Transaction, Value};

const POST_COLUMNS: &str = "id, author_id, kind, category, title, body, tags, venue_id, city, expires_at, status, \
     fulfilled_with, closed_at, created_at, updated_at";
const MESSAGE_COLUMNS: &str = "id, post_id, member_id, from_id, body, created_at";

fn post_row(r: &impl Columns) -> StoreResult<Post> {
    Ok(Post {
        id: r.uuid("id")?,
        author_id: r.uuid("author_id")?,
        kind: r.parsed("kind", PostKind::from_str_opt)?,
        category: r.parsed("category", Category::from_str_opt)?,
        title: r.text("title")?,
        body: r.opt_text("body")?,
        tags: r.json("tags")?,
        venue_id: r.opt_uuid("venue_id")?,
        city: r.text("city")?,
        expires_at: r.int("expires_at")?,
        status: r.parsed("status", PostStatus::from_str_opt)?,
        fulfilled_with: r.opt_uuid("fulfilled_with")?,
        closed_at: r.opt_int("closed_at")?,
        created_at: r.int("created_at")?,
        updated_at: r.int("updated_at")?,
    })
}

fn message_row(r: &impl Columns) -> StoreResult<BoardMessage> {
    Ok(BoardMessage {
        id: r.uuid("id")?,
        post_id: r.uuid("post_id")?,
        member_id: r.uuid("member_id")?,
        from_id: r.uuid("from_id")?,
        body: r.text("body")?,
        created_at: r.int("created_at")?,
    })
}

async fn fetch_post<C: Sql>(c: &mut C, id: Uuid) -> StoreResult<Option<Post>> {
    let sql = format!("SELECT {POST_COLUMNS} FROM board_posts WHERE id = $1");
    c.fetch_optional(&sql, args![id]).await?.map(|r| post_row(&r)).transpose()
}

/// Applies `change` (an `UPDATE … WHERE id = $1 AND status = 'open' AND expires_at > $2 …`) to an
/// open post standing at `now`; a post closed or expired meanwhile is refused.
async fn change_open<C: Sql>(c: &mut C, sql: &str, args: &[Value]) -> StoreResult<Post> {
    let id = match args.first() {
        Some(Value::Uuid(Some(id))) => *id,
        _ => return Err(StoreError::NotFound("post")),
    };
    if c.execute(sql, args).await? == 0 {
        return Err(match fetch_post(c, id).await? {
            Some(_) => BoardConflict::PostClosed.into(),
            None => StoreError::NotFound("post"),
        });
    }
    fetch_post(c, id).await?.ok_or(StoreError::NotFound("post"))
}

#[async_trait]
impl<B: Backend> Board for SqlStore<B> {
    async fn post(&self, id: Uuid) -> StoreResult<Option<Post>> {
        fetch_post(&mut self.read().await?, id).await
    }

    async fn posts_in(&self, place: Where<'_>, kind: Option<PostKind>, now: i64, limit: u32) -> StoreResult<Vec<Post>> {
        let (clause, key): (&str, Value) = match place {
            Where::Venue(id) => ("venue_id = $1", id.into()),
            Where::City(city) => ("city_key = $1", city.into()),
        };
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM board_posts WHERE {clause} AND status = 'open' AND expires_at > $2 \
             AND ($3 IS NULL OR kind = $3) ORDER BY created_at DESC, id DESC LIMIT $4"
        );
        let kind: Option<&str> = kind.map(PostKind::as_str);
        let rows = self.read().await?.fetch_all(&sql, &[key, now.into(), kind.into(), i64::from(limit).into()]).await?;
        rows.iter().map(post_row).collect()
    }

    async fn open_posts(&self, cities: &[String], now: i64, limit: u32) -> StoreResult<Vec<Post>> {
        if cities.is_empty() {
            return Ok(Vec::new());
        }
        let places: Vec<String> = (0..cities.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM board_posts WHERE status = 'open' AND expires_at > $1 \
             AND city_key IN ({}) ORDER BY created_at DESC, id DESC LIMIT $2",
            places.join(", ")
        );
        let mut args: Vec<Value> = vec![now.into(), i64::from(limit).into()];
        args.extend(cities.iter().map(Value::from));
        let rows = self.read().await?.fetch_all(&sql, &args).await?;
        rows.iter().map(post_row).collect()
    }

    async fn posts_of(&self, author: Uuid, limit: u32) -> StoreResult<Vec<Post>> {
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM board_posts WHERE author_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        );
        let rows = self.read().await?.fetch_all(&sql, args![author, i64::from(limit)]).await?;
        rows.iter().map(post_row).collect()
    }

    async fn conversation(&self, post: Uuid, member: Uuid) -> StoreResult<Vec<BoardMessage>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM board_messages WHERE post_id = $1 AND member_id = $2 ORDER BY created_at, id"
        );
        let rows = self.read().await?.fetch_all(&sql, args![post, member]).await?;
        rows.iter().map(message_row).collect()
    }

    async fn correspondents(&self, post: Uuid) -> StoreResult<Vec<(Uuid, i64)>> {
        let sql = "SELECT member_id, MAX(created_at) AS latest FROM board_messages WHERE post_id = $1 \
                   GROUP BY member_id ORDER BY latest DESC, member_id";
        let rows = self.read().await?.fetch_all(sql, args![post]).await?;
        rows.iter().map(|r| Ok((r.uuid("member_id")?, r.int("latest")?))).collect()
    }

    async fn board_message(&self, id: Uuid) -> StoreResult<Option<BoardMessage>> {
        let sql = format!("SELECT {MESSAGE_COLUMNS} FROM board_messages WHERE id = $1");
        self.read().await?.fetch_optional(&sql, args![id]).await?.map(|r| message_row(&r)).transpose()
    }
}

#[async_trait]
impl<T: Transaction> BoardWork for SqlWork<T> {
    async fn create_post(&mut self, author: Uuid, d: &PostDraft, now: i64) -> StoreResult<Post> {
        let id = Uuid::now_v7();
        let sql =
            "INSERT INTO board_posts (id, author_id, kind, category, title, body, tags, venue_id, city, city_key, \
                   expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)";
        let args = args![
            id,
            author,
            d.kind.as_str(),
            d.category.as_str(),
            &d.title,
            &d.body,
            json(&d.tags)?,
            d.venue_id,
            &d.city,
            city_key(&d.city).as_str(),
            d.expires_at,
            now
        ];
        self.tx.execute(sql, args).await?;
        let post = fetch_post(&mut self.tx, id).await?.ok_or(StoreError::NotFound("post"))?;
        record(&mut self.tx, &NewEvent::post(EventType::BoardPosted, &post, now)).await?;
        Ok(post)
    }

    async fn close_post(&mut self, id: Uuid, status: PostStatus, with: Option<Uuid>, now: i64) -> StoreResult<Post> {
        let sql = "UPDATE board_posts SET status = $3, fulfilled_with = $4, closed_at = $2, updated_at = $2 \
                   WHERE id = $1 AND status = 'open' AND expires_at > $2";
        let post = change_open(&mut self.tx, sql, args![id, now, status.as_str(), with]).await?;
        record(&mut self.tx, &NewEvent::post(EventType::BoardClosed, &post, now)).await?;
        Ok(post)
    }

    async fn renew_post(&mut self, id: Uuid, expires_at: i64, now: i64) -> StoreResult<Post> {
        let sql = "UPDATE board_posts SET expires_at = $3, updated_at = $2 WHERE id = $1 AND status = 'open'";
        change_open(&mut self.tx, sql, args![id, now, expires_at]).await
    }

    async fn add_board_message(&mut self, m: &BoardMessage) -> StoreResult<()> {
        let sql = "INSERT INTO board_messages (id, post_id, member_id, from_id, body, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6)";
        self.tx.execute(sql, args![m.id, m.post_id, m.member_id, m.from_id, &m.body, m.created_at]).await?;
        Ok(())
    }
}
