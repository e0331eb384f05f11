//! Venues, their staff and their spaces.

use std::sync::Arc;

use thirdspace_domain::email::Email;
use thirdspace_domain::space::{SpaceDraft, SpaceKind};
use thirdspace_domain::venue::{city_key, Coordinates};
use thirdspace_store::{
    Conflict, LinkPurpose, MailDone, NewResident, Page, StaffRole, StoreError, Told, User, VenueConflict,
};
use uuid::Uuid;

use crate::fixtures::*;
use crate::Backend;

fn email(raw: &str) -> Email {
    Email::parse(raw).unwrap()
}

pub async fn a_venue_is_created_with_its_owner_and_updated(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let owner = create_user(store, "owner@example.org", "Olga", 100).await;
    let mut draft = venue_draft();
    draft.coordinates = Some(Coordinates { latitude: 52.0907, longitude: 5.1214 });
    draft.amenities = vec!["wifi".to_owned(), "coffee".to_owned()];
    draft.closures = vec![base_date()];
    draft.house_rules = Some("Quiet after six".to_owned());
    let venue = store.create_venue(owner.id, &draft, &[], b"\x00secret\xff", 200).await.unwrap();
    assert_eq!(
        (venue.name.as_str(), venue.city.as_str(), venue.time_zone.as_str()),
        ("Library of Babel", "Utrecht", "UTC")
    );
    assert_eq!((venue.coordinates, venue.closures.clone()), (draft.coordinates, vec![base_date()]));
    assert_eq!(
        (venue.amenities.clone(), venue.house_rules.as_deref()),
        (draft.amenities.clone(), Some("Quiet after six"))
    );
    assert_eq!(venue.opening_hours.len(), 7);
    assert_eq!((venue.no_show_grace_minutes, venue.created_at, venue.updated_at), (GRACE_MINUTES, 200, 200));
    assert_eq!(store.checkin_secret(venue.id).await.unwrap(), Some(b"\x00secret\xff".to_vec()));
    assert_eq!(store.checkin_secret(Uuid::now_v7()).await.unwrap(), None);
    assert_eq!(store.role(venue.id, owner.id).await.unwrap(), Some(StaffRole::Owner));
    let read = store.venue(venue.id).await.unwrap().unwrap();
    assert_eq!((read.id, read.coordinates, read.opening_hours.len()), (venue.id, draft.coordinates, 7));
    assert!(store.venue(Uuid::now_v7()).await.unwrap().is_none());

    let renamed = venue_named("Babel Annex", "Amersfoort");
    let updated = store.update_venue(venue.id, &renamed, 300).await.unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.city.as_str(), updated.coordinates),
        ("Babel Annex", "Amersfoort", None)
    );
    assert_eq!((updated.created_at, updated.updated_at), (200, 300));
    let missing = store.update_venue(Uuid::now_v7(), &renamed, 300).await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))), "{missing:?}");
    let staffed = store.staffed_venues(owner.id).await.unwrap();
    assert_eq!(staffed.iter().map(|(v, r)| (v.id, *r)).collect::<Vec<_>>(), vec![(venue.id, StaffRole::Owner)]);
    db.database.close().await;
}

pub async fn venues_are_listed_by_name_in_a_city_or_everywhere(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let owner = create_user(store, "owner@example.org", "Olga", 100).await;
    for (name, city) in [("Zwaan", "Utrecht"), ("Anker", "Utrecht"), ("Molen", "Delft")] {
        store.create_venue(owner.id, &venue_named(name, city), &[], b"s", 100).await.unwrap();
    }
    let names = |venues: &[thirdspace_store::Venue]| venues.iter().map(|v| v.name.clone()).collect::<Vec<_>>();
    let everywhere = store.venues(None, Page::default()).await.unwrap();
    assert_eq!(
        (names(&everywhere.items), everywhere.total),
        (vec!["Anker".to_owned(), "Molen".into(), "Zwaan".into()], 3)
    );
    let utrecht = store.venues(Some(&city_key("Utrecht")), Page::default()).await.unwrap();
    assert_eq!(names(&utrecht.items), vec!["Anker".to_owned(), "Zwaan".into()]);
    let second = store.venues(Some(&city_key("Utrecht")), Page::new(2, 1)).await.unwrap();
    assert_eq!((names(&second.items), second.total), (vec!["Zwaan".to_owned()], 2));
    assert_eq!(store.venues(Some("nowhere"), Page::default()).await.unwrap().total, 0);
    let staffed = store.staffed_venues(owner.id).await.unwrap();
    assert_eq!(staffed.iter().map(|(v, _)| v.name.as_str()).collect::<Vec<_>>(), vec!["Anker", "Molen", "Zwaan"]);
    db.database.close().await;
}

