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
    /// Exchanges confirmed at the venue: when, and their topics.
    pub exchanges: Vec<(i64, Vec<String>)>,
    /// By the instant the introduction was suggested.
    pub intros: Vec<IntroFact>,
    /// Questions asked: when, and when answered.
    pub questions: Vec<(i64, Option<i64>)>,
    /// Outcomes shared with the venue or everyone: when, and what.
    pub outcomes: Vec<(i64, Category)>,
}

/// What is read for reports.
#[async_trait]
pub trait Reports: Send + Sync {
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
