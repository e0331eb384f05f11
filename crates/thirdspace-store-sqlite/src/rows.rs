//! Turning SQLite rows into the store's records.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use thirdspace_domain::booking::{BookingStatus, Hold};
use thirdspace_domain::hours::ClockTime;
use thirdspace_domain::profile::Visibility;
use thirdspace_domain::space::SpaceKind;
use thirdspace_domain::venue::{Coordinates, VenueKind};
use thirdspace_store::*;
use uuid::Uuid;

type R<T> = Result<T, sqlx::Error>;

fn decode_err(column: &str, what: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::ColumnDecode { index: column.to_owned(), source: what.to_string().into() }
}

pub fn uuid(row: &SqliteRow, column: &str) -> R<Uuid> {
    let raw: String = row.try_get(column)?;
    Uuid::parse_str(&raw).map_err(|e| decode_err(column, e))
}

pub fn json<T: DeserializeOwned>(row: &SqliteRow, column: &str) -> R<T> {
    let raw: String = row.try_get(column)?;
    serde_json::from_str(&raw).map_err(|e| decode_err(column, e))
}

pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

fn parsed<T>(row: &SqliteRow, column: &str, parse: impl Fn(&str) -> Option<T>) -> R<T> {
    let raw: String = row.try_get(column)?;
    parse(&raw).ok_or_else(|| decode_err(column, format!("unexpected value {raw:?}")))
}

pub const USER_COLUMNS: &str = "u.id, u.email, u.is_admin, u.email_verified_at, u.created_at, p.display_name";

pub fn user(row: &SqliteRow) -> R<User> {
    Ok(User {
        id: uuid(row, "id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        is_admin: row.try_get("is_admin")?,
        email_verified: row.try_get::<Option<i64>, _>("email_verified_at")?.is_some(),
        created_at: row.try_get("created_at")?,
    })
}

pub fn api_token(row: &SqliteRow) -> R<ApiToken> {
    Ok(ApiToken {
        id: uuid(row, "id")?,
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

pub fn staff_role(row: &SqliteRow) -> R<StaffRole> {
    parsed(row, "role", StaffRole::from_str_opt)
}

pub fn visibility(row: &SqliteRow) -> R<Visibility> {
    parsed(row, "visibility", Visibility::from_str_opt)
}

pub fn profile(row: &SqliteRow) -> R<Profile> {
    Ok(Profile {
        user_id: uuid(row, "user_id")?,
        display_name: row.try_get("display_name")?,
        headline: row.try_get("headline")?,
        bio: row.try_get("bio")?,
        offers: json(row, "offers")?,
        seeking: json(row, "seeking")?,
        seeking_text: row.try_get("seeking_text")?,
        interests: json(row, "interests")?,
        field: row.try_get("field")?,
        links: json(row, "links")?,
        visibility: visibility(row)?,
        open_to_meet: row.try_get("open_to_meet")?,
    })
}

pub const VENUE_COLUMNS: &str = "id, name, kind, address, city, country, latitude, longitude, time_zone, \
     opening_hours, closures, amenities, house_rules, no_show_grace_minutes, created_at, updated_at";

pub fn venue(row: &SqliteRow) -> R<Venue> {
    let latitude: Option<f64> = row.try_get("latitude")?;
    let longitude: Option<f64> = row.try_get("longitude")?;
    Ok(Venue {
        id: uuid(row, "id")?,
        name: row.try_get("name")?,
        kind: parsed(row, "kind", VenueKind::from_str_opt)?,
        address: row.try_get("address")?,
        city: row.try_get("city")?,
        country: row.try_get("country")?,
        coordinates: latitude.zip(longitude).map(|(latitude, longitude)| Coordinates { latitude, longitude }),
        time_zone: row.try_get("time_zone")?,
        opening_hours: json(row, "opening_hours")?,
        closures: json(row, "closures")?,
        amenities: json(row, "amenities")?,
        house_rules: row.try_get("house_rules")?,
        no_show_grace_minutes: row.try_get("no_show_grace_minutes")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub fn space(row: &SqliteRow) -> R<Space> {
    Ok(Space {
        id: uuid(row, "id")?,
        venue_id: uuid(row, "venue_id")?,
        name: row.try_get("name")?,
        kind: parsed(row, "kind", SpaceKind::from_str_opt)?,
        capacity: row.try_get("capacity")?,
        social_capital_seats: row.try_get("social_capital_seats")?,
    })
}

pub fn staff_member(row: &SqliteRow) -> R<StaffMember> {
    Ok(StaffMember {
        user_id: uuid(row, "user_id")?,
        display_name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        role: parsed(row, "role", StaffRole::from_str_opt)?,
        since: row.try_get("since")?,
    })
}

pub fn invitation(row: &SqliteRow) -> R<Invitation> {
    Ok(Invitation {
        id: uuid(row, "id")?,
        venue_id: uuid(row, "venue_id")?,
        venue_name: row.try_get("venue_name")?,
        email: row.try_get("email")?,
        created_at: row.try_get("created_at")?,
    })
}

fn minute(row: &SqliteRow, column: &str) -> R<ClockTime> {
    let raw: u16 = row.try_get(column)?;
    ClockTime::from_minutes(raw).ok_or_else(|| decode_err(column, "minute out of range"))
}

pub const BOOKING_COLUMNS: &str = "b.id, b.user_id, b.venue_id, b.space_id, b.date, b.start_minute, b.end_minute, \
     b.starts_at, b.ends_at, b.status, b.focus, b.pledge, b.walk_in, b.checked_in_at, b.checked_out_at, b.created_at";

pub fn booking(row: &SqliteRow) -> R<Booking> {
    Ok(Booking {
        id: uuid(row, "id")?,
        user_id: uuid(row, "user_id")?,
        venue_id: uuid(row, "venue_id")?,
        space_id: uuid(row, "space_id")?,
        date: parsed(row, "date", |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())?,
        start: minute(row, "start_minute")?,
        end: minute(row, "end_minute")?,
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        status: parsed(row, "status", BookingStatus::from_str_opt)?,
        focus: row.try_get("focus")?,
        pledge: row.try_get("pledge")?,
        walk_in: row.try_get("walk_in")?,
        checked_in_at: row.try_get("checked_in_at")?,
        checked_out_at: row.try_get("checked_out_at")?,
        created_at: row.try_get("created_at")?,
    })
}

pub fn hold(row: &SqliteRow) -> R<Hold> {
    Ok(Hold {
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        status: parsed(row, "status", BookingStatus::from_str_opt)?,
        checked_out_at: row.try_get("checked_out_at")?,
    })
}

pub const QUESTION_COLUMNS: &str = "id, venue_id, asker_id, text, tags, answered_at, created_at";

pub fn question(row: &SqliteRow) -> R<Question> {
    let answered_at: Option<i64> = row.try_get("answered_at")?;
    Ok(Question {
        id: uuid(row, "id")?,
        venue_id: uuid(row, "venue_id")?,
        asker_id: uuid(row, "asker_id")?,
        text: row.try_get("text")?,
        tags: json(row, "tags")?,
        answered: answered_at.is_some(),
        created_at: row.try_get("created_at")?,
        answered_at,
    })
}
