//! What the store returns.

use chrono::NaiveDate;
use thirdspace_domain::booking::{Approval, BookingStatus, Hold};
use thirdspace_domain::hours::{ClockTime, OpeningPeriod};
use thirdspace_domain::profile::Visibility;
use thirdspace_domain::space::SpaceKind;
use thirdspace_domain::venue::{Coordinates, DayPass, VenueKind};
use uuid::Uuid;

/// Which page of a list to return; pages count from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    /// The largest page a client may ask for.
    pub const MAX_PER_PAGE: u32 = 100;
    pub const DEFAULT_PER_PAGE: u32 = 20;

    /// A page, its size clamped to 1..=[`Self::MAX_PER_PAGE`].
    pub fn new(page: u32, per_page: u32) -> Self {
        Self { page: page.max(1), per_page: per_page.clamp(1, Self::MAX_PER_PAGE) }
    }

    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }

    /// Cuts this page out of a list already held in memory.
    pub fn slice<T>(self, all: Vec<T>) -> Paged<T> {
        let total = all.len() as u64;
        let items = all.into_iter().skip(self.offset() as usize).take(self.per_page as usize).collect();
        Paged { items, page: self.page, per_page: self.per_page, total }
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::new(1, Self::DEFAULT_PER_PAGE)
    }
}

/// One page of a list, with the size of the whole list.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

impl<T> Paged<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    /// Whether they proved they hold `email` (used a link sent to it): needed to accept a staff
    /// invitation sent to that address.
    pub email_verified: bool,
    pub created_at: i64,
}

/// A user with their password hash, for logging in only.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: thirdspace_domain::email::Email,
    pub password_hash: String,
    pub display_name: String,
    pub is_admin: bool,
    /// Created with the address already proven (by an administrator, or the demo).
    pub email_verified: bool,
    pub now: i64,
}

/// A browser session (cookie) or an API token (Bearer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Session,
    Api,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Session => "session",
            Self::Api => "api",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewToken {
    pub user: Uuid,
    pub kind: TokenKind,
    /// SHA-256 of the token, hex; the token itself is never stored.
    pub token_hash: String,
    pub name: String,
    pub now: i64,
    pub expires_at: Option<i64>,
}

/// An API token as its owner sees it (never the secret).
#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Venue {
    pub id: Uuid,
    pub name: String,
    pub kind: VenueKind,
    pub address: String,
    pub city: String,
    pub country: String,
    pub coordinates: Option<Coordinates>,
    pub time_zone: String,
    pub opening_hours: Vec<OpeningPeriod>,
    pub closures: Vec<NaiveDate>,
    pub amenities: Vec<String>,
    pub house_rules: Option<String>,
    pub no_show_grace_minutes: u16,
    pub day_pass: Option<DayPass>,
    pub requires_approval: bool,
    /// Any member may organise a gathering here.
    pub welcomes_gatherings: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An address or a domain a venue lists as its residents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentEntry {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub resident: thirdspace_domain::resident::Resident,
    /// The name the host gave (a members' import), which greets them.
    pub name: Option<String>,
    /// The tags the host gave, which their profile takes once they confirm the address.
    pub tags: Vec<String>,
    /// Where the e-mail that tells them stands; `None` when nobody is told (a domain).
    pub told: Option<Told>,
    pub created_at: i64,
}

/// Where the e-mail telling a person they are listed as a resident stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Told {
    /// Queued, or being tried again.
    Waiting,
    /// Sent at this instant.
    Sent(i64),
    /// Given up at this instant, after every try failed.
    Failed(i64),
}

/// A resident to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResident {
    pub resident: thirdspace_domain::resident::Resident,
    pub name: Option<String>,
    pub tags: Vec<String>,
}

impl NewResident {
    /// An address or a domain, with no name and no tags.
    pub fn bare(resident: thirdspace_domain::resident::Resident) -> Self {
        Self { resident, name: None, tags: Vec::new() }
    }
}

/// The e-mail telling a person listed by address that they are a resident, as the instance that
/// claimed it sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentMail {
    /// The resident's entry.
    pub id: Uuid,
    pub venue_id: Uuid,
    pub email: String,
    pub name: Option<String>,
    /// Who listed them, while their account exists.
    pub added_by: Option<Uuid>,
    /// Tries so far, this one included.
    pub attempts: u32,
}

/// A person's role at a venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffRole {
    /// Created the venue; edits it and invites staff.
    Owner,
    /// Checks people in and sees the day's bookings.
    Staff,
}

impl StaffRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Staff => "staff",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        [Self::Owner, Self::Staff].into_iter().find(|r| r.as_str() == raw)
    }
}

#[derive(Debug, Clone)]
pub struct StaffMember {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: StaffRole,
    pub since: i64,
}

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub venue_name: String,
    pub email: String,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct Space {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub name: String,
    pub kind: SpaceKind,
    pub capacity: u32,
    pub social_capital_seats: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub user_id: Uuid,
    pub display_name: String,
    pub headline: Option<String>,
    pub bio: Option<String>,
    pub offers: Vec<String>,
    pub seeking: Vec<String>,
    pub seeking_text: Option<String>,
    pub interests: Vec<String>,
    pub field: Option<String>,
    pub links: Vec<String>,
    pub visibility: Visibility,
    pub open_to_meet: bool,
    /// Who sees the person's record of social capital.
    pub record_visibility: Visibility,
}

