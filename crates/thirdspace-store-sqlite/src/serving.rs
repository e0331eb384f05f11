//! One server per SQLite file: a server holds a lock on `<file>.lock` while it runs, so that a
//! second server on the same file (whose live events and sweeps would not be shared) refuses to
//! start, and so that `migrate-data` can tell the file is still in use.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;

#[derive(Debug, thiserror::Error)]
pub enum ServingError {
    #[error("{0}")]
    Url(String),
    #[error("a thirdspace server is running on {0}: stop it first")]
    InUse(PathBuf),
    #[error("locking {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// The lock file of the database at `url` (`sqlite://…`).
fn lock_path(url: &str) -> Result<PathBuf, ServingError> {
    let options = SqliteConnectOptions::from_str(url).map_err(|e| ServingError::Url(e.to_string()))?;
    let mut path = options.get_filename().to_path_buf().into_os_string();
    path.push(".lock");
    Ok(PathBuf::from(path))
}

/// Takes the lock of the database at `url` for as long as the returned file is open.
pub fn lock_for_serving(url: &str) -> Result<File, ServingError> {
    let path = lock_path(url)?;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| ServingError::Io { path: path.clone(), source })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(ServingError::InUse(path.with_extension(""))),
        Err(TryLockError::Error(source)) => Err(ServingError::Io { path, source }),
    }
}

/// Fails when a server holds the lock of the database at `url`; takes the lock itself, for as
/// long as the returned file is open (`None` when there is no lock file, so no server ever ran).
pub fn not_served(url: &str) -> Result<Option<File>, ServingError> {
    if !lock_path(url)?.exists() {
        return Ok(None);
    }
    lock_for_serving(url).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_server_on_one_file_is_refused_until_the_first_stops() {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}", dir.path().join("net.db").display());
        assert!(not_served(&url).expect("no lock yet").is_none());
        let first = lock_for_serving(&url).expect("the first server");
        assert!(matches!(lock_for_serving(&url), Err(ServingError::InUse(_))));
        assert!(matches!(not_served(&url), Err(ServingError::InUse(_))));
        drop(first);
        assert!(not_served(&url).expect("stopped").is_some());
    }
}
