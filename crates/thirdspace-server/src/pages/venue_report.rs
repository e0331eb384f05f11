//! What a venue's spare seats produced, for its host and staff: the report by week or month, as
//! a chart with its table, with the CSV to download.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;
use thirdspace_domain::hours;
use thirdspace_domain::report::By;
use uuid::Uuid;

use super::{chart, failed, message, render, to_login, Nav, Params, Visitor};
use crate::app::reports::{self, Figures};
use crate::app::{access, AppError};
use crate::AppState;

struct Row {
    start: String,
    f: Figures,
}

#[derive(Template)]
#[template(path = "venue_report.html")]
struct ReportPage {
    nav: Option<Nav>,
    venue_id: Uuid,
    venue: String,
    from: NaiveDate,
    to: NaiveDate,
    /// The last day counted, for the reader.
    last: NaiveDate,
    /// `day`, `week` or `month`.
    by: &'static str,
    rows: Vec<Row>,
    /// What the visits were worth at the day-pass price, written for the reader.
    worth: Option<String>,
    total: Figures,
    topics: Vec<(String, u32)>,
    outcomes: Vec<(&'static str, u32)>,
    fields_met: u32,
    chart: String,
}

#[derive(Deserialize)]
struct Range {
    from: Option<String>,
    to: Option<String>,
    by: Option<String>,
}

/// A date from the query, or `default` when it is absent.
fn date(raw: Option<&str>, default: NaiveDate) -> Option<NaiveDate> {
    match raw {
        None | Some("") => Some(default),
        Some(raw) => NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok(),
    }
}

async fn page(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    Params(q): Params<Range>,
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/host/venues/{id}/report")) };
    let missing = || message(StatusCode::NOT_FOUND, "No such venue", "It may have been closed.");
    let Ok(id) = Uuid::parse_str(&id) else { return missing() };
    let venue = match access::venue(&state, id).await {
        Ok(v) => v,
        Err(AppError::NotFound(_)) => return missing(),
        Err(e) => return failed("", &e),
    };
    let tz = match access::time_zone(&venue) {
        Ok(tz) => tz,
        Err(e) => return failed("", &e),
    };
    let today = hours::local_now(tz, state.clock.now()).0;
    // By default the last six months, this one included.
    let first = today.with_day(1).unwrap_or(today);
    let six_back = (0..5).fold(first, |d, _| (d - Duration::days(1)).with_day(1).unwrap_or(d));
    let by = match q.by.as_deref() {
        Some("week") => By::Week,
        Some("day") => By::Day,
        _ => By::Month,
    };
    let (Some(from), Some(to)) = (date(q.from.as_deref(), six_back), date(q.to.as_deref(), today + Duration::days(1)))
    else {
        return message(StatusCode::BAD_REQUEST, "Not a date", "Dates are written as YYYY-MM-DD.");
    };
    let report = match reports::venue(&state, user, id, from, to, by).await {
        Ok(r) => r,
        Err(e) => return failed("This report cannot be made", &e),
    };
    let rows: Vec<Row> =
        report.periods.into_iter().map(|(start, f)| Row { start: start.format("%Y-%m-%d").to_string(), f }).collect();
    let chart = chart::pairs(
        "report-chart",
        &format!("Visits and exchanges by {}", by_word(by)),
        "Two bars a period: visits, then exchanges of knowledge confirmed here. The table below holds the figures.",
        &rows.iter().map(|r| (r.start.clone(), r.f.visits, r.f.exchanges)).collect::<Vec<_>>(),
    );
    let page = ReportPage {
        nav: Some(who.nav()),
        venue_id: venue.id,
        venue: venue.name,
        from: report.from,
        to: report.to,
        last: report.to - Duration::days(1),
        by: by_word(by),
        worth: report.total.seats_worth_minor.zip(report.day_pass.as_ref()).map(|(w, pass)| money(w, &pass.currency)),
        rows,
        total: report.total,
        topics: report.topics,
        outcomes: report.outcomes.into_iter().map(|(c, n)| (c.words(), n)).collect(),
        fields_met: report.fields_met,
        chart,
    };
    render(StatusCode::OK, &page)
}

fn by_word(by: By) -> &'static str {
    match by {
        By::Day => "day",
        By::Week => "week",
        By::Month => "month",
    }
}

/// An amount in a currency's smallest unit, for the reader: "EUR 1,234.50", "JPY 2,500".
fn money(minor: u64, currency: &str) -> String {
    let written = thirdspace_domain::venue::decimal(minor, currency);
    let (whole, fraction) = written.split_once('.').map_or((written.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{currency} {grouped}.{fraction}"),
        None => format!("{currency} {grouped}"),
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/host/venues/{id}/report", get(page))
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn money_reads_in_groups_of_three_with_its_hundredths() {
        assert_eq!(money(0, "EUR"), "EUR 0.00");
        assert_eq!(money(1505, "EUR"), "EUR 15.05");
        assert_eq!(money(123_456_789, "USD"), "USD 1,234,567.89");
        assert_eq!(money(100_000, "EUR"), "EUR 1,000.00");
        assert_eq!(money(2_500_000, "JPY"), "JPY 2,500,000", "the yen has no decimals");
        assert_eq!(money(2_500, "KWD"), "KWD 2.500");
    }
}
