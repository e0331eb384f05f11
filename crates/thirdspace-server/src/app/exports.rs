//! A venue's exports for a spreadsheet (its staff): bookings, check-ins, the exchanges confirmed
//! there and the outcomes shared with it, as CSV over a range of local dates. Dates and times are
//! ISO 8601 in the venue's time zone; people are named only as they allow now
//! ([`export::names`]), and every cell is made safe from formulas ([`export::cell`]).

use std::collections::HashMap;

use chrono::NaiveDate;
use thirdspace_domain::export;
use thirdspace_domain::hours::{self, ClockTime};
use thirdspace_domain::outcome::Sharing;
use thirdspace_domain::{exchange, report, Invalid};
use thirdspace_store::{Page, Paged, User};
use uuid::Uuid;

use super::{access, AppError, AppResult};
use crate::AppState;

/// The most rows one export holds: a longer one asks for a narrower range.
pub const MAX_ROWS: u64 = 10_000;

/// What a venue exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bookings,
    CheckIns,
    Exchanges,
    Outcomes,
}

impl Kind {
    /// The name of its file, without the range.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bookings => "bookings",
            Self::CheckIns => "check-ins",
            Self::Exchanges => "exchanges",
            Self::Outcomes => "outcomes",
        }
    }
}

/// A finished export: its file's name and its text.
#[derive(Debug, Clone)]
pub struct Export {
    pub file_name: String,
    pub csv: Vec<u8>,
}

/// The rows of one export, written as they are read, bounded by [`MAX_ROWS`].
struct Sheet {
    writer: csv::Writer<Vec<u8>>,
    rows: u64,
}

impl Sheet {
    fn new(header: &[&str]) -> AppResult<Self> {
        let mut sheet = Self { writer: csv::Writer::from_writer(Vec::new()), rows: 0 };
        sheet.writer.write_record(header).map_err(failed)?;
        Ok(sheet)
    }

    fn row(&mut self, cells: &[String]) -> AppResult<()> {
        self.rows += 1;
        if self.rows > MAX_ROWS {
            let message = format!("holds more than {MAX_ROWS} rows: choose a shorter range of dates");
            return Err(Invalid::new("to", message).into());
        }
        self.writer.write_record(cells.iter().map(|c| export::cell(c).into_owned())).map_err(failed)
    }

    fn finish(self) -> AppResult<Vec<u8>> {
        self.writer.into_inner().map_err(|e| failed(e.into_error()))
    }
}

fn failed(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "an export could not be written");
    AppError::Internal
}

/// Names of people as an export may show them: their display name, or nothing for someone hidden.
struct Names<'a> {
    state: &'a AppState,
    known: HashMap<Uuid, String>,
}

impl Names<'_> {
    async fn of(&mut self, user: Uuid) -> AppResult<String> {
        if let Some(name) = self.known.get(&user) {
            return Ok(name.clone());
        }
        let profile = self.state.store.profile(user).await?;
        let name = profile.filter(|p| export::names(p.visibility)).map(|p| p.display_name).unwrap_or_default();
        self.known.insert(user, name.clone());
        Ok(name)
    }
}

