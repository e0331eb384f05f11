//! Tokens for a venue's screens.

use thirdspace_store::{Page, ScreenKind, StoreError};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

pub async fn screen_tokens_open_their_venue_until_revoked(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let users = create_users(store, 1, 100).await;
    let venue = create_venue(store, users[0], 100).await;
    let elsewhere = create_venue(store, users[0], 100).await;
    let tv = store.create_screen_token(venue, ScreenKind::Display, "TV by the bar", "tv-hash", 200).await.unwrap();
    assert_eq!(
        (tv.venue_id, tv.kind, tv.name.as_str(), tv.created_at, tv.revoked_at),
        (venue, ScreenKind::Display, "TV by the bar", 200, None)
    );
    let kiosk = store.create_screen_token(venue, ScreenKind::Kiosk, "Door", "kiosk-hash", 300).await.unwrap();
    assert_eq!(store.screen_token("tv-hash").await.unwrap(), Some((venue, ScreenKind::Display)));
    assert_eq!(store.screen_token("kiosk-hash").await.unwrap(), Some((venue, ScreenKind::Kiosk)));
    assert_eq!(store.screen_token("nothing").await.unwrap(), None);
    let listed = store.screen_tokens(venue, Page::default()).await.unwrap();
    assert_eq!((listed.items.iter().map(|t| t.id).collect::<Vec<_>>(), listed.total), (vec![kiosk.id, tv.id], 2));
    assert_eq!(store.screen_tokens(elsewhere, Page::default()).await.unwrap().total, 0);

    let wrong_venue = store.revoke_screen_token(elsewhere, tv.id, 400).await;
    assert!(matches!(wrong_venue, Err(StoreError::NotFound(_))), "{wrong_venue:?}");
    let unknown = store.revoke_screen_token(venue, Uuid::now_v7(), 400).await;
    assert!(matches!(unknown, Err(StoreError::NotFound(_))), "{unknown:?}");
    let revoked = store.revoke_screen_token(venue, tv.id, 400).await.unwrap();
    assert_eq!((revoked.id, revoked.revoked_at), (tv.id, Some(400)));
    assert_eq!(store.revoke_screen_token(venue, tv.id, 500).await.unwrap().revoked_at, Some(400), "revoked once");
    assert_eq!(store.screen_token("tv-hash").await.unwrap(), None);
    assert_eq!(store.screen_token("kiosk-hash").await.unwrap(), Some((venue, ScreenKind::Kiosk)));
    db.database.close().await;
}
