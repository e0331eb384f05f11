//! The application layer on its own, without HTTP: who may do what, the typed errors it answers
//! with, and the events its operations leave in the outbox. A real SQLite file under each test.

use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::json;
use thirdspace_domain::booking::{BookingInput, BookingStatus, Refusal};
use thirdspace_domain::checkin::daily_code;
use thirdspace_domain::email::Email;
use thirdspace_domain::hours::ClockTime;
use thirdspace_domain::space::{SpaceDraft, SpaceInput, SpaceKind};
use thirdspace_domain::venue::{VenueDraft, VenueInput};
use thirdspace_server::app::presence::{self, CheckInAs};
use thirdspace_server::app::{access, bookings, venues, AppError, Denial};
use thirdspace_server::clock::ManualClock;
use thirdspace_server::{AppState, ServerConfig};
use thirdspace_store::outbox::EventType;
use thirdspace_store::{BookingConflict, Conflict, NewUser, PresenceConflict, StaffRole, Store, User, Venue};

/// Monday 23 November 2026, 09:00 in Amsterdam.
const MONDAY_9AM: i64 = 1_795_420_800;
const SECRET: &[u8] = b"the venue's check-in secret";

struct World {
    state: AppState,
    clock: Arc<ManualClock>,
    venue: Venue,
    host: User,
    _dir: tempfile::TempDir,
}

impl World {
    async fn new() -> Self {
        let dir = tempfile::tempdir().expect("a directory");
        let url = format!("sqlite://{}", dir.path().join("app.db").display());
        let store: Arc<dyn Store> = Arc::new(thirdspace_store_sqlite::open(&url).await.expect("a store"));
        let clock = Arc::new(ManualClock::new(MONDAY_9AM));
        let state = AppState::new(store, clock.clone(), ServerConfig::default());
        let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        let input: VenueInput = serde_json::from_value(json!({
            "name": "Bibliotheek Oost", "kind": "library", "address": "Kanaalstraat 1", "city": "Utrecht",
            "country": "NL", "time_zone": "Europe/Amsterdam", "no_show_grace_minutes": 30,
            "opening_hours": days.iter().map(|d| json!({"day": d, "opens": "08:00", "closes": "18:00"})).collect::<Vec<_>>(),
        }))
        .expect("a venue's input");
        let draft = VenueDraft::parse(input).expect("a valid venue");
        let space = SpaceDraft::parse(SpaceInput {
            name: "Reading room".into(),
            kind: SpaceKind::OpenSeating,
            capacity: 4,
            social_capital_seats: 3,
        })
        .expect("a valid space");
        let host = person(&state, "Hanna").await;
        let venue =
            state.store.create_venue(host.id, &draft, &[space], SECRET, MONDAY_9AM).await.expect("the venue opens");
        Self { state, clock, venue, host, _dir: dir }
    }

    async fn person(&self, name: &str) -> User {
        person(&self.state, name).await
    }

    fn today(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date")
    }

    fn themselves(code: Option<String>) -> CheckInAs {
        CheckInAs::Themselves { code, walk_in: true, focus: None, pledge: None }
    }
}

async fn person(state: &AppState, name: &str) -> User {
    let new = NewUser {
        email: Email::parse(&format!("{}@example.org", name.to_lowercase())).expect("an address"),
        password_hash: "unused".into(),
        display_name: name.into(),
        is_admin: false,
        email_verified: true,
        now: MONDAY_9AM,
    };
    state.store.create_user(new).await.expect("a person")
}

fn booking_at(start: &str, end: &str) -> BookingInput {
    serde_json::from_value(json!({
        "date": "2026-11-23", "start": start, "end": end,
        "focus": "Finishing a grant proposal", "pledge": "An hour of help with grant writing"
    }))
    .expect("a booking's input")
}

