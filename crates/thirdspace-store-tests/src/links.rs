//! Links sent by e-mail: each works once, for its purpose, until it expires or a newer one is sent;
//! and the attempts counted per key.

use std::sync::Arc;

use thirdspace_domain::email::Email;
use thirdspace_store::{LinkPurpose, NewToken, NewUser, TokenKind};

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

pub async fn a_password_reset_sets_the_password_ends_every_session_and_api_token_and_voids_older_links(
    backend: &dyn Backend,
) {
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
    store.create_login_link(ana, LinkPurpose::LogIn, "l1", 100, 400).await.unwrap();
    store.create_login_link(ana, LinkPurpose::VerifyEmail, "v1", 100, 400).await.unwrap();
    assert_eq!(store.reset_password("r2", "new hash", 300).await.unwrap().map(|u| u.id), Some(ana));
    assert_eq!(store.credentials(&email).await.unwrap().unwrap().password_hash, "new hash");
    for token in ["s1", "s2", "a1"] {
        assert!(store.token_user(token, 301).await.unwrap().is_none(), "{token} still opens the account");
    }
    assert!(store.reset_password("r2", "third hash", 302).await.unwrap().is_none(), "used once");
    assert!(store.use_login_link("l1", LinkPurpose::LogIn, 302).await.unwrap().is_none(), "a log-in link sent before");
    assert!(
        store.use_login_link("v1", LinkPurpose::VerifyEmail, 302).await.unwrap().is_some(),
        "confirming the address opens nothing"
    );
    db.database.close().await;
}

pub async fn a_newer_link_voids_the_older_ones_of_its_purpose(backend: &dyn Backend) {
    let (db, ana) = with_member(backend).await;
    let store = &*db.store;
    store.create_login_link(ana, LinkPurpose::LogIn, "l1", 100, 1000).await.unwrap();
    store.create_login_link(ana, LinkPurpose::ResetPassword, "r1", 100, 1000).await.unwrap();
    store.create_login_link(ana, LinkPurpose::LogIn, "l2", 110, 1000).await.unwrap();
    assert!(store.use_login_link("l1", LinkPurpose::LogIn, 120).await.unwrap().is_none(), "voided by the newer one");
    assert!(store.use_login_link("l2", LinkPurpose::LogIn, 120).await.unwrap().is_some());
    assert!(store.reset_password("r1", "new hash", 130).await.unwrap().is_some(), "another purpose keeps working");
    db.database.close().await;
}

pub async fn using_any_link_proves_the_address(backend: &dyn Backend) {
    let (db, ana) = with_member(backend).await;
    let store = &*db.store;
    assert!(!store.user(ana).await.unwrap().unwrap().email_verified, "a new account has not proven it");
    store.create_login_link(ana, LinkPurpose::LogIn, "l1", 100, 1000).await.unwrap();
    assert!(store.use_login_link("l1", LinkPurpose::LogIn, 120).await.unwrap().unwrap().email_verified);
    assert!(store.user(ana).await.unwrap().unwrap().email_verified);
    let bob = store.create_user(new_user("bob@example.org", "Bob", 100)).await.unwrap();
    store.create_login_link(bob.id, LinkPurpose::VerifyEmail, "v1", 100, 1000).await.unwrap();
    assert!(store.use_login_link("v1", LinkPurpose::LogIn, 120).await.unwrap().is_none(), "wrong purpose");
    assert!(!store.user(bob.id).await.unwrap().unwrap().email_verified);
    assert!(store.use_login_link("v1", LinkPurpose::VerifyEmail, 120).await.unwrap().unwrap().email_verified);
    let cas = store.create_user(NewUser { email_verified: true, ..new_user("cas@example.org", "Cas", 100) }).await;
    assert!(cas.unwrap().email_verified, "created proven, as an administrator does");
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

pub async fn attempts_are_counted_per_key_in_a_window(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    assert_eq!(store.attempts("ana").await.unwrap(), None);
    assert_eq!(store.count_attempt("ana", 100, 900).await.unwrap(), (1, 100));
    assert_eq!(store.count_attempt("ana", 400, 900).await.unwrap(), (2, 100));
    assert_eq!(store.count_attempt("bob", 500, 900).await.unwrap(), (1, 500));
    assert_eq!(store.attempts("ana").await.unwrap(), Some((2, 100)));
    assert_eq!(store.count_attempt("ana", 1000, 900).await.unwrap(), (1, 1000), "a new window");
    store.clear_attempts("ana").await.unwrap();
    assert_eq!(store.attempts("ana").await.unwrap(), None);
    assert_eq!(store.attempts("bob").await.unwrap(), Some((1, 500)), "others are kept");
    assert_eq!(store.forget_attempts(501).await.unwrap(), 1);
    assert_eq!(store.attempts("bob").await.unwrap(), None);
    db.database.close().await;
}

pub async fn attempts_counted_at_once_through_two_stores_are_all_counted(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let other = db.database.open().await;
    let mut attempts = Vec::new();
    for i in 0..20 {
        let store = if i % 2 == 0 { db.store.clone() } else { other.clone() };
        attempts.push(tokio::spawn(async move { store.count_attempt("ana", 100, 900).await }));
    }
    let mut counts = Vec::new();
    for attempt in attempts {
        counts.push(attempt.await.unwrap().unwrap().0);
    }
    counts.sort_unstable();
    assert_eq!(counts, (1..=20).collect::<Vec<u32>>(), "each attempt counted once, none lost");
    assert_eq!(db.store.attempts("ana").await.unwrap(), Some((20, 100)));
    db.database.close().await;
}
