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
use sha2::{Digest, Sha256};
use thirdspace_server::mail::Mailer;
use thirdspace_server::ServerConfig;

/// Everything an operator can set.
#[derive(Clone, Serialize, Deserialize)]
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
    /// PostgreSQL: the most connections each instance opens.
    pub database_max_connections: u32,
    /// PostgreSQL: how long one statement may run before it is cancelled, in seconds (0: no limit).
    pub database_statement_timeout_seconds: u64,
    /// Where people reach this server, for links in e-mails (default `http://<bind>`).
    pub public_url: Option<String>,
    /// The SMTP server for e-mail, e.g. `smtp://user:password@mail.example.org:587?tls=required`;
    /// without one, e-mails (log-in links) are written to the log.
    pub smtp_url: Option<String>,
    /// The sender of e-mails.
    pub mail_from: String,
    /// Passwords hashed at once (0: one per core); each hash holds about 19 MiB while it runs.
    pub password_threads: usize,
    /// Log-ins and sign-ups that may wait for a hashing thread; beyond them the answer is `503`.
    pub password_queue: usize,
    /// How long a client may take to send a request's head (line and headers), in seconds.
    pub request_head_timeout_seconds: u64,
    /// How long a request may take, its body included, before it is answered `408`, in seconds
    /// (live event streams are not limited).
    pub request_timeout_seconds: u64,
    /// How long a stopping server waits for requests in flight before it closes what remains.
    pub shutdown_grace_seconds: u64,
    /// How long a request waits for a database connection before it is answered `503`.
    pub database_acquire_timeout_seconds: u64,
    /// The secret that keys the form tokens given before log-in; several instances behind one
    /// address must share it (default: a random one at each start).
    pub form_secret: Option<String>,
    /// Where Prometheus metrics are served (`GET /metrics`), e.g. `127.0.0.1:9464`: an address
    /// of its own, kept off the public one (default: none, no metrics).
    pub metrics_bind: Option<SocketAddr>,
    /// Hosts webhooks may reach although they resolve to loopback, private or other special
    /// addresses (e.g. `["localhost", "hooks.internal"]`); every other such address is refused.
    pub webhook_allow_hosts: Vec<String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("database_url", &masked(&self.database_url))
            .field("secure_cookies", &self.secure_cookies)
            .field("session_days", &self.session_days)
            .field("sweep_seconds", &self.sweep_seconds)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("log", &self.log)
            .field("database_max_connections", &self.database_max_connections)
            .field("database_statement_timeout_seconds", &self.database_statement_timeout_seconds)
            .field("public_url", &self.public_url)
            .field("smtp_url", &self.smtp_url.as_deref().map(masked))
            .field("mail_from", &self.mail_from)
            .field("password_threads", &self.password_threads)
            .field("password_queue", &self.password_queue)
            .field("request_head_timeout_seconds", &self.request_head_timeout_seconds)
            .field("request_timeout_seconds", &self.request_timeout_seconds)
            .field("shutdown_grace_seconds", &self.shutdown_grace_seconds)
            .field("database_acquire_timeout_seconds", &self.database_acquire_timeout_seconds)
            .field("form_secret", &self.form_secret.as_ref().map(|_| "****"))
            .field("metrics_bind", &self.metrics_bind)
            .field("webhook_allow_hosts", &self.webhook_allow_hosts)
            .finish()
    }
}