#[tokio::test]
async fn people_check_themselves_in_with_todays_code_and_only_staff_check_in_others() {
    let world = World::new().await;
    let state = &world.state;
    let (anna, ben) = (world.person("Anna").await, world.person("Ben").await);
    let venue = world.venue.id;

    let wrong = presence::check_in(state, &anna, venue, World::themselves(Some("WRONG1".into()))).await;
    assert_eq!(wrong.unwrap_err(), AppError::Denied(Denial::WrongCheckInCode));
    let code = daily_code(SECRET, world.today());
    let walked_in = presence::check_in(state, &anna, venue, World::themselves(Some(code))).await.expect("a walk-in");
    assert!(walked_in.walk_in);

    let stranger = presence::check_in(state, &anna, venue, CheckInAs::Staff { member: ben.id }).await;
    assert!(matches!(stranger, Err(AppError::Forbidden(_))), "{stranger:?}");
    let nothing_booked = presence::check_in(state, &world.host, venue, CheckInAs::Staff { member: ben.id }).await;
    assert_eq!(
        nothing_booked.unwrap_err(),
        AppError::Conflict(Conflict::Presence(PresenceConflict::NoBookingNow)),
        "staff never walk anyone in"
    );
    bookings::place(state, ben.id, &world.venue, &booking_at("09:00", "12:00")).await.expect("a booking");
    let by_staff = presence::check_in(state, &world.host, venue, CheckInAs::Staff { member: ben.id }).await;
    assert_eq!(by_staff.expect("checked in by staff").booking.status, BookingStatus::CheckedIn);
    let staff_need_no_code = presence::check_in(state, &world.host, venue, World::themselves(None)).await;
    assert!(staff_need_no_code.is_ok(), "{staff_need_no_code:?}");

    let other_out = presence::check_out(state, &anna, venue, Some(ben.id)).await;
    assert!(matches!(other_out, Err(AppError::Forbidden(_))), "{other_out:?}");
    presence::check_out(state, &anna, venue, None).await.expect("Anna leaves");
    let twice = presence::check_out(state, &anna, venue, None).await;
    assert_eq!(twice.unwrap_err(), AppError::Conflict(Conflict::Presence(PresenceConflict::NotCheckedIn)));
    presence::check_out(state, &world.host, venue, Some(ben.id)).await.expect("staff check Ben out");

    let unknown = presence::check_in(state, &anna, uuid::Uuid::now_v7(), World::themselves(None)).await;
    assert_eq!(unknown.unwrap_err(), AppError::NotFound("venue"));
}

#[tokio::test]
async fn a_closed_venue_turns_arrivals_away_with_the_domains_refusal() {
    let world = World::new().await;
    let anna = world.person("Anna").await;
    world.clock.advance(10 * 3600);
    let code = daily_code(SECRET, world.today());
    let closed = presence::check_in(&world.state, &anna, world.venue.id, World::themselves(Some(code))).await;
    assert_eq!(closed.unwrap_err(), AppError::Refused(Refusal::VenueClosed { date: world.today() }));
}

#[tokio::test]
async fn one_rule_decides_who_sees_and_cancels_a_booking() {
    let world = World::new().await;
    let state = &world.state;
    let (anna, eve) = (world.person("Anna").await, world.person("Eve").await);
    let first = bookings::place(state, anna.id, &world.venue, &booking_at("13:00", "15:00")).await.expect("booked");
    assert_eq!(bookings::visible(state, &anna, first.id).await.expect("hers").id, first.id);
    assert_eq!(bookings::visible(state, &world.host, first.id).await.expect("the host's venue").id, first.id);
    assert_eq!(bookings::visible(state, &eve, first.id).await.unwrap_err(), AppError::NotFound("booking"));
    assert_eq!(bookings::cancel(state, &eve, first.id).await.unwrap_err(), AppError::NotFound("booking"));
    assert_eq!(
        bookings::cancel(state, &world.host, first.id).await.expect("the host cancels").status,
        BookingStatus::Cancelled
    );

    let second = bookings::place(state, anna.id, &world.venue, &booking_at("15:00", "16:00")).await.expect("booked");
    bookings::cancel(state, &anna, second.id).await.expect("Anna cancels her own");
    let again = bookings::cancel(state, &anna, second.id).await;
    assert_eq!(again.unwrap_err(), AppError::Conflict(Conflict::Booking(BookingConflict::NotCancellable)));
    let late = bookings::place(state, anna.id, &world.venue, &booking_at("07:00", "08:00")).await;
    assert!(matches!(late, Err(AppError::Refused(Refusal::OutsideOpeningHours))), "{late:?}");
}

#[tokio::test]
async fn operations_leave_their_events_in_the_outbox_and_refusals_leave_none() {
    let world = World::new().await;
    let state = &world.state;
    let anna = world.person("Anna").await;
    let start = state.store.last_event_id().await.expect("the outbox");
    let code = daily_code(SECRET, world.today());
    assert!(presence::check_in(state, &anna, world.venue.id, World::themselves(Some("NOPE".into()))).await.is_err());
    let here = presence::check_in(state, &anna, world.venue.id, World::themselves(Some(code))).await.expect("in");
    presence::check_out(state, &anna, world.venue.id, None).await.expect("out");
    let events = state.store.events_after(start, 10).await.expect("the outbox");
    let kinds: Vec<EventType> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EventType::BookingMade, EventType::CheckedIn, EventType::CheckedOut]);
    assert!(events.iter().all(|e| e.subject == here.booking.id && e.venue == Some(world.venue.id)));
    assert_eq!(events[1].data["start"], json!(ClockTime::parse("start", "09:00").expect("a time").to_string()));
}

