//! The one error shape of the API, `{"error": {"code", "message", "field"}}`, and the single
//! place where a failure becomes an HTTP status.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use thirdspace_domain::booking::Refusal;
use thirdspace_domain::import::RowError;
use thirdspace_domain::{Invalid, Invalids};
use thirdspace_store::{Outage, StoreError};
use utoipa::ToSchema;

use crate::app::{AppError, Denial};
use crate::limits::Locked;
use crate::password::RETRY_AFTER_SECONDS as BUSY_RETRY_SECONDS;

/// When to ask again while the network's index is being read at start.
const STARTING_RETRY_SECONDS: u64 = 5;

/// The body of a refused import: the error, and every fault of the file.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowsErrorBody {
    pub error: ErrorDetail,
    /// Each fault at its line (the header being line 1) and column, in the file's order.
    pub rows: Vec<RowFault>,
}

/// What is wrong at one place of an imported file.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowFault {
    /// The line the row starts on, 1-based, counting the header.
    #[schema(example = 3)]
    pub line: u64,
    /// The column's name as the header gives it; none for the whole row or file.
    #[schema(example = "email")]
    pub column: Option<String>,
    #[schema(example = "must be an e-mail address like name@example.org")]
    pub message: String,
}

impl From<&RowError> for RowFault {
    fn from(e: &RowError) -> Self {
        Self { line: e.line, column: e.column.clone(), message: e.message.clone() }
    }
}

/// Seconds a client is asked to wait when an e-mail could not be sent.
const MAIL_RETRY_SECONDS: u64 = 60;

/// A failure the client is told about.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    /// Seconds after which the same request may succeed (`Retry-After`), for `503` and `429`.
    pub retry_after: Option<u64>,
    /// Every rule a submitted form broke; the JSON answer names only the first, a page shows all.
    pub invalid: Vec<Invalid>,
    /// What is wrong in a file to import, at each line and column (the JSON answer lists them all).
    /// (Boxed, so that every other error stays small.)
    pub rows: Option<Box<RowErrors>>,
}

/// The faults of a refused import, each at its line and column.
#[derive(Debug, Clone)]
pub struct RowErrors(pub Vec<RowError>);

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `invalid`, `not_found`, `seats_gone`, …
    #[schema(example = "seats_gone")]
    pub code: String,
    /// For people.
    pub message: String,
    /// The request field at fault, when there is one.
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), field: None, retry_after: None, invalid: Vec::new(), rows: None }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// The database cannot answer now: `503`, come back shortly.
    pub fn unavailable(outage: Outage) -> Self {
        let (code, message) = match outage {
            Outage::Unreachable => {
                ("database_unavailable", "the database cannot be reached right now; try again in a moment")
            }
            Outage::Full => ("storage_full", "the server has no room to save this right now; try again later"),
            Outage::Schema => (
                "schema_mismatch",
                "the database's schema is not the one this version of the server expects; it is being upgraded, try again shortly",
            ),
        };
        Self::new(StatusCode::SERVICE_UNAVAILABLE, code, message).with_retry_after(UNAVAILABLE_RETRY_SECONDS)
    }

    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "log in or send a valid API token")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side; it has been logged")
    }
}

/// Seconds a client is asked to wait when the database is unavailable.
pub const UNAVAILABLE_RETRY_SECONDS: u64 = 5;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = ErrorDetail { code: self.code.to_owned(), message: self.message, field: self.field };
        let mut response = match &self.rows {
            None => (self.status, Json(ErrorBody { error })).into_response(),
            Some(rows) => {
                let rows = rows.0.iter().map(RowFault::from).collect();
                (self.status, Json(RowsErrorBody { error, rows })).into_response()
            }
        };
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", invalid.message).with_field(invalid.field)
    }
}