/// A URL with any password masked, for logs.
pub fn masked(raw: &str) -> String {
    if thirdspace_store_sqlite::is_url(raw) {
        return raw.to_owned();
    }
    let mut url = match url::Url::parse(raw) {
        Ok(url) if url.has_host() => url,
        // What cannot be read as `scheme://user:password@host/…` cannot be masked: show it only
        // when it cannot hold a password.
        _ if !raw.contains('@') && !raw.contains("password") => return raw.to_owned(),
        _ => {
            let scheme = raw.split_once(':').map_or("", |(scheme, _)| scheme);
            return format!("{scheme}:… (hidden: not an address of the form scheme://user:password@host/…)");
        }
    };
    if url.password().is_some() {
        let _ = url.set_password(Some("****"));
    }
    if url.query_pairs().any(|(key, _)| key == "password") {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(key, value)| {
                let value = if key == "password" { "****".to_owned() } else { value.into_owned() };
                (key.into_owned(), value)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
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
            database_max_connections: 10,
            database_statement_timeout_seconds: 30,
            public_url: None,
            smtp_url: None,
            mail_from: "thirdspace <noreply@localhost>".to_owned(),
            password_threads: 0,
            password_queue: 16,
            request_head_timeout_seconds: 10,
            request_timeout_seconds: 30,
            shutdown_grace_seconds: 10,
            database_acquire_timeout_seconds: 3,
            form_secret: None,
            metrics_bind: None,
            webhook_allow_hosts: Vec::new(),
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

    /// The server's settings, for a server listening on `bound` (the address actually bound,
    /// which links in e-mails use when no `public_url` is set: with port 0, the port given).
    pub fn server(&self, bound: std::net::SocketAddr) -> ServerConfig {
        ServerConfig {
            secure_cookies: self.secure_cookies,
            session_days: self.session_days.clamp(1, 365),
            sweep_every: Duration::from_secs(self.sweep_seconds.max(1)),
            mail_every: ServerConfig::default().mail_every,
            max_body_bytes: self.max_body_bytes.clamp(1024, 16 * 1024 * 1024),
            screen_recheck: ServerConfig::default().screen_recheck,
            public_url: self
                .public_url
                .as_deref()
                .map(|u| u.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| format!("http://{bound}")),
            password_threads: match self.password_threads {
                0 => thirdspace_server::cores(),
                n => n.min(256),
            },
            password_queue: self.password_queue.min(10_000),
            request_head_timeout: Duration::from_secs(self.request_head_timeout_seconds.clamp(1, 3600)),
            request_timeout: Duration::from_secs(self.request_timeout_seconds.clamp(1, 3600)),
            shutdown_grace: Duration::from_secs(self.shutdown_grace_seconds.min(3600)),
            form_key: match &self.form_secret {
                Some(secret) => Sha256::digest(secret.as_bytes()).into(),
                None => ServerConfig::default().form_key,
            },
            metrics_bind: self.metrics_bind,
            webhook_allow_hosts: self.webhook_allow_hosts.iter().map(|h| h.trim().to_ascii_lowercase()).collect(),
            ..ServerConfig::default()
        }
    }

    /// The PostgreSQL pool's settings (TLS comes from the URL's `sslmode`).
    pub fn postgres(&self) -> thirdspace_store_postgres::PgOptions {
        thirdspace_store_postgres::PgOptions {
            max_connections: self.database_max_connections.clamp(1, 1000),
            statement_timeout: Duration::from_secs(self.database_statement_timeout_seconds),
            acquire_timeout: self.acquire_timeout(),
        }
    }

    /// How long a request waits for a database connection.
    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_secs(self.database_acquire_timeout_seconds.clamp(1, 600))
    }

    /// The mailer: SMTP when configured, else the log.
    pub fn mailer(&self) -> Result<Mailer> {
        match &self.smtp_url {
            Some(url) => Mailer::smtp(url, &self.mail_from).with_context(|| format!("the SMTP server {}", masked(url))),
            None => Ok(Mailer::log_only()),
        }
    }

    /// The database URL with any password masked, for logs.
    pub fn database_url_for_log(&self) -> String {
        masked(&self.database_url)
    }
}

pub fn init_logging(filter: &str) {
    // The database driver's notices ("relation … already exists, skipping") only on request.
    let filter = if filter.contains("sqlx") { filter.to_owned() } else { format!("{filter},sqlx=warn") };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(&filter))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Logs go to standard error, coloured only on a terminal (not in a file or the journal).
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .try_init();
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

    #[tokio::test]
    async fn passwords_in_urls_never_reach_the_log() {
        let config = Config {
            database_url: "postgres://app:s3cret@db/thirdspace".into(),
            smtp_url: Some("smtp://mailer:m4ilpass@mail.example.org:587?tls=required".into()),
            ..Config::default()
        };
        assert!(!config.database_url_for_log().contains("s3cret"));
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cret") && !debug.contains("m4ilpass"), "{debug}");
        assert!(debug.contains("mail.example.org"));
        let mailer = format!("{:?}", config.mailer().unwrap());
        assert!(!mailer.contains("m4ilpass"), "{mailer}");
    }

    #[test]
    fn passwords_are_masked_in_every_form_of_address() {
        assert_eq!(masked("postgres://app:s3cret@db/ts"), "postgres://app:****@db/ts");
        let query = masked("postgres://app@db/ts?sslmode=require&password=s3cret");
        assert_eq!(query, "postgres://app@db/ts?sslmode=require&password=****");
        for broken in [
            "postgres://app:s3cret@db:notaport/ts",
            "postgres:/app:s3cret@db/ts",
            "app:s3cret@db:5432/ts",
            "postgres:app@db?password=s3cret",
        ] {
            let shown = masked(broken);
            assert!(!shown.contains("s3cret") && shown.contains("hidden"), "{broken}: {shown}");
        }
        assert_eq!(masked("thirdspace-demo.db"), "thirdspace-demo.db", "nothing to hide, shown as typed");
        assert_eq!(masked("sqlite://thirdspace.db"), "sqlite://thirdspace.db");
    }

    #[test]
    fn links_in_e_mails_point_at_the_public_url_or_the_bound_address() {
        let config = Config { public_url: Some("https://seats.example.org/".into()), ..Config::default() };
        let bound: std::net::SocketAddr = "127.0.0.1:41234".parse().unwrap();
        assert_eq!(config.server(bound).public_url, "https://seats.example.org");
        assert_eq!(Config::default().server(bound).public_url, "http://127.0.0.1:41234", "the port bound, not 0");
    }
}
