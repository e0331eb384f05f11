//! Venues, their staff and their spaces.

use async_trait::async_trait;
use thirdspace_domain::email::Email;
use thirdspace_domain::resident::Resident;
use thirdspace_domain::space::SpaceDraft;
use thirdspace_domain::venue::{city_key, VenueDraft};
use thirdspace_store::*;
use uuid::Uuid;

use crate::mails::{claim, finish, Queue};
use crate::paging::paged;
use crate::rows::{self, VENUE_COLUMNS};
use crate::{args, json, Backend, Columns, Sql, SqlStore, SqlWork, Transaction, Value};

/// What a host describes of a venue, in the column order both writes list first.
fn description(v: &VenueDraft) -> StoreResult<Vec<Value>> {
    Ok(vec![
        (&v.name).into(),
        v.kind.as_str().into(),
        (&v.address).into(),
        (&v.city).into(),
        city_key(&v.city).as_str().into(),
        (&v.country).into(),
        v.coordinates.map(|c| c.latitude).into(),
        v.coordinates.map(|c| c.longitude).into(),
        v.time_zone.name().into(),
        json(&v.opening_hours)?,
        json(&v.closures)?,
        json(&v.amenities)?,
        (&v.house_rules).into(),
        v.no_show_grace_minutes.into(),
        v.day_pass.as_ref().map(|p| i64::from(p.price_minor)).into(),
        v.day_pass.as_ref().map(|p| p.currency.as_str()).into(),
        v.requires_approval.into(),
        v.welcomes_gatherings.into(),
    ])
}

async fn fetch_venue<C: Sql>(c: &mut C, id: Uuid) -> StoreResult<Option<Venue>> {
    let sql = format!("SELECT {VENUE_COLUMNS} FROM venues WHERE id = $1");
    c.fetch_optional(&sql, args![id]).await?.map(|r| rows::venue(&r)).transpose()
}

/// Locks a venue's row: changes to its staff take this lock first, one at a time per venue.
async fn lock_venue<C: Sql>(c: &mut C, venue: Uuid) -> StoreResult<()> {
    let lock = c.dialect().lock();
    if !lock.is_empty() {
        c.execute(&format!("SELECT 1 FROM venues WHERE id = $1{lock}"), args![venue]).await?;
    }
    Ok(())
}

const INVITATION_SELECT: &str = "SELECT i.id, i.venue_id, v.name AS venue_name, i.email, i.created_at \
     FROM staff_invitations i JOIN venues v ON v.id = i.venue_id";

const STAFF_COLUMNS: &str = "s.user_id, p.display_name, u.email, s.role, s.since";
const STAFF_FROM_VENUE: &str = "venue_staff s JOIN users u ON u.id = s.user_id \
     JOIN profiles p ON p.user_id = s.user_id WHERE s.venue_id = $1";

async fn insert_space<C: Sql>(c: &mut C, venue: Uuid, s: &SpaceDraft, now: i64) -> StoreResult<Space> {
    let id = Uuid::now_v7();
    let sql = "INSERT INTO spaces (id, venue_id, name, kind, capacity, social_capital_seats, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    let args = args![id, venue, &s.name, s.kind.as_str(), s.capacity, s.social_capital_seats, now, now];
    c.execute(sql, args).await?;
    Ok(space_record(id, venue, s))
}

/// The stored space, as written from a draft.
fn space_record(id: Uuid, venue: Uuid, s: &SpaceDraft) -> Space {
    Space {
        id,
        venue_id: venue,
        name: s.name.clone(),
        kind: s.kind,
        capacity: s.capacity,
        social_capital_seats: s.social_capital_seats,
    }
}

#[async_trait]
impl<B: Backend> Venues for SqlStore<B> {
    async fn venue(&self, id: Uuid) -> StoreResult<Option<Venue>> {
        fetch_venue(&mut self.read().await?, id).await
    }

    async fn checkin_secret(&self, venue: Uuid) -> StoreResult<Option<Vec<u8>>> {
        let sql = "SELECT checkin_secret FROM venues WHERE id = $1";
        match self.read().await?.fetch_optional(sql, args![venue]).await? {
            Some(r) => r.opt_bytes("checkin_secret"),
            None => Ok(None),
        }
    }

    async fn venues(&self, city: Option<&str>, page: Page) -> StoreResult<Paged<Venue>> {
        let (from, args) = match city {
            Some(city) => ("venues WHERE city_key = $1", vec![Value::from(city)]),
            None => ("venues", Vec::new()),
        };
        paged(&mut self.read().await?, VENUE_COLUMNS, from, "name, id", &args, page, rows::venue).await
    }

