//! Venues, their staff and their spaces.

use sqlx::{SqliteConnection, SqlitePool};
use thirdspace_domain::email::Email;
use thirdspace_domain::space::SpaceDraft;
use thirdspace_domain::venue::{city_key, VenueDraft};
use thirdspace_store::*;
use uuid::Uuid;

use crate::paging::{paged, Arg};
use crate::rows::{self, to_json, VENUE_COLUMNS};
use crate::{db, is_unique_violation, SqliteStore};

pub async fn create_venue(
    store: &SqliteStore,
    owner: Uuid,
    v: &VenueDraft,
    spaces: &[SpaceDraft],
    secret: &[u8],
    now: i64,
) -> StoreResult<Venue> {
    let mut tx = store.write().await?;
    let id = Uuid::now_v7();
    bind_description(
        sqlx::query(
            "INSERT INTO venues (name, kind, address, city, city_key, country, latitude, longitude, time_zone, \
             opening_hours, closures, amenities, house_rules, no_show_grace_minutes, \
             checkin_secret, created_at, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ),
        v,
    )
    .bind(secret)
    .bind(now)
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    sqlx::query("INSERT INTO venue_staff (venue_id, user_id, role, since) VALUES (?, ?, 'owner', ?)")
        .bind(id.to_string())
        .bind(owner.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    for space in spaces {
        insert_space(&mut tx, id, space, now).await?;
    }
    let venue = fetch_venue(&mut tx, id).await?.ok_or(StoreError::NotFound("venue"))?;
    tx.commit().await.map_err(db)?;
    Ok(venue)
}

pub async fn update_venue(store: &SqliteStore, id: Uuid, v: &VenueDraft, now: i64) -> StoreResult<Venue> {
    let mut tx = store.write().await?;
    let done = bind_description(
        sqlx::query(
            "UPDATE venues SET name = ?, kind = ?, address = ?, city = ?, city_key = ?, country = ?, latitude = ?, \
             longitude = ?, time_zone = ?, opening_hours = ?, closures = ?, amenities = ?, house_rules = ?, \
             no_show_grace_minutes = ?, updated_at = ? WHERE id = ?",
        ),
        v,
    )
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("venue"));
    }
    let venue = fetch_venue(&mut tx, id).await?.ok_or(StoreError::NotFound("venue"))?;
    tx.commit().await.map_err(db)?;
    Ok(venue)
}

type VenueQuery<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

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
        .bind(to_json(&v.opening_hours))
        .bind(to_json(&v.closures))
        .bind(to_json(&v.amenities))
        .bind(&v.house_rules)
        .bind(v.no_show_grace_minutes)
}

async fn fetch_venue(conn: &mut SqliteConnection, id: Uuid) -> StoreResult<Option<Venue>> {
    let sql = format!("SELECT {VENUE_COLUMNS} FROM venues WHERE id = ?");
    let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(conn).await.map_err(db)?;
    row.map(|r| rows::venue(&r)).transpose().map_err(db)
}

pub async fn venue(pool: &SqlitePool, id: Uuid) -> StoreResult<Option<Venue>> {
    let mut conn = pool.acquire().await.map_err(db)?;
    fetch_venue(&mut conn, id).await
}

pub async fn checkin_secret(store: &SqliteStore, venue: Uuid) -> StoreResult<Option<Vec<u8>>> {
    sqlx::query_scalar("SELECT checkin_secret FROM venues WHERE id = ?")
        .bind(venue.to_string())
        .fetch_optional(&store.reader)
        .await
        .map_err(db)
}

pub async fn venues(store: &SqliteStore, city: Option<&str>, page: Page) -> StoreResult<Paged<Venue>> {
    let (from, args) = match city {
        Some(city) => ("venues WHERE city_key = ?", vec![Arg::Text(city.to_owned())]),
        None => ("venues", Vec::new()),
    };
    paged(&store.reader, VENUE_COLUMNS, from, "name, id", &args, page, rows::venue).await
}

pub async fn role(store: &SqliteStore, venue: Uuid, user: Uuid) -> StoreResult<Option<StaffRole>> {
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM venue_staff WHERE venue_id = ? AND user_id = ?")
        .bind(venue.to_string())
        .bind(user.to_string())
        .fetch_optional(&store.reader)
        .await
        .map_err(db)?;
    Ok(role.as_deref().and_then(StaffRole::from_str_opt))
}

const INVITATION_SELECT: &str =
    "SELECT i.id, i.venue_id, v.name AS venue_name, i.email, i.created_at FROM staff_invitations i JOIN venues v ON v.id = i.venue_id";

pub async fn invite_staff(
    store: &SqliteStore,
    venue: Uuid,
    email: &Email,
    by: Uuid,
    now: i64,
) -> StoreResult<Invitation> {
    let mut tx = store.write().await?;
    let already: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM venue_staff s JOIN users u ON u.id = s.user_id WHERE s.venue_id = ? AND u.email = ?",
    )
    .bind(venue.to_string())
    .bind(email.as_str())
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    if already.is_some() {
        return Err(Conflict::AlreadyStaff.into());
    }
    let id = Uuid::now_v7();
    let inserted = sqlx::query(
        "INSERT INTO staff_invitations (id, venue_id, email, invited_by, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(venue.to_string())
    .bind(email.as_str())
    .bind(by.to_string())
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(e) if is_unique_violation(&e) => return Err(Conflict::InvitationPending.into()),
        other => other.map_err(db)?,
    };
    let row = sqlx::query(&format!("{INVITATION_SELECT} WHERE i.id = ?"))
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
    let invitation = rows::invitation(&row).map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(invitation)
}

