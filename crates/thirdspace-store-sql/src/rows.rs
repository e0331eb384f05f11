//! Turning rows into the store's records, for both dialects.

use thirdspace_domain::booking::{Approval, BookingStatus, Hold};
use thirdspace_domain::hours::ClockTime;
use thirdspace_domain::profile::Visibility;
use thirdspace_domain::space::SpaceKind;
use thirdspace_domain::venue::{Coordinates, DayPass, VenueKind};
use thirdspace_store::*;

use crate::{undecodable, Columns};

pub const USER_COLUMNS: &str = "u.id, u.email, u.is_admin, u.email_verified_at, u.created_at, p.display_name";

pub fn user(r: &impl Columns) -> StoreResult<User> {
    Ok(User {
        id: r.uuid("id")?,
        email: r.text("email")?,
        display_name: r.text("display_name")?,
        is_admin: r.bool("is_admin")?,
        email_verified: r.opt_int("email_verified_at")?.is_some(),
        created_at: r.int("created_at")?,
    })
}

pub fn api_token(r: &impl Columns) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: r.uuid("id")?,
        name: r.text("name")?,
        created_at: r.int("created_at")?,
        expires_at: r.opt_int("expires_at")?,
    })
}

pub fn staff_role(r: &impl Columns) -> StoreResult<StaffRole> {
    r.parsed("role", StaffRole::from_str_opt)
}

pub fn visibility(r: &impl Columns) -> StoreResult<Visibility> {
    r.parsed("visibility", Visibility::from_str_opt)
}

pub fn profile(r: &impl Columns) -> StoreResult<Profile> {
    Ok(Profile {
        user_id: r.uuid("user_id")?,
        display_name: r.text("display_name")?,
        headline: r.opt_text("headline")?,
        bio: r.opt_text("bio")?,
        offers: r.json("offers")?,
        seeking: r.json("seeking")?,
        seeking_text: r.opt_text("seeking_text")?,
        interests: r.json("interests")?,
        field: r.opt_text("field")?,
        links: r.json("links")?,
        visibility: visibility(r)?,
        open_to_meet: r.bool("open_to_meet")?,
        record_visibility: r.parsed("record_visibility", Visibility::from_str_opt)?,
    })
}

pub const VENUE_COLUMNS: &str = "id, name, kind, address, city, country, latitude, longitude, time_zone, \
     opening_hours, closures, amenities, house_rules, no_show_grace_minutes, day_pass_price_minor, \
     day_pass_currency, requires_approval, welcomes_gatherings, created_at, updated_at";

pub fn venue(r: &impl Columns) -> StoreResult<Venue> {
    let latitude = r.opt_float("latitude")?;
    let longitude = r.opt_float("longitude")?;
    Ok(Venue {
        id: r.uuid("id")?,
        name: r.text("name")?,
        kind: r.parsed("kind", VenueKind::from_str_opt)?,
        address: r.text("address")?,
        city: r.text("city")?,
        country: r.text("country")?,
        coordinates: latitude.zip(longitude).map(|(latitude, longitude)| Coordinates { latitude, longitude }),
        time_zone: r.text("time_zone")?,
        opening_hours: r.json("opening_hours")?,
        closures: r.json("closures")?,
        amenities: r.json("amenities")?,
        house_rules: r.opt_text("house_rules")?,
        no_show_grace_minutes: r.unsigned("no_show_grace_minutes")?,
        day_pass: r
            .opt_unsigned("day_pass_price_minor")?
            .zip(r.opt_text("day_pass_currency")?)
            .map(|(price_minor, currency)| DayPass { price_minor, currency }),
        requires_approval: r.bool("requires_approval")?,
        welcomes_gatherings: r.bool("welcomes_gatherings")?,
        created_at: r.int("created_at")?,
        updated_at: r.int("updated_at")?,
    })
}

pub fn space(r: &impl Columns) -> StoreResult<Space> {
    Ok(Space {
        id: r.uuid("id")?,
        venue_id: r.uuid("venue_id")?,
        name: r.text("name")?,
        kind: r.parsed("kind", SpaceKind::from_str_opt)?,
        capacity: r.unsigned("capacity")?,
        social_capital_seats: r.unsigned("social_capital_seats")?,
    })
}

pub fn staff_member(r: &impl Columns) -> StoreResult<StaffMember> {
    Ok(StaffMember {
        user_id: r.uuid("user_id")?,
        display_name: r.text("display_name")?,
        email: r.text("email")?,
        role: staff_role(r)?,
        since: r.int("since")?,
    })
}

pub fn invitation(r: &impl Columns) -> StoreResult<Invitation> {
    Ok(Invitation {
        id: r.uuid("id")?,
        venue_id: r.uuid("venue_id")?,
        venue_name: r.text("venue_name")?,
        email: r.text("email")?,
        created_at: r.int("created_at")?,
    })
}