/// Whether someone runs a venue is read at most once a second, and an invitation accepted on
/// this instance counts at once, not a second later.
#[tokio::test]
async fn a_role_read_a_moment_ago_gives_way_at_once_to_an_accepted_invitation() {
    let world = World::new().await;
    let state = &world.state;
    let jun = world.person("Jun").await;
    assert!(!access::runs(state, world.venue.id, &jun).await.expect("a role"), "not staff yet");
    let invited = venues::invite(state, &world.host, &world.venue, "jun@example.org").await.expect("invited");
    venues::accept_invitation(state, &jun, invited.id).await.expect("accepted");
    assert!(access::runs(state, world.venue.id, &jun).await.expect("a role"), "staff now, in the same second");
    assert_eq!(access::role(state, world.venue.id, jun.id).await.expect("a role"), Some(StaffRole::Staff));
}

/// On SQLite bookings that arrive while the writer is busy are written in one transaction, and
/// each is still accepted or refused on its own: the seats run out exactly, one person's second
/// booking sees their first, and a refused booking leaves no event behind.
#[tokio::test]
async fn bookings_that_wait_together_are_written_together_and_each_decided_alone() {
    let world = World::new().await;
    let state = &world.state;
    let start = state.store.last_event_id().await.expect("the outbox");
    let mut people = Vec::new();
    for name in ["Anna", "Bram", "Chen", "Dewi", "Emre", "Fleur", "Goran"] {
        people.push(world.person(name).await);
    }
    // The writer is held, so every booking below waits in the line.
    let held = state.store.begin().await.expect("the writer");
    let mut asked = Vec::new();
    for (n, person) in people.iter().chain([&people[0]]).enumerate() {
        let (state, venue, id) = (state.clone(), world.venue.clone(), person.id);
        let span = if n == people.len() { ("14:00", "16:00") } else { ("13:00", "15:00") };
        asked.push(tokio::spawn(async move { bookings::place(&state, id, &venue, &booking_at(span.0, span.1)).await }));
        tokio::task::yield_now().await;
    }
    let waited = std::time::Instant::now();
    while state.group_commit.waiting() < 6 {
        assert!(waited.elapsed() < std::time::Duration::from_secs(3), "the bookings did not line up");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    held.rollback().await;
    let mut answers = Vec::new();
    for one in asked {
        answers.push(one.await.expect("the request ran"));
    }

    let made: Vec<_> = answers.iter().filter_map(|a| a.as_ref().ok()).collect();
    assert_eq!(made.len(), 3, "three seats are kept for social capital: {answers:?}");
    let gone = answers
        .iter()
        .filter(|a| matches!(a, Err(AppError::Conflict(Conflict::Booking(BookingConflict::SeatsGone)))))
        .count();
    let overlapping = answers
        .iter()
        .filter(|a| matches!(a, Err(AppError::Conflict(Conflict::Booking(BookingConflict::OverlappingBooking)))))
        .count();
    // Anna's second booking overlaps her first, made in the same group, or finds no seat.
    assert_eq!(gone + overlapping, 5, "{answers:?}");
    assert!(answers[0].is_ok(), "Anna came first: {answers:?}");
    assert_eq!(overlapping, 1, "Anna's second booking sees her first: {answers:?}");
    let events = state.store.events_after(start, 20).await.expect("the outbox");
    let mut booked: Vec<_> = events.iter().filter(|e| e.kind == EventType::BookingMade).map(|e| e.subject).collect();
    let mut expected: Vec<_> = made.iter().map(|b| b.id).collect();
    booked.sort();
    expected.sort();
    assert_eq!(booked, expected, "only the bookings made left events");
    let metrics = state.metrics.render(state).await.expect("the metrics");
    let transactions: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("thirdspace_bookings_per_transaction_count "))
        .and_then(|n| n.trim().parse().ok())
        .expect("the count of transactions");
    assert!(transactions <= 3, "eight bookings in at most three transactions, not {transactions}: {metrics}");
}

/// The JSON API (`routes`) and the pages are adapters over the application layer: neither
/// imports the other, and neither reaches the store but through it.
#[test]
fn the_adapters_neither_import_each_other_nor_touch_the_store() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut read = 0;
    for (adapter, other) in [("routes", "pages"), ("pages", "routes")] {
        for entry in std::fs::read_dir(src.join(adapter)).expect("the adapter's folder") {
            let path = entry.expect("an entry").path();
            let code = std::fs::read_to_string(&path).expect("a source file");
            read += 1;
            for forbidden in [format!("crate::{other}"), format!("super::super::{other}"), ".store.".to_owned()] {
                assert!(!code.contains(&forbidden), "{} uses {forbidden}", path.display());
            }
        }
    }
    assert!(read > 15, "every file of both adapters was read ({read})");
}
