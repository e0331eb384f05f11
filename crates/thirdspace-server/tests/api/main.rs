//! The API and the pages, spoken to over HTTP: a real server on a random port over a fresh SQLite
//! file per test. `api_postgres` runs these same tests on PostgreSQL.

/// The database every test of this binary runs on.
const BACKEND: helpers::Backend = helpers::Backend::Sqlite;

mod account_pages;
mod accounts;
mod approvals;
mod board;
mod board_pages;
mod bookings;
pub mod browser;
mod contract;
mod coworker_pages;
mod csv_files;
mod errors;
mod exchanges;
mod form_pages;
mod gathering_pages;
mod gatherings;
pub mod helpers;
mod host_pages;
mod intros;
mod journeys;
mod ledger_pages;
mod live;
mod mails;
mod operations;
mod pages;
mod presence;
mod questions;
mod reports;
mod screens;
mod smtp;
mod sweep;
mod venues;
mod visibility;
mod web;
pub mod webhooks;