impl Profile {
    /// The profile as its owner would send it again, every field as it is.
    pub fn draft(&self) -> thirdspace_domain::profile::ProfileDraft {
        thirdspace_domain::profile::ProfileDraft {
            display_name: self.display_name.clone(),
            headline: self.headline.clone(),
            bio: self.bio.clone(),
            offers: self.offers.clone(),
            seeking: self.seeking.clone(),
            seeking_text: self.seeking_text.clone(),
            interests: self.interests.clone(),
            field: self.field.clone(),
            links: self.links.clone(),
            visibility: self.visibility,
            open_to_meet: self.open_to_meet,
            record_visibility: self.record_visibility,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Booking {
    pub id: Uuid,
    pub user_id: Uuid,
    pub venue_id: Uuid,
    pub space_id: Uuid,
    pub date: NaiveDate,
    pub start: ClockTime,
    pub end: ClockTime,
    pub starts_at: i64,
    pub ends_at: i64,
    pub status: BookingStatus,
    /// The answer to "What's your focus today?".
    pub focus: String,
    /// What the person will share in return.
    pub pledge: String,
    pub walk_in: bool,
    pub checked_in_at: Option<i64>,
    pub checked_out_at: Option<i64>,
    pub created_at: i64,
    /// Where it stands with a host who approves bookings; none where the venue approves nothing.
    pub approval: Option<Approval>,
    /// The host's message with the approval or refusal.
    pub approval_message: Option<String>,
    /// When the visitor accepted the venue's house rules.
    pub rules_accepted_at: Option<i64>,
    /// Whether they shared what they pledged, once they said.
    pub pledge_kept: Option<bool>,
    /// The exchange the pledge became.
    pub pledge_exchange_id: Option<Uuid>,
    /// A resident's visit, which takes no seat kept for social capital.
    pub resident: bool,
}

impl Booking {
    /// What the booking rules need to know of it.
    pub fn hold(&self) -> Hold {
        Hold {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            status: self.status,
            checked_out_at: self.checked_out_at,
        }
    }
}

/// A booking in a host's day view, with the name of who made it (never their e-mail).
#[derive(Debug, Clone)]
pub struct DayBooking {
    pub booking: Booking,
    pub display_name: String,
    /// Who may see this person (for screens at the venue; the host's day view names everyone).
    pub visibility: Visibility,
}

/// The result of a check-in.
#[derive(Debug, Clone)]
pub struct CheckedIn {
    pub booking: Booking,
    /// The booking was made on the spot.
    pub walk_in: bool,
}

/// Someone checked in at a venue now.
#[derive(Debug, Clone)]
pub struct PresentPerson {
    pub profile: Profile,
    pub checked_in_at: i64,
    pub focus: String,
    /// When their visit closes (they are no longer present from then on).
    pub closes_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewQuestion {
    pub venue: Uuid,
    pub asker: Uuid,
    pub text: String,
    pub tags: Vec<String>,
    pub now: i64,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: Uuid,
    pub venue_id: Uuid,
    /// Shown only where the asker's visibility allows (see the question views of the API).
    pub asker_id: Uuid,
    pub text: String,
    pub tags: Vec<String>,
    pub answered: bool,
    pub created_at: i64,
    pub answered_at: Option<i64>,
}

/// A side's answer to a suggested introduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntroAnswer {
    Pending,
    Accepted,
    Declined,
}

impl IntroAnswer {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Accepted, Self::Declined].into_iter().find(|a| a.as_str() == raw)
    }
}

/// An introduction as stored: both sides' answers (never shown as such to the other side).
#[derive(Debug, Clone, PartialEq)]
pub struct Intro {
    pub id: Uuid,
    pub venue_id: Option<Uuid>,
    pub person_a: Uuid,
    pub person_b: Uuid,
    pub score: f32,
    pub reason: String,
    pub a_answer: IntroAnswer,
    pub b_answer: IntroAnswer,
    pub met_at: Option<i64>,
    pub a_useful: Option<bool>,
    pub b_useful: Option<bool>,
    pub created_at: i64,
}

impl Intro {
    /// The other person, and both answers as (mine, theirs), when `user` is one of the two.
    pub fn sides(&self, user: Uuid) -> Option<(Uuid, IntroAnswer, IntroAnswer)> {
        if user == self.person_a {
            Some((self.person_b, self.a_answer, self.b_answer))
        } else if user == self.person_b {
            Some((self.person_a, self.b_answer, self.a_answer))
        } else {
            None
        }
    }
}

/// An introduction to record.
#[derive(Debug, Clone)]
pub struct NewIntro {
    pub venue: Option<Uuid>,
    pub a: Uuid,
    pub b: Uuid,
    pub score: f32,
    pub reason: String,
}

/// A pair whose introduction ended (they met, or someone declined) within the cool-down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettledPair {
    pub a: Uuid,
    pub b: Uuid,
    pub met: bool,
    /// Who declined, if anyone.
    pub declined_by: Vec<Uuid>,
}

/// A step in an introduction's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntroStep {
    Accept,
    Decline,
    Met,
    Feedback { useful: bool },
}

/// What a link sent by e-mail does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Logs in without a password (a "magic link").
    LogIn,
    /// Lets the person choose a new password.
    ResetPassword,
    /// Proves the person holds their e-mail address.
    VerifyEmail,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LogIn => "log_in",
            Self::ResetPassword => "reset_password",
            Self::VerifyEmail => "verify_email",
        }
    }
}

/// What a screen token opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenKind {
    /// The live dashboard on the venue's TV or projector.
    Display,
    /// The check-in kiosk at the entrance.
    Kiosk,
}

impl ScreenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Display => "display",
            Self::Kiosk => "kiosk",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        [Self::Display, Self::Kiosk].into_iter().find(|k| k.as_str() == raw)
    }
}

/// A screen token as its venue's staff see it (never the secret).
#[derive(Debug, Clone)]
pub struct ScreenToken {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub kind: ScreenKind,
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}
