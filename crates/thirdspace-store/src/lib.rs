//! The storage trait of thirdspace, the records it returns and its error type.
//!
//! Each method is one atomic operation in the users' terms ("book a seat", "check in"), so a
//! backend can make it a single transaction with the isolation its database needs. Rules that
//! need no data (spans, hours, tags) are checked by the domain crate before a call; rules that
//! depend on what is stored (capacity, overlapping bookings) are checked inside the transaction
//! with the domain's pure functions. All dialect SQL lives in the backend crates.

mod error;
pub mod events;
pub mod outbox;
mod records;
pub mod steps;

use async_trait::async_trait;
use chrono::NaiveDate;
use thirdspace_domain::booking::BookingPlan;
use thirdspace_domain::email::Email;
use thirdspace_domain::hours::ClockTime;
use thirdspace_domain::profile::ProfileDraft;
use thirdspace_domain::space::SpaceDraft;
use thirdspace_domain::venue::VenueDraft;
use uuid::Uuid;

pub use error::{Conflict, Outage, StoreError};
pub use records::*;

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything thirdspace keeps. Instants are UTC seconds since the epoch; `now` is passed in so
/// that the caller's clock rules (and tests can move it).
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Checks the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// Checks the database can take writes now (a write that changes nothing is committed where
    /// that is the only way to know); by default, that it answers.
    async fn ready(&self) -> StoreResult<()> {
        self.ping().await
    }
    /// Closes the store's connections, waiting for them: on SQLite the last one to close folds
    /// the write-ahead log back into the database file, so a stopped server leaves one file.
    async fn close(&self);

    // Accounts.
    async fn create_user(&self, user: NewUser) -> StoreResult<User>;
    async fn credentials(&self, email: &Email) -> StoreResult<Option<Credentials>>;
    async fn user(&self, id: Uuid) -> StoreResult<Option<User>>;
    async fn set_admin(&self, email: &Email, is_admin: bool) -> StoreResult<User>;
    async fn insert_token(&self, token: NewToken) -> StoreResult<ApiToken>;
    /// The user a token (by its hash) belongs to, if it exists and has not expired.
    async fn token_user(&self, token_hash: &str, now: i64) -> StoreResult<Option<(User, TokenKind)>>;
    async fn delete_token_by_hash(&self, token_hash: &str) -> StoreResult<()>;
    async fn api_tokens(&self, user: Uuid, page: Page) -> StoreResult<Paged<ApiToken>>;
    async fn delete_api_token(&self, user: Uuid, id: Uuid) -> StoreResult<()>;

    // Venues, their staff and spaces.
    /// Opens a venue owned by `owner`, with its first `spaces`, in one transaction.
    async fn create_venue(
        &self,
        owner: Uuid,
        venue: &VenueDraft,
        spaces: &[SpaceDraft],
        checkin_secret: &[u8],
        now: i64,
    ) -> StoreResult<Venue>;
    async fn update_venue(&self, id: Uuid, venue: &VenueDraft, now: i64) -> StoreResult<Venue>;
    async fn venue(&self, id: Uuid) -> StoreResult<Option<Venue>>;
    async fn checkin_secret(&self, venue: Uuid) -> StoreResult<Option<Vec<u8>>>;
    /// Venues, by name, in a city (by [`thirdspace_domain::venue::city_key`]) or everywhere.
    async fn venues(&self, city_key: Option<&str>, page: Page) -> StoreResult<Paged<Venue>>;
    async fn role(&self, venue: Uuid, user: Uuid) -> StoreResult<Option<StaffRole>>;
    async fn invite_staff(&self, venue: Uuid, email: &Email, invited_by: Uuid, now: i64) -> StoreResult<Invitation>;
    async fn invitations_for(&self, email: &Email) -> StoreResult<Vec<Invitation>>;
    /// Joins the venue's staff: only for a person who proved they hold the invited address
    /// (`InvitationNotForYou` for another address, `EmailNotVerified` before they proved it).
    async fn accept_invitation(&self, id: Uuid, user: &User, now: i64) -> StoreResult<StaffMember>;
    async fn staff(&self, venue: Uuid, page: Page) -> StoreResult<Paged<StaffMember>>;
    async fn create_space(&self, venue: Uuid, space: &SpaceDraft, now: i64) -> StoreResult<Space>;
    async fn update_space(&self, venue: Uuid, id: Uuid, space: &SpaceDraft, now: i64) -> StoreResult<Space>;
    async fn spaces(&self, venue: Uuid, page: Page) -> StoreResult<Paged<Space>>;
    /// Social-capital seats still free over the whole of `window` (within local `date`), summed over
    /// the venue's open-seating spaces.
    async fn free_seats(&self, venue: Uuid, date: NaiveDate, window: (i64, i64), now: i64) -> StoreResult<u32>;

    // Profiles.
    async fn profile(&self, user: Uuid) -> StoreResult<Option<Profile>>;
    async fn put_profile(&self, user: Uuid, profile: &ProfileDraft, now: i64) -> StoreResult<Profile>;

    // Bookings, check-in and presence.
    /// Books a social-capital seat: refused when the person holds an overlapping booking or no
    /// seat is free over the whole span. Capacity holds under any concurrency.
    async fn book(&self, booking: NewBooking) -> StoreResult<Booking>;
    async fn booking(&self, id: Uuid) -> StoreResult<Option<Booking>>;
    async fn cancel_booking(&self, id: Uuid, now: i64) -> StoreResult<Booking>;
    async fn bookings_of(&self, user: Uuid, when: BookingsWhen, now: i64, page: Page) -> StoreResult<Paged<Booking>>;
    async fn venue_day(&self, venue: Uuid, date: NaiveDate, page: Page) -> StoreResult<Paged<DayBooking>>;
    /// Checks a person in: their booking for now at the venue (arriving up to an hour early
    /// moves its start to now when a seat is free until then), or else a walk-in booking made
    /// from `walk_in` when a seat is free. A booking already over that they are still checked in
    /// on ends where it ended.
    async fn check_in(&self, check_in: CheckIn) -> StoreResult<CheckedIn>;
    async fn check_out(&self, venue: Uuid, user: Uuid, now: i64) -> StoreResult<Booking>;
    /// Releases bookings nobody checked in for within their venue's grace period.
    async fn release_no_shows(&self, now: i64) -> StoreResult<u64>;
    /// Checks out everyone whose venue has closed.
    async fn check_out_at_closing(&self, now: i64) -> StoreResult<u64>;
    /// Everyone checked in at a venue now, in order of arrival, with their profiles.
    async fn present(&self, venue: Uuid, now: i64) -> StoreResult<Vec<PresentPerson>>;
    /// The venue where a person is checked in now, if any.
    async fn checked_in_at(&self, user: Uuid, now: i64) -> StoreResult<Option<Uuid>>;

    // Questions to the people around you.
    async fn post_question(&self, question: NewQuestion) -> StoreResult<Question>;
    async fn question(&self, id: Uuid) -> StoreResult<Option<Question>>;
    async fn open_questions(&self, venue: Uuid, page: Page) -> StoreResult<Paged<Question>>;
    async fn mark_answered(&self, id: Uuid, now: i64) -> StoreResult<Question>;

    // Introductions.
    /// Records suggested introductions. A pair that already has one not met — open, or declined
    /// since `cool_down_since` — keeps it (with the new score and reason), so that nobody can
    /// tell from a new suggestion that the other side declined.
    async fn suggest_intros(&self, intros: Vec<NewIntro>, cool_down_since: i64, now: i64) -> StoreResult<Vec<Intro>>;
    async fn intro(&self, id: Uuid) -> StoreResult<Option<Intro>>;
    /// One side's step; `NotFound` unless `user` is one of the two.
    async fn step_intro(&self, id: Uuid, user: Uuid, step: IntroStep, now: i64) -> StoreResult<Intro>;
    /// The introductions suggested at a venue since `since`, newest first and, within one round
    /// of suggestions, best first (at most `limit`).
    async fn venue_intros(&self, venue: Uuid, since: i64, limit: u32) -> StoreResult<Vec<Intro>>;
    /// The introductions of a person, newest first and, within one round of suggestions, best
    /// first: one order on every page.
    async fn intros_of(&self, user: Uuid, page: Page) -> StoreResult<Paged<Intro>>;
    /// Pairs among `people` that met or where someone declined, since `since`.
    async fn settled_pairs(&self, people: &[Uuid], since: i64) -> StoreResult<Vec<SettledPair>>;
    /// How many met introductions each person was found useful in, by the other side.
    async fn helped_counts(&self, people: &[Uuid]) -> StoreResult<Vec<u32>>;
    /// Profiles of people who show themselves publicly and are open to meet, for suggestions
    /// across the network (at most `limit`).
    async fn open_public_profiles(&self, limit: u32) -> StoreResult<Vec<Profile>>;

    // Attempts counted per key (failed log-ins of an address from a client, e-mails asked for an
    // address, …) in the database, so that every instance sees the same count wherever the
    // attempts landed.
    /// The attempts counted for `key` and when their window began, if any are.
    async fn attempts(&self, key: &str) -> StoreResult<Option<(u32, i64)>>;
    /// Counts an attempt at `now`, atomically; a window that began `window` seconds or more
    /// before `now` starts again at one. Gives the count and the window's start.
    async fn count_attempt(&self, key: &str, now: i64, window: i64) -> StoreResult<(u32, i64)>;
    /// Forgets the attempts of `key` (failed log-ins, after a successful one).
    async fn clear_attempts(&self, key: &str) -> StoreResult<()>;
    /// Forgets every window that began before `before`; how many were.
    async fn forget_attempts(&self, before: i64) -> StoreResult<u64>;

    // Links sent by e-mail.
    /// Stores a new link; the person's links of the same purpose not yet used stop working.
    async fn create_login_link(
        &self,
        user: Uuid,
        purpose: LinkPurpose,
        token_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()>;
    /// Uses a link once: the person it was sent to, or `None` when it is unknown, of another
    /// purpose, used or expired. Any link used proves the address: the person is verified.
    async fn use_login_link(&self, token_hash: &str, purpose: LinkPurpose, now: i64) -> StoreResult<Option<User>>;
    /// Uses a password-reset link: sets the new password, ends every session and API token of
    /// the person and voids their other log-in and reset links, in one transaction. `None` when
    /// the link does not work.
    async fn reset_password(&self, token_hash: &str, password_hash: &str, now: i64) -> StoreResult<Option<User>>;
    /// The venues where `user` is owner or staff, by name.
    async fn staffed_venues(&self, user: Uuid) -> StoreResult<Vec<(Venue, StaffRole)>>;

    // Screens.
    async fn create_screen_token(
        &self,
        venue: Uuid,
        kind: ScreenKind,
        name: &str,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<ScreenToken>;
    async fn screen_tokens(&self, venue: Uuid, page: Page) -> StoreResult<Paged<ScreenToken>>;
    async fn revoke_screen_token(&self, venue: Uuid, id: Uuid, now: i64) -> StoreResult<ScreenToken>;
    /// The venue and kind a token (by its hash) opens, unless revoked.
    async fn screen_token(&self, token_hash: &str) -> StoreResult<Option<(Uuid, ScreenKind)>>;

    // The outbox: every write above that changes state records its event in its own transaction.
    /// Up to `limit` events after `after`, in the outbox's order.
    async fn events_after(&self, after: u64, limit: u32) -> StoreResult<Vec<outbox::StoredEvent>>;
    /// The id of the latest event written (0 when none).
    async fn last_event_id(&self) -> StoreResult<u64>;
    /// Forgets the events that occurred before `before`, but never the latest one (its id is
    /// where the order goes on).
    async fn forget_events(&self, before: i64) -> StoreResult<u64>;
    /// Completes when events may have been committed since the last time it completed (on a
    /// shared database, by any instance). A reader must still look: a wake-up may be spurious.
    async fn events_written(&self);
}

/// Which of a person's bookings to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingsWhen {
    /// Not yet over, soonest first.
    Upcoming,
    /// Over, most recent first.
    Past,
}

/// A checked booking ready to be stored.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub user: Uuid,
    pub venue: Uuid,
    pub space: Option<Uuid>,
    pub plan: BookingPlan,
    pub now: i64,
}

/// A check-in to perform.
#[derive(Debug, Clone)]
pub struct CheckIn {
    pub venue: Uuid,
    pub user: Uuid,
    pub today: NaiveDate,
    /// The local time of day at the venue now.
    pub at: ClockTime,
    pub now: i64,
    /// When the venue's current opening period ends: an early arrival stays within it.
    pub open_until: i64,
    /// The booking to make when the person holds none for now; `None` means no walk-in.
    pub walk_in: Option<BookingPlan>,
    /// Who checked the person in, when it was not themselves.
    pub by_staff: Option<Uuid>,
}
