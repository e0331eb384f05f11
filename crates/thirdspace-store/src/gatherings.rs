//! Gatherings, their dates and who answered: going, waiting in line, offered a place that came
//! free, waiting for the organiser's yes.

use async_trait::async_trait;
use chrono::NaiveDate;
use thirdspace_domain::gathering::{GatheringDraft, Kind, Occurrence, RsvpStatus};
use thirdspace_domain::hours::ClockTime;
use uuid::Uuid;

use crate::{Begin, StoreResult};

/// A gathering as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gathering {
    pub id: Uuid,
    pub organiser_id: Uuid,
    pub venue_id: Option<Uuid>,
    pub kind: Kind,
    pub title: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    /// Where, when not at a venue: for the people going only.
    pub address: Option<String>,
    pub city: String,
    /// The IANA name of its time zone.
    pub time_zone: String,
    pub start: ClockTime,
    pub end: ClockTime,
    pub members_only: bool,
    pub requires_approval: bool,
    pub repeat: Option<String>,
    pub created_at: i64,
}

/// One date of a gathering, with how its places stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatheringDate {
    pub id: Uuid,
    pub gathering_id: Uuid,
    pub date: NaiveDate,
    pub starts_at: i64,
    pub ends_at: i64,
    pub capacity: u32,
    pub cancelled_at: Option<i64>,
    /// Raised each time the date changes (calendars read it as `SEQUENCE`).
    pub sequence: u32,
    /// The open seating whose seats the date holds, at a venue.
    pub space_id: Option<Uuid>,
    /// When the organiser confirmed who came.
    pub attendance_confirmed_at: Option<i64>,
    /// Places held: going, or offered and not yet taken.
    pub taken: u32,
    pub waiting: u32,
}

/// Someone's answer for one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rsvp {
    pub id: Uuid,
    pub date_id: Uuid,
    pub user_id: Uuid,
    pub status: RsvpStatus,
    /// The place in line: smaller comes first.
    pub position: i64,
    /// Until when an offered place is held.
    pub offered_until: Option<i64>,
    /// Why the organiser moved this person up.
    pub moved_up: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// When they checked in at the venue during the date.
    pub attended_at: Option<i64>,
}

/// An answer changed, and the places that change offered to the next in line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    pub rsvp: Rsvp,
    pub offered: Vec<Rsvp>,
}

/// The organiser's message to the people going to a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatheringMessage {
    pub id: Uuid,
    pub date_id: Uuid,
    pub author_id: Uuid,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}

/// What an organiser changes of a whole gathering; `None` leaves it as it is. A new capacity
/// applies to every date still to come.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatheringChange {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub capacity: Option<u32>,
}

/// A gathering changed: as it is now, the dates that changed, and places the change offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub gathering: Gathering,
    pub dates: Vec<GatheringDate>,
    pub offered: Vec<Rsvp>,
}

/// Which dates a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where<'a> {
    Venue(Uuid),
    /// A city, by its key (`venue::city_key`).
    City(&'a str),
}

/// What is read of gatherings.
#[async_trait]
pub trait Gatherings: Begin {
    async fn gathering(&self, id: Uuid) -> StoreResult<Option<Gathering>>;
    /// Its dates in order (a series has at most a hundred).
    async fn gathering_dates(&self, gathering: Uuid) -> StoreResult<Vec<GatheringDate>>;
    /// A date with its gathering.
    async fn gathering_date(&self, id: Uuid) -> StoreResult<Option<(Gathering, GatheringDate)>>;
    /// Everyone who answered for a date: going and offered first, then the line in order, then
    /// the rest.
    async fn rsvps(&self, date: Uuid) -> StoreResult<Vec<Rsvp>>;
    /// The check-ins at a date's venue, that day, of the people going to it: who, when in, and
    /// when out if they left. Empty for a date not at a venue.
    async fn check_ins_at(&self, date: Uuid) -> StoreResult<Vec<(Uuid, i64, Option<i64>)>>;
    /// Whose personal calendar the key with this hash opens, if anyone's.
    async fn calendar_holder(&self, key_hash: &str) -> StoreResult<Option<Uuid>>;
    /// `user`'s answers for dates starting in `[from, to)`, with their gatherings, soonest first,
    /// at most `limit`.
    async fn answered_by(
        &self,
        user: Uuid,
        span: (i64, i64),
        limit: u32,
    ) -> StoreResult<Vec<(Gathering, GatheringDate, Rsvp)>>;
    /// A message of an organiser.
    async fn gathering_message(&self, id: Uuid) -> StoreResult<Option<GatheringMessage>>;
    /// `user`'s answers for every date of a gathering, in the dates' order.
    async fn rsvps_of(&self, gathering: Uuid, user: Uuid) -> StoreResult<Vec<Rsvp>>;
    /// Dates that start in `[from, to)`, soonest first, at most `limit`; cancelled ones only
    /// `with_cancelled` (a calendar feed shows them as cancelled).
    async fn gathering_dates_in(
        &self,
        place: Where<'_>,
        (from, to): (i64, i64),
        limit: u32,
        with_cancelled: bool,
    ) -> StoreResult<Vec<(Gathering, GatheringDate)>>;

