//! A full disk: writes fail with an outage, the store says it is not ready, and writes come back
//! by themselves once there is room, without a restart. Runs on a small tmpfs mounted for the
//! test (root only); elsewhere it says so and is skipped, except on CI, where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use thirdspace_domain::email::Email;
use thirdspace_store::{Accounts, NewUser, Outage, Store, StoreError};

const NOW: i64 = 1_780_000_000;

fn new_user(email: &str, name: &str) -> NewUser {
    NewUser {
        email: Email::parse(email).expect("email"),
        password_hash: "not a real hash".to_owned(),
        display_name: name.to_owned(),
        is_admin: false,
        email_verified: false,
        now: NOW,
    }
}

/// A tmpfs of `size` mounted on a fresh folder, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if mounted {
            return Some(Self { dir });
        }
        let why = "WARNING: cannot mount a small tmpfs here (needs root): the full-disk test is skipped";
        assert!(std::env::var("CI").is_err(), "{why}; CI must run it");
        eprintln!("{why}");
        None
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

/// Fills the disk with a file until nothing more fits.
fn fill(disk: &SmallDisk) -> PathBuf {
    use std::io::Write;
    let filler = disk.path().join("filler");
    let mut file = std::fs::File::create(&filler).expect("filler");
    let block = vec![7u8; 4096];
    while file.write_all(&block).is_ok() {}
    let _ = file.sync_all();
    filler
}

fn is_full(err: &StoreError) -> bool {
    matches!(err, StoreError::Unavailable(Outage::Full, _))
}

#[tokio::test]
async fn a_full_disk_refuses_writes_as_an_outage_and_writes_come_back_when_room_is_freed() {
    let Some(disk) = SmallDisk::mount("4m") else { return };
    let url = format!("sqlite://{}", disk.path().join("thirdspace.db").display());
    let store = thirdspace_store_sqlite::open(&url).await.expect("open");
    store.ready().await.expect("ready with room");
    let filler = fill(&disk);

    // Users with long names until a write fails for lack of room.
    let mut refused = None;
    for n in 0..10_000 {
        let user = new_user(&format!("p{n}@example.org"), &"n".repeat(60));
        if let Err(e) = store.create_user(user).await {
            refused = Some(e);
            break;
        }
    }
    let refused = refused.expect("a write fails once the disk is full");
    assert!(is_full(&refused), "a full disk is an outage, not a bug: {refused}");
    let again = store.create_user(new_user("again@example.org", "Again")).await;
    assert!(again.as_ref().is_err_and(is_full), "still full: {again:?}");
    let ready = store.ready().await;
    assert!(ready.as_ref().is_err_and(is_full), "not ready while full: {ready:?}");
    store.ping().await.expect("reads still work");

    std::fs::remove_file(filler).expect("free the disk");
    store.ready().await.expect("ready again once there is room");
    let user = store
        .create_user(new_user("after@example.org", "After"))
        .await
        .expect("writes come back by themselves, without a restart");
    assert_eq!(store.user(user.id).await.expect("read").map(|u| u.id), Some(user.id));
    store.close().await;
}
