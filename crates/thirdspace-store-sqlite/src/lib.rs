//! thirdspace's store on an embedded SQLite file.
//!
//! Writes go through one connection, each in a transaction opened with `BEGIN IMMEDIATE` so the
//! write lock is taken before anything is read: a booking reads the seats held and inserts in
//! one step that no other writer (in this process or another) can interleave with. Reads use a
//! pool of their own. The file runs in WAL mode with `synchronous=NORMAL`.

mod accounts;
mod bookings;
mod intros;
mod links;
mod outbox;
mod paging;
mod questions;
mod rows;
mod screens;
pub mod serving;
mod venues;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, Transaction};
use thirdspace_domain::email::Email;
use thirdspace_domain::profile::ProfileDraft;
use thirdspace_domain::space::SpaceDraft;
use thirdspace_domain::venue::VenueDraft;
use thirdspace_store::*;
use tokio::sync::Notify;
use uuid::Uuid;

/// Whether `url` names an SQLite database (`sqlite://…`).
pub fn is_url(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// The schema's migrations, in order (`migrations/`, the same versions as PostgreSQL's).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The store on one SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    /// Woken after a commit that wrote events.
    written: Arc<Notify>,
}

impl SqliteStore {
    /// Opens (creating it when missing) the database at `url` (`sqlite://path`) and brings its
    /// schema up to date.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with(url, DEFAULT_ACQUIRE_TIMEOUT).await
    }

    /// As [`SqliteStore::open`], with how long a request waits for a connection before it is
    /// refused as unavailable.
    pub async fn open_with(url: &str, acquire_timeout: Duration) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(StoreError::backend)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(acquire_timeout)
            .connect_with(options.clone())
            .await
            .map_err(StoreError::backend)?;
        MIGRATOR.run(&writer).await.map_err(StoreError::backend)?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get() as u32 * 2).max(4);
        let reader = SqlitePoolOptions::new()
            .max_connections(readers)
            .acquire_timeout(acquire_timeout)
            .connect_with(options.read_only(true))
            .await
            .map_err(StoreError::backend)?;
        Ok(Self { writer, reader, written: Arc::new(Notify::new()) })
    }

    /// Starts a write transaction holding SQLite's write lock from its first statement.
    ///
    /// A write whose commit failed (a full disk, say) can leave the connection believing a
    /// transaction is still open after SQLite rolled it back; that connection is replaced, so
    /// writes work again as soon as the cause is gone.
    async fn write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        match self.writer.begin_with("BEGIN IMMEDIATE").await {
            Err(sqlx::Error::InvalidSavePointStatement) => {
                tracing::warn!("replacing the writer connection, left inside a failed transaction");
                if let Ok(stuck) = self.writer.acquire().await {
                    let _ = stuck.close().await;
                }
                self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(db)
            }
            begun => begun.map_err(db),
        }
    }

    /// Commits a write that recorded events, and wakes whoever reads the outbox.
    async fn commit(&self, tx: Transaction<'static, Sqlite>) -> StoreResult<()> {
        tx.commit().await.map_err(db)?;
        self.written.notify_one();
        Ok(())
    }

    /// Closes both pools, flushing the WAL.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

