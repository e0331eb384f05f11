//! thirdspace's store on PostgreSQL.
//!
//! Transactions run at PostgreSQL's default READ COMMITTED level, where each statement sees what
//! was committed before it began. What SQLite gets from its single writer, this backend gets from
//! row locks taken before reading: anything that may add to the seats a person holds (a booking,
//! a check-in) first locks that person's `users` row, then the spaces the seat may be in, in
//! their creation order, and only then reads the bookings it checks. No two transactions can both
//! see the last seat free or both miss each other's overlapping booking, whether they run in one
//! process or several. Locks are `FOR NO KEY UPDATE`, which foreign-key checks never wait on;
//! the sweeps (no-shows, closing) skip rows another transaction holds and never wait, so the lock
//! order (person, then spaces, then bookings) has no cycle.

pub mod cluster;

mod accounts;
mod bookings;
mod intros;
mod links;
mod outbox;
mod paging;
mod questions;
mod rows;
mod screens;
mod venues;

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{Connection, Postgres, Transaction};
use thirdspace_domain::email::Email;
use thirdspace_domain::profile::ProfileDraft;
use thirdspace_domain::space::SpaceDraft;
use thirdspace_domain::venue::VenueDraft;
use thirdspace_store::*;
use tokio::sync::Notify;
use uuid::Uuid;

/// How the store connects; TLS follows the URL's `sslmode`.
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// The most connections the pool opens.
    pub max_connections: u32,
    /// How long one statement may run before the server cancels it; zero means no limit.
    pub statement_timeout: Duration,
    /// How long a request waits for a connection (a new one included) before it is refused as
    /// unavailable: an outage is answered at once instead of after a long wait.
    pub acquire_timeout: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            statement_timeout: Duration::from_secs(30),
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

/// Whether `url` names a PostgreSQL database (`postgres://…` or `postgresql://…`).
pub fn is_url(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

/// The schema's migrations, in order (`migrations/`, the same versions as SQLite's).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The store on one PostgreSQL database.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    /// Woken when any instance commits events (once [`PgStore::listen`] runs).
    written: Arc<Notify>,
    listening: Arc<Mutex<Option<tokio::task::JoinHandle<()>>>>,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://…`) and brings its schema up to date.
    pub async fn open(url: &str, options: PgOptions) -> Result<Self, StoreError> {
        let timeout = options.statement_timeout.as_millis().to_string();
        let connect = PgConnectOptions::from_str(url)
            .map_err(StoreError::backend)?
            .application_name("thirdspace")
            .options([("statement_timeout", timeout)]);
        // One connection first: when the server is unreachable or refuses the password, the pool
        // would only report a time-out after half a minute.
        let first = options.acquire_timeout.max(Duration::from_secs(10));
        tokio::time::timeout(first, PgConnection::connect_with(&connect))
            .await
            .map_err(|_| {
                StoreError::unavailable(Outage::Unreachable, std::io::Error::from(std::io::ErrorKind::TimedOut))
            })?
            .map_err(StoreError::backend)?
            .close()
            .await
            .map_err(db)?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await
            .map_err(StoreError::backend)?;
        MIGRATOR.run(&pool).await.map_err(StoreError::backend)?;
        Ok(Self { pool, written: Arc::new(Notify::new()), listening: Arc::default() })
    }

    /// Starts a transaction at the server's default isolation (READ COMMITTED); end it with
    /// [`finish`].
    async fn write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool.begin().await.map_err(db)
    }

    /// Listens for the events every instance on this database commits, so that
    /// [`Store::events_written`] wakes at once rather than only when its reader looks anyway.
    pub async fn listen(&self) -> Result<(), StoreError> {
        let task = outbox::listen(self.pool.clone(), self.written.clone()).await?;
        let earlier = self.listening.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).replace(task);
        if let Some(earlier) = earlier {
            earlier.abort();
        }
        Ok(())
    }

    /// Closes the pool's connections, and stops listening.
    pub async fn close(&self) {
        if let Some(task) = self.listening.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take() {
            task.abort();
        }
        self.pool.close().await;
    }
}