pub async fn staff_are_invited_by_e_mail_and_accept_once_they_prove_the_address(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let owner = create_user(store, "owner@example.org", "Olga", 100).await;
    let venue = create_venue(store, owner.id, 100).await;
    let invitation = store.invite_staff(venue, &email("sam@example.org"), owner.id, 200).await.unwrap();
    assert_eq!((invitation.venue_id, invitation.venue_name.as_str()), (venue, "Library of Babel"));
    assert_eq!((invitation.email.as_str(), invitation.created_at), ("sam@example.org", 200));
    let again = store.invite_staff(venue, &email("sam@example.org"), owner.id, 201).await;
    assert!(matches!(again, Err(StoreError::Conflict(Conflict::Venue(VenueConflict::InvitationPending)))), "{again:?}");
    let owner_again = store.invite_staff(venue, &email("owner@example.org"), owner.id, 201).await;
    assert!(
        matches!(owner_again, Err(StoreError::Conflict(Conflict::Venue(VenueConflict::AlreadyStaff)))),
        "{owner_again:?}"
    );

    let sam = create_user(store, "sam@example.org", "Sam", 300).await;
    let mallory = create_verified_user(store, "mallory@example.org", "Mallory", 300).await;
    let pending = store.invitations_for(&email("sam@example.org")).await.unwrap();
    assert_eq!(pending.iter().map(|i| i.id).collect::<Vec<_>>(), vec![invitation.id]);
    let stolen = store.accept_invitation(invitation.id, &mallory, 310).await;
    assert!(
        matches!(stolen, Err(StoreError::Conflict(Conflict::Venue(VenueConflict::InvitationNotForYou)))),
        "{stolen:?}"
    );
    let unproven = store.accept_invitation(invitation.id, &sam, 311).await;
    assert!(
        matches!(unproven, Err(StoreError::Conflict(Conflict::Venue(VenueConflict::EmailNotVerified)))),
        "{unproven:?}"
    );
    let claimed = User { email_verified: true, ..sam.clone() };
    let claimed = store.accept_invitation(invitation.id, &claimed, 312).await;
    assert!(
        matches!(claimed, Err(StoreError::Conflict(Conflict::Venue(VenueConflict::EmailNotVerified)))),
        "the store reads what is stored, not what the caller says: {claimed:?}"
    );
    store.create_login_link(sam.id, LinkPurpose::VerifyEmail, "verify-sam", 312, 1000).await.unwrap();
    let sam = store.use_login_link("verify-sam", LinkPurpose::VerifyEmail, 315).await.unwrap().unwrap();
    assert!(sam.email_verified);
    let member = store.accept_invitation(invitation.id, &sam, 320).await.unwrap();
    assert_eq!(
        (member.user_id, member.display_name.as_str(), member.email.as_str()),
        (sam.id, "Sam", "sam@example.org")
    );
    assert_eq!((member.role, member.since), (StaffRole::Staff, 320));
    assert!(store.invitations_for(&email("sam@example.org")).await.unwrap().is_empty());
    assert_eq!(store.role(venue, sam.id).await.unwrap(), Some(StaffRole::Staff));
    assert_eq!(store.role(venue, mallory.id).await.unwrap(), None);
    let staff = store.staff(venue, Page::default()).await.unwrap();
    assert_eq!(
        staff.items.iter().map(|s| (s.user_id, s.role)).collect::<Vec<_>>(),
        vec![(owner.id, StaffRole::Owner), (sam.id, StaffRole::Staff)]
    );
    let page = store.staff(venue, Page::new(2, 1)).await.unwrap();
    assert_eq!((page.items.len(), page.total), (1, 2));
    let already = store.invite_staff(venue, &email("sam@example.org"), owner.id, 400).await;
    assert!(matches!(already, Err(StoreError::Conflict(Conflict::Venue(VenueConflict::AlreadyStaff)))), "{already:?}");
    let unknown = store.accept_invitation(Uuid::now_v7(), &sam, 400).await;
    assert!(matches!(unknown, Err(StoreError::NotFound(_))), "{unknown:?}");
    db.database.close().await;
}

