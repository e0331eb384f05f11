//! Backups of a SQLite database, taken while a server runs on it, and putting one back while no
//! server does.
//!
//! A backup is SQLite's `VACUUM INTO` on a read-only connection: one read transaction, so the
//! copy is the database as it stood at one moment (every transaction committed before it began,
//! none after), compacted, written beside the target under a temporary name, checked, flushed to
//! disk and only then renamed to the name asked for. A server keeps writing meanwhile (WAL mode:
//! a reader holds nobody up).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use crate::serving::{lock_for_serving, ServingError};
use crate::MIGRATOR;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Serving(#[from] ServingError),
    #[error("{what}: {source}")]
    Io { what: String, source: std::io::Error },
    #[error("{what}: {source}")]
    Database { what: String, source: sqlx::Error },
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> BackupError {
    let what = what.into();
    move |source| BackupError::Io { what, source }
}

fn database(what: impl Into<String>) -> impl FnOnce(sqlx::Error) -> BackupError {
    let what = what.into();
    move |source| BackupError::Database { what, source }
}

/// What a backup or a restore did.
#[derive(Debug, Clone)]
pub struct Copied {
    /// The file written.
    pub path: PathBuf,
    pub bytes: u64,
    /// Rows of `bookings` in it.
    pub bookings: i64,
    /// The newest migration it records.
    pub schema_version: i64,
    pub took: Duration,
    /// On restore: where the database it replaced was kept, if there was one.
    pub replaced: Option<PathBuf>,
}

/// The file of a `sqlite://` URL.
fn file_of(url: &str) -> Result<PathBuf, BackupError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| BackupError::Refused(format!("{url} is not a SQLite database URL: {e}")))?;
    Ok(options.get_filename().to_path_buf())
}

/// `path` with `suffix` added to its file name.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A read-only connection to the database file at `path`, which must exist.
async fn read_only(path: &Path) -> Result<SqliteConnection, BackupError> {
    if !path.is_file() {
        return Err(BackupError::Refused(format!("{} does not exist", path.display())));
    }
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .busy_timeout(Duration::from_secs(30))
        .connect()
        .await
        .map_err(database(format!("opening {}", path.display())))
}

/// Checks that the database file at `path` is whole and is a thirdspace database this version
/// can serve (its migrations this version's, or the first of them: the server brings it up to
/// date): the rows of `bookings` and the newest migration.
async fn check(path: &Path) -> Result<(i64, i64), BackupError> {
    let mut conn = read_only(path).await?;
    let shown = path.display();
    let verdict: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut conn)
        .await
        .map_err(database(format!("checking {shown}")))?;
    if verdict != "ok" {
        return Err(BackupError::Refused(format!("{shown} is damaged: {verdict}")));
    }
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
        .fetch_all(&mut conn)
        .await
        .map_err(|_| BackupError::Refused(format!("{shown} is not a thirdspace database")))?;
    let known: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    if !known.starts_with(&applied) {
        return Err(BackupError::Refused(format!(
            "{shown} was written by another version of thirdspace (schema {}; this version knows up to {})",
            applied.last().copied().unwrap_or(0),
            known.last().copied().unwrap_or(0)
        )));
    }
    let bookings: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bookings")
        .fetch_one(&mut conn)
        .await
        .map_err(database(format!("counting the bookings of {shown}")))?;
    conn.close().await.map_err(database(format!("closing {shown}")))?;
    Ok((bookings, applied.last().copied().unwrap_or(0)))
}

/// Flushes the file at `path` and the directory that names it to disk.
fn flush(path: &Path) -> Result<(), BackupError> {
    std::fs::File::open(path).and_then(|f| f.sync_all()).map_err(io(format!("flushing {}", path.display())))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io(format!("flushing {}", dir.display())))?;
    }
    Ok(())
}

/// Copies the database at `url` (a server may be running on it) to the new file `to`.
pub async fn backup(url: &str, to: &Path) -> Result<Copied, BackupError> {
    let started = Instant::now();
    let source = file_of(url)?;
    if to.exists() {
        return Err(BackupError::Refused(format!("{} exists already: name a new file", to.display())));
    }
    let partial = beside(to, ".partial");
    // A partial copy left by an interrupted backup is of no use to anyone.
    let _ = std::fs::remove_file(&partial);
    let mut conn = read_only(&source).await?;
    let target = partial.to_str().ok_or_else(|| BackupError::Refused(format!("{} is not UTF-8", to.display())))?;
    let copied = sqlx::query("VACUUM INTO ?").bind(target).execute(&mut conn).await;
    let _ = conn.close().await;
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(database(format!("copying {} to {}", source.display(), partial.display()))(e));
    }
    let finished = async {
        let (bookings, schema_version) = check(&partial).await?;
        flush(&partial)?;
        std::fs::rename(&partial, to).map_err(io(format!("naming the copy {}", to.display())))?;
        flush(to)?;
        Ok::<_, BackupError>((bookings, schema_version))
    }
    .await;
    let (bookings, schema_version) = match finished {
        Ok(done) => done,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let bytes = std::fs::metadata(to).map_err(io(format!("reading {}", to.display())))?.len();
    Ok(Copied { path: to.to_owned(), bytes, bookings, schema_version, took: started.elapsed(), replaced: None })
}