    async fn role(&self, venue: Uuid, user: Uuid) -> StoreResult<Option<StaffRole>> {
        let sql = "SELECT role FROM venue_staff WHERE venue_id = $1 AND user_id = $2";
        let row = self.read().await?.fetch_optional(sql, args![venue, user]).await?;
        Ok(row.map(|r| rows::staff_role(&r)).transpose()?)
    }

    async fn invitations_for(&self, email: &Email) -> StoreResult<Vec<Invitation>> {
        let sql =
            format!("{INVITATION_SELECT} WHERE i.email = $1 AND i.accepted_at IS NULL ORDER BY i.created_at LIMIT 100");
        let rows = self.read().await?.fetch_all(&sql, args![email.as_str()]).await?;
        rows.iter().map(rows::invitation).collect()
    }

    async fn staff(&self, venue: Uuid, page: Page) -> StoreResult<Paged<StaffMember>> {
        let order = "s.since, s.user_id";
        paged(&mut self.read().await?, STAFF_COLUMNS, STAFF_FROM_VENUE, order, args![venue], page, rows::staff_member)
            .await
    }

    async fn spaces(&self, venue: Uuid, page: Page) -> StoreResult<Paged<Space>> {
        let from = "spaces WHERE venue_id = $1";
        paged(&mut self.read().await?, "*", from, "created_at, id", args![venue], page, rows::space).await
    }

    async fn staffed_venues(&self, user: Uuid) -> StoreResult<Vec<(Venue, StaffRole)>> {
        let sql = format!(
            "SELECT {VENUE_COLUMNS}, (SELECT role FROM venue_staff s WHERE s.venue_id = venues.id AND s.user_id = $1) \
             AS role FROM venues WHERE id IN (SELECT venue_id FROM venue_staff WHERE user_id = $1) ORDER BY name, id"
        );
        let rows = self.read().await?.fetch_all(&sql, args![user]).await?;
        rows.iter().map(|r| Ok((rows::venue(r)?, rows::staff_role(r)?))).collect()
    }

    async fn residents(&self, venue: Uuid) -> StoreResult<Vec<ResidentEntry>> {
        let sql = format!("SELECT {RESIDENT_COLUMNS} FROM venue_residents WHERE venue_id = $1 ORDER BY created_at, id");
        let rows = self.read().await?.fetch_all(&sql, args![venue]).await?;
        rows.iter().map(resident_entry).collect()
    }

    async fn resident_tags(&self, email: &Email) -> StoreResult<Vec<String>> {
        let sql = "SELECT tags FROM venue_residents WHERE email = $1 ORDER BY created_at, id";
        let rows = self.read().await?.fetch_all(sql, args![email.as_str()]).await?;
        let lists = rows.iter().map(|r| r.json::<Vec<String>>("tags")).collect::<StoreResult<Vec<_>>>()?;
        Ok(lists.into_iter().flatten().collect())
    }

    async fn claim_resident_mails(&self, now: i64, until: i64, limit: u32) -> StoreResult<Vec<ResidentMail>> {
        let returning = "id, venue_id, email, name, added_by, tell_attempts";
        let read = |r: &<B::Tx as Sql>::Row| {
            Ok(ResidentMail {
                id: r.uuid("id")?,
                venue_id: r.uuid("venue_id")?,
                email: r.opt_text("email")?.unwrap_or_default(),
                name: r.opt_text("name")?,
                added_by: r.opt_uuid("added_by")?,
                attempts: r.unsigned("tell_attempts")?,
            })
        };
        let mut mails = claim(self, &RESIDENTS_TOLD, returning, (now, until, limit), read).await?;
        mails.sort_by_key(|m| m.id);
        Ok(mails)
    }

    async fn finish_resident_mail(&self, id: Uuid, done: MailDone, now: i64) -> StoreResult<()> {
        let done = if done == MailDone::Skipped { MailDone::Sent } else { done };
        finish(self, &RESIDENTS_TOLD, id, done, now).await
    }
}

/// Residents listed by address, as e-mails to send.
const RESIDENTS_TOLD: Queue = Queue {
    table: "venue_residents",
    due: "tell_due_at",
    claimed: "tell_claimed_until",
    attempts: "tell_attempts",
    done: "told_at",
    outcome: "told_outcome",
};

