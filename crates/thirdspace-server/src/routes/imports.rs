//! Importing a file over the API: previewed with `?dry_run=true`, then sent again to be written.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::app::imports::{self, MemberStatus, MembersImport, VenuesImport};
use crate::app::AppError;
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody, RowFault, RowsErrorBody};
use crate::extract::{ApiPath, ApiQuery, CsvBody};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true` to preview: every row and error is answered and nothing is written.
    #[param(nullable = false)]
    dry_run: Option<bool>,
}

/// One member of the file and what becomes of them.
#[derive(Serialize, ToSchema)]
pub struct ImportedMember {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    pub name: Option<String>,
    pub email: String,
    pub tags: Vec<String>,
    /// `new`: listed as a resident and told by e-mail; `already_member`: a resident already, left
    /// as is.
    #[schema(example = "new")]
    pub status: String,
}

/// A members' file read against a venue.
#[derive(Serialize, ToSchema)]
pub struct MembersImportAnswer {
    pub venue_id: Uuid,
    /// Whether the file was written (never for a preview).
    pub written: bool,
    /// How many members are (or would be) listed anew.
    pub new_members: usize,
    /// Every row that obeys the rules, in the file's order.
    pub members: Vec<ImportedMember>,
    /// What is wrong, at each line and column; a file with any is not written.
    pub errors: Vec<RowFault>,
}

impl From<MembersImport> for MembersImportAnswer {
    fn from(import: MembersImport) -> Self {
        Self {
            venue_id: import.venue_id,
            written: import.written,
            new_members: import.new_members(),
            members: import
                .members
                .into_iter()
                .map(|m| ImportedMember {
                    line: m.row.line,
                    name: m.row.name,
                    email: m.row.email.as_str().to_owned(),
                    tags: m.row.tags,
                    status: match m.status {
                        MemberStatus::New => "new",
                        MemberStatus::AlreadyMember => "already_member",
                    }
                    .to_owned(),
                })
                .collect(),
            errors: import.errors.iter().map(RowFault::from).collect(),
        }
    }
}

/// Imports the venue's members to invite (its staff) from a CSV file: a header row naming the
/// columns `name`, `email` and `tags` in any order (`email` required), one member a row, tags
/// separated by `;`; at most 2,000 rows and 1 MiB. With `dry_run=true` it answers every row and
/// writes nothing; a file with any error is refused whole, preview or not (`422`, every fault at
/// its line and column), and otherwise each new member becomes a resident of the venue and is
/// told by e-mail, all or nothing. People already residents are left as they are.
#[utoipa::path(post, path = "/api/v1/venues/{id}/imports/members", tag = "venues",
    params(("id" = Uuid, Path), ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The members' file, UTF-8"),
    responses(
        (status = 200, description = "The preview: nothing written", body = MembersImportAnswer),
        (status = 201, description = "Written: the new members are residents", body = MembersImportAnswer),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Someone was listed meanwhile: nothing written, send it again", body = ErrorBody),
        (status = 413, description = "The file is larger than 1 MiB", body = ErrorBody),
        (status = 415, description = "The body was not sent with Content-Type: text/csv", body = ErrorBody),
        (status = 422, description = "The file has errors (each in `rows`): nothing written", body = RowsErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn members(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    CsvBody(file): CsvBody,
) -> ApiResult<(StatusCode, Json<MembersImportAnswer>)> {
    let preview = q.dry_run.unwrap_or(false);
    let import = imports::members(&state, &auth.user, id, &file, !preview).await?;
    refuse_faults(&import.errors)?;
    let status = if import.written { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(import.into())))
}

/// One venue of the file.
#[derive(Serialize, ToSchema)]
pub struct ImportedVenue {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    pub name: String,
    pub city: String,
    /// The venue made, once the file is written.
    pub id: Option<Uuid>,
}

/// A venues' file read.
#[derive(Serialize, ToSchema)]
pub struct VenuesImportAnswer {
    /// Whether the file was written (never for a preview).
    pub written: bool,
    /// Every row that obeys the rules, in the file's order.
    pub venues: Vec<ImportedVenue>,
    /// What is wrong, at each line and column; a file with any is not written.
    pub errors: Vec<RowFault>,
}

impl From<VenuesImport> for VenuesImportAnswer {
    fn from(import: VenuesImport) -> Self {
        let mut made = import.created.iter().map(|v| v.id);
        Self {
            written: import.written,
            venues: import
                .venues
                .into_iter()
                .map(|v| ImportedVenue { line: v.line, name: v.draft.name, city: v.draft.city, id: made.next() })
                .collect(),
            errors: import.errors.iter().map(RowFault::from).collect(),
        }
    }
}

/// Imports venues (the network's admins) from a CSV file: a header row naming the columns in any
/// order (`name`, `kind`, `address`, `city`, `country`, `time_zone` and `opening_hours` required;
/// `latitude`, `longitude`, `closures`, `amenities`, `house_rules`, `no_show_grace_minutes`,
/// `requires_approval`, `welcomes_gatherings` optional), one venue a row; `opening_hours` like
/// `mon 08:00-18:00; tue 08:00-12:00`, lists separated by `;`; at most 2,000 rows and 1 MiB. Each
/// row obeys the rules of `POST /api/v1/venues`. With `dry_run=true` it answers every row and writes
/// nothing; a file with any error is refused whole, preview or not (`422`, every fault at its line
/// and column), and otherwise every
/// venue is created, owned by the admin, all or nothing.
#[utoipa::path(post, path = "/api/v1/imports/venues", tag = "venues", params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The venues' file, UTF-8"),
    responses(
        (status = 200, description = "The preview: nothing written", body = VenuesImportAnswer),
        (status = 201, description = "Written: every venue created", body = VenuesImportAnswer),
        (status = 400, body = ErrorBody),
        (status = 403, description = "Not an admin of the network", body = ErrorBody),
        (status = 413, description = "The file is larger than 1 MiB", body = ErrorBody),
        (status = 415, description = "The body was not sent with Content-Type: text/csv", body = ErrorBody),
        (status = 422, description = "The file has errors (each in `rows`): nothing written", body = RowsErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn venues(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ImportQuery>,
    CsvBody(file): CsvBody,
) -> ApiResult<(StatusCode, Json<VenuesImportAnswer>)> {
    let preview = q.dry_run.unwrap_or(false);
    let import = imports::venues(&state, &auth.user, &file, !preview).await?;
    refuse_faults(&import.errors)?;
    let status = if preview { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(import.into())))
}

/// A file with faults is answered `422` with every one of them, a preview too: whatever a client
/// sends is text, so a body that is not a file of this kind shows here, as its faults.
fn refuse_faults(faults: &[thirdspace_domain::import::RowError]) -> Result<(), AppError> {
    if faults.is_empty() {
        Ok(())
    } else {
        Err(AppError::Rows(faults.to_vec()))
    }
}
