//! Drives a running thirdspace server and reports what it measured.
//!
//! By default it books seats from many concurrent clients (bookings per second, with latency
//! percentiles); `dashboards` opens many venue dashboards on the live event stream and times how
//! long a check-in takes to reach all of them; `pages` requests the web app's pages at a steady
//! rate and reports each one's latency; `presence` and `check-ins` ask who is here, or check in
//! again people checked in already, from many connections at a venue with many people present;
//! `network` asks for network suggestions among many public members.

mod api;
mod bookings;
mod dashboards;
mod pages;
mod proc;
mod reads;
mod reference;
mod sse;

use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Measure a running thirdspace server", args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    mode: Option<Mode>,
    /// Without a mode: seat bookings.
    #[command(flatten)]
    bookings: bookings::BookingArgs,
}

#[derive(Subcommand)]
enum Mode {
    /// Seat bookings per second (the default).
    Bookings(bookings::BookingArgs),
    /// Live-event delivery to many venue dashboards over Server-Sent Events.
    Dashboards(dashboards::DashboardArgs),
    /// The web app's pages at a steady rate: each page's latency.
    Pages(pages::PageArgs),
    /// Who is here (`GET /venues/{id}/presence`) as fast as the connections are answered.
    Presence(reads::ReadArgs),
    /// A check-in repeated by people already checked in, as fast as they are answered.
    CheckIns(reads::ReadArgs),
    /// A first check-in (a walk-in) by people not checked in, each checking out before the next.
    FirstCheckIns(reads::ReadArgs),
    /// Network suggestions (`GET /me/suggestions?scope=network`) for `--present` public members.
    Network(reads::ReadArgs),
}

/// Durations in ascending order.
fn sorted(mut durations: Vec<Duration>) -> Vec<Duration> {
    durations.sort_unstable();
    durations
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// "p50 …, p90 …, p99 …, max …" of sorted durations, in milliseconds.
fn latencies(sorted: &[Duration]) -> String {
    let ms = |p| percentile(sorted, p).as_secs_f64() * 1000.0;
    format!("p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms", ms(50.0), ms(90.0), ms(99.0), ms(100.0))
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.mode {
        None => bookings::run(cli.bookings).await,
        Some(Mode::Bookings(args)) => bookings::run(args).await,
        Some(Mode::Dashboards(args)) => dashboards::run(args).await,
        Some(Mode::Pages(args)) => pages::run(args).await,
        Some(Mode::Presence(args)) => reads::run(reads::Ask::Presence, args).await,
        Some(Mode::CheckIns(args)) => reads::run(reads::Ask::RepeatCheckIn, args).await,
        Some(Mode::FirstCheckIns(args)) => reads::run(reads::Ask::FirstCheckIn, args).await,
        Some(Mode::Network(args)) => reads::run(reads::Ask::NetworkSuggestions, args).await,
    }
}