impl From<Invalids> for ApiError {
    fn from(invalids: Invalids) -> Self {
        let first = invalids.first().cloned().unwrap_or_else(|| Invalid::new("form", "is not valid"));
        Self { invalid: invalids.iter().cloned().collect(), ..first.into() }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(what) => Self::not_found(what),
            StoreError::Conflict(c) => Self::new(StatusCode::CONFLICT, c.code(), c.to_string()),
            StoreError::Backend(cause) => {
                tracing::error!(error = %cause, "store failed");
                Self::internal()
            }
            StoreError::Unavailable(outage, cause) => {
                tracing::warn!(%outage, error = %cause, "database unavailable");
                Self::unavailable(outage)
            }
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Invalid(invalid) => invalid.into(),
            Refusal::VenueClosed { date } => {
                Self::new(StatusCode::CONFLICT, "venue_closed", format!("the venue is closed on {date}"))
                    .with_field("date")
            }
            Refusal::OutsideOpeningHours => Self::new(
                StatusCode::CONFLICT,
                "outside_opening_hours",
                "the venue is not open for the whole of that span",
            )
            .with_field("start"),
            Refusal::ClosingSoon => Self::new(
                StatusCode::CONFLICT,
                "closing_soon",
                "the venue closes in less than a quarter of an hour: no walk-ins now",
            ),
            Refusal::AlreadyOver => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "span_over", "that span is already over").with_field("end")
            }
        }
    }
}

/// The one place where an operation's failure becomes an HTTP status.
impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::NotFound(what) => Self::not_found(what),
            AppError::Unauthenticated => Self::unauthenticated(),
            AppError::Forbidden(why) => Self::forbidden(why),
            AppError::Invalid(invalids) => invalids.into(),
            AppError::Refused(refusal) => refusal.into(),
            AppError::Conflict(c) => Self::new(StatusCode::CONFLICT, c.code(), c.to_string()),
            AppError::Denied(denial) => denial.into(),
            AppError::Unavailable(outage) => Self::unavailable(outage),
            AppError::Rows(rows) => {
                let first = rows.first().map(|r| match &r.column {
                    Some(column) => format!("line {}, {column}: {}", r.line, r.message),
                    None => format!("line {}: {}", r.line, r.message),
                });
                let message = first.unwrap_or_default();
                let refused = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_rows", message).with_field("file");
                Self { rows: Some(Box::new(RowErrors(rows))), ..refused }
            }
            AppError::Internal => Self::internal(),
        }
    }
}

impl From<Denial> for ApiError {
    fn from(denial: Denial) -> Self {
        match denial {
            Denial::WrongCredentials => {
                Self::new(StatusCode::UNAUTHORIZED, "wrong_credentials", "wrong e-mail address or password")
            }
            Denial::TooManyAttempts(locked) => {
                let minutes = |wait: i64| (wait + 59) / 60;
                let message = match locked {
                    Locked::FromHere { wait } => format!(
                        "too many failed log-ins for this address from here: try again in {} minutes, or log in with a link by e-mail",
                        minutes(wait)
                    ),
                    Locked::Everywhere { wait } => format!(
                        "too many failed log-ins for this address: password log-ins are paused for {} minutes; log in with a link by e-mail",
                        minutes(wait)
                    ),
                };
                Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", message)
                    .with_retry_after(locked.wait().max(1).unsigned_abs())
            }
            Denial::TooManyEmails { wait } => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_emails",
                format!(
                    "too many e-mails were asked for this address or from your connection: try again in {} minutes",
                    (wait + 59) / 60
                ),
            )
            .with_retry_after(wait.max(1).unsigned_abs()),
            Denial::MailFailed => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "mail_failed",
                "the e-mail could not be sent: try again later",
            )
            .with_retry_after(MAIL_RETRY_SECONDS),
            Denial::Busy => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                format!("too many log-ins and sign-ups at once: try again in {BUSY_RETRY_SECONDS} seconds"),
            )
            .with_retry_after(BUSY_RETRY_SECONDS),
            Denial::Starting => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "starting",
                format!(
                    "the server has just started and is still reading the network's members: try again in \
                     {STARTING_RETRY_SECONDS} seconds"
                ),
            )
            .with_retry_after(STARTING_RETRY_SECONDS),
            Denial::AlreadyVerified => {
                Self::new(StatusCode::CONFLICT, "already_verified", "your e-mail address is already confirmed")
            }
            Denial::LinkNotWorking => Self::new(
                StatusCode::GONE,
                "link_not_working",
                "this link no longer works (links work once, until a newer one is sent or they expire): ask for a new one",
            ),
            Denial::WrongCheckInCode => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "wrong_check_in_code",
                "that is not today's check-in code for this venue",
            )
            .with_field("code"),
            Denial::NotCheckedIn => Self::new(
                StatusCode::CONFLICT,
                "not_checked_in",
                "check in at a venue to meet the people there, or ask with ?scope=network",
            ),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