const RESIDENT_COLUMNS: &str =
    "id, venue_id, email, domain, name, tags, tell_due_at, told_at, told_outcome, created_at";

fn resident_entry(r: &impl Columns) -> StoreResult<ResidentEntry> {
    let resident = match (r.opt_text("email")?, r.opt_text("domain")?) {
        (Some(email), _) => Resident::Email(Email::parse(&email).map_err(|e| crate::undecodable("email", e))?),
        (None, Some(domain)) => Resident::Domain(domain),
        (None, None) => return Err(crate::undecodable("email", "neither an address nor a domain")),
    };
    let told = match (r.opt_int("tell_due_at")?, r.opt_int("told_at")?, r.opt_text("told_outcome")?.as_deref()) {
        (None, _, _) => None,
        (Some(_), None, _) => Some(Told::Waiting),
        (Some(_), Some(at), Some("failed")) => Some(Told::Failed(at)),
        (Some(_), Some(at), _) => Some(Told::Sent(at)),
    };
    Ok(ResidentEntry {
        id: r.uuid("id")?,
        venue_id: r.uuid("venue_id")?,
        resident,
        name: r.opt_text("name")?,
        tags: r.json("tags")?,
        told,
        created_at: r.int("created_at")?,
    })
}

#[async_trait]
impl<T: Transaction> VenuesWork for SqlWork<T> {
    async fn add_resident(&mut self, venue: Uuid, new: &NewResident, by: Uuid, now: i64) -> StoreResult<ResidentEntry> {
        let id = Uuid::now_v7();
        let (email, domain, due) = match &new.resident {
            Resident::Email(email) => (Some(email.as_str()), None, Some(now)),
            Resident::Domain(domain) => (None, Some(domain.as_str()), None),
        };
        let sql = "INSERT INTO venue_residents (id, venue_id, email, domain, added_by, created_at, name, tags, \
                   tell_due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        let args = [
            id.into(),
            venue.into(),
            email.into(),
            domain.into(),
            by.into(),
            now.into(),
            (&new.name).into(),
            json(&new.tags)?,
            due.into(),
        ];
        if self.tx.insert(sql, &args).await?.is_none() {
            return Err(VenueConflict::AlreadyResident.into());
        }
        Ok(ResidentEntry {
            id,
            venue_id: venue,
            resident: new.resident.clone(),
            name: new.name.clone(),
            tags: new.tags.clone(),
            told: due.map(|_| Told::Waiting),
            created_at: now,
        })
    }

    async fn remove_resident(&mut self, venue: Uuid, id: Uuid) -> StoreResult<()> {
        let sql = "DELETE FROM venue_residents WHERE venue_id = $1 AND id = $2";
        match self.tx.execute(sql, args![venue, id]).await? {
            0 => Err(StoreError::NotFound("resident")),
            _ => Ok(()),
        }
    }

    async fn create_venue(
        &mut self,
        owner: Uuid,
        v: &VenueDraft,
        spaces: &[SpaceDraft],
        secret: &[u8],
        now: i64,
    ) -> StoreResult<Venue> {
        let id = Uuid::now_v7();
        let sql = "INSERT INTO venues (name, kind, address, city, city_key, country, latitude, longitude, time_zone, \
                   opening_hours, closures, amenities, house_rules, no_show_grace_minutes, day_pass_price_minor, \
                   day_pass_currency, requires_approval, welcomes_gatherings, checkin_secret, created_at, updated_at, \
                   id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
                   $20, $21, $22)";
        let mut args = description(v)?;
        args.extend([secret.into(), now.into(), now.into(), id.into()]);
        self.tx.execute(sql, &args).await?;
        let owner_sql = "INSERT INTO venue_staff (venue_id, user_id, role, since) VALUES ($1, $2, 'owner', $3)";
        self.tx.execute(owner_sql, args![id, owner, now]).await?;
        for space in spaces {
            insert_space(&mut self.tx, id, space, now).await?;
        }
        fetch_venue(&mut self.tx, id).await?.ok_or(StoreError::NotFound("venue"))
    }

    async fn update_venue(&mut self, id: Uuid, v: &VenueDraft, now: i64) -> StoreResult<Venue> {
        let sql = "UPDATE venues SET name = $1, kind = $2, address = $3, city = $4, city_key = $5, country = $6, \
                   latitude = $7, longitude = $8, time_zone = $9, opening_hours = $10, closures = $11, \
                   amenities = $12, house_rules = $13, no_show_grace_minutes = $14, day_pass_price_minor = $15, \
                   day_pass_currency = $16, requires_approval = $17, welcomes_gatherings = $18, updated_at = $19 \
                   WHERE id = $20";
        let mut args = description(v)?;
        args.extend([now.into(), id.into()]);
        if self.tx.execute(sql, &args).await? == 0 {
            return Err(StoreError::NotFound("venue"));
        }
        fetch_venue(&mut self.tx, id).await?.ok_or(StoreError::NotFound("venue"))
    }

    async fn invite_staff(&mut self, venue: Uuid, email: &Email, by: Uuid, now: i64) -> StoreResult<Invitation> {
        lock_venue(&mut self.tx, venue).await?;
        let staff =
            "SELECT 1 FROM venue_staff s JOIN users u ON u.id = s.user_id WHERE s.venue_id = $1 AND u.email = $2";
        if self.tx.fetch_optional(staff, args![venue, email.as_str()]).await?.is_some() {
            return Err(VenueConflict::AlreadyStaff.into());
        }
        let id = Uuid::now_v7();
        let sql =
            "INSERT INTO staff_invitations (id, venue_id, email, invited_by, created_at) VALUES ($1, $2, $3, $4, $5)";
        if self.tx.insert(sql, args![id, venue, email.as_str(), by, now]).await?.is_none() {
            return Err(VenueConflict::InvitationPending.into());
        }
        let row = self.tx.fetch_optional(&format!("{INVITATION_SELECT} WHERE i.id = $1"), args![id]).await?;
        rows::invitation(&row.ok_or(StoreError::NotFound("invitation"))?)
    }

    async fn accept_invitation(&mut self, id: Uuid, user: &User, now: i64) -> StoreResult<StaffMember> {
        let tx = &mut self.tx;
        let row = tx.fetch_optional("SELECT venue_id FROM staff_invitations WHERE id = $1", args![id]).await?;
        let venue = row.ok_or(StoreError::NotFound("invitation"))?.uuid("venue_id")?;
        lock_venue(tx, venue).await?;
        let open = "SELECT email FROM staff_invitations WHERE id = $1 AND accepted_at IS NULL";
        let email =
            tx.fetch_optional(open, args![id]).await?.ok_or(StoreError::NotFound("invitation"))?.text("email")?;
        let holder = "SELECT email, email_verified_at FROM users WHERE id = $1";
        let holder = tx.fetch_optional(holder, args![user.id]).await?.ok_or(StoreError::NotFound("user"))?;
        if email != holder.text("email")? {
            return Err(VenueConflict::InvitationNotForYou.into());
        }
        if holder.opt_int("email_verified_at")?.is_none() {
            return Err(VenueConflict::EmailNotVerified.into());
        }
        tx.execute("UPDATE staff_invitations SET accepted_at = $1 WHERE id = $2", args![now, id]).await?;
        let join = "INSERT INTO venue_staff (venue_id, user_id, role, since) VALUES ($1, $2, 'staff', $3) \
                    ON CONFLICT DO NOTHING";
        tx.execute(join, args![venue, user.id, now]).await?;
        let member = format!("SELECT {STAFF_COLUMNS} FROM {STAFF_FROM_VENUE} AND s.user_id = $2");
        let row = tx.fetch_optional(&member, args![venue, user.id]).await?;
        rows::staff_member(&row.ok_or(StoreError::NotFound("staff member"))?)
    }

    async fn create_space(&mut self, venue: Uuid, s: &SpaceDraft, now: i64) -> StoreResult<Space> {
        if self.tx.fetch_optional("SELECT 1 FROM venues WHERE id = $1", args![venue]).await?.is_none() {
            return Err(StoreError::NotFound("venue"));
        }
        insert_space(&mut self.tx, venue, s, now).await
    }

    async fn update_space(&mut self, venue: Uuid, id: Uuid, s: &SpaceDraft, now: i64) -> StoreResult<Space> {
        let sql = "UPDATE spaces SET name = $1, kind = $2, capacity = $3, social_capital_seats = $4, updated_at = $5 \
                   WHERE id = $6 AND venue_id = $7";
        let args = args![&s.name, s.kind.as_str(), s.capacity, s.social_capital_seats, now, id, venue];
        if self.tx.execute(sql, args).await? == 0 {
            return Err(StoreError::NotFound("space"));
        }
        Ok(space_record(id, venue, s))
    }
}
