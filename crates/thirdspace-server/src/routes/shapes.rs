//! The shapes of the API's answers, with their OpenAPI schemas, made from what the application
//! layer returns (the store's records and the views built on them). The store knows nothing of
//! the API: a record can change without changing an answer, and an answer only by changing here.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};
use thirdspace_domain::booking::{Approval, BookingStatus};
use thirdspace_domain::exchange::{Role, Shown, Source};
use thirdspace_domain::hours::{ClockTime, OpeningPeriod};
use thirdspace_domain::outcome::{Category, Sharing};
use thirdspace_domain::profile::Visibility;
use thirdspace_domain::report::By;
use thirdspace_domain::space::SpaceKind;
use thirdspace_domain::venue::{Coordinates, DayPass, VenueKind};
use thirdspace_store as store;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::{accounts, exchanges, intros, outcomes, questions, reports, screens, venues};

/// Instants are kept as epoch seconds and shown as RFC 3339 in UTC.
pub fn rfc3339<S: Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
    match chrono::DateTime::from_timestamp(*t, 0) {
        Some(dt) => s.collect_str(&dt.format("%Y-%m-%dT%H:%M:%SZ")),
        None => s.serialize_i64(*t),
    }
}

pub fn rfc3339_opt<S: Serializer>(t: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => rfc3339(t, s),
        None => s.serialize_none(),
    }
}

/// One page of a list, with the size of the whole list.
#[derive(Serialize, ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

impl<T, R> From<store::Paged<R>> for Paged<T>
where
    T: From<R>,
{
    fn from(paged: store::Paged<R>) -> Self {
        Self {
            items: paged.items.into_iter().map(T::from).collect(),
            page: paged.page,
            per_page: paged.per_page,
            total: paged.total,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    /// Whether they proved they hold `email` (used a link sent to it): needed to accept a staff
    /// invitation sent to that address.
    pub email_verified: bool,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
}

impl From<store::User> for User {
    fn from(user: store::User) -> Self {
        Self {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            is_admin: user.is_admin,
            email_verified: user.email_verified,
            created_at: user.created_at,
        }
    }
}

/// An API token as its owner sees it (never the secret).
#[derive(Serialize, ToSchema)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<i64>,
}

impl From<store::ApiToken> for ApiToken {
    fn from(token: store::ApiToken) -> Self {
        Self { id: token.id, name: token.name, created_at: token.created_at, expires_at: token.expires_at }
    }
}

/// A new API token: the secret is shown this once.
#[derive(Serialize, ToSchema)]
pub struct IssuedToken {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    #[serde(flatten)]
    pub info: ApiToken,
}

impl From<accounts::IssuedToken> for IssuedToken {
    fn from(issued: accounts::IssuedToken) -> Self {
        Self { token: issued.token, info: issued.info.into() }
    }
}

#[derive(Serialize, ToSchema)]
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
    #[schema(value_type = Vec<String>)]
    pub closures: Vec<NaiveDate>,
    pub amenities: Vec<String>,
    pub house_rules: Option<String>,
    pub no_show_grace_minutes: u16,
    /// What a day's seat costs here for those who pay in money.
    pub day_pass: Option<DayPass>,
    /// Social-capital bookings wait for a host's approval.
    pub requires_approval: bool,
    /// Any member may organise a gathering here.
    pub welcomes_gatherings: bool,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: i64,
}

impl From<store::Venue> for Venue {
    fn from(venue: store::Venue) -> Self {
        Self {
            id: venue.id,
            name: venue.name,
            kind: venue.kind,
            address: venue.address,
            city: venue.city,
            country: venue.country,
            coordinates: venue.coordinates,
            time_zone: venue.time_zone,
            opening_hours: venue.opening_hours,
            closures: venue.closures,
            amenities: venue.amenities,
            house_rules: venue.house_rules,
            no_show_grace_minutes: venue.no_show_grace_minutes,
            day_pass: venue.day_pass,
            requires_approval: venue.requires_approval,
            welcomes_gatherings: venue.welcomes_gatherings,
            created_at: venue.created_at,
            updated_at: venue.updated_at,
        }
    }
}

