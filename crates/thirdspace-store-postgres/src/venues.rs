//! Venues, their staff and their spaces.

use sqlx::postgres::PgArguments;
use sqlx::types::Json;
use sqlx::{PgConnection, Postgres};
use thirdspace_domain::email::Email;
use thirdspace_domain::space::SpaceDraft;
use thirdspace_domain::venue::{city_key, VenueDraft};
use thirdspace_store::*;
use uuid::Uuid;

use crate::paging::{paged, Arg};
use crate::rows::{self, VENUE_COLUMNS};
use crate::{db, finish, is_unique_violation, to_i32, PgStore};

pub async fn create_venue(
    store: &PgStore,
    owner: Uuid,
    v: &VenueDraft,
    spaces: &[SpaceDraft],
    secret: &[u8],
    now: i64,
) -> StoreResult<Venue> {
    let mut tx = store.write().await?;
    let outcome = async {
        let id = Uuid::now_v7();
        bind_description(
            sqlx::query(
                "INSERT INTO venues (name, kind, address, city, city_key, country, latitude, longitude, time_zone, \
                 opening_hours, closures, amenities, house_rules, no_show_grace_minutes, \
                 checkin_secret, created_at, updated_at, id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
            ),
            v,
        )
        .bind(secret)
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        sqlx::query("INSERT INTO venue_staff (venue_id, user_id, role, since) VALUES ($1, $2, 'owner', $3)")
            .bind(id)
            .bind(owner)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        for space in spaces {
            insert_space(&mut tx, id, space, now).await?;
        }
        let venue = fetch_venue(&mut tx, id).await?.ok_or(StoreError::NotFound("venue"))?;
        Ok(venue)
    }
    .await;
    finish(tx, outcome).await
}

pub async fn update_venue(store: &PgStore, id: Uuid, v: &VenueDraft, now: i64) -> StoreResult<Venue> {
    let mut tx = store.write().await?;
    let outcome = async {
        let done = bind_description(
            sqlx::query(
                "UPDATE venues SET name = $1, kind = $2, address = $3, city = $4, city_key = $5, country = $6, \
                 latitude = $7, longitude = $8, time_zone = $9, opening_hours = $10, closures = $11, amenities = $12, \
                 house_rules = $13, no_show_grace_minutes = $14, updated_at = $15 WHERE id = $16",
            ),
            v,
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("venue"));
        }
        let venue = fetch_venue(&mut tx, id).await?.ok_or(StoreError::NotFound("venue"))?;
        Ok(venue)
    }
    .await;
    finish(tx, outcome).await
}

type VenueQuery<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

/// Binds what a host describes of a venue, in the column order both writes list first.
fn bind_description<'q>(query: VenueQuery<'q>, v: &'q VenueDraft) -> VenueQuery<'q> {
    query
        .bind(&v.name)
        .bind(v.kind.as_str())
        .bind(&v.address)
        .bind(&v.city)
        .bind(city_key(&v.city))
        .bind(&v.country)
        .bind(v.coordinates.map(|c| c.latitude))
        .bind(v.coordinates.map(|c| c.longitude))
        .bind(v.time_zone.name())
        .bind(Json(&v.opening_hours))
        .bind(Json(&v.closures))
        .bind(Json(&v.amenities))
        .bind(&v.house_rules)
        .bind(i32::from(v.no_show_grace_minutes))
}