/// Exports `kind` of venue `id` over the local dates `[from, to)` (its staff only; at most 366
/// days).
pub async fn venue(
    state: &AppState,
    actor: &User,
    id: Uuid,
    kind: Kind,
    (from, to): (NaiveDate, NaiveDate),
) -> AppResult<Export> {
    let (venue, _) = access::venue_for_staff(state, id, actor).await?;
    let (from, to) = report::range(from, to)?;
    let tz = access::time_zone(&venue)?;
    let midnight = ClockTime::of(chrono::NaiveTime::MIN);
    let span = (hours::instant(tz, from, midnight), hours::instant(tz, to, midnight));
    let when = |at: i64| {
        chrono::DateTime::from_timestamp(at, 0)
            .map(|t| t.with_timezone(&tz).format("%Y-%m-%dT%H:%M:%S%:z").to_string())
            .unwrap_or_default()
    };
    let maybe = |at: Option<i64>| at.map(when).unwrap_or_default();
    let mut names = Names { state, known: HashMap::new() };
    let store = &state.store;
    let mut sheet;
    let mut page = Page::new(1, Page::MAX_PER_PAGE);
    match kind {
        Kind::Bookings | Kind::CheckIns => {
            sheet = if kind == Kind::Bookings {
                Sheet::new(&[
                    "booking",
                    "person",
                    "status",
                    "starts_at",
                    "ends_at",
                    "checked_in_at",
                    "checked_out_at",
                    "focus",
                    "pledge",
                    "walk_in",
                    "resident",
                    "booked_at",
                ])?
            } else {
                Sheet::new(&["booking", "person", "checked_in_at", "checked_out_at", "walk_in", "resident"])?
            };
            loop {
                let found = store.venue_bookings(venue.id, span, page).await?;
                for b in &found.items {
                    let (b, person) = (&b.booking, names.of(b.booking.user_id).await?);
                    let flag = |v: bool| v.to_string();
                    if kind == Kind::Bookings {
                        sheet.row(&[
                            b.id.to_string(),
                            person,
                            b.status.as_str().to_owned(),
                            when(b.starts_at),
                            when(b.ends_at),
                            maybe(b.checked_in_at),
                            maybe(b.checked_out_at),
                            b.focus.clone(),
                            b.pledge.clone(),
                            flag(b.walk_in),
                            flag(b.resident),
                            when(b.created_at),
                        ])?;
                    } else if let Some(at) = b.checked_in_at {
                        sheet.row(&[
                            b.id.to_string(),
                            person,
                            when(at),
                            maybe(b.checked_out_at),
                            flag(b.walk_in),
                            flag(b.resident),
                        ])?;
                    }
                }
                if last(&found) {
                    break;
                }
                page = Page::new(page.page + 1, page.per_page);
            }
        }
        Kind::Exchanges => {
            sheet = Sheet::new(&["exchange", "giver", "receiver", "topics", "what", "proposed_at", "confirmed_at"])?;
            loop {
                let found = store.venue_exchanges(venue.id, span, page).await?;
                for e in found.items.iter().filter(|e| e.status == exchange::Status::Confirmed) {
                    sheet.row(&[
                        e.id.to_string(),
                        names.of(e.giver_id).await?,
                        names.of(e.receiver_id).await?,
                        e.tags.join("; "),
                        e.text.clone(),
                        when(e.proposed_at),
                        maybe(e.answered_at),
                    ])?;
                }
                if last(&found) {
                    break;
                }
                page = Page::new(page.page + 1, page.per_page);
            }
        }
        Kind::Outcomes => {
            sheet = Sheet::new(&[
                "outcome",
                "category",
                "recorded_by",
                "with",
                "value",
                "currency",
                "hours",
                "shared_with",
                "note",
                "recorded_at",
            ])?;
            loop {
                let found = store.venue_outcomes(venue.id, span, page).await?;
                for o in found.items.iter().filter(|o| matches!(o.sharing, Sharing::Venue | Sharing::Public)) {
                    let with = match o.with_id {
                        Some(with) => names.of(with).await?,
                        None => String::new(),
                    };
                    let (value, currency) = match &o.value {
                        Some((minor, currency)) => {
                            (thirdspace_domain::venue::decimal(*minor, currency), currency.clone())
                        }
                        None => (String::new(), String::new()),
                    };
                    sheet.row(&[
                        o.id.to_string(),
                        o.category.as_str().to_owned(),
                        names.of(o.owner_id).await?,
                        with,
                        value,
                        currency,
                        o.hours.map(|h| h.to_string()).unwrap_or_default(),
                        o.sharing.as_str().to_owned(),
                        o.note.clone().unwrap_or_default(),
                        when(o.created_at),
                    ])?;
                }
                if last(&found) {
                    break;
                }
                page = Page::new(page.page + 1, page.per_page);
            }
        }
    }
    Ok(Export { file_name: format!("{}-{from}-{to}.csv", kind.as_str()), csv: sheet.finish()? })
}

/// Whether `found` is the last page of its list.
fn last<T>(found: &Paged<T>) -> bool {
    found.items.is_empty() || u64::from(found.page) * u64::from(found.per_page) >= found.total
}
