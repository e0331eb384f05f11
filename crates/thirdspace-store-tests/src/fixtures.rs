//! A venue open day and night on UTC, its spaces and members, and the clock the tests move.

use std::sync::Arc;

use chrono::NaiveDate;
use thirdspace_domain::booking::{self, BookingInput, BookingPlan, BookingStatus, VenueClock};
use thirdspace_domain::email::Email;
use thirdspace_domain::hours::{ClockTime, OpeningPeriod, Weekday};
use thirdspace_domain::space::{SpaceDraft, SpaceInput, SpaceKind};
use thirdspace_domain::venue::{VenueDraft, VenueInput, VenueKind};
use thirdspace_store::{CheckIn, NewBooking, NewUser, Store, User};
use uuid::Uuid;

use crate::{Backend, StoredBooking, TestDatabase};

pub const GRACE_MINUTES: u16 = 15;
pub const GRACE: i64 = GRACE_MINUTES as i64 * 60;
pub const DAY: i64 = 86_400;

/// Monday 7 January 2030, the first day of every scenario.
pub fn base_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2030, 1, 7).expect("a date")
}

/// Midnight UTC of the base date.
pub fn base() -> i64 {
    midnight(base_date())
}

/// An instant on the base date.
pub fn at(hour: i64, minute: i64) -> i64 {
    base() + hour * 3600 + minute * 60
}

/// The date holding an instant (the venue is on UTC).
pub fn date_of(instant: i64) -> NaiveDate {
    base_date() + chrono::Duration::days((instant - base()).div_euclid(DAY))
}

/// An instant as the venue's clock shows it, for failure messages.
pub fn show(instant: i64) -> String {
    chrono::DateTime::from_timestamp(instant, 0)
        .map_or_else(|| instant.to_string(), |t| t.format("%a %H:%M:%S").to_string())
}

/// The venue's time of day at an instant.
pub fn minute_of(instant: i64) -> ClockTime {
    ClockTime::from_minutes(((instant - midnight(date_of(instant))) / 60) as u16).expect("a time of day")
}

/// Midnight UTC at the start of `date`.
pub fn midnight(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp()
}

pub const FOCUS: &str = "Writing the quarterly report";
pub const PLEDGE: &str = "Happy to proofread anything in Dutch";

pub fn clock(venue: &VenueDraft) -> VenueClock<'_> {
    VenueClock { time_zone: venue.time_zone, hours: &venue.opening_hours, closures: &venue.closures }
}

/// Plans a booking of `[starts_at, ends_at)` at `now` with the domain's rules, as the server
/// does; the span lies within one day (ending at its midnight at the latest).
pub fn try_plan(starts_at: i64, ends_at: i64, now: i64) -> Result<BookingPlan, booking::Refusal> {
    let date = date_of(starts_at);
    let day_start = midnight(date);
    assert!(starts_at < ends_at && ends_at <= day_start + DAY, "a span must lie within one day");
    let minute = |t: i64| ClockTime::from_minutes(((t - day_start) / 60) as u16).expect("a time of day");
    let input = BookingInput {
        space_id: None,
        date,
        start: minute(starts_at),
        end: minute(ends_at),
        focus: FOCUS.to_owned(),
        pledge: PLEDGE.to_owned(),
        accept_house_rules: false,
    };
    booking::plan(clock(&venue_draft()), &input, now)
}

pub fn plan(starts_at: i64, ends_at: i64, now: i64) -> BookingPlan {
    try_plan(starts_at, ends_at, now).expect("a span the venue accepts")
}

/// A walk-in at `now`: from now until the venue closes at midnight.
pub fn walk_in_plan(now: i64) -> BookingPlan {
    booking::walk_in(clock(&venue_draft()), now, FOCUS.to_owned(), PLEDGE.to_owned()).expect("a walk-in")
}

/// A venue on UTC, open every day from 00:00 to 24:00, with a grace period of 15 minutes.
pub fn venue_draft() -> VenueDraft {
    venue_named("Library of Babel", "Utrecht")
}

pub fn venue_named(name: &str, city: &str) -> VenueDraft {
    let days = Weekday::ALL;
    let input = VenueInput {
        name: name.to_owned(),
        kind: VenueKind::Library,
        address: "Hexagon 1".to_owned(),
        city: city.to_owned(),
        country: "NL".to_owned(),
        coordinates: None,
        time_zone: "UTC".to_owned(),
        opening_hours: days
            .into_iter()
            .map(|day| OpeningPeriod { day, opens: ClockTime::MIDNIGHT, closes: ClockTime::END_OF_DAY })
            .collect(),
        closures: Vec::new(),
        amenities: Vec::new(),
        house_rules: None,
        no_show_grace_minutes: Some(GRACE_MINUTES),
        day_pass: None,
        requires_approval: false,
        welcomes_gatherings: false,
    };
    VenueDraft::parse(input).expect("a valid venue")
}

