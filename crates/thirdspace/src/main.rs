//! `thirdspace`: serve the platform, run its demo, administer it.

mod admin;
mod config;
mod demo;
mod evaluate;
mod migrate;
mod open;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use crate::config::{Config, Overrides};

#[derive(Parser)]
#[command(name = "thirdspace", version, about = "Spare seats, paid in social capital, and the people you meet there.")]
struct Cli {
    /// A TOML configuration file (default: ./thirdspace.toml when it exists).
    #[arg(long, global = true, env = "THIRDSPACE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (database created and migrated on first start).
    Serve(Overrides),
    /// Serve a fresh demo network: three venues, about forty people, today's bookings.
    Demo {
        #[command(flatten)]
        overrides: Overrides,
        /// How many demo people to create.
        #[arg(long, default_value_t = 40)]
        people: usize,
    },
    /// Operator tasks.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Move a whole network into an empty database, e.g. from SQLite to PostgreSQL. Stop every
    /// instance first: the copy is of one moment of the source.
    MigrateData {
        /// The database to read, e.g. sqlite://thirdspace.db.
        #[arg(long)]
        from: String,
        /// The empty database to fill, e.g. postgres://thirdspace@db.example.org/thirdspace.
        #[arg(long)]
        to: String,
    },
    /// Copy a SQLite database to a new file, consistently, while a server runs on it (on
    /// PostgreSQL use pg_dump: see docs/DEPLOYMENT.md).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        to: PathBuf,
        /// The database to copy (default: the configured one).
        #[arg(long = "database")]
        database_url: Option<String>,
    },
    /// Put a backup in place of a SQLite database; stop the server first. The database it
    /// replaces is kept beside it as <file>.replaced-<unix time>.
    Restore {
        /// The backup to put back.
        #[arg(long)]
        from: PathBuf,
        /// The database to replace (default: the configured one).
        #[arg(long = "database")]
        database_url: Option<String>,
    },
    /// Measure how well the serendipity engine routes questions, on a Stack Exchange Posts.xml.
    EvaluateMatching {
        /// The Posts.xml file.
        #[arg(long)]
        posts: PathBuf,
        /// `rolling`: each question ranks everyone who answered before it was asked, after a
        /// warm-up; `cut-off`: questions after a date rank those who answered before it.
        #[arg(long, value_enum, default_value = "rolling")]
        protocol: Protocol,
        /// The share of questions, by date, before the cut-off (`cut-off`).
        #[arg(long, default_value_t = 0.7)]
        train_fraction: f64,
        /// The share of questions, by date, that only teach (`rolling`).
        #[arg(long, default_value_t = 0.3)]
        warmup: f64,
        /// Seed of the random baseline.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Instead of the table, cross-validation over time of the engine's constants (rolling):
        /// the evaluated questions in this many spans by date, each from the second on routed
        /// with the constants that did best on the spans before it.
        #[arg(long, value_name = "SPANS")]
        cross_validate: Option<usize>,
        /// The engine's routing constants to evaluate instead of the shipped ones (rolling):
        /// recency days, quiet, fit, text, topic, e.g. `7,0.1,0.5,0.5,1`.
        #[arg(long, value_name = "DAYS,QUIET,FIT,TEXT,TOPIC", value_parser = evaluate::rolling::parse_model)]
        constants: Option<thirdspace_serendipity::route::Model>,
    },
}

/// How `evaluate-matching` splits what teaches from what is asked.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Protocol {
    Rolling,
    CutOff,
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(overrides) => {
            let config = Config::load(cli.config.as_deref(), &overrides)?;
            config::init_logging(&config.log);
            let (app, state, lock) = open::application(&config).await?;
            let shutdown = open::shutdown_signal();
            let addr = app.local_addr()?;
            tracing::info!(%addr, database = %config.database_url_for_log(), "thirdspace is serving");
            println!("thirdspace is serving on http://{addr}  (API docs: http://{addr}/api/docs)");
            if let Some(metrics) = app.metrics_addr() {
                println!("Prometheus metrics on http://{metrics}/metrics");
            }
            app.run_until(shutdown).await?;
            state.store.close().await;
            drop(lock);
            Ok(())
        }
        Command::Demo { mut overrides, people } => {
            let config = Config::load(cli.config.as_deref(), &overrides)?;
            config::init_logging(&config.log);
            // The port first, then the folder's demo lock: a demo that cannot start never touches
            // the database of one already running.
            let listener = tokio::net::TcpListener::bind(config.bind).await.with_context(|| {
                format!("{} is in use: start the demo on another address, e.g. --bind 127.0.0.1:8081", config.bind)
            })?;
            let lock = demo::lock_folder()?;
            if overrides.database_url.is_none() {
                overrides.database_url = Some(demo::fresh_database_url()?);
            }
            let config = Config::load(cli.config.as_deref(), &overrides)?;
            demo::run(&config, listener, people).await?;
            drop(lock);
            Ok(())
        }
        Command::MigrateData { from, to } => migrate::run(&from, &to).await,
        Command::EvaluateMatching { posts, protocol, train_fraction, warmup, seed, cross_validate, constants } => {
            if let Some(folds) = cross_validate {
                if matches!(protocol, Protocol::CutOff) {
                    anyhow::bail!("--cross-validate works on the rolling protocol only");
                }
                print!("{}", evaluate::rolling::cross_validate(&posts, warmup, seed, folds)?);
                return Ok(());
            }
            let evaluation = match protocol {
                Protocol::Rolling => evaluate::rolling::evaluate(&posts, warmup, seed, constants.unwrap_or_default())?,
                Protocol::CutOff => evaluate::evaluate(&posts, train_fraction, seed)?,
            };
            print!("{}", evaluation.table());
            Ok(())
        }
        Command::Backup { to, database_url } => {
            let config = Config::load(cli.config.as_deref(), &Overrides::default())?;
            let url = sqlite_only(database_url.unwrap_or(config.database_url), "backup")?;
            let made = thirdspace_store_sqlite::backup::backup(&url, &to).await?;
            println!(
                "backed up {url} to {} ({} bytes, {} bookings, schema {}) in {:.1} s",
                made.path.display(),
                made.bytes,
                made.bookings,
                made.schema_version,
                made.took.as_secs_f64()
            );
            Ok(())
        }
        Command::Restore { from, database_url } => {
            let config = Config::load(cli.config.as_deref(), &Overrides::default())?;
            let url = sqlite_only(database_url.unwrap_or(config.database_url), "restore")?;
            let now = chrono::Utc::now().timestamp();
            let restored = thirdspace_store_sqlite::backup::restore(&from, &url, now).await?;
            println!(
                "restored {} to {} ({} bookings, schema {}) in {:.1} s",
                from.display(),
                restored.path.display(),
                restored.bookings,
                restored.schema_version,
                restored.took.as_secs_f64()
            );
            if let Some(kept) = restored.replaced {
                println!("the database it replaced is kept as {}", kept.display());
            }
            Ok(())
        }
        Command::Admin(command) => {
            let config = Config::load(cli.config.as_deref(), &Overrides::default())?;
            config::init_logging(&config.log);
            admin::run(&config, command).await
        }
    }
}

/// `url` when it names a SQLite database; PostgreSQL has its own tools for `what`.
fn sqlite_only(url: String, what: &str) -> Result<String> {
    if thirdspace_store_sqlite::is_url(&url) {
        return Ok(url);
    }
    anyhow::bail!(
        "{what} works on SQLite databases; for PostgreSQL use pg_dump and pg_restore (see docs/DEPLOYMENT.md)"
    )
}
