//! Accounts, their tokens and profiles.

use std::sync::Arc;

use thirdspace_domain::email::Email;
use thirdspace_domain::profile::{ProfileDraft, Visibility};
use thirdspace_store::{AccountConflict, Conflict, NewToken, Page, StoreError, TokenKind};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

fn email(raw: &str) -> Email {
    Email::parse(raw).unwrap()
}

pub async fn an_account_starts_with_a_profile_and_logs_in_by_e_mail(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    store.ping().await.unwrap();
    let ana = create_user(store, "Ana@Example.org", "Ana", 100).await;
    assert_eq!(
        (ana.email.as_str(), ana.display_name.as_str(), ana.is_admin, ana.created_at),
        ("ana@example.org", "Ana", false, 100)
    );
    assert_eq!(store.user(ana.id).await.unwrap(), Some(ana.clone()));
    assert_eq!(store.user(Uuid::now_v7()).await.unwrap(), None);
    let credentials = store.credentials(&email("ana@example.org")).await.unwrap().unwrap();
    assert_eq!((credentials.user, credentials.password_hash.as_str()), (ana.clone(), "not-a-real-hash"));
    assert!(store.credentials(&email("bo@example.org")).await.unwrap().is_none());
    let profile = store.profile(ana.id).await.unwrap().unwrap();
    assert_eq!((profile.user_id, profile.display_name.as_str()), (ana.id, "Ana"));
    assert_eq!((profile.visibility, profile.open_to_meet, profile.offers.len()), (Visibility::Venue, true, 0));
    assert_eq!(store.profile(Uuid::now_v7()).await.unwrap(), None);
    db.database.close().await;
}

pub async fn an_e_mail_address_holds_one_account(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    create_user(store, "ana@example.org", "Ana", 100).await;
    let again = store.create_user(new_user("ana@example.org", "Another Ana", 101)).await;
    assert!(matches!(again, Err(StoreError::Conflict(Conflict::Account(AccountConflict::EmailTaken)))), "{again:?}");
    let credentials = store.credentials(&email("ana@example.org")).await.unwrap().unwrap();
    assert_eq!(credentials.user.display_name, "Ana");
    db.database.close().await;
}

pub async fn an_e_mail_address_taken_twice_at_once_makes_one_account(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let other = db.database.open().await;
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let store = if i % 2 == 0 { Arc::clone(&db.store) } else { Arc::clone(&other) };
            tokio::spawn(async move { store.create_user(new_user("bo@example.org", &format!("Bo {i}"), 100)).await })
        })
        .collect();
    let mut made = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => made += 1,
            Err(StoreError::Conflict(Conflict::Account(AccountConflict::EmailTaken))) => {}
            Err(other) => panic!("refused for another reason: {other:?}"),
        }
    }
    assert_eq!(made, 1);
    db.database.close().await;
}

pub async fn admins_are_set_by_e_mail(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let ana = create_user(store, "ana@example.org", "Ana", 100).await;
    let admin = store.set_admin(&email("ana@example.org"), true).await.unwrap();
    assert_eq!((admin.id, admin.is_admin), (ana.id, true));
    assert!(store.user(ana.id).await.unwrap().unwrap().is_admin);
    assert!(!store.set_admin(&email("ana@example.org"), false).await.unwrap().is_admin);
    let nobody = store.set_admin(&email("nobody@example.org"), true).await;
    assert!(matches!(nobody, Err(StoreError::NotFound(_))), "{nobody:?}");
    db.database.close().await;
}

pub async fn tokens_open_their_account_until_they_expire(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let ana = create_user(store, "ana@example.org", "Ana", 100).await;
    let token = |hash: &str, kind, expires_at| NewToken {
        user: ana.id,
        kind,
        token_hash: hash.to_owned(),
        name: "laptop".to_owned(),
        now: 100,
        expires_at,
    };
    let session = store.insert_token(token("s", TokenKind::Session, Some(200))).await.unwrap();
    assert_eq!((session.name.as_str(), session.created_at, session.expires_at), ("laptop", 100, Some(200)));
    store.insert_token(token("a", TokenKind::Api, None)).await.unwrap();
    assert_eq!(store.token_user("s", 199).await.unwrap(), Some((ana.clone(), TokenKind::Session)));
    assert_eq!(store.token_user("s", 200).await.unwrap(), None, "expired");
    assert_eq!(store.token_user("a", 1_000_000).await.unwrap(), Some((ana.clone(), TokenKind::Api)));
    assert_eq!(store.token_user("nothing", 100).await.unwrap(), None);
    store.delete_token_by_hash("a").await.unwrap();
    assert_eq!(store.token_user("a", 100).await.unwrap(), None);
    store.delete_token_by_hash("a").await.unwrap();
    db.database.close().await;
}