pub fn new_user(email: &str, name: &str, now: i64) -> NewUser {
    NewUser {
        email: Email::parse(email).expect("an e-mail address"),
        password_hash: "not-a-real-hash".to_owned(),
        display_name: name.to_owned(),
        is_admin: false,
        email_verified: false,
        now,
    }
}

pub async fn create_user(store: &dyn Store, email: &str, name: &str, now: i64) -> User {
    store.create_user(new_user(email, name, now)).await.expect("a new account")
}

/// A new account whose holder proved their address (as an administrator creates one).
pub async fn create_verified_user(store: &dyn Store, email: &str, name: &str, now: i64) -> User {
    store.create_user(NewUser { email_verified: true, ..new_user(email, name, now) }).await.expect("a new account")
}

pub async fn create_users(store: &dyn Store, count: usize, now: i64) -> Vec<Uuid> {
    let mut users = Vec::with_capacity(count);
    for i in 0..count {
        users.push(create_user(store, &format!("member{i}@example.org"), &format!("Member {i}"), now).await.id);
    }
    users
}

pub async fn create_venue(store: &dyn Store, owner: Uuid, now: i64) -> Uuid {
    store.create_venue(owner, &venue_draft(), &[], b"check-in secret", now).await.expect("a new venue").id
}

pub fn space_draft(name: &str, kind: SpaceKind, capacity: u32, seats: u32) -> SpaceDraft {
    SpaceDraft::parse(SpaceInput { name: name.to_owned(), kind, capacity, social_capital_seats: seats })
        .expect("a valid space")
}

pub async fn create_space(
    store: &dyn Store,
    venue: Uuid,
    kind: SpaceKind,
    capacity: u32,
    seats: u32,
    now: i64,
) -> Uuid {
    let draft = space_draft(&format!("{kind:?} {now}"), kind, capacity, seats);
    store.create_space(venue, &draft, now).await.expect("a new space").id
}

/// A fresh database and a store on it.
pub struct Db {
    pub database: Box<dyn TestDatabase>,
    pub store: Arc<dyn Store>,
}

impl Db {
    pub async fn open(backend: &dyn Backend) -> Self {
        let database = backend.database().await;
        let store = database.open().await;
        Self { database, store }
    }

    /// The bookings table, by id.
    pub async fn stored_bookings(&self) -> Vec<StoredBooking> {
        let mut rows = self.database.stored_bookings().await;
        rows.sort_by_key(|b| b.id);
        rows
    }

    /// Bookings that may still hold a seat.
    pub async fn live_bookings(&self) -> usize {
        let live = [BookingStatus::Booked, BookingStatus::CheckedIn, BookingStatus::CheckedOut];
        self.stored_bookings().await.iter().filter(|b| live.contains(&b.status)).count()
    }
}

/// A venue with one open-seating space of `seats` social-capital seats, and its members.
pub struct Venue {
    pub db: Db,
    pub venue: Uuid,
    pub space: Uuid,
    pub users: Vec<Uuid>,
}

impl Venue {
    pub async fn with(backend: &dyn Backend, seats: u32, users: usize) -> Self {
        let db = Db::open(backend).await;
        let now = base() - DAY;
        let users = create_users(&*db.store, users, now).await;
        let venue = create_venue(&*db.store, users[0], now).await;
        let space = create_space(&*db.store, venue, SpaceKind::OpenSeating, seats.max(1), seats, now).await;
        Self { db, venue, space, users }
    }

    pub fn store(&self) -> &dyn Store {
        &*self.db.store
    }

    /// A booking by `user` of `[starts_at, ends_at)`, planned at `now`.
    pub fn booking(&self, user: usize, (starts_at, ends_at): (i64, i64), now: i64) -> NewBooking {
        let plan = plan(starts_at, ends_at, now);
        NewBooking { user: self.users[user], venue: self.venue, space: Some(self.space), plan, now }
    }

    pub fn check_in(&self, user: usize, now: i64, walk_in: Option<BookingPlan>) -> CheckIn {
        CheckIn {
            venue: self.venue,
            user: self.users[user],
            today: date_of(now),
            at: minute_of(now),
            now,
            open_until: midnight(date_of(now)) + DAY,
            walk_in,
            by_staff: None,
        }
    }

    pub async fn close(&self) {
        self.db.database.close().await;
    }
}
