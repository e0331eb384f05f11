//! Configuration, layered: defaults, then a TOML file, then `THIRDSPACE_*` environment variables,
//! then command-line flags.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use thirdspace_server::ServerConfig;

/// Everything an operator can set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// `sqlite://path/to/file.db` (created when missing).
    pub database_url: String,
    /// Mark cookies `Secure`; turn on behind HTTPS.
    pub secure_cookies: bool,
    /// How long a browser session lasts, in days.
    pub session_days: i64,
    /// How often no-shows are released and closed venues emptied, in seconds.
    pub sweep_seconds: u64,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Log filter, e.g. `info` or `thirdspace_server=debug,info`.
    pub log: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://thirdspace.db".to_owned(),
            secure_cookies: false,
            session_days: 30,
            sweep_seconds: 30,
            max_body_bytes: 64 * 1024,
            log: "info".to_owned(),
        }
    }
}

/// Flags that override the file and the environment.
#[derive(Debug, Clone, Default, Args, Serialize)]
pub struct Overrides {
    /// Address to listen on, e.g. 0.0.0.0:8080.
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<SocketAddr>,
    /// Database URL, e.g. sqlite://thirdspace.db.
    #[arg(long = "database")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// Mark cookies Secure (behind HTTPS).
    #[arg(long)]
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub secure_cookies: bool,
}

impl Config {
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                anyhow::ensure!(path.exists(), "configuration file {} does not exist", path.display());
                figment = figment.merge(Toml::file(path));
            }
            None => figment = figment.merge(Toml::file("thirdspace.toml")),
        }
        figment
            .merge(Env::prefixed("THIRDSPACE_").ignore(&["config"]))
            .merge(Serialized::defaults(overrides))
            .extract()
            .context("reading the configuration")
    }

    pub fn server(&self) -> ServerConfig {
        ServerConfig {
            secure_cookies: self.secure_cookies,
            session_days: self.session_days.clamp(1, 365),
            sweep_every: Duration::from_secs(self.sweep_seconds.max(1)),
            max_body_bytes: self.max_body_bytes.clamp(1024, 16 * 1024 * 1024),
        }
    }

    /// The database URL with any password masked, for logs.
    pub fn database_url_for_log(&self) -> String {
        match url::Url::parse(&self.database_url) {
            Ok(mut u) if u.password().is_some() => {
                let _ = u.set_password(Some("****"));
                u.to_string()
            }
            _ => self.database_url.clone(),
        }
    }
}

pub fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(filter))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::result_large_err, reason = "figment's test jail returns its own error type")]
    fn flags_override_the_environment_which_overrides_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("thirdspace.toml", "bind = \"127.0.0.1:9000\"\nsession_days = 7\nlog = \"debug\"")?;
            jail.set_env("THIRDSPACE_SESSION_DAYS", "14");
            let config = Config::load(None, &Overrides::default()).map_err(|e| e.to_string())?;
            assert_eq!(config.bind.port(), 9000);
            assert_eq!(config.session_days, 14);
            assert_eq!(config.log, "debug");
            let flags = Overrides { bind: Some("127.0.0.1:9100".parse().map_err(|_| "addr")?), ..Default::default() };
            let config = Config::load(None, &flags).map_err(|e| e.to_string())?;
            assert_eq!(config.bind.port(), 9100);
            Ok(())
        });
    }

    #[test]
    fn a_database_password_never_reaches_the_log() {
        let config = Config { database_url: "postgres://app:s3cret@db/thirdspace".into(), ..Config::default() };
        assert!(!config.database_url_for_log().contains("s3cret"));
    }
}
