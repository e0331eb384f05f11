//! The e-mail queue: one e-mail per key, claimed by one store at a time, claimed again once the
//! hold of a store that stopped lapses, tried again later after a failure; and each member's
//! switches.

use std::collections::HashSet;

use thirdspace_domain::mail::MailKind;
use thirdspace_store::{MailDone, NewMail};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

fn reminder(user: Uuid, subject: Uuid, due_at: i64) -> NewMail {
    NewMail {
        kind: MailKind::GatheringReminder,
        key: Some(format!("gathering_reminder:{subject}:{user}")),
        user,
        subject,
        due_at,
    }
}

pub async fn an_e_mail_is_queued_once_per_key_and_claimed_when_due(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let ana = store.create_user(new_user("ana@example.org", "Ana", 100)).await.unwrap().id;
    let (date, other) = (Uuid::now_v7(), Uuid::now_v7());
    assert!(store.queue_mail(&reminder(ana, date, 1000), 100).await.unwrap());
    assert!(!store.queue_mail(&reminder(ana, date, 2000), 100).await.unwrap(), "one per key");
    let unkeyed = NewMail { kind: MailKind::RsvpConfirmed, key: None, user: ana, subject: other, due_at: 500 };
    assert!(store.queue_mail(&unkeyed, 100).await.unwrap());
    assert!(store.queue_mail(&unkeyed, 100).await.unwrap(), "without a key each is queued");

    assert_eq!(store.claim_mails(499, 999, 10).await.unwrap().len(), 0, "nothing due before 500");
    let claimed = store.claim_mails(999, 1300, 10).await.unwrap();
    assert_eq!(claimed.len(), 2, "the two confirmations, not the reminder due at 1000");
    assert!(claimed.iter().all(|j| j.kind == MailKind::RsvpConfirmed && j.attempts == 1 && j.user == ana));
    assert_eq!(store.claim_mails(1000, 1300, 10).await.unwrap().len(), 1, "held ones are not claimed again");
    assert_eq!(store.claim_mails(1299, 1600, 10).await.unwrap().len(), 0, "held until 1300");
    let again = store.claim_mails(1300, 1600, 10).await.unwrap();
    assert_eq!(again.len(), 3, "a hold that lapsed (its store stopped) is claimed again");
    assert!(again.iter().all(|j| j.attempts == 2));
    db.database.close().await;
}

pub async fn a_finished_e_mail_is_never_claimed_again_and_a_failed_one_waits(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let ana = store.create_user(new_user("ana@example.org", "Ana", 100)).await.unwrap().id;
    for i in 0..5 {
        store.queue_mail(&reminder(ana, Uuid::now_v7(), 100 + i), 50).await.unwrap();
    }
    let jobs = store.claim_mails(200, 500, 10).await.unwrap();
    assert_eq!(jobs.iter().map(|j| j.due_at).collect::<Vec<_>>(), vec![100, 101, 102, 103, 104], "soonest first");
    store.finish_mail(jobs[0].id, MailDone::Sent, 201).await.unwrap();
    store.finish_mail(jobs[1].id, MailDone::Skipped, 201).await.unwrap();
    store.finish_mail(jobs[2].id, MailDone::Failed, 201).await.unwrap();
    store.finish_mail(jobs[3].id, MailDone::Retry(800), 201).await.unwrap();
    store.finish_mail(jobs[4].id, MailDone::Later(900), 201).await.unwrap();
    assert!(store.claim_mails(799, 10_000, 10).await.unwrap().is_empty(), "done, or not due again yet");
    let retried = store.claim_mails(800, 10_000, 10).await.unwrap();
    assert_eq!((retried.len(), retried[0].id, retried[0].attempts), (1, jobs[3].id, 2));
    let later = store.claim_mails(900, 10_000, 10).await.unwrap();
    assert_eq!((later.len(), later[0].id, later[0].attempts), (1, jobs[4].id, 1), "a postponement is not a try");
    let outcomes: Vec<Option<String>> = store.mails_of(ana, 10).await.unwrap().into_iter().map(|(_, o)| o).collect();
    for done in ["sent", "skipped", "failed"] {
        assert!(outcomes.contains(&Some(done.to_owned())), "{done}: {outcomes:?}");
    }
    assert_eq!(store.forget_mails(201).await.unwrap(), 0, "kept until after they were done");
    assert_eq!(store.forget_mails(202).await.unwrap(), 3, "the three done at 201, not the two still queued");
    assert_eq!(store.mails_of(ana, 10).await.unwrap().len(), 2);
    db.database.close().await;
}

