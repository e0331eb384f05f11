//! Questions a member asks the people around them at a venue.

use sqlx::types::Json;
use sqlx::PgConnection;
use thirdspace_store::outbox::{EventType, NewEvent};
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::record;
use crate::paging::{paged, Arg};
use crate::rows::{self, QUESTION_COLUMNS};
use crate::{db, finish, PgStore};

/// A question by id; `lock` is empty or a locking clause such as `FOR NO KEY UPDATE`.
async fn fetch(conn: &mut PgConnection, id: Uuid, lock: &str) -> StoreResult<Option<Question>> {
    let sql = format!("SELECT {QUESTION_COLUMNS} FROM questions WHERE id = $1 {lock}");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await.map_err(db)?;
    row.map(|r| rows::question(&r)).transpose().map_err(db)
}

pub async fn post(store: &PgStore, q: NewQuestion) -> StoreResult<Question> {
    let mut tx = store.write().await?;
    let outcome = async {
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO questions (id, venue_id, asker_id, text, tags, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(q.venue)
        .bind(q.asker)
        .bind(&q.text)
        .bind(Json(&q.tags))
        .bind(q.now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let question = fetch(&mut tx, id, "").await?.ok_or(StoreError::NotFound("question"))?;
        record(&mut tx, &NewEvent::question(EventType::QuestionAsked, &question, q.now)).await?;
        Ok(question)
    }
    .await;
    finish(tx, outcome).await
}

pub async fn question(store: &PgStore, id: Uuid) -> StoreResult<Option<Question>> {
    let mut conn = store.pool.acquire().await.map_err(db)?;
    fetch(&mut conn, id, "").await
}

pub async fn open(store: &PgStore, venue: Uuid, page: Page) -> StoreResult<Paged<Question>> {
    let from = "questions WHERE venue_id = $1 AND answered_at IS NULL";
    let args = [Arg::Id(venue)];
    paged(&store.pool, QUESTION_COLUMNS, from, "created_at DESC, id DESC", &args, page, rows::question).await
}

pub async fn mark_answered(store: &PgStore, id: Uuid, now: i64) -> StoreResult<Question> {
    let mut tx = store.write().await?;
    let outcome = async {
        let current = fetch(&mut tx, id, "FOR NO KEY UPDATE").await?.ok_or(StoreError::NotFound("question"))?;
        if current.answered {
            return Err(Conflict::AlreadyAnswered.into());
        }
        sqlx::query("UPDATE questions SET answered_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let question = fetch(&mut tx, id, "").await?.ok_or(StoreError::NotFound("question"))?;
        record(&mut tx, &NewEvent::question(EventType::QuestionAnswered, &question, now)).await?;
        Ok(question)
    }
    .await;
    finish(tx, outcome).await
}
