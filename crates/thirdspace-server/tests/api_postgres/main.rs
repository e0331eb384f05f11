//! The same HTTP tests as `api`, each on a fresh database of a throwaway PostgreSQL cluster with
//! the `LISTEN/NOTIFY` event bus, plus the tests of several instances on one database. Without
//! PostgreSQL they are skipped loudly outside CI and fail in CI.

/// The database every test of this binary runs on.
const BACKEND: helpers::Backend = helpers::Backend::Postgres;

#[path = "../api/account_pages.rs"]
mod account_pages;
#[path = "../api/accounts.rs"]
mod accounts;
#[path = "../api/approvals.rs"]
mod approvals;
#[path = "../api/board.rs"]
mod board;
#[path = "../api/board_pages.rs"]
mod board_pages;
#[path = "../api/bookings.rs"]
mod bookings;
#[path = "../api/browser.rs"]
pub mod browser;
#[path = "../api/coworker_pages.rs"]
mod coworker_pages;
#[path = "../api/csv_files.rs"]
mod csv_files;
#[path = "../api/errors.rs"]
mod errors;
#[path = "../api/exchanges.rs"]
mod exchanges;
#[path = "../api/form_pages.rs"]
mod form_pages;
#[path = "../api/gathering_pages.rs"]
mod gathering_pages;
#[path = "../api/gatherings.rs"]
mod gatherings;
#[path = "../api/helpers.rs"]
pub mod helpers;
#[path = "../api/host_pages.rs"]
mod host_pages;
mod instances;
#[path = "../api/intros.rs"]
mod intros;
#[path = "../api/journeys.rs"]
mod journeys;
#[path = "../api/ledger_pages.rs"]
mod ledger_pages;
#[path = "../api/live.rs"]
mod live;
#[path = "../api/mails.rs"]
mod mails;
#[path = "../api/operations.rs"]
mod operations;
#[path = "../api/pages.rs"]
mod pages;
#[path = "../api/presence.rs"]
mod presence;
#[path = "../api/questions.rs"]
mod questions;
#[path = "../api/reports.rs"]
mod reports;
#[path = "../api/screens.rs"]
mod screens;
#[path = "../api/smtp.rs"]
mod smtp;
#[path = "../api/sweep.rs"]
mod sweep;
#[path = "../api/venues.rs"]
mod venues;
#[path = "../api/visibility.rs"]
mod visibility;
#[path = "../api/web.rs"]
mod web;
#[path = "../api/webhooks.rs"]
pub mod webhooks;