pub async fn two_stores_claiming_at_once_never_take_the_same_e_mail(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let ana = db.store.create_user(new_user("ana@example.org", "Ana", 100)).await.unwrap().id;
    for i in 0..60 {
        db.store.queue_mail(&reminder(ana, Uuid::now_v7(), i), 0).await.unwrap();
    }
    let (one, two) = (db.database.open().await, db.database.open().await);
    let claim = |store: std::sync::Arc<dyn thirdspace_store::Store>| async move {
        let mut taken = Vec::new();
        loop {
            let jobs = store.claim_mails(100, 10_000, 4).await.unwrap();
            if jobs.is_empty() {
                break taken;
            }
            taken.extend(jobs.into_iter().map(|j| j.id));
        }
    };
    let (a, b) = tokio::join!(claim(one), claim(two));
    let all: HashSet<Uuid> = a.iter().chain(&b).copied().collect();
    assert_eq!(a.len() + b.len(), 60, "each claimed once");
    assert_eq!(all.len(), 60);
    db.database.close().await;
}

pub async fn switched_off_kinds_are_kept_per_member(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let ana = store.create_user(new_user("ana@example.org", "Ana", 100)).await.unwrap().id;
    let bo = store.create_user(new_user("bo@example.org", "Bo", 100)).await.unwrap().id;
    assert!(store.mail_off(ana).await.unwrap().is_empty());
    store
        .set_mail_off(ana, &[MailKind::BookingReminder, MailKind::IntroAccepted, MailKind::BookingReminder])
        .await
        .unwrap();
    assert_eq!(store.mail_off(ana).await.unwrap(), vec![MailKind::BookingReminder, MailKind::IntroAccepted]);
    assert!(store.mail_off(bo).await.unwrap().is_empty(), "Ana's switches are hers");
    store.set_mail_off(ana, &[MailKind::PlaceOffered]).await.unwrap();
    assert_eq!(store.mail_off(ana).await.unwrap(), vec![MailKind::PlaceOffered], "replaced whole");
    db.database.close().await;
}

pub async fn e_mails_queued_together_skip_only_the_keys_already_queued(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let ana = store.create_user(new_user("ana@example.org", "Ana", 100)).await.unwrap().id;
    let (first, second, third) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    assert!(store.queue_mail(&reminder(ana, first, 1000), 100).await.unwrap());
    let unkeyed = NewMail { kind: MailKind::RsvpConfirmed, key: None, user: ana, subject: third, due_at: 500 };
    let mut work = store.begin().await.unwrap();
    let batch = [reminder(ana, first, 2000), reminder(ana, second, 700), unkeyed.clone(), unkeyed];
    work.queue_mails(&batch, 100).await.unwrap();
    work.queue_mails(&[], 100).await.unwrap();
    work.commit().await.unwrap();
    let claimed = store.claim_mails(5000, 6000, 10).await.unwrap();
    let mut due: Vec<(Uuid, i64)> = claimed.iter().map(|j| (j.subject, j.due_at)).collect();
    due.sort();
    let mut expected = vec![(first, 1000), (second, 700), (third, 500), (third, 500)];
    expected.sort();
    assert_eq!(due, expected, "the first reminder kept as it was, the rest queued, unkeyed ones each");
    // A gathering's 5,001 people told at once: more values than one statement may bind.
    let many: Vec<NewMail> = (0..5_001).map(|i| reminder(ana, Uuid::now_v7(), 7000 + i)).collect();
    let mut work = store.begin().await.unwrap();
    work.queue_mails(&many, 100).await.unwrap();
    work.commit().await.unwrap();
    let claimed = store.claim_mails(20_000, 21_000, 10_000).await.unwrap();
    assert_eq!(claimed.iter().filter(|j| j.due_at >= 7000).count(), 5_001, "every one queued");
    db.database.close().await;
}