pub async fn an_invitation_is_accepted_once(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let other = db.database.open().await;
    let owner = create_user(&*db.store, "owner@example.org", "Olga", 100).await;
    let venue = create_venue(&*db.store, owner.id, 100).await;
    let sam = create_verified_user(&*db.store, "sam@example.org", "Sam", 100).await;
    let invitation = db.store.invite_staff(venue, &email("sam@example.org"), owner.id, 200).await.unwrap();
    let tasks: Vec<_> = [Arc::clone(&db.store), other]
        .into_iter()
        .map(|store| {
            let sam = sam.clone();
            tokio::spawn(async move { store.accept_invitation(invitation.id, &sam, 300).await })
        })
        .collect();
    let mut accepted = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => accepted += 1,
            Err(StoreError::NotFound(_)) => {}
            Err(other) => panic!("refused for another reason: {other:?}"),
        }
    }
    assert_eq!(accepted, 1);
    db.database.close().await;
}

pub async fn spaces_are_added_and_edited_within_their_venue(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let owner = create_user(store, "owner@example.org", "Olga", 100).await;
    let venue = create_venue(store, owner.id, 100).await;
    let elsewhere = create_venue(store, owner.id, 100).await;
    let hall = store.create_space(venue, &space_draft("Hall", SpaceKind::OpenSeating, 40, 12), 200).await.unwrap();
    assert_eq!(
        (hall.venue_id, hall.name.as_str(), hall.kind, hall.capacity, hall.social_capital_seats),
        (venue, "Hall", SpaceKind::OpenSeating, 40, 12)
    );
    let room = store.create_space(venue, &space_draft("Room", SpaceKind::MeetingRoom, 8, 0), 201).await.unwrap();
    let missing = store.create_space(Uuid::now_v7(), &space_draft("Nowhere", SpaceKind::OpenSeating, 1, 1), 200).await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))), "{missing:?}");

    let edited = store
        .update_space(venue, hall.id, &space_draft("Great hall", SpaceKind::OpenSeating, 60, 20), 300)
        .await
        .unwrap();
    assert_eq!(
        (edited.id, edited.name.as_str(), edited.capacity, edited.social_capital_seats),
        (hall.id, "Great hall", 60, 20)
    );
    let wrong_venue =
        store.update_space(elsewhere, hall.id, &space_draft("Hijacked", SpaceKind::OpenSeating, 1, 1), 300).await;
    assert!(matches!(wrong_venue, Err(StoreError::NotFound(_))), "{wrong_venue:?}");
    let spaces = store.spaces(venue, Page::default()).await.unwrap();
    assert_eq!(
        spaces.items.iter().map(|s| (s.id, s.name.as_str(), s.capacity)).collect::<Vec<_>>(),
        vec![(hall.id, "Great hall", 60), (room.id, "Room", 8)]
    );
    assert_eq!(store.spaces(elsewhere, Page::default()).await.unwrap().total, 0);
    db.database.close().await;
}

