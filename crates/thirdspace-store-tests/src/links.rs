//! Links sent by e-mail: each works once, for its purpose, until it expires.

use std::sync::Arc;

use thirdspace_domain::email::Email;
use thirdspace_store::{LinkPurpose, NewToken, TokenKind};

use crate::fixtures::*;
use crate::Backend;

async fn with_member(backend: &dyn Backend) -> (Db, uuid::Uuid) {
    let db = Db::open(backend).await;
    let mut ana = new_user("ana@example.org", "Ana", 100);
    ana.password_hash = "old hash".to_owned();
    let user = db.store.create_user(ana).await.unwrap();
    (db, user.id)
}

pub async fn a_link_works_once_for_its_purpose_until_it_expires(backend: &dyn Backend) {
    let (db, ana) = with_member(backend).await;
    let store = &*db.store;
    store.create_login_link(ana, LinkPurpose::LogIn, "h1", 100, 200).await.unwrap();
    assert!(store.use_login_link("h1", LinkPurpose::ResetPassword, 150).await.unwrap().is_none(), "wrong purpose");
    assert_eq!(store.use_login_link("h1", LinkPurpose::LogIn, 150).await.unwrap().map(|u| u.id), Some(ana));
    assert!(store.use_login_link("h1", LinkPurpose::LogIn, 151).await.unwrap().is_none(), "used once");
    store.create_login_link(ana, LinkPurpose::LogIn, "h2", 100, 200).await.unwrap();
    assert!(store.use_login_link("h2", LinkPurpose::LogIn, 200).await.unwrap().is_none(), "expired");
    assert!(store.use_login_link("unknown", LinkPurpose::LogIn, 150).await.unwrap().is_none());
    db.database.close().await;
}

pub async fn a_password_reset_sets_the_password_and_ends_every_session_but_not_api_tokens(backend: &dyn Backend) {
    let (db, ana) = with_member(backend).await;
    let store = &*db.store;
    for (hash, kind) in [("s1", TokenKind::Session), ("s2", TokenKind::Session), ("a1", TokenKind::Api)] {
        let token = NewToken { user: ana, kind, token_hash: hash.into(), name: "t".into(), now: 100, expires_at: None };
        store.insert_token(token).await.unwrap();
    }
    store.create_login_link(ana, LinkPurpose::ResetPassword, "r1", 100, 200).await.unwrap();
    assert!(store.reset_password("r1", "new hash", 300).await.unwrap().is_none(), "an expired link changes nothing");
    let email = Email::parse("ana@example.org").unwrap();
    assert_eq!(store.credentials(&email).await.unwrap().unwrap().password_hash, "old hash");
    assert!(store.token_user("s1", 150).await.unwrap().is_some());

    store.create_login_link(ana, LinkPurpose::ResetPassword, "r2", 100, 400).await.unwrap();
    assert_eq!(store.reset_password("r2", "new hash", 300).await.unwrap().map(|u| u.id), Some(ana));
    assert_eq!(store.credentials(&email).await.unwrap().unwrap().password_hash, "new hash");
    assert!(store.token_user("s1", 301).await.unwrap().is_none());
    assert!(store.token_user("s2", 301).await.unwrap().is_none());
    assert!(store.token_user("a1", 301).await.unwrap().is_some(), "API tokens are the owner's to revoke");
    assert!(store.reset_password("r2", "third hash", 302).await.unwrap().is_none(), "used once");
    db.database.close().await;
}

pub async fn a_link_used_twice_at_once_works_once(backend: &dyn Backend) {
    let (db, ana) = with_member(backend).await;
    let other = db.database.open().await;
    for round in 0..10 {
        let hash = format!("race{round}");
        db.store.create_login_link(ana, LinkPurpose::LogIn, &hash, 100, 200).await.unwrap();
        let tasks: Vec<_> = [Arc::clone(&db.store), Arc::clone(&other)]
            .into_iter()
            .map(|store| {
                let hash = hash.clone();
                tokio::spawn(async move { store.use_login_link(&hash, LinkPurpose::LogIn, 150).await })
            })
            .collect();
        let mut worked = 0;
        for task in tasks {
            if task.await.unwrap().unwrap().is_some() {
                worked += 1;
            }
        }
        assert_eq!(worked, 1, "round {round}: the link worked {worked} times");
    }
    db.database.close().await;
}

pub async fn failed_log_ins_are_counted_per_address_in_a_window(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    assert_eq!(store.login_failures("ana@example.org").await.unwrap(), None);
    assert_eq!(store.record_login_failure("ana@example.org", 100, 900).await.unwrap(), (1, 100));
    assert_eq!(store.record_login_failure("ana@example.org", 400, 900).await.unwrap(), (2, 100));
    assert_eq!(store.record_login_failure("bob@example.org", 500, 900).await.unwrap(), (1, 500));
    assert_eq!(store.login_failures("ana@example.org").await.unwrap(), Some((2, 100)));
    assert_eq!(store.record_login_failure("ana@example.org", 1000, 900).await.unwrap(), (1, 1000), "a new window");
    store.clear_login_failures("ana@example.org").await.unwrap();
    assert_eq!(store.login_failures("ana@example.org").await.unwrap(), None);
    assert_eq!(store.login_failures("bob@example.org").await.unwrap(), Some((1, 500)), "others are kept");
    assert_eq!(store.forget_login_failures(501).await.unwrap(), 1);
    assert_eq!(store.login_failures("bob@example.org").await.unwrap(), None);
    db.database.close().await;
}

pub async fn failures_counted_at_once_through_two_stores_are_all_counted(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let other = db.database.open().await;
    let mut attempts = Vec::new();
    for i in 0..20 {
        let store = if i % 2 == 0 { db.store.clone() } else { other.clone() };
        attempts.push(tokio::spawn(async move { store.record_login_failure("ana@example.org", 100, 900).await }));
    }
    let mut counts = Vec::new();
    for attempt in attempts {
        counts.push(attempt.await.unwrap().unwrap().0);
    }
    counts.sort_unstable();
    assert_eq!(counts, (1..=20).collect::<Vec<u32>>(), "each failure counted once, none lost");
    assert_eq!(db.store.login_failures("ana@example.org").await.unwrap(), Some((20, 100)));
    db.database.close().await;
}