/// Maps a database error; the cause is kept for the log.
fn db(err: sqlx::Error) -> StoreError {
    let state = match &err {
        sqlx::Error::Database(e) => e.code().map(|c| c.into_owned()),
        _ => None,
    };
    match (&err, state.as_deref()) {
        // disk_full, out_of_memory, and the rest of "insufficient resources" (class 53).
        (_, Some("53100")) => StoreError::unavailable(Outage::Full, err),
        // Connection exceptions (class 08), the server shutting down or starting (57P0x), too
        // many connections (53300).
        (_, Some(code)) if code.starts_with("08") || code.starts_with("57P0") || code.starts_with("53") => {
            StoreError::unavailable(Outage::Unreachable, err)
        }
        (sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_), _) => {
            StoreError::unavailable(Outage::Unreachable, err)
        }
        _ => StoreError::backend(err),
    }
}

/// Commits a transaction whose work succeeded and rolls back, before returning, one whose work
/// failed: a transaction merely dropped rolls back (and lets go of its locks) only once its
/// connection is used again.
async fn finish<T>(tx: Transaction<'static, Postgres>, outcome: StoreResult<T>) -> StoreResult<T> {
    match outcome {
        Ok(value) => tx.commit().await.map(|()| value).map_err(db),
        Err(err) => {
            // A rollback that fails leaves a broken connection, which the pool discards; the
            // work's error is the one to report.
            tx.rollback().await.ok();
            Err(err)
        }
    }
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// A count for an `INTEGER` column, which PostgreSQL keeps signed.
fn to_i32(n: u32) -> StoreResult<i32> {
    i32::try_from(n).map_err(StoreError::backend)
}

#[async_trait]
impl Store for PgStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db)?;
        Ok(())
    }

    async fn close(&self) {
        PgStore::close(self).await;
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
        venues::venue(self, id).await
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
        accounts::profile(self, user).await
    }
    async fn put_profile(&self, user: Uuid, profile: &ProfileDraft, now: i64) -> StoreResult<Profile> {
        accounts::put_profile(self, user, profile, now).await
    }

    async fn book(&self, booking: NewBooking) -> StoreResult<Booking> {
        bookings::book(self, booking).await
    }
    async fn booking(&self, id: Uuid) -> StoreResult<Option<Booking>> {
        bookings::booking(self, id).await
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
        let mut conn = self.pool.acquire().await.map_err(db)?;
        bookings::checked_in_at(&mut conn, user, now).await
    }

    async fn post_question(&self, question: NewQuestion) -> StoreResult<Question> {
        questions::post(self, question).await
    }
    async fn question(&self, id: Uuid) -> StoreResult<Option<Question>> {
        questions::question(self, id).await
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::TestCluster;

    #[test]
    fn the_pool_follows_its_options() {
        let Some(cluster) = TestCluster::shared() else { return };
        thirdspace_store_tests::block_on(async {
            let url = cluster.create_database().await.unwrap();
            let options = PgOptions {
                max_connections: 3,
                statement_timeout: Duration::from_millis(250),
                acquire_timeout: Duration::from_secs(3),
            };
            let store = PgStore::open(&url, options).await.unwrap();
            assert_eq!(store.pool.options().get_max_connections(), 3);
            let timeout: String = sqlx::query_scalar("SHOW statement_timeout").fetch_one(&store.pool).await.unwrap();
            assert_eq!(timeout, "250ms");
            let slow = sqlx::query("SELECT pg_sleep(2)").execute(&store.pool).await;
            assert!(matches!(&slow, Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("57014")), "{slow:?}");
            // A database already migrated opens as it is.
            let again = PgStore::open(&url, PgOptions::default()).await.unwrap();
            again.ping().await.unwrap();
            again.close().await;
            store.close().await;
            cluster.drop_database(&url).await.unwrap();
        });
    }

    #[test]
    fn tls_follows_the_urls_sslmode() {
        let Some(cluster) = TestCluster::shared() else { return };
        thirdspace_store_tests::block_on(async {
            let url = cluster.create_database().await.unwrap();
            let required = PgStore::open(&format!("{url}?sslmode=require"), PgOptions::default()).await;
            let Err(StoreError::Backend(err)) = required else { panic!("sslmode=require went on without TLS") };
            let tls = err.downcast_ref::<sqlx::Error>();
            assert!(
                matches!(tls, Some(sqlx::Error::Tls(why)) if why.to_string() == "server does not support TLS"),
                "{err}"
            );
            let store = PgStore::open(&format!("{url}?sslmode=prefer"), PgOptions::default()).await.unwrap();
            store.close().await;
            cluster.drop_database(&url).await.unwrap();
        });
    }
}