pub async fn a_venue_opens_with_its_spaces_or_not_at_all(backend: &dyn Backend) {
    let db = Db::open(backend).await;
    let store = &*db.store;
    let owner = create_user(store, "owner@example.org", "Olga", 100).await;
    let hall = space_draft("Hall", SpaceKind::OpenSeating, 40, 12);
    let room = space_draft("Room", SpaceKind::MeetingRoom, 8, 0);
    let opened =
        store.create_venue(owner.id, &venue_named("Bibliotheek", "Utrecht"), &[hall.clone(), room], b"s", 100).await;
    let opened = opened.unwrap();
    let spaces = store.spaces(opened.id, Page::default()).await.unwrap();
    assert_eq!(spaces.items.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Hall", "Room"]);

    // More seats for social capital than places: the database refuses the second space, and the
    // venue is not left behind without it.
    let impossible = SpaceDraft { social_capital_seats: 9, ..space_draft("Broken", SpaceKind::OpenSeating, 8, 8) };
    let refused = store.create_venue(owner.id, &venue_named("Café", "Zwolle"), &[hall, impossible], b"s", 100).await;
    assert!(refused.is_err(), "{refused:?}");
    let zwolle = store.venues(Some("zwolle"), Page::default()).await.unwrap();
    assert_eq!(zwolle.total, 0, "nothing of the venue was written");
    assert_eq!(store.staffed_venues(owner.id).await.unwrap().len(), 1);
    db.database.close().await;
}

pub async fn residents_are_listed_by_address_or_domain_once_and_visit_without_taking_a_seat(backend: &dyn Backend) {
    use thirdspace_domain::resident::Resident;
    let venue = Venue::with(backend, 1, 3).await;
    let store = venue.store();
    let host = venue.users[0];
    let now = at(8, 0);
    let jun = Resident::Email(Email::parse("jun@acme.example").unwrap());
    let acme = Resident::Domain("acme.example".to_owned());
    let first = store.add_resident(venue.venue, &NewResident::bare(jun.clone()), host, now).await.unwrap();
    let second = store.add_resident(venue.venue, &NewResident::bare(acme.clone()), host, now + 1).await.unwrap();
    let again = store.add_resident(venue.venue, &NewResident::bare(acme), host, now + 2).await;
    assert!(matches!(again, Err(StoreError::Conflict(Conflict::Venue(VenueConflict::AlreadyResident)))), "{again:?}");
    let listed = store.residents(venue.venue).await.unwrap();
    assert_eq!(listed, [first.clone(), second.clone()], "oldest first, each once");
    assert_eq!((listed[0].resident.clone(), listed[1].created_at), (jun, now + 1));
    let other = create_venue(store, host, now).await;
    assert!(store.residents(other).await.unwrap().is_empty(), "residents are the venue's own");
    let elsewhere = store.remove_resident(other, first.id).await;
    assert!(matches!(elsewhere, Err(StoreError::NotFound(_))), "another venue's entry is not found: {elsewhere:?}");
    store.remove_resident(venue.venue, first.id).await.unwrap();
    assert_eq!(store.residents(venue.venue).await.unwrap(), [second]);

    // The one seat kept for social capital is taken; a resident's visit still checks in, and
    // leaves the seat to whoever holds it.
    let span = (at(9, 0), at(17, 0));
    store.book(venue.booking(1, span, now)).await.unwrap();
    let window = (at(10, 0), at(11, 0));
    let free = store.free_seats(venue.venue, base_date(), window, at(9, 30)).await.unwrap();
    let mut stay = thirdspace_domain::booking::resident_visit(clock(&venue_draft()), at(9, 30)).unwrap();
    stay.focus = "Team day".to_owned();
    let visit = store.check_in(venue.check_in(2, at(9, 30), Some(stay))).await.unwrap();
    assert!(visit.booking.resident && visit.walk_in);
    assert_eq!(visit.booking.status, thirdspace_domain::booking::BookingStatus::CheckedIn);
    let after = store.free_seats(venue.venue, base_date(), window, at(9, 30)).await.unwrap();
    assert_eq!(after, free, "the resident took none of the seats kept for social capital");
    let facts = store.venue_facts(venue.venue, (base_date(), base_date()), at(0, 0), at(0, 0) + DAY).await.unwrap();
    assert!(facts.visits.iter().any(|v| v.resident && v.user == venue.users[2]), "{:?}", facts.visits);
    venue.close().await;
}

pub async fn a_resident_listed_by_address_keeps_the_host_s_name_and_tags_and_is_told_once(backend: &dyn Backend) {
    use thirdspace_domain::resident::Resident;
    let venue = Venue::with(backend, 1, 1).await;
    let store = venue.store();
    let host = venue.users[0];
    let now = at(8, 0);
    let ana = Email::parse("ana@acme.example").unwrap();
    let listed = NewResident {
        resident: Resident::Email(ana.clone()),
        name: Some("Ana Ruiz".to_owned()),
        tags: vec!["ux".to_owned(), "research".to_owned()],
    };
    let entry = store.add_resident(venue.venue, &listed, host, now).await.unwrap();
    assert_eq!((entry.name.as_deref(), entry.told), (Some("Ana Ruiz"), Some(Told::Waiting)));
    let domain = NewResident::bare(Resident::Domain("acme.example".to_owned()));
    let whole = store.add_resident(venue.venue, &domain, host, now).await.unwrap();
    assert_eq!(whole.told, None, "a domain has nobody to tell");
    let other = create_venue(store, host, now).await;
    let again = NewResident { tags: vec!["research".to_owned(), "espresso".to_owned()], ..listed.clone() };
    store.add_resident(other, &again, host, now + 5).await.unwrap();
    assert_eq!(store.residents(venue.venue).await.unwrap()[0], entry, "read back as written");
    assert_eq!(store.resident_tags(&ana).await.unwrap(), ["ux", "research", "research", "espresso"], "oldest first");
    let bo = Email::parse("bo@acme.example").unwrap();
    assert!(store.resident_tags(&bo).await.unwrap().is_empty(), "a domain's people are given no tags");

    // Claimed by one instance at a time, each try counted; held ones wait for their hold to lapse.
    assert!(store.claim_resident_mails(now - 1, now + 300, 10).await.unwrap().is_empty(), "not due yet");
    let claimed = store.claim_resident_mails(now + 5, now + 305, 10).await.unwrap();
    assert_eq!(claimed.len(), 2, "one for each venue that listed the address: {claimed:?}");
    let mine = claimed.iter().find(|m| m.id == entry.id).unwrap();
    assert_eq!(
        (mine.email.as_str(), mine.name.as_deref(), mine.added_by, mine.attempts, mine.venue_id),
        ("ana@acme.example", Some("Ana Ruiz"), Some(host), 1, venue.venue)
    );
    assert!(store.claim_resident_mails(now + 6, now + 306, 10).await.unwrap().is_empty(), "held");
    store.finish_resident_mail(entry.id, MailDone::Retry(now + 60), now + 7).await.unwrap();
    let retried = store.claim_resident_mails(now + 60, now + 360, 10).await.unwrap();
    assert_eq!(retried.iter().map(|m| (m.id, m.attempts)).collect::<Vec<_>>(), [(entry.id, 2)]);
    store.finish_resident_mail(entry.id, MailDone::Sent, now + 61).await.unwrap();
    let other_one = claimed.iter().find(|m| m.id != entry.id).unwrap().id;
    store.finish_resident_mail(other_one, MailDone::Failed, now + 62).await.unwrap();
    assert!(store.claim_resident_mails(now + 9_999, now + 10_299, 10).await.unwrap().is_empty(), "each told once");
    assert_eq!(store.residents(venue.venue).await.unwrap()[0].told, Some(Told::Sent(now + 61)));
    assert_eq!(store.residents(other).await.unwrap()[0].told, Some(Told::Failed(now + 62)));
    venue.close().await;
}

pub async fn a_resident_s_e_mail_goes_with_the_listing_or_not_at_all(backend: &dyn Backend) {
    use thirdspace_domain::resident::Resident;
    let venue = Venue::with(backend, 1, 1).await;
    let store = venue.store();
    let now = at(8, 0);
    let listed = NewResident::bare(Resident::Email(Email::parse("cy@acme.example").unwrap()));
    let mut work = store.begin().await.unwrap();
    work.add_resident(venue.venue, &listed, venue.users[0], now).await.unwrap();
    work.rollback().await;
    assert!(store.residents(venue.venue).await.unwrap().is_empty());
    assert!(store.claim_resident_mails(now, now + 300, 10).await.unwrap().is_empty(), "no e-mail without its listing");
    let entry = store.add_resident(venue.venue, &listed, venue.users[0], now).await.unwrap();
    store.remove_resident(venue.venue, entry.id).await.unwrap();
    assert!(store.claim_resident_mails(now, now + 300, 10).await.unwrap().is_empty(), "taken off: not told");
    venue.close().await;
}
