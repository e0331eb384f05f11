//! A venue's exports over the API: CSV files for a spreadsheet.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::app::exports::{self, Kind};
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;

/// Which file: `bookings.csv`, `check-ins.csv`, `exchanges.csv` or `outcomes.csv`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum ExportFile {
    #[serde(rename = "bookings.csv")]
    #[schema(rename = "bookings.csv")]
    Bookings,
    #[serde(rename = "check-ins.csv")]
    #[schema(rename = "check-ins.csv")]
    CheckIns,
    #[serde(rename = "exchanges.csv")]
    #[schema(rename = "exchanges.csv")]
    Exchanges,
    #[serde(rename = "outcomes.csv")]
    #[schema(rename = "outcomes.csv")]
    Outcomes,
}

impl From<ExportFile> for Kind {
    fn from(file: ExportFile) -> Self {
        match file {
            ExportFile::Bookings => Kind::Bookings,
            ExportFile::CheckIns => Kind::CheckIns,
            ExportFile::Exchanges => Kind::Exchanges,
            ExportFile::Outcomes => Kind::Outcomes,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// The first local date exported (`YYYY-MM-DD`, in the venue's time zone).
    #[param(value_type = String, format = Date)]
    from: NaiveDate,
    /// The day after the last local date exported; at most 366 days after `from`.
    #[param(value_type = String, format = Date)]
    to: NaiveDate,
}

/// One of the venue's exports (its staff), as CSV with a header row: `bookings.csv` (every
/// booking starting in the range), `check-ins.csv` (those checked in), `exchanges.csv` (the
/// exchanges confirmed there, by when they were proposed) or `outcomes.csv` (the outcomes recorded
/// there and shared with the venue or everyone). Dates and times are ISO 8601 in the venue's time
/// zone. A person is named as the venue's staff may see them now (public or venue), a hidden one
/// not at all; a cell that a spreadsheet would read as a formula starts with `'`. At most 10,000
/// rows: a longer export asks for a shorter range (`422`).
#[utoipa::path(get, path = "/api/v1/venues/{id}/exports/{file}", tag = "social capital",
    params(("id" = Uuid, Path), ("file" = ExportFile, Path), ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String, description = "The file, as an attachment"),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "A range backwards or longer than 366 days, or more than 10,000 rows", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn venue(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, file)): ApiPath<(Uuid, ExportFile)>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let export = exports::venue(&state, &auth.user, id, file.into(), (q.from, q.to)).await?;
    let disposition = format!("attachment; filename=\"{}\"", export.file_name);
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        export.csv,
    )
        .into_response())
}
