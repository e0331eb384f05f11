//! Questions a member asks the people around them.

use thirdspace_store::{Conflict, NewQuestion, Page, QuestionConflict, StoreError};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

pub async fn questions_are_asked_and_marked_answered_once(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let users = create_users(store, 1, 100).await;
    let venue = create_venue(store, users[0], 100).await;
    let ask = |text: &str, now| NewQuestion {
        venue,
        asker: users[0],
        text: text.to_owned(),
        tags: vec!["rust".to_owned(), "sqlx".to_owned()],
        now,
    };
    let first = store.post_question(ask("Who knows sqlx?", 200)).await.unwrap();
    assert_eq!((first.venue_id, first.asker_id, first.text.as_str()), (venue, users[0], "Who knows sqlx?"));
    assert_eq!(
        (first.tags.clone(), first.answered, first.created_at, first.answered_at),
        (vec!["rust".to_owned(), "sqlx".into()], false, 200, None)
    );
    let second = store.post_question(ask("Lunch?", 300)).await.unwrap();
    assert_eq!(store.question(first.id).await.unwrap().map(|q| q.text), Some("Who knows sqlx?".to_owned()));
    assert!(store.question(Uuid::now_v7()).await.unwrap().is_none());
    let open = store.open_questions(venue, Page::default()).await.unwrap();
    assert_eq!(open.items.iter().map(|q| q.id).collect::<Vec<_>>(), vec![second.id, first.id], "newest first");

    let answered = store.mark_answered(first.id, 400).await.unwrap();
    assert_eq!((answered.answered, answered.answered_at), (true, Some(400)));
    let again = store.mark_answered(first.id, 500).await;
    assert!(
        matches!(again, Err(StoreError::Conflict(Conflict::Question(QuestionConflict::AlreadyAnswered)))),
        "{again:?}"
    );
    let unknown = store.mark_answered(Uuid::now_v7(), 500).await;
    assert!(matches!(unknown, Err(StoreError::NotFound(_))), "{unknown:?}");
    let open = store.open_questions(venue, Page::default()).await.unwrap();
    assert_eq!((open.items.iter().map(|q| q.id).collect::<Vec<_>>(), open.total), (vec![second.id], 1));
    db.database.close().await;
}
