//! The application layer: every operation of thirdspace, once. Each takes who is acting and typed
//! input, checks what that person may do, applies the domain's rules through the store (whose
//! transaction also writes the change's event to the outbox), and answers with a typed
//! [`AppError`]. The JSON API (`routes`) and the pages (`pages`) are adapters over it: they read a
//! request, call an operation and write its answer; neither touches the store, neither imports
//! the other.

pub mod access;
pub mod accounts;
pub mod board;
pub mod bookings;
pub mod calendars;
pub mod exchanges;
pub mod exports;
pub mod gatherings;
pub mod group;
pub mod health;
pub mod imports;
pub mod intros;
pub mod links;
pub mod mails;
pub mod outcomes;
pub mod presence;
pub mod profiles;
pub mod questions;
pub mod reports;
pub mod screens;
pub mod venues;
pub mod webhooks;

use thirdspace_domain::booking::Refusal;
use thirdspace_domain::import::RowError;
use thirdspace_domain::{Invalid, Invalids};
use thirdspace_store::{Conflict, Outage, StoreError};

use crate::limits::Locked;

/// Why an operation did not happen. Nothing was changed.
#[derive(Debug, Clone, PartialEq)]
pub enum AppError {
    /// No such thing, or none the actor may know of (what, in the reader's words).
    NotFound(&'static str),
    /// Nobody acting: log in first.
    Unauthenticated,
    /// The actor may not do this (why, to them).
    Forbidden(&'static str),
    /// What was sent breaks these rules, each naming its field.
    Invalid(Invalids),
    /// The domain turned a booking or a walk-in down.
    Refused(Refusal),
    /// What is stored stands in the way.
    Conflict(Conflict),
    /// One of the application's own refusals.
    Denied(Denial),
    /// A file to import breaks these rules, each at its line and column; nothing of it was written.
    Rows(Vec<RowError>),
    /// The database cannot answer now; the same request may work shortly.
    Unavailable(Outage),
    /// Something broke on our side (logged where it happened).
    Internal,
}

/// The application's own refusals, beyond the store's conflicts and the domain's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// The e-mail address and password do not match an account.
    WrongCredentials,
    /// Password log-ins of the address are paused for a while.
    TooManyAttempts(Locked),
    /// Enough e-mails went to the address, or from the client, for now: seconds to wait.
    TooManyEmails { wait: i64 },
    /// The e-mail could not be sent.
    MailFailed,
    /// Too many log-ins and sign-ups are being worked on at once.
    Busy,
    /// The network's index is still being read after a start: network suggestions wait for it.
    Starting,
    /// The address is confirmed already.
    AlreadyVerified,
    /// The link was used, replaced by a newer one, or is too old.
    LinkNotWorking,
    /// Not today's check-in code of the venue.
    WrongCheckInCode,
    /// Not checked in anywhere, so there is nobody around to meet.
    NotCheckedIn,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// `Invalid` for one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(Invalid::new(field, message).into())
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotFound(what) => write!(f, "{what} not found"),
            Self::Unauthenticated => f.write_str("nobody is logged in"),
            Self::Forbidden(why) => f.write_str(why),
            Self::Invalid(invalids) => {
                let all: Vec<String> = invalids.iter().map(|i| format!("{} {}", i.field, i.message)).collect();
                f.write_str(&all.join("; "))
            }
            Self::Refused(refusal) => write!(f, "{refusal:?}"),
            Self::Conflict(conflict) => write!(f, "{conflict}"),
            Self::Denied(denial) => write!(f, "{denial:?}"),
            Self::Unavailable(outage) => write!(f, "the database is unavailable: {outage}"),
            Self::Rows(rows) => {
                let all: Vec<String> = rows.iter().map(|r| format!("line {}: {}", r.line, r.message)).collect();
                f.write_str(&all.join("; "))
            }
            Self::Internal => f.write_str("something went wrong on our side; it has been logged"),
        }
    }
}

impl std::error::Error for AppError {}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict(c) => Self::Conflict(c),
            StoreError::Backend(cause) => {
                tracing::error!(error = %cause, "store failed");
                Self::Internal
            }
            StoreError::Unavailable(outage, cause) => {
                tracing::warn!(%outage, error = %cause, "database unavailable");
                Self::Unavailable(outage)
            }
        }
    }
}

impl From<Invalids> for AppError {
    fn from(invalids: Invalids) -> Self {
        Self::Invalid(invalids)
    }
}

impl From<Invalid> for AppError {
    fn from(invalid: Invalid) -> Self {
        Self::Invalid(invalid.into())
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Invalid(invalid) => invalid.into(),
            other => Self::Refused(other),
        }
    }
}

impl From<Denial> for AppError {
    fn from(denial: Denial) -> Self {
        Self::Denied(denial)
    }
}