/// A venue in a search, with its free seats when a date was asked for.
#[derive(Serialize, ToSchema)]
pub struct VenueListing {
    #[serde(flatten)]
    pub venue: Venue,
    /// Social-capital seats free over the asked span (or the whole opening day).
    pub free_seats: Option<u32>,
}

impl From<venues::VenueListing> for VenueListing {
    fn from(listing: venues::VenueListing) -> Self {
        Self { venue: listing.venue.into(), free_seats: listing.free_seats }
    }
}

/// A person's role at a venue.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Created the venue; edits it and invites staff.
    Owner,
    /// Checks people in and sees the day's bookings.
    Staff,
}

impl From<store::StaffRole> for StaffRole {
    fn from(role: store::StaffRole) -> Self {
        match role {
            store::StaffRole::Owner => Self::Owner,
            store::StaffRole::Staff => Self::Staff,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StaffMember {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: StaffRole,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub since: i64,
}

impl From<store::StaffMember> for StaffMember {
    fn from(member: store::StaffMember) -> Self {
        Self {
            user_id: member.user_id,
            display_name: member.display_name,
            email: member.email,
            role: member.role.into(),
            since: member.since,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Invitation {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub venue_name: String,
    pub email: String,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
}

impl From<store::Invitation> for Invitation {
    fn from(invitation: store::Invitation) -> Self {
        Self {
            id: invitation.id,
            venue_id: invitation.venue_id,
            venue_name: invitation.venue_name,
            email: invitation.email,
            created_at: invitation.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Space {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub name: String,
    pub kind: SpaceKind,
    pub capacity: u32,
    pub social_capital_seats: u32,
}

impl From<store::Space> for Space {
    fn from(space: store::Space) -> Self {
        Self {
            id: space.id,
            venue_id: space.venue_id,
            name: space.name,
            kind: space.kind,
            capacity: space.capacity,
            social_capital_seats: space.social_capital_seats,
        }
    }
}

#[derive(Serialize, ToSchema)]
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
    /// Who sees this person's record of social capital.
    pub record_visibility: Visibility,
}

impl From<store::Profile> for Profile {
    fn from(profile: store::Profile) -> Self {
        Self {
            user_id: profile.user_id,
            display_name: profile.display_name,
            headline: profile.headline,
            bio: profile.bio,
            offers: profile.offers,
            seeking: profile.seeking,
            seeking_text: profile.seeking_text,
            interests: profile.interests,
            field: profile.field,
            links: profile.links,
            visibility: profile.visibility,
            open_to_meet: profile.open_to_meet,
            record_visibility: profile.record_visibility,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Booking {
    pub id: Uuid,
    pub user_id: Uuid,
    pub venue_id: Uuid,
    pub space_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    #[schema(value_type = String, example = "09:30")]
    pub start: ClockTime,
    #[schema(value_type = String, example = "17:00")]
    pub end: ClockTime,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: i64,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: i64,
    pub status: BookingStatus,
    /// The answer to "What's your focus today?".
    pub focus: String,
    /// What the person will share in return.
    pub pledge: String,
    pub walk_in: bool,
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub checked_in_at: Option<i64>,
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub checked_out_at: Option<i64>,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    /// Where it stands with a host who approves bookings; null where the venue approves nothing.
    pub approval: Option<Approval>,
    /// The host's message with the approval or refusal.
    pub approval_message: Option<String>,
    /// When the visitor accepted the venue's house rules.
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub rules_accepted_at: Option<i64>,
    /// Whether they shared what they pledged; null until they say, after the visit.
    pub pledge_kept: Option<bool>,
    /// The exchange the pledge became.
    pub pledge_exchange_id: Option<Uuid>,
    /// A resident's visit, which takes no seat kept for social capital.
    pub resident: bool,
}

impl From<store::Booking> for Booking {
    fn from(booking: store::Booking) -> Self {
        Self {
            id: booking.id,
            user_id: booking.user_id,
            venue_id: booking.venue_id,
            space_id: booking.space_id,
            date: booking.date,
            start: booking.start,
            end: booking.end,
            starts_at: booking.starts_at,
            ends_at: booking.ends_at,
            status: booking.status,
            focus: booking.focus,
            pledge: booking.pledge,
            walk_in: booking.walk_in,
            checked_in_at: booking.checked_in_at,
            checked_out_at: booking.checked_out_at,
            created_at: booking.created_at,
            approval: booking.approval,
            approval_message: booking.approval_message,
            rules_accepted_at: booking.rules_accepted_at,
            pledge_kept: booking.pledge_kept,
            pledge_exchange_id: booking.pledge_exchange_id,
            resident: booking.resident,
        }
    }
}

/// A booking in a host's day view, with the name of who made it (never their e-mail).
#[derive(Serialize, ToSchema)]
pub struct DayBooking {
    #[serde(flatten)]
    pub booking: Booking,
    pub display_name: String,
}

impl From<store::DayBooking> for DayBooking {
    fn from(day: store::DayBooking) -> Self {
        Self { booking: day.booking.into(), display_name: day.display_name }
    }
}

/// The result of a check-in.
#[derive(Serialize, ToSchema)]
pub struct CheckedIn {
    pub booking: Booking,
    /// The booking was made on the spot.
    pub walk_in: bool,
}

impl From<store::CheckedIn> for CheckedIn {
    fn from(checked_in: store::CheckedIn) -> Self {
        Self { booking: checked_in.booking.into(), walk_in: checked_in.walk_in }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Question {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub text: String,
    pub tags: Vec<String>,
    pub answered: bool,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<i64>,
}

impl From<store::Question> for Question {
    fn from(question: store::Question) -> Self {
        Self {
            id: question.id,
            venue_id: question.venue_id,
            text: question.text,
            tags: question.tags,
            answered: question.answered,
            created_at: question.created_at,
            answered_at: question.answered_at,
        }
    }
}

/// A question as the caller sees it: the asker is identified only if their visibility allows
/// (for `venue` visibility: while both are checked in at this venue).
#[derive(Serialize, ToSchema)]
pub struct QuestionView {
    #[serde(flatten)]
    pub question: Question,
    pub asker_id: Option<Uuid>,
    pub asker_name: Option<String>,
}

impl From<questions::QuestionView> for QuestionView {
    fn from(view: questions::QuestionView) -> Self {
        Self { question: view.question.into(), asker_id: view.asker_id, asker_name: view.asker_name }
    }
}

/// A side's answer to a suggested introduction.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntroAnswer {
    Pending,
    Accepted,
    Declined,
}

impl From<store::IntroAnswer> for IntroAnswer {
    fn from(answer: store::IntroAnswer) -> Self {
        match answer {
            store::IntroAnswer::Pending => Self::Pending,
            store::IntroAnswer::Accepted => Self::Accepted,
            store::IntroAnswer::Declined => Self::Declined,
        }
    }
}

/// An introduction as one of its two people sees it: the other's answer shows only once both
/// accepted (a decline is never shown).
#[derive(Serialize, ToSchema)]
pub struct IntroView {
    pub id: Uuid,
    pub venue_id: Option<Uuid>,
    pub with: intros::IntroPerson,
    pub score: f32,
    /// Why, in plain words, from the terms that matched.
    pub reason: String,
    pub my_answer: IntroAnswer,
    /// Both accepted: time to meet.
    pub mutual: bool,
    pub met: bool,
    /// My feedback after meeting: was it useful?
    pub my_feedback: Option<bool>,
}

impl From<intros::IntroView> for IntroView {
    fn from(view: intros::IntroView) -> Self {
        Self {
            id: view.id,
            venue_id: view.venue_id,
            with: view.with,
            score: view.score,
            reason: view.reason,
            my_answer: view.my_answer.into(),
            mutual: view.mutual,
            met: view.met,
            my_feedback: view.my_feedback,
        }
    }
}

/// What a screen token opens.
#[derive(Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScreenKind {
    /// The live dashboard on the venue's TV or projector.
    Display,
    /// The check-in kiosk at the entrance.
    Kiosk,
}

impl From<store::ScreenKind> for ScreenKind {
    fn from(kind: store::ScreenKind) -> Self {
        match kind {
            store::ScreenKind::Display => Self::Display,
            store::ScreenKind::Kiosk => Self::Kiosk,
        }
    }
}

impl From<ScreenKind> for store::ScreenKind {
    fn from(kind: ScreenKind) -> Self {
        match kind {
            ScreenKind::Display => Self::Display,
            ScreenKind::Kiosk => Self::Kiosk,
        }
    }
}

/// A screen token as its venue's staff see it (never the secret).
#[derive(Serialize, ToSchema)]
pub struct ScreenToken {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub kind: ScreenKind,
    pub name: String,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<i64>,
}

impl From<store::ScreenToken> for ScreenToken {
    fn from(token: store::ScreenToken) -> Self {
        Self {
            id: token.id,
            venue_id: token.venue_id,
            kind: token.kind.into(),
            name: token.name,
            created_at: token.created_at,
            revoked_at: token.revoked_at,
        }
    }
}

/// A new screen token: the secret is shown this once.
#[derive(Serialize, ToSchema)]
pub struct IssuedScreenToken {
    /// Put it in the screen's link as `?token=…`.
    pub token: String,
    #[serde(flatten)]
    pub info: ScreenToken,
}

impl From<screens::IssuedScreenToken> for IssuedScreenToken {
    fn from(issued: screens::IssuedScreenToken) -> Self {
        Self { token: issued.token, info: issued.info.into() }
    }
}

/// An exchange of knowledge, as one of its two people sees it.
#[derive(Serialize, ToSchema)]
pub struct ExchangeView {
    pub id: Uuid,
    /// Your part: you helped (`gave`) or were helped (`received`).
    pub role: Role,
    /// Where it stands for you. A proposal the other side declined stays `pending` to you until
    /// it would have lapsed.
    pub status: Shown,
    /// You are the one asked to confirm it.
    pub awaiting_me: bool,
    /// The other person, when they allow you to see them now.
    pub with_id: Option<Uuid>,
    pub with_name: Option<String>,
    pub tags: Vec<String>,
    pub text: String,
    pub venue_id: Option<Uuid>,
    pub source: Source,
    pub source_id: Option<Uuid>,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub proposed_at: i64,
    /// When the other side confirmed it.
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub confirmed_at: Option<i64>,
}

impl From<exchanges::ExchangeView> for ExchangeView {
    fn from(v: exchanges::ExchangeView) -> Self {
        let e = v.exchange;
        Self {
            id: e.id,
            role: v.role,
            status: v.status,
            awaiting_me: v.awaiting_me,
            with_id: v.with_id,
            with_name: v.with_name,
            tags: e.tags,
            text: e.text,
            venue_id: e.venue_id,
            source: e.source,
            source_id: e.source_id,
            proposed_at: e.proposed_at,
            confirmed_at: (v.status == Shown::Confirmed).then_some(e.answered_at).flatten(),
        }
    }
}

/// Confirmed exchanges given and received, counted apart.
#[derive(Serialize, ToSchema)]
pub struct Tally {
    pub given: u32,
    pub received: u32,
}

impl From<store::Tally> for Tally {
    fn from(t: store::Tally) -> Self {
        Self { given: t.given, received: t.received }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TopicTally {
    pub tag: String,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Serialize, ToSchema)]
pub struct VenueTally {
    pub venue_id: Uuid,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Serialize, ToSchema)]
pub struct MonthTally {
    /// The month, `YYYY-MM`, in UTC.
    #[schema(example = "2026-11")]
    pub month: String,
    #[serde(flatten)]
    pub tally: Tally,
}

/// A person's social capital: the exchanges they gave and received that the other side
/// confirmed, by topic, by venue and by month. Not a balance: giving never uses anything up.
#[derive(Serialize, ToSchema)]
pub struct SocialCapital {
    #[serde(flatten)]
    pub total: Tally,
    /// Most exchanged first.
    pub topics: Vec<TopicTally>,
    /// Where they happened, most exchanged first.
    pub venues: Vec<VenueTally>,
    /// Oldest first.
    pub months: Vec<MonthTally>,
}

impl From<store::LedgerRecord> for SocialCapital {
    fn from(r: store::LedgerRecord) -> Self {
        Self {
            months: exchanges::months(&r.days)
                .into_iter()
                .map(|(month, tally)| MonthTally { month, tally: tally.into() })
                .collect(),
            total: r.total.into(),
            topics: r.topics.into_iter().map(|(tag, t)| TopicTally { tag, tally: t.into() }).collect(),
            venues: r.venues.into_iter().map(|(venue_id, t)| VenueTally { venue_id, tally: t.into() }).collect(),
        }
    }
}

/// An outcome of coworking, as one of its two people sees it.
#[derive(Serialize, ToSchema)]
pub struct OutcomeView {
    pub id: Uuid,
    pub category: Category,
    pub note: Option<String>,
    /// You recorded it (`true`), or it names you (`false`).
    pub mine: bool,
    /// It names you and you have not confirmed your side yet.
    pub awaiting_me: bool,
    /// The other person, when there is one and they allow you to see them now.
    pub other_id: Option<Uuid>,
    pub other_name: Option<String>,
    /// The other person it names confirmed their side.
    pub confirmed: bool,
    pub venue_id: Option<Uuid>,
    pub value_cents: Option<u64>,
    pub currency: Option<String>,
    pub hours: Option<u32>,
    pub sharing: Sharing,
    pub exchanges: Vec<Uuid>,
    pub intros: Vec<Uuid>,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
}

impl From<outcomes::OutcomeView> for OutcomeView {
    fn from(v: outcomes::OutcomeView) -> Self {
        let o = v.outcome;
        let (value_cents, currency) = match o.value {
            Some((cents, currency)) => (Some(cents), Some(currency)),
            None => (None, None),
        };
        Self {
            id: o.id,
            category: o.category,
            note: o.note,
            mine: v.mine,
            awaiting_me: v.awaiting_me,
            other_id: v.other_id,
            other_name: v.other_name,
            confirmed: o.with_confirmed_at.is_some(),
            venue_id: o.venue_id,
            value_cents,
            currency,
            hours: o.hours,
            sharing: o.sharing,
            exchanges: o.exchanges,
            intros: o.intros,
            created_at: o.created_at,
        }
    }
}

/// What a venue produced over a period, or a whole range. People are only counted.
#[derive(Serialize, ToSchema)]
pub struct Figures {
    /// Bookings someone checked in on.
    pub visits: u32,
    /// Different people who came.
    pub coworkers: u32,
    /// Hours of seats given for social capital (check-in to check-out, within the booking).
    pub seat_hours: f64,
    /// Exchanges of knowledge confirmed here.
    pub exchanges: u32,
    pub intros_suggested: u32,
    /// Both people accepted.
    pub intros_accepted: u32,
    pub intros_met: u32,
    /// Either person found meeting useful.
    pub intros_useful: u32,
    pub questions_asked: u32,
    pub questions_answered: u32,
    /// Outcomes shared with the venue or everyone.
    pub outcomes: u32,
    /// Visits whose visitor said they shared what they pledged.
    pub pledges_kept: u32,
    /// Visits of the venue's residents, not counted in `visits`, `coworkers` or `seat_hours`.
    pub resident_visits: u32,
    /// Exchanges confirmed here that a resident gave.
    pub residents_gave: u32,
    /// Exchanges confirmed here that a resident received.
    pub residents_received: u32,
    /// What the visits were worth at the venue's day-pass price (one pass a visit), in the
    /// currency's smallest unit; null where the venue sets no price.
    pub seats_worth_minor: Option<u64>,
}

impl From<reports::Figures> for Figures {
    fn from(f: reports::Figures) -> Self {
        Self {
            visits: f.visits,
            coworkers: f.coworkers,
            seat_hours: f.seat_hours,
            exchanges: f.exchanges,
            intros_suggested: f.intros_suggested,
            intros_accepted: f.intros_accepted,
            intros_met: f.intros_met,
            intros_useful: f.intros_useful,
            questions_asked: f.questions_asked,
            questions_answered: f.questions_answered,
            outcomes: f.outcomes,
            pledges_kept: f.pledges_kept,
            resident_visits: f.resident_visits,
            residents_gave: f.residents_gave,
            residents_received: f.residents_received,
            seats_worth_minor: f.seats_worth_minor,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PeriodFigures {
    /// The period's first day (a Monday, or the first of the month), in the venue's time zone.
    #[schema(value_type = String, format = Date)]
    pub start: NaiveDate,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Serialize, ToSchema)]
pub struct TopicCount {
    pub tag: String,
    pub count: u32,
}

#[derive(Serialize, ToSchema)]
pub struct CategoryCount {
    pub category: Category,
    pub count: u32,
}

/// What spare seats produced over a range of dates: a venue's (its local dates), the network's or
/// a member's own (UTC dates).
#[derive(Serialize, ToSchema)]
pub struct Report {
    /// The venue of a venue's report; null for the network's or a member's.
    pub venue_id: Option<Uuid>,
    /// The day-pass price the seats' worth is counted at; null where the venue sets none.
    pub day_pass: Option<DayPass>,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    /// The day after the last day counted.
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub by: By,
    pub periods: Vec<PeriodFigures>,
    pub total: Figures,
    /// Topics of the exchanges confirmed here, most exchanged first.
    pub topics: Vec<TopicCount>,
    /// Outcomes by category, most first.
    pub outcomes: Vec<CategoryCount>,
    /// How many different pairs of fields met through an introduction here.
    pub fields_met: u32,
}

impl From<reports::Report> for Report {
    fn from(r: reports::Report) -> Self {
        Self {
            venue_id: r.venue_id,
            day_pass: r.day_pass,
            from: r.from,
            to: r.to,
            by: r.by,
            periods: r.periods.into_iter().map(|(start, f)| PeriodFigures { start, figures: f.into() }).collect(),
            total: r.total.into(),
            topics: r.topics.into_iter().map(|(tag, count)| TopicCount { tag, count }).collect(),
            outcomes: r.outcomes.into_iter().map(|(category, count)| CategoryCount { category, count }).collect(),
            fields_met: r.fields_met,
        }
    }
}

/// An address or a domain a venue lists as its residents.
#[derive(Serialize, ToSchema)]
pub struct Resident {
    pub id: Uuid,
    /// One person's address, or null for a domain.
    pub email: Option<String>,
    /// A whole e-mail domain, or null for one address.
    pub domain: Option<String>,
    /// The name the host gave the person (a members' import), which greets them; null if none.
    #[schema(max_length = 100)]
    pub name: Option<String>,
    /// The tags the host gave the person: their profile's interests take them once they confirm
    /// the address.
    pub tags: Vec<String>,
    /// Where the e-mail telling the person stands; null for a domain (nobody is told) and for
    /// people listed before such e-mails were kept.
    pub told: Option<ResidentTold>,
    /// When the e-mail was sent or given up.
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub told_at: Option<i64>,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
}

/// Where the e-mail telling a resident stands.
#[derive(Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum ResidentTold {
    /// Queued, or to be tried again.
    Waiting,
    Sent,
    /// Every try failed: list them again, or tell them yourself.
    Failed,
}

impl From<store::ResidentEntry> for Resident {
    fn from(entry: store::ResidentEntry) -> Self {
        let (email, domain) = match entry.resident {
            thirdspace_domain::resident::Resident::Email(email) => (Some(email.as_str().to_owned()), None),
            thirdspace_domain::resident::Resident::Domain(domain) => (None, Some(domain)),
        };
        let (told, told_at) = match entry.told {
            None => (None, None),
            Some(store::Told::Waiting) => (Some(ResidentTold::Waiting), None),
            Some(store::Told::Sent(at)) => (Some(ResidentTold::Sent), Some(at)),
            Some(store::Told::Failed(at)) => (Some(ResidentTold::Failed), Some(at)),
        };
        Self {
            id: entry.id,
            email,
            domain,
            name: entry.name,
            tags: entry.tags,
            told,
            told_at,
            created_at: entry.created_at,
        }
    }
}

/// One date of a gathering and how its places stand.
#[derive(Serialize, ToSchema)]
pub struct GatheringDateView {
    pub id: Uuid,
    /// The local date.
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: i64,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: i64,
    pub capacity: u32,
    /// Places nobody holds (going or offered).
    pub places_left: u32,
    /// People in line.
    pub waiting: u32,
    pub cancelled: bool,
    /// Raised each time the date changes (calendars read it as `SEQUENCE`).
    pub sequence: u32,
}

impl From<store::GatheringDate> for GatheringDateView {
    fn from(d: store::GatheringDate) -> Self {
        Self {
            id: d.id,
            date: d.date,
            starts_at: d.starts_at,
            ends_at: d.ends_at,
            capacity: d.capacity,
            places_left: d.capacity.saturating_sub(d.taken),
            waiting: d.waiting,
            cancelled: d.cancelled_at.is_some(),
            sequence: d.sequence,
        }
    }
}

/// Your answer for one date of a gathering.
#[derive(Serialize, ToSchema)]
pub struct RsvpView {
    pub date_id: Uuid,
    pub status: GatheringRsvpStatus,
    /// When a place came free for you: take it before this.
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub offered_until: Option<i64>,
}

pub use thirdspace_domain::gathering::RsvpStatus as GatheringRsvpStatus;

impl From<store::Rsvp> for RsvpView {
    fn from(r: store::Rsvp) -> Self {
        Self { date_id: r.date_id, status: r.status, offered_until: r.offered_until }
    }
}

/// A gathering as you may see it: the address only when you organise it or are going.
#[derive(Serialize, ToSchema)]
pub struct GatheringView {
    pub id: Uuid,
    pub kind: GatheringKind,
    pub title: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub venue_id: Option<Uuid>,
    /// Where, when not at a venue: shown to its organiser and the people going only.
    pub address: Option<String>,
    pub city: String,
    pub time_zone: String,
    #[schema(value_type = String, example = "09:30")]
    pub start: ClockTime,
    #[schema(value_type = String, example = "17:00")]
    pub end: ClockTime,
    pub members_only: bool,
    pub requires_approval: bool,
    /// The recurrence rule of a series.
    pub repeat: Option<String>,
    pub organiser_id: Uuid,
    /// The organiser's name, when they allow you to see it.
    pub organiser_name: Option<String>,
    pub dates: Vec<GatheringDateView>,
    /// Your answers, by date.
    pub my_answers: Vec<RsvpView>,
}

pub use thirdspace_domain::gathering::Kind as GatheringKind;

impl From<crate::app::gatherings::GatheringView> for GatheringView {
    fn from(v: crate::app::gatherings::GatheringView) -> Self {
        let g = v.gathering;
        Self {
            id: g.id,
            kind: g.kind,
            title: g.title,
            description: g.description,
            tags: g.tags,
            venue_id: g.venue_id,
            address: g.address,
            city: g.city,
            time_zone: g.time_zone,
            start: g.start,
            end: g.end,
            members_only: g.members_only,
            requires_approval: g.requires_approval,
            repeat: g.repeat,
            organiser_id: g.organiser_id,
            organiser_name: v.organiser_name,
            dates: v.dates.into_iter().map(Into::into).collect(),
            my_answers: v.mine.into_iter().map(Into::into).collect(),
        }
    }
}

/// A date in a listing, with its gathering's title.
#[derive(Serialize, ToSchema)]
pub struct ListedGatheringDate {
    pub gathering_id: Uuid,
    pub kind: GatheringKind,
    pub title: String,
    pub city: String,
    pub venue_id: Option<Uuid>,
    pub members_only: bool,
    pub date: GatheringDateView,
}

impl From<(store::Gathering, store::GatheringDate)> for ListedGatheringDate {
    fn from((g, d): (store::Gathering, store::GatheringDate)) -> Self {
        Self {
            gathering_id: g.id,
            kind: g.kind,
            title: g.title,
            city: g.city,
            venue_id: g.venue_id,
            members_only: g.members_only,
            date: d.into(),
        }
    }
}

/// Someone in a date's line, as its organiser sees them.
#[derive(Serialize, ToSchema)]
pub struct LinePlaceView {
    pub user_id: Uuid,
    /// Their name, when they allow you to see it.
    pub name: Option<String>,
    pub status: GatheringRsvpStatus,
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub offered_until: Option<i64>,
    /// Why you moved them up.
    pub moved_up: Option<String>,
}

impl From<crate::app::gatherings::LinePlace> for LinePlaceView {
    fn from(p: crate::app::gatherings::LinePlace) -> Self {
        Self {
            user_id: p.rsvp.user_id,
            name: p.name,
            status: p.rsvp.status,
            offered_until: p.rsvp.offered_until,
            moved_up: p.rsvp.moved_up,
        }
    }
}
