//! Opening the store named by the database URL and building the server on it.

use std::sync::Arc;

use anyhow::{bail, Context, Result};
use thirdspace_server::clock::SystemClock;
use thirdspace_server::{AppState, Application};
use thirdspace_store::Store;

use crate::config::{masked, Config};

/// The store for a database URL: the scheme picks the backend (`sqlite://…` or `postgres://…`).
/// A server's store (`serving`) also listens for the events other instances on a shared database
/// commit, so that its live streams hear of them at once.
pub async fn store(config: &Config, database_url: &str, serving: bool) -> Result<Arc<dyn Store>> {
    let shown = masked(database_url);
    if thirdspace_store_sqlite::is_url(database_url) {
        let store = thirdspace_store_sqlite::open_with(database_url, config.acquire_timeout())
            .await
            .with_context(|| format!("opening {shown}"))?;
        return Ok(Arc::new(store));
    }
    if thirdspace_store_postgres::is_url(database_url) {
        let store = thirdspace_store_postgres::open(database_url, config.postgres())
            .await
            .with_context(|| format!("opening {shown}"))?;
        if serving {
            store.listen().await.with_context(|| format!("listening for events on {shown}"))?;
        }
        return Ok(Arc::new(store));
    }
    bail!("unsupported database URL {shown:?}: use sqlite://path/to/file.db or postgres://user@host/db")
}

/// The server for `config`, and on SQLite the lock that keeps a second server off its file (held
/// for as long as the returned file is open).
pub async fn application(config: &Config) -> Result<(Application, AppState, Option<std::fs::File>)> {
    let lock = sqlite_lock(&config.database_url)?;
    let store = store(config, &config.database_url, true).await?;
    let listener =
        tokio::net::TcpListener::bind(config.bind).await.with_context(|| format!("binding {}", config.bind))?;
    let server = config.server(listener.local_addr()?);
    let state = AppState::new(store, Arc::new(SystemClock), server).with_mailer(config.mailer()?);
    let app = Application::on(listener, state.clone())
        .await
        .with_context(|| format!("binding the metrics' address {:?}", config.metrics_bind))?;
    Ok((app, state, lock))
}

/// On SQLite, the lock a server holds on its database file while it runs.
pub fn sqlite_lock(database_url: &str) -> Result<Option<std::fs::File>> {
    if !thirdspace_store_sqlite::is_url(database_url) {
        return Ok(None);
    }
    Ok(Some(thirdspace_store_sqlite::serving::lock_for_serving(database_url)?))
}

/// Completes on Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the
/// future is first polled, so a signal that arrives while the server is still starting (after it
/// said where it serves) stops it cleanly too.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).ok();
        let mut interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            let term = async {
                match term.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let interrupt = async {
                match interrupt.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = term => {},
                () = interrupt => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