async fn fetch_venue(conn: &mut PgConnection, id: Uuid) -> StoreResult<Option<Venue>> {
    let sql = format!("SELECT {VENUE_COLUMNS} FROM venues WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await.map_err(db)?;
    row.map(|r| rows::venue(&r)).transpose().map_err(db)
}

pub async fn venue(store: &PgStore, id: Uuid) -> StoreResult<Option<Venue>> {
    let mut conn = store.pool.acquire().await.map_err(db)?;
    fetch_venue(&mut conn, id).await
}

pub async fn checkin_secret(store: &PgStore, venue: Uuid) -> StoreResult<Option<Vec<u8>>> {
    sqlx::query_scalar("SELECT checkin_secret FROM venues WHERE id = $1")
        .bind(venue)
        .fetch_optional(&store.pool)
        .await
        .map_err(db)
}

pub async fn venues(store: &PgStore, city: Option<&str>, page: Page) -> StoreResult<Paged<Venue>> {
    let (from, args) = match city {
        Some(city) => ("venues WHERE city_key = $1", vec![Arg::Text(city.to_owned())]),
        None => ("venues", Vec::new()),
    };
    paged(&store.pool, VENUE_COLUMNS, from, "name, id", &args, page, rows::venue).await
}

pub async fn role(store: &PgStore, venue: Uuid, user: Uuid) -> StoreResult<Option<StaffRole>> {
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM venue_staff WHERE venue_id = $1 AND user_id = $2")
        .bind(venue)
        .bind(user)
        .fetch_optional(&store.pool)
        .await
        .map_err(db)?;
    Ok(role.as_deref().and_then(StaffRole::from_str_opt))
}

/// Locks a venue's row: changes to its staff take this lock first, one at a time per venue.
async fn lock_venue(conn: &mut PgConnection, venue: Uuid) -> StoreResult<()> {
    sqlx::query("SELECT 1 FROM venues WHERE id = $1 FOR NO KEY UPDATE").bind(venue).execute(conn).await.map_err(db)?;
    Ok(())
}

const INVITATION_SELECT: &str = "SELECT i.id, i.venue_id, v.name AS venue_name, i.email, i.created_at \
     FROM staff_invitations i JOIN venues v ON v.id = i.venue_id";

pub async fn invite_staff(store: &PgStore, venue: Uuid, email: &Email, by: Uuid, now: i64) -> StoreResult<Invitation> {
    let mut tx = store.write().await?;
    let outcome = async {
        lock_venue(&mut tx, venue).await?;
        let already: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM venue_staff s JOIN users u ON u.id = s.user_id WHERE s.venue_id = $1 AND u.email = $2",
        )
        .bind(venue)
        .bind(email.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if already.is_some() {
            return Err(Conflict::AlreadyStaff.into());
        }
        let id = Uuid::now_v7();
        let inserted = sqlx::query(
            "INSERT INTO staff_invitations (id, venue_id, email, invited_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(venue)
        .bind(email.as_str())
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(Conflict::InvitationPending.into()),
            other => other.map_err(db)?,
        };
        let row = sqlx::query(&format!("{INVITATION_SELECT} WHERE i.id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        let invitation = rows::invitation(&row).map_err(db)?;
        Ok(invitation)
    }
    .await;
    finish(tx, outcome).await
}

pub async fn invitations_for(store: &PgStore, email: &Email) -> StoreResult<Vec<Invitation>> {
    let rows = sqlx::query(&format!(
        "{INVITATION_SELECT} WHERE i.email = $1 AND i.accepted_at IS NULL ORDER BY i.created_at LIMIT 100"
    ))
    .bind(email.as_str())
    .fetch_all(&store.pool)
    .await
    .map_err(db)?;
    rows.iter().map(rows::invitation).collect::<Result<_, _>>().map_err(db)
}

pub async fn accept_invitation(store: &PgStore, id: Uuid, user: &User, now: i64) -> StoreResult<StaffMember> {
    let mut tx = store.write().await?;
    let outcome = async {
        let venue: Option<Uuid> = sqlx::query_scalar("SELECT venue_id FROM staff_invitations WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        let venue = venue.ok_or(StoreError::NotFound("invitation"))?;
        lock_venue(&mut tx, venue).await?;
        let email: Option<String> =
            sqlx::query_scalar("SELECT email FROM staff_invitations WHERE id = $1 AND accepted_at IS NULL")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
        let email = email.ok_or(StoreError::NotFound("invitation"))?;
        let holder: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT email, email_verified_at FROM users WHERE id = $1")
                .bind(user.id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
        let (held, verified) = holder.ok_or(StoreError::NotFound("user"))?;
        if email != held {
            return Err(Conflict::InvitationNotForYou.into());
        }
        if verified.is_none() {
            return Err(Conflict::EmailNotVerified.into());
        }
        sqlx::query("UPDATE staff_invitations SET accepted_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query(
            "INSERT INTO venue_staff (venue_id, user_id, role, since) VALUES ($1, $2, 'staff', $3) ON CONFLICT DO NOTHING",
        )
        .bind(venue)
        .bind(user.id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let row = sqlx::query(&format!("SELECT {STAFF_COLUMNS} FROM {STAFF_FROM_VENUE} AND s.user_id = $2"))
            .bind(venue)
            .bind(user.id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        let member = rows::staff_member(&row).map_err(db)?;
        Ok(member)
    }
    .await;
    finish(tx, outcome).await
}

const STAFF_COLUMNS: &str = "s.user_id, p.display_name, u.email, s.role, s.since";
const STAFF_FROM_VENUE: &str = "venue_staff s JOIN users u ON u.id = s.user_id \
     JOIN profiles p ON p.user_id = s.user_id WHERE s.venue_id = $1";

pub async fn staff(store: &PgStore, venue: Uuid, page: Page) -> StoreResult<Paged<StaffMember>> {
    let args = [Arg::Id(venue)];
    paged(&store.pool, STAFF_COLUMNS, STAFF_FROM_VENUE, "s.since, s.user_id", &args, page, rows::staff_member).await
}

pub async fn create_space(store: &PgStore, venue: Uuid, s: &SpaceDraft, now: i64) -> StoreResult<Space> {
    let mut tx = store.write().await?;
    let outcome = async {
        let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM venues WHERE id = $1")
            .bind(venue)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        if exists.is_none() {
            return Err(StoreError::NotFound("venue"));
        }
        insert_space(&mut tx, venue, s, now).await
    }
    .await;
    finish(tx, outcome).await
}

async fn insert_space(conn: &mut PgConnection, venue: Uuid, s: &SpaceDraft, now: i64) -> StoreResult<Space> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO spaces (id, venue_id, name, kind, capacity, social_capital_seats, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(venue)
    .bind(&s.name)
    .bind(s.kind.as_str())
    .bind(to_i32(s.capacity)?)
    .bind(to_i32(s.social_capital_seats)?)
    .bind(now)
    .bind(now)
    .execute(conn)
    .await
    .map_err(db)?;
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

pub async fn update_space(store: &PgStore, venue: Uuid, id: Uuid, s: &SpaceDraft, now: i64) -> StoreResult<Space> {
    let done = sqlx::query(
        "UPDATE spaces SET name = $1, kind = $2, capacity = $3, social_capital_seats = $4, updated_at = $5 \
         WHERE id = $6 AND venue_id = $7",
    )
    .bind(&s.name)
    .bind(s.kind.as_str())
    .bind(to_i32(s.capacity)?)
    .bind(to_i32(s.social_capital_seats)?)
    .bind(now)
    .bind(id)
    .bind(venue)
    .execute(&store.pool)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("space"));
    }
    Ok(space_record(id, venue, s))
}

pub async fn spaces(store: &PgStore, venue: Uuid, page: Page) -> StoreResult<Paged<Space>> {
    let args = [Arg::Id(venue)];
    paged(&store.pool, "*", "spaces WHERE venue_id = $1", "created_at, id", &args, page, rows::space).await
}

pub async fn staffed_venues(store: &PgStore, user: Uuid) -> StoreResult<Vec<(Venue, StaffRole)>> {
    let sql = format!(
        "SELECT {VENUE_COLUMNS}, (SELECT role FROM venue_staff s WHERE s.venue_id = venues.id AND s.user_id = $1) AS role \
         FROM venues WHERE id IN (SELECT venue_id FROM venue_staff WHERE user_id = $1) ORDER BY name, id"
    );
    let rows = sqlx::query(&sql).bind(user).fetch_all(&store.pool).await.map_err(db)?;
    rows.iter().map(|r| Ok((rows::venue(r)?, rows::staff_role(r)?))).collect::<Result<_, _>>().map_err(db)
}