    /// [`GatheringsWork::create_gathering`] in a unit of work of its own.
    async fn create_gathering(&self, organiser: Uuid, draft: &GatheringDraft, now: i64) -> StoreResult<Gathering> {
        let mut work = self.begin().await?;
        let done = work.create_gathering(organiser, draft, now).await;
        work.end(done).await
    }
    /// [`GatheringsWork::answer_gathering`] in a unit of work of its own.
    async fn answer_gathering(&self, date: Uuid, user: Uuid, now: i64) -> StoreResult<Rsvp> {
        let mut work = self.begin().await?;
        let done = work.answer_gathering(date, user, now).await;
        work.end(done).await
    }
    /// [`GatheringsWork::leave_gathering`] in a unit of work of its own.
    async fn leave_gathering(&self, date: Uuid, user: Uuid, now: i64) -> StoreResult<Answered> {
        let mut work = self.begin().await?;
        let done = work.leave_gathering(date, user, now).await;
        work.end(done).await
    }
    /// [`GatheringsWork::take_offer`] in a unit of work of its own.
    async fn take_offer(&self, date: Uuid, user: Uuid, now: i64) -> StoreResult<Rsvp> {
        let mut work = self.begin().await?;
        let done = work.take_offer(date, user, now).await;
        work.end(done).await
    }
    /// [`GatheringsWork::decide_rsvp`] in a unit of work of its own.
    async fn decide_rsvp(&self, date: Uuid, user: Uuid, approve: bool, now: i64) -> StoreResult<Answered> {
        let mut work = self.begin().await?;
        let done = work.decide_rsvp(date, user, approve, now).await;
        work.end(done).await
    }
    /// [`GatheringsWork::move_up`] in a unit of work of its own.
    async fn move_up(&self, date: Uuid, user: Uuid, reason: &str, now: i64) -> StoreResult<Answered> {
        let mut work = self.begin().await?;
        let done = work.move_up(date, user, reason, now).await;
        work.end(done).await
    }
    /// [`GatheringsWork::cancel_gathering_date`] in a unit of work of its own.
    async fn cancel_gathering_date(&self, date: Uuid, now: i64) -> StoreResult<GatheringDate> {
        let mut work = self.begin().await?;
        let done = work.cancel_gathering_date(date, now).await;
        work.end(done).await
    }
    /// [`GatheringsWork::lapse_offers`] in a unit of work of its own.
    async fn lapse_offers(&self, now: i64) -> StoreResult<Vec<Answered>> {
        let mut work = self.begin().await?;
        let done = work.lapse_offers(now).await;
        work.end(done).await
    }
}

/// What is written of gatherings, inside a unit of work. Each write that frees a place offers
/// it to the next in line, in the same transaction.
#[async_trait]
pub trait GatheringsWork: Send {
    /// Stores a gathering with every date of it, and its `gathering.created` event.
    async fn create_gathering(&mut self, organiser: Uuid, draft: &GatheringDraft, now: i64) -> StoreResult<Gathering>;
    /// `user` says they come: going while a place is free, else in line (or waiting for the
    /// organiser). An answer already standing is returned unchanged; one withdrawn goes to the
    /// end of the line again.
    async fn answer_gathering(&mut self, date: Uuid, user: Uuid, now: i64) -> StoreResult<Rsvp>;
    /// `user` withdraws; a place they held is offered to the next in line.
    async fn leave_gathering(&mut self, date: Uuid, user: Uuid, now: i64) -> StoreResult<Answered>;
    /// `user` takes the place offered to them, before its deadline.
    async fn take_offer(&mut self, date: Uuid, user: Uuid, now: i64) -> StoreResult<Rsvp>;
    /// The organiser says yes (going, or in line when full) or no to someone waiting for it.
    async fn decide_rsvp(&mut self, date: Uuid, user: Uuid, approve: bool, now: i64) -> StoreResult<Answered>;
    /// The organiser moves someone in line to its front, saying why; a free place is offered.
    async fn move_up(&mut self, date: Uuid, user: Uuid, reason: &str, now: i64) -> StoreResult<Answered>;
    /// Cancels one date before it starts; cancelling twice changes nothing. Answers stay as they
    /// were, and nobody may answer any more.
    async fn cancel_gathering_date(&mut self, date: Uuid, now: i64) -> StoreResult<GatheringDate>;
    /// Offers not taken by their deadline lapse, and each place goes to the next in line.
    async fn lapse_offers(&mut self, now: i64) -> StoreResult<Vec<Answered>>;
    /// Everyone who answered for a date, as [`Gatherings::rsvps`], read inside the unit of work
    /// (after whatever it locked).
    async fn answers(&mut self, date: Uuid) -> StoreResult<Vec<Rsvp>>;
    /// Stores an organiser's message to the people going to a date.
    async fn add_gathering_message(&mut self, message: &GatheringMessage) -> StoreResult<()>;
    /// Changes a gathering; each date still to come raises its `SEQUENCE`. A capacity below the
    /// places held on one of them is refused, one above offers the new places to the line, and
    /// at a venue the seats kept follow (refused when the seats are not free).
    async fn change_gathering(&mut self, id: Uuid, change: &GatheringChange, now: i64) -> StoreResult<Changed>;
    /// Sets the hash of `user`'s personal calendar key (the old key stops working), or removes it.
    async fn set_calendar_key(&mut self, user: Uuid, key_hash: Option<&str>, now: i64) -> StoreResult<()>;
    /// Confirms who came to a date that has begun (once): each named answer marked attended.
    async fn confirm_attendance(&mut self, date: Uuid, attended: &[Uuid], now: i64) -> StoreResult<GatheringDate>;
    /// Moves one date still to come to another day or times (its `SEQUENCE` raised); at a venue
    /// the seats must be free then.
    async fn reschedule_date(&mut self, date: Uuid, moved: &Occurrence, now: i64) -> StoreResult<GatheringDate>;
}