pub fn minute(r: &impl Columns, column: &str) -> StoreResult<ClockTime> {
    ClockTime::from_minutes(r.unsigned(column)?).ok_or_else(|| undecodable(column, "minute out of range"))
}

pub const BOOKING_COLUMNS: &str = "b.id, b.user_id, b.venue_id, b.space_id, b.date, b.start_minute, b.end_minute, \
     b.starts_at, b.ends_at, b.status, b.focus, b.pledge, b.walk_in, b.checked_in_at, b.checked_out_at, b.created_at, \
     b.approval, b.approval_message, b.rules_accepted_at, b.pledge_kept, b.pledge_exchange_id, b.resident";

/// [`BOOKING_COLUMNS`] named by the table rather than an alias, for `INSERT`'s and `UPDATE`'s
/// `RETURNING` (which takes no alias on SQLite).
pub static BOOKING_RETURNING: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| BOOKING_COLUMNS.replace("b.", "bookings."));

pub fn booking(r: &impl Columns) -> StoreResult<Booking> {
    Ok(Booking {
        id: r.uuid("id")?,
        user_id: r.uuid("user_id")?,
        venue_id: r.uuid("venue_id")?,
        space_id: r.uuid("space_id")?,
        date: r.date("date")?,
        start: minute(r, "start_minute")?,
        end: minute(r, "end_minute")?,
        starts_at: r.int("starts_at")?,
        ends_at: r.int("ends_at")?,
        status: r.parsed("status", BookingStatus::from_str_opt)?,
        focus: r.text("focus")?,
        pledge: r.text("pledge")?,
        walk_in: r.bool("walk_in")?,
        checked_in_at: r.opt_int("checked_in_at")?,
        checked_out_at: r.opt_int("checked_out_at")?,
        created_at: r.int("created_at")?,
        approval: r.opt_parsed("approval", Approval::from_str_opt)?,
        approval_message: r.opt_text("approval_message")?,
        rules_accepted_at: r.opt_int("rules_accepted_at")?,
        pledge_kept: r.opt_bool("pledge_kept")?,
        pledge_exchange_id: r.opt_uuid("pledge_exchange_id")?,
        resident: r.bool("resident")?,
    })
}

pub fn hold(r: &impl Columns) -> StoreResult<Hold> {
    Ok(Hold {
        starts_at: r.int("starts_at")?,
        ends_at: r.int("ends_at")?,
        status: r.parsed("status", BookingStatus::from_str_opt)?,
        checked_out_at: r.opt_int("checked_out_at")?,
    })
}

pub const QUESTION_COLUMNS: &str = "id, venue_id, asker_id, text, tags, answered_at, created_at";

pub fn question(r: &impl Columns) -> StoreResult<Question> {
    let answered_at = r.opt_int("answered_at")?;
    Ok(Question {
        id: r.uuid("id")?,
        venue_id: r.uuid("venue_id")?,
        asker_id: r.uuid("asker_id")?,
        text: r.text("text")?,
        tags: r.json("tags")?,
        answered: answered_at.is_some(),
        created_at: r.int("created_at")?,
        answered_at,
    })
}

pub fn intro_answer(r: &impl Columns, column: &str) -> StoreResult<IntroAnswer> {
    r.parsed(column, IntroAnswer::from_str_opt)
}

pub fn intro(r: &impl Columns) -> StoreResult<Intro> {
    Ok(Intro {
        id: r.uuid("id")?,
        venue_id: r.opt_uuid("venue_id")?,
        person_a: r.uuid("person_a")?,
        person_b: r.uuid("person_b")?,
        // Stored as single precision (`REAL`) on both: nothing is lost going back.
        score: r.float("score")? as f32,
        reason: r.text("reason")?,
        a_answer: intro_answer(r, "a_answer")?,
        b_answer: intro_answer(r, "b_answer")?,
        met_at: r.opt_int("met_at")?,
        a_useful: r.opt_bool("a_useful")?,
        b_useful: r.opt_bool("b_useful")?,
        created_at: r.int("created_at")?,
    })
}

pub const SCREEN_COLUMNS: &str = "id, venue_id, kind, name, created_at, revoked_at";

pub fn screen_token(r: &impl Columns) -> StoreResult<ScreenToken> {
    Ok(ScreenToken {
        id: r.uuid("id")?,
        venue_id: r.uuid("venue_id")?,
        kind: r.parsed("kind", ScreenKind::from_str_opt)?,
        name: r.text("name")?,
        created_at: r.int("created_at")?,
        revoked_at: r.opt_int("revoked_at")?,
    })
}