/// Puts the backup `from` in place of the database at `url`, which no server may be running on
/// (its lock is held meanwhile). The database it replaces, with any write-ahead log a stopped
/// server left, is kept beside it as `<file>.replaced-<unix time>`.
pub async fn restore(from: &Path, url: &str, now: i64) -> Result<Copied, BackupError> {
    let started = Instant::now();
    let target = file_of(url)?;
    let _lock = lock_for_serving(url)?;
    let (bookings, schema_version) = check(from).await?;
    let incoming = beside(&target, ".restoring");
    std::fs::copy(from, &incoming).map_err(io(format!("copying {} to {}", from.display(), incoming.display())))?;
    // The copy must be whole and readable in WAL mode before anything is replaced.
    let prepared = async {
        let conn = SqliteConnectOptions::new()
            .filename(&incoming)
            .journal_mode(SqliteJournalMode::Wal)
            .connect()
            .await
            .map_err(database(format!("opening {}", incoming.display())))?;
        conn.close().await.map_err(database(format!("closing {}", incoming.display())))?;
        flush(&incoming)
    }
    .await;
    if let Err(e) = prepared {
        let _ = std::fs::remove_file(&incoming);
        return Err(e);
    }
    let mut replaced = None;
    let kept = beside(&target, &format!(".replaced-{now}"));
    for suffix in ["", "-wal", "-shm"] {
        let old = beside(&target, suffix);
        if old.exists() {
            let aside = beside(&kept, suffix);
            std::fs::rename(&old, &aside).map_err(io(format!("moving {} aside", old.display())))?;
            if suffix.is_empty() {
                replaced = Some(aside);
            }
        }
    }
    std::fs::rename(&incoming, &target).map_err(io(format!("putting the backup at {}", target.display())))?;
    flush(&target)?;
    let bytes = std::fs::metadata(&target).map_err(io(format!("reading {}", target.display())))?.len();
    Ok(Copied { path: target, bytes, bookings, schema_version, took: started.elapsed(), replaced })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn database_at(dir: &Path) -> String {
        let url = format!("sqlite://{}", dir.join("net.db").display());
        let store = crate::open(&url).await.expect("open");
        store.close().await;
        url
    }

    #[tokio::test]
    async fn a_backup_never_overwrites_and_a_restore_keeps_what_it_replaced() {
        let dir = tempfile::tempdir().expect("dir");
        let url = database_at(dir.path()).await;
        let copy = dir.path().join("copy.db");
        let made = backup(&url, &copy).await.expect("backup");
        assert_eq!(made.bookings, 0);
        assert_eq!(made.schema_version, MIGRATOR.iter().map(|m| m.version).max().expect("migrations"));
        assert!(!beside(&copy, ".partial").exists(), "the partial copy is renamed");
        let again = backup(&url, &copy).await;
        assert!(matches!(again, Err(BackupError::Refused(ref why)) if why.contains("exists already")), "{again:?}");

        let restored = restore(&copy, &url, 1_800_000_000).await.expect("restore");
        assert_eq!(restored.replaced, Some(dir.path().join("net.db.replaced-1800000000")));
        assert!(dir.path().join("net.db.replaced-1800000000").is_file());
        assert!(!dir.path().join("net.db.restoring").exists());
    }

    #[tokio::test]
    async fn a_restore_refuses_a_running_server_s_database_and_a_file_that_is_not_a_database() {
        let dir = tempfile::tempdir().expect("dir");
        let url = database_at(dir.path()).await;
        let copy = dir.path().join("copy.db");
        backup(&url, &copy).await.expect("backup");
        let serving = lock_for_serving(&url).expect("a server runs");
        assert!(matches!(restore(&copy, &url, 1).await, Err(BackupError::Serving(ServingError::InUse(_)))));
        drop(serving);

        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, b"not a database at all, just some words that are long enough").expect("write");
        assert!(restore(&junk, &url, 1).await.is_err(), "not a database");
        let other = dir.path().join("other.db");
        let mut conn =
            SqliteConnectOptions::new().filename(&other).create_if_missing(true).connect().await.expect("other");
        sqlx::query("CREATE TABLE t (x INTEGER)").execute(&mut conn).await.expect("table");
        conn.close().await.expect("close");
        let refused = restore(&other, &url, 1).await;
        assert!(matches!(refused, Err(BackupError::Refused(ref why)) if why.contains("not a thirdspace database")));
        assert!(!dir.path().join("net.db.replaced-1").exists(), "nothing was replaced");
    }
}
