//! A venue's report over the API: JSON, and the same periods as CSV.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use thirdspace_domain::report::By;
use utoipa::IntoParams;
use uuid::Uuid;

use super::shapes::Report;
use crate::app::reports;
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The first local date counted (`YYYY-MM-DD`).
    #[param(value_type = String, format = Date)]
    from: NaiveDate,
    /// The day after the last local date counted; at most 366 days after `from`.
    #[param(value_type = String, format = Date)]
    to: NaiveDate,
    /// `month` (default), `week` or `day`.
    #[param(nullable = false)]
    by: Option<By>,
}

/// What the venue's spare seats produced (its owner and staff): visits, different coworkers,
/// seat-hours given for social capital and what they were worth at the venue's day-pass price,
/// pledges kept, exchanges of knowledge confirmed here and their topics, introductions and what
/// came of them, questions, outcomes, and how many different fields met, by day, week or month in
/// the venue's time zone. People are counted, never named.
#[utoipa::path(get, path = "/api/v1/venues/{id}/report", tag = "social capital", params(("id" = Uuid, Path), ReportQuery),
    responses((status = 200, body = Report), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, description = "A range backwards or longer than 366 days", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn venue(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<Report>> {
    let report = reports::venue(&state, &auth.user, id, q.from, q.to, q.by.unwrap_or_default()).await?;
    Ok(Json(report.into()))
}

/// The venue's report, one row a period, as CSV for a spreadsheet.
#[utoipa::path(get, path = "/api/v1/venues/{id}/report.csv", tag = "social capital", params(("id" = Uuid, Path), ReportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn venue_csv(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let report = reports::venue(&state, &auth.user, id, q.from, q.to, q.by.unwrap_or_default()).await?;
    Ok(csv(&report, "report"))
}

/// What the whole network's seats produced (its admins), by day, week or month in UTC: the same
/// figures as a venue's report, across every venue. People are counted, never named.
#[utoipa::path(get, path = "/api/v1/network/report", tag = "social capital", params(ReportQuery),
    responses((status = 200, body = Report), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin of the network", body = ErrorBody),
        (status = 422, description = "A range backwards or longer than 366 days", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn network(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<Report>> {
    Ok(Json(reports::network(&state, &auth.user, q.from, q.to, q.by.unwrap_or_default()).await?.into()))
}

/// The network's report, one row a period, as CSV.
#[utoipa::path(get, path = "/api/v1/network/report.csv", tag = "social capital", params(ReportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn network_csv(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let report = reports::network(&state, &auth.user, q.from, q.to, q.by.unwrap_or_default()).await?;
    Ok(csv(&report, "network-report"))
}

/// What coworking produced for you, by day, week or month in UTC: your visits, seat-hours and
/// pledges kept, the exchanges you gave or received, your introductions, questions and outcomes.
#[utoipa::path(get, path = "/api/v1/me/report", tag = "social capital", params(ReportQuery),
    responses((status = 200, body = Report), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, description = "A range backwards or longer than 366 days", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn mine(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<Report>> {
    Ok(Json(reports::member(&state, &auth.user, q.from, q.to, q.by.unwrap_or_default()).await?.into()))
}

/// Your own report, one row a period, as CSV.
#[utoipa::path(get, path = "/api/v1/me/report.csv", tag = "social capital", params(ReportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn mine_csv(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let report = reports::member(&state, &auth.user, q.from, q.to, q.by.unwrap_or_default()).await?;
    Ok(csv(&report, "my-report"))
}

/// A report's periods as CSV, one row each, named `{name}-{from}-{to}.csv`.
fn csv(report: &reports::Report, name: &str) -> Response {
    let mut csv = String::from(
        "period_start,visits,coworkers,seat_hours,exchanges,intros_suggested,intros_accepted,intros_met,intros_useful,\
         questions_asked,questions_answered,outcomes,pledges_kept,seats_worth,currency,resident_visits,residents_gave,\
         residents_received\r\n",
    );
    let currency = report.day_pass.as_ref().map(|p| p.currency.as_str()).unwrap_or_default();
    for (start, f) in &report.periods {
        let worth = f.seats_worth_minor.map(|w| thirdspace_domain::venue::decimal(w, currency)).unwrap_or_default();
        csv.push_str(&format!(
            "{start},{},{},{:.1},{},{},{},{},{},{},{},{},{},{worth},{currency},{},{},{}\r\n",
            f.visits,
            f.coworkers,
            f.seat_hours,
            f.exchanges,
            f.intros_suggested,
            f.intros_accepted,
            f.intros_met,
            f.intros_useful,
            f.questions_asked,
            f.questions_answered,
            f.outcomes,
            f.pledges_kept,
            f.resident_visits,
            f.residents_gave,
            f.residents_received
        ));
    }
    let name = format!("attachment; filename=\"{name}-{}-{}.csv\"", report.from, report.to);
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)], csv)
        .into_response()
}
