//! Files a host imports, previewed then confirmed: the same file is read and checked both times
//! (nothing is kept between them), a preview writes nothing, and a confirmed file is written all
//! or nothing in one unit of work.

use rand::RngCore;
use thirdspace_domain::import::{self, MemberRow, RowError, VenueRow};
use thirdspace_domain::resident::{self, Resident};
use thirdspace_store::{NewResident, User, Venue};
use uuid::Uuid;

use super::access::venue_for_staff;
use super::{AppError, AppResult};
use crate::AppState;

/// What becomes of one member of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberStatus {
    /// Listed as a resident, with the file's name and tags, and told by e-mail once confirmed.
    New,
    /// Already among the venue's residents (by address or domain): left as is.
    AlreadyMember,
}

/// One member of the file, as the import reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberLine {
    pub row: MemberRow,
    pub status: MemberStatus,
}

/// A members' file read against a venue: every good row with what becomes of it, every error,
/// and whether it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembersImport {
    pub venue_id: Uuid,
    pub members: Vec<MemberLine>,
    pub errors: Vec<RowError>,
    pub written: bool,
}

impl MembersImport {
    /// How many members the file lists anew.
    pub fn new_members(&self) -> usize {
        self.members.iter().filter(|m| m.status == MemberStatus::New).count()
    }
}

/// Reads a members' file for venue `id` (its staff, who list its residents). A preview
/// (`confirm` false) answers with every row and error and writes nothing; a confirmed file with
/// any error is refused whole ([`AppError::Rows`]), and otherwise lists each new member as a
/// resident in one unit of work, with the file's name and tags, each resident's e-mail queued in
/// it (sent by the postman, greeted by that name).
pub async fn members(state: &AppState, actor: &User, id: Uuid, file: &[u8], confirm: bool) -> AppResult<MembersImport> {
    let (venue, _) = venue_for_staff(state, id, actor).await?;
    let parsed = import::members(file);
    let listed: Vec<Resident> = state.store.residents(venue.id).await?.into_iter().map(|e| e.resident).collect();
    let members: Vec<MemberLine> = parsed
        .rows
        .into_iter()
        .map(|row| {
            let status = if resident::is_resident(&row.email, &listed) {
                MemberStatus::AlreadyMember
            } else {
                MemberStatus::New
            };
            MemberLine { row, status }
        })
        .collect();
    let mut outcome = MembersImport { venue_id: venue.id, members, errors: parsed.errors, written: false };
    if !confirm {
        return Ok(outcome);
    }
    if !outcome.errors.is_empty() {
        return Err(AppError::Rows(outcome.errors));
    }
    let now = state.clock.now();
    let fresh: Vec<&MemberLine> = outcome.members.iter().filter(|m| m.status == MemberStatus::New).collect();
    let mut work = state.store.begin().await?;
    let mut done = Ok(());
    for member in &fresh {
        let new = NewResident {
            resident: Resident::Email(member.row.email.clone()),
            name: member.row.name.clone(),
            tags: member.row.tags.clone(),
        };
        if let Err(e) = work.add_resident(venue.id, &new, actor.id, now).await {
            done = Err(e);
            break;
        }
    }
    work.end(done).await?;
    outcome.written = true;
    Ok(outcome)
}

/// A venues' file read: every good row, every error, and the venues made once it is written.
#[derive(Debug, Clone)]
pub struct VenuesImport {
    pub venues: Vec<VenueRow>,
    pub errors: Vec<RowError>,
    /// The venues created, in the file's order (none for a preview).
    pub created: Vec<Venue>,
    pub written: bool,
}

/// Reads a venues' file (a network admin's). A preview (`confirm` false) answers every row and
/// error and writes nothing; a confirmed file with any error is refused whole
/// ([`AppError::Rows`]), and otherwise every venue is created in one unit of work, each as
/// `POST /api/v1/venues` would (the admin its owner, its own check-in secret).
pub async fn venues(state: &AppState, actor: &User, file: &[u8], confirm: bool) -> AppResult<VenuesImport> {
    if !actor.is_admin {
        return Err(AppError::Forbidden("only the network's admins import venues"));
    }
    let parsed = import::venues(file);
    let mut outcome = VenuesImport { venues: parsed.rows, errors: parsed.errors, created: Vec::new(), written: false };
    if !confirm {
        return Ok(outcome);
    }
    if !outcome.errors.is_empty() {
        return Err(AppError::Rows(outcome.errors));
    }
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let mut done = Ok(());
    for row in &outcome.venues {
        let mut secret = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut secret);
        match work.create_venue(actor.id, &row.draft, &[], &secret, now).await {
            Ok(venue) => outcome.created.push(venue),
            Err(e) => {
                done = Err(e);
                break;
            }
        }
    }
    work.end(done).await?;
    outcome.written = true;
    Ok(outcome)
}
