//! What a venue's report counts: the facts of a range, read at once, for the application to cut
//! into periods in the venue's time zone. No names: people are ids, and reports only count them.

use async_trait::async_trait;
use chrono::NaiveDate;
use thirdspace_domain::outcome::Category;
use uuid::Uuid;

use crate::StoreResult;

/// A visit: a booking someone checked in on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub user: Uuid,
    pub starts_at: i64,
    pub ends_at: i64,
    pub checked_in_at: Option<i64>,
    pub checked_out_at: Option<i64>,
    /// Whether the visitor shared what they pledged, once they said.
    pub pledge_kept: Option<bool>,
    /// A resident's visit, which took no seat kept for social capital.
    pub resident: bool,
}

/// An exchange confirmed at the venue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeFact {
    pub at: i64,
    pub tags: Vec<String>,
    pub giver: Uuid,
    pub receiver: Uuid,
}

/// An introduction suggested at the venue and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntroFact {
    pub created_at: i64,
    /// Both accepted.
    pub accepted: bool,
    pub met: bool,
    /// Either side found meeting useful.
    pub useful: bool,
    /// The fields of its two people, as their profiles say now.
    pub fields: (Option<String>, Option<String>),
}

/// Everything a venue's report counts over a range of instants `[from, to)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VenueFacts {
    /// By the instant the booking started.
    pub visits: Vec<Visit>,
    /// Exchanges confirmed at the venue.
    pub exchanges: Vec<ExchangeFact>,
    /// By the instant the introduction was suggested.
    pub intros: Vec<IntroFact>,
    /// Questions asked: when, and when answered.
    pub questions: Vec<(i64, Option<i64>)>,
    /// Outcomes shared with the venue or everyone: when, and what.
    pub outcomes: Vec<(i64, Category)>,
}

/// Whose facts a report over the whole network counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every venue and every member: visits, confirmed exchanges, introductions, questions and
    /// outcomes shared with a venue or everyone.
    Network,
    /// One member's own: their visits, the exchanges they gave or received, their introductions,
    /// their questions and every outcome they recorded.
    Member(Uuid),
}

/// What happened on one day, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayCounts {
    /// Visits on seats kept for social capital.
    pub visits: u32,
    /// Residents' visits, which take no such seat.
    pub resident_visits: u32,
    /// Seconds of seats used: from check-in (or the booking's start) to check-out (or its end),
    /// within the booking.
    pub seat_seconds: i64,
    pub pledges_kept: u32,
    pub exchanges: u32,
    pub intros_suggested: u32,
    pub intros_accepted: u32,
    pub intros_met: u32,
    pub intros_useful: u32,
    pub questions_asked: u32,
    pub questions_answered: u32,
    pub outcomes: u32,
}

/// A scope's facts over a range of UTC days, counted in the database by day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayTotals {
    /// By whole days since the range's start (day 0 begins at `from`).
    pub days: std::collections::BTreeMap<i64, DayCounts>,
    /// Topics of the exchanges, most exchanged first (at most 20).
    pub topics: Vec<(String, u32)>,
    pub outcomes: Vec<(Category, u32)>,
    /// Different pairs of fields whose people met through an introduction.
    pub fields_met: u32,
}

/// What is read for reports.
#[async_trait]
pub trait Reports: Send + Sync {
    /// The facts of `scope` over the UTC days `[from, to)` (days since 1 January 1970), counted by
    /// day from `from`.
    async fn day_totals(&self, scope: Scope, days: (i64, i64)) -> StoreResult<DayTotals>;
    /// How many different people of `scope` came to a venue on a seat kept for social capital
    /// over each of `spans`, UTC days `[from, to)`, in order.
    async fn visitors(&self, scope: Scope, spans: &[(i64, i64)]) -> StoreResult<Vec<u32>>;

    /// The facts of `venue` over the instants `[from, to)`; `dates` are the local dates that
    /// range covers (bookings are found by their date).
    async fn venue_facts(
        &self,
        venue: Uuid,
        dates: (NaiveDate, NaiveDate),
        from: i64,
        to: i64,
    ) -> StoreResult<VenueFacts>;
}