pub async fn api_tokens_are_listed_by_the_page_and_deleted_by_their_owner(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let ana = create_user(store, "ana@example.org", "Ana", 100).await;
    let bo = create_user(store, "bo@example.org", "Bo", 100).await;
    let mut made = Vec::new();
    for i in 0..3 {
        let token = NewToken {
            user: ana.id,
            kind: TokenKind::Api,
            token_hash: format!("api{i}"),
            name: format!("token {i}"),
            now: 100 + i,
            expires_at: None,
        };
        made.push(store.insert_token(token).await.unwrap().id);
    }
    let session = NewToken {
        user: ana.id,
        kind: TokenKind::Session,
        token_hash: "s".into(),
        name: "s".into(),
        now: 200,
        expires_at: None,
    };
    let session = store.insert_token(session).await.unwrap();
    let first = store.api_tokens(ana.id, Page::new(1, 2)).await.unwrap();
    assert_eq!(first.total, 3, "sessions are not API tokens");
    assert_eq!(first.items.iter().map(|t| t.id).collect::<Vec<_>>(), vec![made[2], made[1]], "newest first");
    let second = store.api_tokens(ana.id, Page::new(2, 2)).await.unwrap();
    assert_eq!(second.items.iter().map(|t| t.id).collect::<Vec<_>>(), vec![made[0]]);
    assert_eq!(store.api_tokens(bo.id, Page::default()).await.unwrap().total, 0);

    let not_hers = store.delete_api_token(bo.id, made[0]).await;
    assert!(matches!(not_hers, Err(StoreError::NotFound(_))), "{not_hers:?}");
    let not_api = store.delete_api_token(ana.id, session.id).await;
    assert!(matches!(not_api, Err(StoreError::NotFound(_))), "{not_api:?}");
    store.delete_api_token(ana.id, made[0]).await.unwrap();
    assert_eq!(store.api_tokens(ana.id, Page::default()).await.unwrap().total, 2);
    db.database.close().await;
}

pub async fn a_profile_is_replaced_whole(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let ana = create_user(store, "ana@example.org", "Ana", 100).await;
    let draft = ProfileDraft {
        display_name: "Ana de Vries".to_owned(),
        headline: Some("Bookkeeper".to_owned()),
        bio: Some("Numbers, mostly.".to_owned()),
        offers: vec!["vat".to_owned(), "bookkeeping".to_owned()],
        seeking: vec!["design".to_owned()],
        seeking_text: Some("A logo".to_owned()),
        interests: vec!["jazz".to_owned()],
        field: Some("finance".to_owned()),
        links: vec!["https://example.org/ana".to_owned()],
        visibility: Visibility::Public,
        open_to_meet: true,
        record_visibility: Visibility::Venue,
    };
    let profile = store.put_profile(ana.id, &draft, 200).await.unwrap();
    assert_eq!(profile.offers, draft.offers);
    assert_eq!((profile.headline.as_deref(), profile.field.as_deref()), (Some("Bookkeeper"), Some("finance")));
    assert_eq!(profile.links, draft.links);
    assert_eq!(store.profile(ana.id).await.unwrap(), Some(profile.clone()));
    assert_eq!(store.user(ana.id).await.unwrap().unwrap().display_name, "Ana de Vries");
    assert_eq!(store.open_public_profiles(None, 10).await.unwrap(), vec![profile.clone()]);
    assert_eq!(store.profiles(&[ana.id, Uuid::now_v7()]).await.unwrap(), vec![profile]);

    let hidden = ProfileDraft { visibility: Visibility::Hidden, headline: None, offers: Vec::new(), ..draft };
    let profile = store.put_profile(ana.id, &hidden, 300).await.unwrap();
    assert_eq!((profile.headline, profile.offers.len(), profile.visibility), (None, 0, Visibility::Hidden));
    assert!(store.open_public_profiles(None, 10).await.unwrap().is_empty());
    let nobody = store.put_profile(Uuid::now_v7(), &hidden, 300).await;
    assert!(matches!(nobody, Err(StoreError::NotFound(_))), "{nobody:?}");
    db.database.close().await;
}

pub async fn open_public_profiles_are_read_page_by_page_in_the_order_of_their_ids(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let mut open = Vec::new();
    for i in 0..7 {
        let user = create_user(store, &format!("p{i}@example.org"), "P", 100).await;
        let profile = store.profile(user.id).await.unwrap().unwrap();
        let (visibility, open_to_meet) = match i {
            5 => (Visibility::Public, false),
            6 => (Visibility::Venue, true),
            _ => (Visibility::Public, true),
        };
        store.put_profile(user.id, &ProfileDraft { visibility, open_to_meet, ..profile.draft() }, 200).await.unwrap();
        if i < 5 {
            open.push(user.id);
        }
    }
    open.sort();
    let mut read = Vec::new();
    let mut after = None;
    loop {
        let page = store.open_public_profiles(after, 2).await.unwrap();
        assert!(page.len() <= 2);
        let Some(last) = page.last() else { break };
        after = Some(last.user_id);
        read.extend(page.iter().map(|p| p.user_id));
    }
    assert_eq!(read, open, "each open, public profile once, in order; not the closed or the venue-only one");
    db.database.close().await;
}
