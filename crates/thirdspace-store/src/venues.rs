//! Venues, their staff and their spaces.

use async_trait::async_trait;
use thirdspace_domain::email::Email;
use thirdspace_domain::space::SpaceDraft;
use thirdspace_domain::venue::VenueDraft;
use uuid::Uuid;

use crate::{
    Begin, Invitation, MailDone, NewResident, Page, Paged, ResidentEntry, ResidentMail, Space, StaffMember, StaffRole,
    StoreResult, User, Venue,
};

/// What is read of venues.
#[async_trait]
pub trait Venues: Begin {
    async fn venue(&self, id: Uuid) -> StoreResult<Option<Venue>>;
    async fn checkin_secret(&self, venue: Uuid) -> StoreResult<Option<Vec<u8>>>;
    /// Venues, by name, in a city (by [`thirdspace_domain::venue::city_key`]) or everywhere.
    async fn venues(&self, city_key: Option<&str>, page: Page) -> StoreResult<Paged<Venue>>;
    async fn role(&self, venue: Uuid, user: Uuid) -> StoreResult<Option<StaffRole>>;
    async fn invitations_for(&self, email: &Email) -> StoreResult<Vec<Invitation>>;
    async fn staff(&self, venue: Uuid, page: Page) -> StoreResult<Paged<StaffMember>>;
    async fn spaces(&self, venue: Uuid, page: Page) -> StoreResult<Paged<Space>>;
    /// The venues where `user` is owner or staff, by name.
    async fn staffed_venues(&self, user: Uuid) -> StoreResult<Vec<(Venue, StaffRole)>>;
    /// The addresses and domains a venue lists as its residents, oldest first.
    async fn residents(&self, venue: Uuid) -> StoreResult<Vec<ResidentEntry>>;
    /// The tags every venue that lists `email` by address gave it, oldest listing first (a tag
    /// given twice appears twice).
    async fn resident_tags(&self, email: &Email) -> StoreResult<Vec<String>>;
    /// Claims up to `limit` residents' e-mails due at `now` that nobody holds, for this instance
    /// until `until`, soonest due first; each try is counted.
    async fn claim_resident_mails(&self, now: i64, until: i64, limit: u32) -> StoreResult<Vec<ResidentMail>>;
    /// Records how a claimed resident's e-mail's try ended (`Skipped` counts as sent: nothing
    /// more to do).
    async fn finish_resident_mail(&self, id: Uuid, done: MailDone, now: i64) -> StoreResult<()>;

    /// [`VenuesWork::add_resident`] in a unit of work of its own.
    async fn add_resident(
        &self,
        venue: Uuid,
        resident: &NewResident,
        by: Uuid,
        now: i64,
    ) -> StoreResult<ResidentEntry> {
        let mut work = self.begin().await?;
        let done = work.add_resident(venue, resident, by, now).await;
        work.end(done).await
    }
    /// [`VenuesWork::remove_resident`] in a unit of work of its own.
    async fn remove_resident(&self, venue: Uuid, id: Uuid) -> StoreResult<()> {
        let mut work = self.begin().await?;
        let done = work.remove_resident(venue, id).await;
        work.end(done).await
    }

    /// [`VenuesWork::create_venue`] in a unit of work of its own.
    async fn create_venue(
        &self,
        owner: Uuid,
        venue: &VenueDraft,
        spaces: &[SpaceDraft],
        checkin_secret: &[u8],
        now: i64,
    ) -> StoreResult<Venue> {
        let mut work = self.begin().await?;
        let done = work.create_venue(owner, venue, spaces, checkin_secret, now).await;
        work.end(done).await
    }
    /// [`VenuesWork::update_venue`] in a unit of work of its own.
    async fn update_venue(&self, id: Uuid, venue: &VenueDraft, now: i64) -> StoreResult<Venue> {
        let mut work = self.begin().await?;
        let done = work.update_venue(id, venue, now).await;
        work.end(done).await
    }
    /// [`VenuesWork::invite_staff`] in a unit of work of its own.
    async fn invite_staff(&self, venue: Uuid, email: &Email, invited_by: Uuid, now: i64) -> StoreResult<Invitation> {
        let mut work = self.begin().await?;
        let done = work.invite_staff(venue, email, invited_by, now).await;
        work.end(done).await
    }
    /// [`VenuesWork::accept_invitation`] in a unit of work of its own.
    async fn accept_invitation(&self, id: Uuid, user: &User, now: i64) -> StoreResult<StaffMember> {
        let mut work = self.begin().await?;
        let done = work.accept_invitation(id, user, now).await;
        work.end(done).await
    }
    /// [`VenuesWork::create_space`] in a unit of work of its own.
    async fn create_space(&self, venue: Uuid, space: &SpaceDraft, now: i64) -> StoreResult<Space> {
        let mut work = self.begin().await?;
        let done = work.create_space(venue, space, now).await;
        work.end(done).await
    }
    /// [`VenuesWork::update_space`] in a unit of work of its own.
    async fn update_space(&self, venue: Uuid, id: Uuid, space: &SpaceDraft, now: i64) -> StoreResult<Space> {
        let mut work = self.begin().await?;
        let done = work.update_space(venue, id, space, now).await;
        work.end(done).await
    }
}

/// What is written of venues, inside a unit of work.
#[async_trait]
pub trait VenuesWork: Send {
    /// Lists an address or a domain among the venue's residents, with what the host knows of
    /// them; listed already is a conflict. A person listed by address has their e-mail queued,
    /// due at `now`.
    async fn add_resident(
        &mut self,
        venue: Uuid,
        resident: &NewResident,
        by: Uuid,
        now: i64,
    ) -> StoreResult<ResidentEntry>;
    /// Takes an entry off the venue's residents; one of another venue is not found.
    async fn remove_resident(&mut self, venue: Uuid, id: Uuid) -> StoreResult<()>;
    /// Opens a venue owned by `owner`, with its first `spaces`.
    async fn create_venue(
        &mut self,
        owner: Uuid,
        venue: &VenueDraft,
        spaces: &[SpaceDraft],
        checkin_secret: &[u8],
        now: i64,
    ) -> StoreResult<Venue>;
    async fn update_venue(&mut self, id: Uuid, venue: &VenueDraft, now: i64) -> StoreResult<Venue>;
    async fn invite_staff(&mut self, venue: Uuid, email: &Email, invited_by: Uuid, now: i64)
        -> StoreResult<Invitation>;
    /// Joins the venue's staff: only for a person who proved they hold the invited address
    /// (`InvitationNotForYou` for another address, `EmailNotVerified` before they proved it).
    async fn accept_invitation(&mut self, id: Uuid, user: &User, now: i64) -> StoreResult<StaffMember>;
    async fn create_space(&mut self, venue: Uuid, space: &SpaceDraft, now: i64) -> StoreResult<Space>;
    async fn update_space(&mut self, venue: Uuid, id: Uuid, space: &SpaceDraft, now: i64) -> StoreResult<Space>;
}
