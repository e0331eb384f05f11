//! Questions a member asks the people around them at a venue.

use async_trait::async_trait;
use thirdspace_store::outbox::{EventType, NewEvent};
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::record;
use crate::paging::paged;
use crate::rows::{self, QUESTION_COLUMNS};
use crate::{args, json, Backend, Sql, SqlStore, SqlWork, Transaction};

/// A question by id; `lock` is empty or the dialect's locking clause.
async fn fetch<C: Sql>(c: &mut C, id: Uuid, lock: &str) -> StoreResult<Option<Question>> {
    let sql = format!("SELECT {QUESTION_COLUMNS} FROM questions WHERE id = $1{lock}");
    c.fetch_optional(&sql, args![id]).await?.map(|r| rows::question(&r)).transpose()
}

#[async_trait]
impl<B: Backend> Questions for SqlStore<B> {
    async fn question(&self, id: Uuid) -> StoreResult<Option<Question>> {
        fetch(&mut self.read().await?, id, "").await
    }

    async fn open_questions(&self, venue: Uuid, page: Page) -> StoreResult<Paged<Question>> {
        let from = "questions WHERE venue_id = $1 AND answered_at IS NULL";
        let order = "created_at DESC, id DESC";
        paged(&mut self.read().await?, QUESTION_COLUMNS, from, order, args![venue], page, rows::question).await
    }
}

#[async_trait]
impl<T: Transaction> QuestionsWork for SqlWork<T> {
    async fn post_question(&mut self, q: NewQuestion) -> StoreResult<Question> {
        let id = Uuid::now_v7();
        let sql =
            "INSERT INTO questions (id, venue_id, asker_id, text, tags, created_at) VALUES ($1, $2, $3, $4, $5, $6)";
        self.tx.execute(sql, args![id, q.venue, q.asker, &q.text, json(&q.tags)?, q.now]).await?;
        let question = fetch(&mut self.tx, id, "").await?.ok_or(StoreError::NotFound("question"))?;
        record(&mut self.tx, &NewEvent::question(EventType::QuestionAsked, &question, q.now)).await?;
        Ok(question)
    }

    async fn mark_answered(&mut self, id: Uuid, now: i64) -> StoreResult<Question> {
        let lock = self.tx.dialect().lock();
        let current = fetch(&mut self.tx, id, lock).await?.ok_or(StoreError::NotFound("question"))?;
        if current.answered {
            return Err(QuestionConflict::AlreadyAnswered.into());
        }
        self.tx.execute("UPDATE questions SET answered_at = $1 WHERE id = $2", args![now, id]).await?;
        let question = fetch(&mut self.tx, id, "").await?.ok_or(StoreError::NotFound("question"))?;
        record(&mut self.tx, &NewEvent::question(EventType::QuestionAnswered, &question, now)).await?;
        Ok(question)
    }
}