/// How long a request waits for a connection by default.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Maps a database error; the cause is kept for the log. A disk that is full or failing, or a
/// database busy or out of reach, is an outage the same request may get past later.
fn db(err: sqlx::Error) -> StoreError {
    // SQLite's primary result codes (the low byte of the extended code).
    const BUSY: i64 = 5;
    const LOCKED: i64 = 6;
    const READONLY: i64 = 8;
    const IOERR: i64 = 10;
    const FULL: i64 = 13;
    const CANTOPEN: i64 = 14;
    let primary = match &err {
        sqlx::Error::Database(e) => e.code().and_then(|c| c.parse::<i64>().ok()).map(|c| c & 0xff),
        _ => None,
    };
    match (&err, primary) {
        (_, Some(FULL | IOERR | READONLY | CANTOPEN)) => StoreError::unavailable(Outage::Full, err),
        (_, Some(BUSY | LOCKED)) => StoreError::unavailable(Outage::Unreachable, err),
        (sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed, _) => {
            StoreError::unavailable(Outage::Unreachable, err)
        }
        _ => StoreError::backend(err),
    }
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await.map_err(db)?;
        Ok(())
    }

    async fn ready(&self) -> StoreResult<()> {
        self.ping().await?;
        // Rewriting the header's user version with its own value commits a page: it fails when
        // nothing can be written, and changes nothing when it succeeds.
        let mut tx = self.write().await?;
        let version: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(&mut *tx).await.map_err(db)?;
        sqlx::query(&format!("PRAGMA user_version = {version}")).execute(&mut *tx).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn close(&self) {
        SqliteStore::close(self).await;
    }

    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        accounts::create_user(self, user).await
    }
    async fn credentials(&self, email: &Email) -> StoreResult<Option<Credentials>> {
        accounts::credentials(self, email).await
    }
    async fn user(&self, id: Uuid) -> StoreResult<Option<User>> {
        accounts::user(self, id).await
    }
    async fn set_admin(&self, email: &Email, is_admin: bool) -> StoreResult<User> {
        accounts::set_admin(self, email, is_admin).await
    }
    async fn insert_token(&self, token: NewToken) -> StoreResult<ApiToken> {
        accounts::insert_token(self, token).await
    }
    async fn token_user(&self, token_hash: &str, now: i64) -> StoreResult<Option<(User, TokenKind)>> {
        accounts::token_user(self, token_hash, now).await
    }
    async fn delete_token_by_hash(&self, token_hash: &str) -> StoreResult<()> {
        accounts::delete_token_by_hash(self, token_hash).await
    }
    async fn api_tokens(&self, user: Uuid, page: Page) -> StoreResult<Paged<ApiToken>> {
        accounts::api_tokens(self, user, page).await
    }
    async fn delete_api_token(&self, user: Uuid, id: Uuid) -> StoreResult<()> {
        accounts::delete_api_token(self, user, id).await
    }

    async fn create_venue(
        &self,
        owner: Uuid,
        venue: &VenueDraft,
        spaces: &[SpaceDraft],
        secret: &[u8],
        now: i64,
    ) -> StoreResult<Venue> {
        venues::create_venue(self, owner, venue, spaces, secret, now).await
    }
    async fn update_venue(&self, id: Uuid, venue: &VenueDraft, now: i64) -> StoreResult<Venue> {
        venues::update_venue(self, id, venue, now).await
    }
    async fn venue(&self, id: Uuid) -> StoreResult<Option<Venue>> {
        venues::venue(&self.reader, id).await
    }
    async fn checkin_secret(&self, venue: Uuid) -> StoreResult<Option<Vec<u8>>> {
        venues::checkin_secret(self, venue).await
    }
    async fn venues(&self, city_key: Option<&str>, page: Page) -> StoreResult<Paged<Venue>> {
        venues::venues(self, city_key, page).await
    }
    async fn role(&self, venue: Uuid, user: Uuid) -> StoreResult<Option<StaffRole>> {
        venues::role(self, venue, user).await
    }
    async fn invite_staff(&self, venue: Uuid, email: &Email, invited_by: Uuid, now: i64) -> StoreResult<Invitation> {
        venues::invite_staff(self, venue, email, invited_by, now).await
    }
    async fn invitations_for(&self, email: &Email) -> StoreResult<Vec<Invitation>> {
        venues::invitations_for(self, email).await
    }
    async fn accept_invitation(&self, id: Uuid, user: &User, now: i64) -> StoreResult<StaffMember> {
        venues::accept_invitation(self, id, user, now).await
    }
    async fn staff(&self, venue: Uuid, page: Page) -> StoreResult<Paged<StaffMember>> {
        venues::staff(self, venue, page).await
    }
    async fn create_space(&self, venue: Uuid, space: &SpaceDraft, now: i64) -> StoreResult<Space> {
        venues::create_space(self, venue, space, now).await
    }
    async fn update_space(&self, venue: Uuid, id: Uuid, space: &SpaceDraft, now: i64) -> StoreResult<Space> {
        venues::update_space(self, venue, id, space, now).await
    }
    async fn spaces(&self, venue: Uuid, page: Page) -> StoreResult<Paged<Space>> {
        venues::spaces(self, venue, page).await
    }
    async fn free_seats(&self, venue: Uuid, date: NaiveDate, window: (i64, i64), now: i64) -> StoreResult<u32> {
        bookings::free_seats(self, venue, date, window, now).await
    }

    async fn profile(&self, user: Uuid) -> StoreResult<Option<Profile>> {
        accounts::profile(&self.reader, user).await
    }
    async fn put_profile(&self, user: Uuid, profile: &ProfileDraft, now: i64) -> StoreResult<Profile> {
        accounts::put_profile(self, user, profile, now).await
    }

    async fn book(&self, booking: NewBooking) -> StoreResult<Booking> {
        bookings::book(self, booking).await
    }
    async fn booking(&self, id: Uuid) -> StoreResult<Option<Booking>> {
        bookings::booking(&self.reader, id).await
    }
    async fn cancel_booking(&self, id: Uuid, now: i64) -> StoreResult<Booking> {
        bookings::cancel(self, id, now).await
    }
    async fn bookings_of(&self, user: Uuid, when: BookingsWhen, now: i64, page: Page) -> StoreResult<Paged<Booking>> {
        bookings::bookings_of(self, user, when, now, page).await
    }
    async fn venue_day(&self, venue: Uuid, date: NaiveDate, page: Page) -> StoreResult<Paged<DayBooking>> {
        bookings::venue_day(self, venue, date, page).await
    }
    async fn check_in(&self, check_in: CheckIn) -> StoreResult<CheckedIn> {
        bookings::check_in(self, check_in).await
    }
    async fn check_out(&self, venue: Uuid, user: Uuid, now: i64) -> StoreResult<Booking> {
        bookings::check_out(self, venue, user, now).await
    }
    async fn release_no_shows(&self, now: i64) -> StoreResult<u64> {
        bookings::release_no_shows(self, now).await
    }
    async fn check_out_at_closing(&self, now: i64) -> StoreResult<u64> {
        bookings::check_out_at_closing(self, now).await
    }
    async fn present(&self, venue: Uuid, now: i64) -> StoreResult<Vec<PresentPerson>> {
        bookings::present(self, venue, now).await
    }
    async fn checked_in_at(&self, user: Uuid, now: i64) -> StoreResult<Option<Uuid>> {
        let mut conn = self.reader.acquire().await.map_err(db)?;
        bookings::checked_in_at(&mut conn, user, now).await
    }

    async fn post_question(&self, question: NewQuestion) -> StoreResult<Question> {
        questions::post(self, question).await
    }
    async fn question(&self, id: Uuid) -> StoreResult<Option<Question>> {
        questions::question(&self.reader, id).await
    }
    async fn open_questions(&self, venue: Uuid, page: Page) -> StoreResult<Paged<Question>> {
        questions::open(self, venue, page).await
    }
    async fn mark_answered(&self, id: Uuid, now: i64) -> StoreResult<Question> {
        questions::mark_answered(self, id, now).await
    }

    async fn suggest_intros(&self, new: Vec<NewIntro>, cool_down_since: i64, now: i64) -> StoreResult<Vec<Intro>> {
        intros::suggest(self, new, cool_down_since, now).await
    }
    async fn intro(&self, id: Uuid) -> StoreResult<Option<Intro>> {
        intros::get(self, id).await
    }
    async fn step_intro(&self, id: Uuid, user: Uuid, step: IntroStep, now: i64) -> StoreResult<Intro> {
        intros::step(self, id, user, step, now).await
    }
    async fn venue_intros(&self, venue: Uuid, since: i64, limit: u32) -> StoreResult<Vec<Intro>> {
        intros::at_venue(self, venue, since, limit).await
    }
    async fn intros_of(&self, user: Uuid, page: Page) -> StoreResult<Paged<Intro>> {
        intros::of(self, user, page).await
    }
    async fn settled_pairs(&self, people: &[Uuid], since: i64) -> StoreResult<Vec<SettledPair>> {
        intros::settled(self, people, since).await
    }
    async fn helped_counts(&self, people: &[Uuid]) -> StoreResult<Vec<u32>> {
        intros::helped(self, people).await
    }
    async fn open_public_profiles(&self, limit: u32) -> StoreResult<Vec<Profile>> {
        intros::open_public_profiles(self, limit).await
    }

    async fn create_screen_token(
        &self,
        venue: Uuid,
        kind: ScreenKind,
        name: &str,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<ScreenToken> {
        screens::create(self, venue, kind, name, token_hash, now).await
    }
    async fn screen_tokens(&self, venue: Uuid, page: Page) -> StoreResult<Paged<ScreenToken>> {
        screens::list(self, venue, page).await
    }
    async fn revoke_screen_token(&self, venue: Uuid, id: Uuid, now: i64) -> StoreResult<ScreenToken> {
        screens::revoke(self, venue, id, now).await
    }
    async fn screen_token(&self, token_hash: &str) -> StoreResult<Option<(Uuid, ScreenKind)>> {
        screens::opens(self, token_hash).await
    }

    async fn create_login_link(
        &self,
        user: Uuid,
        purpose: LinkPurpose,
        token_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        links::create(self, user, purpose, token_hash, now, expires_at).await
    }

    async fn use_login_link(&self, token_hash: &str, purpose: LinkPurpose, now: i64) -> StoreResult<Option<User>> {
        links::use_link(self, token_hash, purpose, now).await
    }

    async fn reset_password(&self, token_hash: &str, password_hash: &str, now: i64) -> StoreResult<Option<User>> {
        links::reset_password(self, token_hash, password_hash, now).await
    }

    async fn attempts(&self, key: &str) -> StoreResult<Option<(u32, i64)>> {
        links::attempts(self, key).await
    }

    async fn count_attempt(&self, key: &str, now: i64, window: i64) -> StoreResult<(u32, i64)> {
        links::count_attempt(self, key, now, window).await
    }

    async fn clear_attempts(&self, key: &str) -> StoreResult<()> {
        links::clear_attempts(self, key).await
    }

    async fn forget_attempts(&self, before: i64) -> StoreResult<u64> {
        links::forget_attempts(self, before).await
    }

    async fn staffed_venues(&self, user: Uuid) -> StoreResult<Vec<(Venue, StaffRole)>> {
        venues::staffed_venues(self, user).await
    }

    async fn events_after(&self, after: u64, limit: u32) -> StoreResult<Vec<thirdspace_store::outbox::StoredEvent>> {
        outbox::after(self, after, limit).await
    }
    async fn last_event_id(&self) -> StoreResult<u64> {
        outbox::last_id(self).await
    }
    async fn forget_events(&self, before: i64) -> StoreResult<u64> {
        outbox::forget(self, before).await
    }
    async fn events_written(&self) {
        self.written.notified().await;
    }
}
