//! Opening the store named by the database URL and building the server on it.

use std::sync::Arc;

use anyhow::{bail, Context, Result};
use thirdspace_server::clock::SystemClock;
use thirdspace_server::{AppState, Application};
use thirdspace_store::Store;
use thirdspace_store_sqlite::SqliteStore;

use crate::config::Config;

/// The store for a database URL; the scheme picks the backend.
pub async fn store(database_url: &str) -> Result<Arc<dyn Store>> {
    if database_url.starts_with("sqlite:") {
        let store = SqliteStore::open(database_url).await.with_context(|| format!("opening {database_url}"))?;
        return Ok(Arc::new(store));
    }
    bail!("unsupported database URL {database_url:?}: use sqlite://path/to/file.db")
}

pub async fn application(config: &Config) -> Result<(Application, AppState)> {
    let state = AppState::new(store(&config.database_url).await?, Arc::new(SystemClock), config.server())
        .with_mailer(config.mailer()?);
    let app =
        Application::bind(config.bind, state.clone()).await.with_context(|| format!("binding {}", config.bind))?;
    Ok((app, state))
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