pub async fn invitations_for(store: &SqliteStore, email: &Email) -> StoreResult<Vec<Invitation>> {
    let rows = sqlx::query(&format!(
        "{INVITATION_SELECT} WHERE i.email = ? AND i.accepted_at IS NULL ORDER BY i.created_at LIMIT 100"
    ))
    .bind(email.as_str())
    .fetch_all(&store.reader)
    .await
    .map_err(db)?;
    rows.iter().map(rows::invitation).collect::<Result<_, _>>().map_err(db)
}

pub async fn accept_invitation(store: &SqliteStore, id: Uuid, user: &User, now: i64) -> StoreResult<StaffMember> {
    let mut tx = store.write().await?;
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT venue_id, email FROM staff_invitations WHERE id = ? AND accepted_at IS NULL")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    let (venue_id, email) = row.ok_or(StoreError::NotFound("invitation"))?;
    let holder: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT email, email_verified_at FROM users WHERE id = ?")
            .bind(user.id.to_string())
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
    sqlx::query("UPDATE staff_invitations SET accepted_at = ? WHERE id = ?")
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    sqlx::query(
        "INSERT INTO venue_staff (venue_id, user_id, role, since) VALUES (?, ?, 'staff', ?) ON CONFLICT DO NOTHING",
    )
    .bind(&venue_id)
    .bind(user.id.to_string())
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    let row = sqlx::query(&format!("SELECT {STAFF_COLUMNS} FROM {STAFF_FROM_VENUE} AND s.user_id = ?"))
        .bind(&venue_id)
        .bind(user.id.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
    let member = rows::staff_member(&row).map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(member)
}

const STAFF_COLUMNS: &str = "s.user_id, p.display_name, u.email, s.role, s.since";
const STAFF_FROM_VENUE: &str = "venue_staff s JOIN users u ON u.id = s.user_id \
     JOIN profiles p ON p.user_id = s.user_id WHERE s.venue_id = ?";

pub async fn staff(store: &SqliteStore, venue: Uuid, page: Page) -> StoreResult<Paged<StaffMember>> {
    let args = [Arg::Text(venue.to_string())];
    paged(&store.reader, STAFF_COLUMNS, STAFF_FROM_VENUE, "s.since, s.user_id", &args, page, rows::staff_member).await
}

pub async fn create_space(store: &SqliteStore, venue: Uuid, s: &SpaceDraft, now: i64) -> StoreResult<Space> {
    let mut tx = store.write().await?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM venues WHERE id = ?")
        .bind(venue.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
    if exists.is_none() {
        return Err(StoreError::NotFound("venue"));
    }
    let space = insert_space(&mut tx, venue, s, now).await?;
    tx.commit().await.map_err(db)?;
    Ok(space)
}

async fn insert_space(conn: &mut SqliteConnection, venue: Uuid, s: &SpaceDraft, now: i64) -> StoreResult<Space> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO spaces (id, venue_id, name, kind, capacity, social_capital_seats, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(venue.to_string())
    .bind(&s.name)
    .bind(s.kind.as_str())
    .bind(s.capacity)
    .bind(s.social_capital_seats)
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

pub async fn update_space(store: &SqliteStore, venue: Uuid, id: Uuid, s: &SpaceDraft, now: i64) -> StoreResult<Space> {
    let mut tx = store.write().await?;
    let done = sqlx::query(
        "UPDATE spaces SET name = ?, kind = ?, capacity = ?, social_capital_seats = ?, updated_at = ? WHERE id = ? AND venue_id = ?",
    )
    .bind(&s.name)
    .bind(s.kind.as_str())
    .bind(s.capacity)
    .bind(s.social_capital_seats)
    .bind(now)
    .bind(id.to_string())
    .bind(venue.to_string())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("space"));
    }
    tx.commit().await.map_err(db)?;
    Ok(space_record(id, venue, s))
}

pub async fn spaces(store: &SqliteStore, venue: Uuid, page: Page) -> StoreResult<Paged<Space>> {
    let args = [Arg::Text(venue.to_string())];
    paged(&store.reader, "*", "spaces WHERE venue_id = ?", "created_at, id", &args, page, rows::space).await
}

pub async fn staffed_venues(store: &SqliteStore, user: Uuid) -> StoreResult<Vec<(Venue, StaffRole)>> {
    let sql = format!(
        "SELECT {VENUE_COLUMNS}, (SELECT role FROM venue_staff s WHERE s.venue_id = venues.id AND s.user_id = ?1) AS role \
         FROM venues WHERE id IN (SELECT venue_id FROM venue_staff WHERE user_id = ?1) ORDER BY name, id"
    );
    let rows = sqlx::query(&sql).bind(user.to_string()).fetch_all(&store.reader).await.map_err(db)?;
    rows.iter().map(|r| Ok((rows::venue(r)?, rows::staff_role(r)?))).collect::<Result<_, _>>().map_err(db)
}
