//! The rules of thirdspace, free of I/O: what a valid venue, space, profile and booking is,
//! when a seat is free, and how a venue's daily check-in code is derived.
//!
//! Everything that crosses the edge is parsed here into types that cannot hold an invalid value,
//! so the store and the HTTP server only ever see checked data.

pub mod board;
pub mod booking;
pub mod checkin;
pub mod email;
pub mod exchange;
pub mod export;
pub mod gathering;
pub mod hours;
pub mod import;
pub mod invalid;
pub mod mail;
pub mod outcome;
pub mod profile;
pub mod report;
pub mod resident;
pub mod space;
pub mod tag;
pub mod text;
pub mod venue;
pub mod webhook;

pub use invalid::{Invalid, Invalids};
