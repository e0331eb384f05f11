//! Links sent by e-mail: each works once, for its purpose, until it expires.

use thirdspace_domain::email::Email;
use thirdspace_store::{LinkPurpose, NewToken, NewUser, Store, TokenKind};
use thirdspace_store_sqlite::SqliteStore;

async fn store_with_member() -> (tempfile::TempDir, SqliteStore, uuid::Uuid) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&format!("sqlite://{}", dir.path().join("links.db").display())).await.unwrap();
    let user = store
        .create_user(NewUser {
            email: Email::parse("ana@example.org").unwrap(),
            password_hash: "old hash".to_owned(),
            display_name: "Ana".to_owned(),
            is_admin: false,
            now: 100,
        })
        .await
        .unwrap();
    (dir, store, user.id)
}

#[tokio::test]
async fn a_link_works_once_for_its_purpose_until_it_expires() {
    let (_dir, store, ana) = store_with_member().await;
    store.create_login_link(ana, LinkPurpose::LogIn, "h1", 100, 200).await.unwrap();
    assert!(store.use_login_link("h1", LinkPurpose::ResetPassword, 150).await.unwrap().is_none(), "wrong purpose");
    assert_eq!(store.use_login_link("h1", LinkPurpose::LogIn, 150).await.unwrap().map(|u| u.id), Some(ana));
    assert!(store.use_login_link("h1", LinkPurpose::LogIn, 151).await.unwrap().is_none(), "used once");
    store.create_login_link(ana, LinkPurpose::LogIn, "h2", 100, 200).await.unwrap();
    assert!(store.use_login_link("h2", LinkPurpose::LogIn, 200).await.unwrap().is_none(), "expired");
    assert!(store.use_login_link("unknown", LinkPurpose::LogIn, 150).await.unwrap().is_none());
}

#[tokio::test]
async fn a_password_reset_sets_the_password_and_ends_every_session_but_not_api_tokens() {
    let (_dir, store, ana) = store_with_member().await;
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
}
