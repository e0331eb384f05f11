//! The application layer: every operation of thirdspace, once. Each takes who is acting and typed
//! input, checks what that person may do, applies the domain's rules through the store (whose
//! transaction also writes the change's event to the outbox), and answers with a typed
//! [`AppError`]. The JSON API (`routes`) and the pages (`pages`) are adapters over it: they read a
//! request, call an operation and write its answer; neither touches the store, neither imports
//! the other.

pub mod access;
pub mod bookings;
pub mod intros;
pub mod presence;
pub mod profiles;
pub mod questions;

use thirdspace_domain::booking::Refusal;
use thirdspace_domain::{Invalid, Invalids};
use thirdspace_store::{Conflict, Outage, StoreError};

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
    /// The database cannot answer now; the same request may work shortly.
    Unavailable(Outage),
    /// Something broke on our side (logged where it happened).
    Internal,
}

/// The application's own refusals, beyond the store's conflicts and the domain's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
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
