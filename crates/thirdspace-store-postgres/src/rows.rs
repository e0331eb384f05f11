//! Turning PostgreSQL rows into the store's records.

use serde::de::DeserializeOwned;
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::Row;
use thirdspace_domain::booking::{BookingStatus, Hold};
use thirdspace_domain::hours::ClockTime;
use thirdspace_domain::profile::Visibility;
use thirdspace_domain::space::SpaceKind;
use thirdspace_domain::venue::{Coordinates, VenueKind};
use thirdspace_store::*;

type R<T> = Result<T, sqlx::Error>;

fn decode_err(column: &str, what: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::ColumnDecode { index: column.to_owned(), source: what.to_string().into() }
}

pub fn json<T: DeserializeOwned>(row: &PgRow, column: &str) -> R<T> {
    row.try_get::<Json<T>, _>(column).map(|j| j.0)
}

/// An `INTEGER` column as the unsigned number it stands for.
pub fn unsigned<T: TryFrom<i32>>(row: &PgRow, column: &str) -> R<T> {
    let raw: i32 = row.try_get(column)?;
    T::try_from(raw).map_err(|_| decode_err(column, format!("{raw} out of range")))
}

fn parsed<T>(row: &PgRow, column: &str, parse: impl Fn(&str) -> Option<T>) -> R<T> {
    let raw: String = row.try_get(column)?;
    parse(&raw).ok_or_else(|| decode_err(column, format!("unexpected value {raw:?}")))
}

pub const USER_COLUMNS: &str = "u.id, u.email, u.is_admin, u.email_verified_at, u.created_at, p.display_name";

pub fn user(row: &PgRow) -> R<User> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        is_admin: row.try_get("is_admin")?,
        email_verified: row.try_get::<Option<i64>, _>("email_verified_at")?.is_some(),
        created_at: row.try_get("created_at")?,
    })
}

pub fn api_token(row: &PgRow) -> R<ApiToken> {
    Ok(ApiToken {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

pub fn staff_role(row: &PgRow) -> R<StaffRole> {
    parsed(row, "role", StaffRole::from_str_opt)
}

pub fn visibility(row: &PgRow) -> R<Visibility> {
    parsed(row, "visibility", Visibility::from_str_opt)
}

pub fn screen_kind(row: &PgRow) -> R<ScreenKind> {
    parsed(row, "kind", ScreenKind::from_str_opt)
}

pub fn intro_answer(row: &PgRow, column: &str) -> R<IntroAnswer> {
    parsed(row, column, IntroAnswer::from_str_opt)
}

pub fn profile(row: &PgRow) -> R<Profile> {
    Ok(Profile {
        user_id: row.try_get("user_id")?,
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

pub fn venue(row: &PgRow) -> R<Venue> {
    let latitude: Option<f64> = row.try_get("latitude")?;
    let longitude: Option<f64> = row.try_get("longitude")?;
    Ok(Venue {
        id: row.try_get("id")?,
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
        no_show_grace_minutes: unsigned(row, "no_show_grace_minutes")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub fn space(row: &PgRow) -> R<Space> {
    Ok(Space {
        id: row.try_get("id")?,
        venue_id: row.try_get("venue_id")?,
        name: row.try_get("name")?,
        kind: parsed(row, "kind", SpaceKind::from_str_opt)?,
        capacity: unsigned(row, "capacity")?,
        social_capital_seats: unsigned(row, "social_capital_seats")?,
    })
}

pub fn staff_member(row: &PgRow) -> R<StaffMember> {
    Ok(StaffMember {
        user_id: row.try_get("user_id")?,
        display_name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        role: staff_role(row)?,
        since: row.try_get("since")?,
    })
}

pub fn invitation(row: &PgRow) -> R<Invitation> {
    Ok(Invitation {
        id: row.try_get("id")?,
        venue_id: row.try_get("venue_id")?,
        venue_name: row.try_get("venue_name")?,
        email: row.try_get("email")?,
        created_at: row.try_get("created_at")?,
    })
}

fn minute(row: &PgRow, column: &str) -> R<ClockTime> {
    ClockTime::from_minutes(unsigned(row, column)?).ok_or_else(|| decode_err(column, "minute out of range"))
}

pub const BOOKING_COLUMNS: &str = "b.id, b.user_id, b.venue_id, b.space_id, b.date, b.start_minute, b.end_minute, \
     b.starts_at, b.ends_at, b.status, b.focus, b.pledge, b.walk_in, b.checked_in_at, b.checked_out_at, b.created_at";

pub fn booking(row: &PgRow) -> R<Booking> {
    Ok(Booking {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        venue_id: row.try_get("venue_id")?,
        space_id: row.try_get("space_id")?,
        date: row.try_get("date")?,
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

pub fn hold(row: &PgRow) -> R<Hold> {
    Ok(Hold {
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        status: parsed(row, "status", BookingStatus::from_str_opt)?,
        checked_out_at: row.try_get("checked_out_at")?,
    })
}

pub const QUESTION_COLUMNS: &str = "id, venue_id, asker_id, text, tags, answered_at, created_at";

pub fn question(row: &PgRow) -> R<Question> {
    let answered_at: Option<i64> = row.try_get("answered_at")?;
    Ok(Question {
        id: row.try_get("id")?,
        venue_id: row.try_get("venue_id")?,
        asker_id: row.try_get("asker_id")?,
        text: row.try_get("text")?,
        tags: json(row, "tags")?,
        answered: answered_at.is_some(),
        created_at: row.try_get("created_at")?,
        answered_at,
    })
}

pub fn intro(row: &PgRow) -> R<Intro> {
    Ok(Intro {
        id: row.try_get("id")?,
        venue_id: row.try_get("venue_id")?,
        person_a: row.try_get("person_a")?,
        person_b: row.try_get("person_b")?,
        score: row.try_get("score")?,
        reason: row.try_get("reason")?,
        a_answer: intro_answer(row, "a_answer")?,
        b_answer: intro_answer(row, "b_answer")?,
        met_at: row.try_get("met_at")?,
        a_useful: row.try_get("a_useful")?,
        b_useful: row.try_get("b_useful")?,
        created_at: row.try_get("created_at")?,
    })
}

pub fn screen_token(row: &PgRow) -> R<ScreenToken> {
    Ok(ScreenToken {
        id: row.try_get("id")?,
        venue_id: row.try_get("venue_id")?,
        kind: screen_kind(row)?,
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}
