//! Questions a member asks the people around them.

use async_trait::async_trait;
use uuid::Uuid;

use crate::{Begin, NewQuestion, Page, Paged, Question, StoreResult};

/// What is read of questions.
#[async_trait]
pub trait Questions: Begin {
    async fn question(&self, id: Uuid) -> StoreResult<Option<Question>>;
    async fn open_questions(&self, venue: Uuid, page: Page) -> StoreResult<Paged<Question>>;

    /// [`QuestionsWork::post_question`] in a unit of work of its own.
    async fn post_question(&self, question: NewQuestion) -> StoreResult<Question> {
        let mut work = self.begin().await?;
        let done = work.post_question(question).await;
        work.end(done).await
    }
    /// [`QuestionsWork::mark_answered`] in a unit of work of its own.
    async fn mark_answered(&self, id: Uuid, now: i64) -> StoreResult<Question> {
        let mut work = self.begin().await?;
        let done = work.mark_answered(id, now).await;
        work.end(done).await
    }
}

/// What is written of questions, inside a unit of work.
#[async_trait]
pub trait QuestionsWork: Send {
    async fn post_question(&mut self, question: NewQuestion) -> StoreResult<Question>;
    async fn mark_answered(&mut self, id: Uuid, now: i64) -> StoreResult<Question>;
}
