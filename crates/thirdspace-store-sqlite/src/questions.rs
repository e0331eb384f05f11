//! Questions a member asks the people around them at a venue.

use sqlx::{SqliteConnection, SqlitePool};
use thirdspace_store::outbox::{EventType, NewEvent};
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::record;
use crate::paging::{paged, Arg};
use crate::rows::{self, to_json, QUESTION_COLUMNS};
use crate::{db, SqliteStore};

async fn fetch(conn: &mut SqliteConnection, id: Uuid) -> StoreResult<Option<Question>> {
    let sql = format!("SELECT {QUESTION_COLUMNS} FROM questions WHERE id = ?");
    let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(conn).await.map_err(db)?;
    row.map(|r| rows::question(&r)).transpose().map_err(db)
}

pub async fn post(store: &SqliteStore, q: NewQuestion) -> StoreResult<Question> {
    let mut tx = store.write().await?;
    let id = Uuid::now_v7();
    sqlx::query("INSERT INTO questions (id, venue_id, asker_id, text, tags, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(id.to_string())
        .bind(q.venue.to_string())
        .bind(q.asker.to_string())
        .bind(&q.text)
        .bind(to_json(&q.tags))
        .bind(q.now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let question = fetch(&mut tx, id).await?.ok_or(StoreError::NotFound("question"))?;
    record(&mut tx, &NewEvent::question(EventType::QuestionAsked, &question, q.now)).await?;
    store.commit(tx).await?;
    Ok(question)
}

pub async fn question(pool: &SqlitePool, id: Uuid) -> StoreResult<Option<Question>> {
    let mut conn = pool.acquire().await.map_err(db)?;
    fetch(&mut conn, id).await
}

pub async fn open(store: &SqliteStore, venue: Uuid, page: Page) -> StoreResult<Paged<Question>> {
    let from = "questions WHERE venue_id = ? AND answered_at IS NULL";
    let args = [Arg::Text(venue.to_string())];
    paged(&store.reader, QUESTION_COLUMNS, from, "created_at DESC, id DESC", &args, page, rows::question).await
}

pub async fn mark_answered(store: &SqliteStore, id: Uuid, now: i64) -> StoreResult<Question> {
    let mut tx = store.write().await?;
    let current = fetch(&mut tx, id).await?.ok_or(StoreError::NotFound("question"))?;
    if current.answered {
        return Err(Conflict::AlreadyAnswered.into());
    }
    sqlx::query("UPDATE questions SET answered_at = ? WHERE id = ?")
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let question = fetch(&mut tx, id).await?.ok_or(StoreError::NotFound("question"))?;
    record(&mut tx, &NewEvent::question(EventType::QuestionAnswered, &question, now)).await?;
    store.commit(tx).await?;
    Ok(question)
}
