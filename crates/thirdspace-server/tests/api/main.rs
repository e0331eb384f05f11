//! The API, spoken to over HTTP: a real server on a random port, a fresh SQLite file per test.

mod account_pages;
mod accounts;
mod bookings;
pub mod browser;
mod coworker_pages;
mod errors;
mod helpers;
mod host_pages;
mod instances;
mod intros;
mod journeys;
mod live;
mod pages;
mod presence;
mod questions;
mod screens;
mod smtp;
mod venues;
mod web;
