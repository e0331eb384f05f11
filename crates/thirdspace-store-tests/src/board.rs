//! The community board: open posts standing until they expire, listed by city or venue and kind;
//! a post closes once, however many try at once; conversations are per member.

use std::sync::Arc;

use thirdspace_domain::board::{Category, PostDraft, PostKind};
use thirdspace_store::{BoardConflict, BoardMessage, Conflict, PostStatus, Store, StoreError, Where};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

fn draft(kind: PostKind, title: &str, city: &str, venue: Option<Uuid>, expires_at: i64) -> PostDraft {
    PostDraft {
        kind,
        category: Category::Equipment,
        title: title.to_owned(),
        body: None,
        tags: vec!["lighting".to_owned()],
        venue_id: venue,
        city: city.to_owned(),
        expires_at,
    }
}

async fn put_up(store: &dyn Store, author: Uuid, d: &PostDraft, now: i64) -> thirdspace_store::Post {
    let mut work = store.begin().await.unwrap();
    let post = work.create_post(author, d, now).await.unwrap();
    work.commit().await.unwrap();
    post
}

pub async fn open_posts_are_listed_by_place_and_kind_until_they_expire(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let people = create_users(store, 2, at(8, 0)).await;
    let venue = create_venue(store, people[0], at(8, 0)).await;
    let end = at(12, 0);
    put_up(store, people[0], &draft(PostKind::Offer, "Lamp", "Utrecht", None, end), at(9, 0)).await;
    put_up(store, people[1], &draft(PostKind::Need, "Co-founder", "utrecht", None, end + DAY), at(9, 1)).await;
    put_up(store, people[1], &draft(PostKind::Offer, "Monitor", "Utrecht", Some(venue), end), at(9, 2)).await;
    put_up(store, people[1], &draft(PostKind::Offer, "Bike", "Rotterdam", None, end), at(9, 3)).await;

    let titles = |posts: Vec<thirdspace_store::Post>| posts.into_iter().map(|p| p.title).collect::<Vec<_>>();
    let city = store.posts_in(Where::City("utrecht"), None, at(10, 0), 10).await.unwrap();
    assert_eq!(titles(city), ["Monitor", "Co-founder", "Lamp"], "newest first, one city however it is written");
    let needs = store.posts_in(Where::City("utrecht"), Some(PostKind::Need), at(10, 0), 10).await.unwrap();
    assert_eq!(titles(needs), ["Co-founder"]);
    assert_eq!(titles(store.posts_in(Where::Venue(venue), None, at(10, 0), 10).await.unwrap()), ["Monitor"]);
    assert_eq!(store.posts_in(Where::City("utrecht"), None, at(10, 0), 2).await.unwrap().len(), 2, "the limit");
    let later = store.posts_in(Where::City("utrecht"), None, end, 10).await.unwrap();
    assert_eq!(titles(later), ["Co-founder"], "the others came down at their expiry");
    let both = store.open_posts(&["utrecht".to_owned(), "rotterdam".to_owned()], at(10, 0), 10).await.unwrap();
    assert_eq!(both.len(), 4);
    assert!(store.open_posts(&[], at(10, 0), 10).await.unwrap().is_empty());
    assert_eq!(titles(store.posts_of(people[0], 10).await.unwrap()), ["Lamp"]);
    db.database.close().await;
}

pub async fn a_post_closes_once_and_is_renewed_only_while_open(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store: Arc<dyn Store> = db.store.clone();
    let people = create_users(&*store, 2, at(8, 0)).await;
    let post = put_up(&*store, people[0], &draft(PostKind::Offer, "Lamp", "Utrecht", None, at(12, 0)), at(9, 0)).await;
    let mut work = store.begin().await.unwrap();
    let renewed = work.renew_post(post.id, at(12, 0) + 30 * DAY, at(9, 1)).await.unwrap();
    work.commit().await.unwrap();
    assert_eq!(renewed.expires_at, at(12, 0) + 30 * DAY);

    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let store = store.clone();
            let (id, with) = (post.id, Some(people[1]));
            tokio::spawn(async move {
                let mut work = store.begin().await?;
                let status = if i % 2 == 0 { PostStatus::Fulfilled } else { PostStatus::Withdrawn };
                let done = work.close_post(id, status, with, at(9, 2)).await;
                work.end(done).await
            })
        })
        .collect();
    let mut closed = 0;
    for task in tasks {
        match task.await.expect("no panic") {
            Ok(_) => closed += 1,
            Err(StoreError::Conflict(Conflict::Board(BoardConflict::PostClosed))) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(closed, 1, "closed once");
    let stored = store.post(post.id).await.unwrap().unwrap();
    assert_ne!(stored.status, PostStatus::Open);
    assert_eq!(stored.closed_at, Some(at(9, 2)));
    let mut work = store.begin().await.unwrap();
    let late = work.renew_post(post.id, at(12, 0) + 40 * DAY, at(9, 3)).await;
    assert!(matches!(late, Err(StoreError::Conflict(Conflict::Board(BoardConflict::PostClosed)))), "{late:?}");
    work.rollback().await;
    let mut work = store.begin().await.unwrap();
    assert!(matches!(work.renew_post(Uuid::now_v7(), 0, 0).await, Err(StoreError::NotFound(_))));
    work.rollback().await;
    db.database.close().await;
}

pub async fn each_member_s_conversation_with_an_author_is_their_own(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let people = create_users(store, 3, at(8, 0)).await;
    let (ann, bo, cy) = (people[0], people[1], people[2]);
    let post = put_up(store, ann, &draft(PostKind::Offer, "Lamp", "Utrecht", None, at(12, 0)), at(9, 0)).await;
    let say = |member: Uuid, from: Uuid, body: &str, minute: i64| BoardMessage {
        id: Uuid::now_v7(),
        post_id: post.id,
        member_id: member,
        from_id: from,
        body: body.to_owned(),
        created_at: at(9, minute),
    };
    let messages = [say(bo, bo, "May I?", 1), say(cy, cy, "Me too?", 2), say(bo, ann, "Sure", 3)];
    let mut work = store.begin().await.unwrap();
    for m in &messages {
        work.add_board_message(m).await.unwrap();
    }
    work.commit().await.unwrap();
    let bos: Vec<String> = store.conversation(post.id, bo).await.unwrap().into_iter().map(|m| m.body).collect();
    assert_eq!(bos, ["May I?", "Sure"]);
    assert_eq!(store.conversation(post.id, cy).await.unwrap().len(), 1);
    assert_eq!(store.correspondents(post.id).await.unwrap(), vec![(bo, at(9, 3)), (cy, at(9, 2))], "latest first");
    assert_eq!(store.board_message(messages[2].id).await.unwrap().map(|m| m.from_id), Some(ann));
    db.database.close().await;
}
