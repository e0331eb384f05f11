//! Password hashing with Argon2id, on a few threads of its own so it never stalls the runtime and
//! never takes more memory than those threads hold: each hash needs about 19 MiB, so hashes run at
//! most `threads` at a time, a short queue waits its turn, and beyond it the caller is told to
//! come back (`503` with `Retry-After`).

use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::Mutex;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use thirdspace_domain::Invalid;
use tokio::sync::oneshot;

use crate::app::{AppError, Denial};

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Seconds a client refused for a full queue is asked to wait before trying again.
pub const RETRY_AFTER_SECONDS: u64 = 2;

/// Checks a new password is long enough to resist guessing and short enough to hash cheaply.
pub fn check_new(password: &str) -> Result<(), Invalid> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(Invalid::new("password", format!("must be at least {MIN_PASSWORD_CHARS} characters")));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(Invalid::new("password", format!("must be at most {MAX_PASSWORD_CHARS} characters")));
    }
    Ok(())
}

type Job = Box<dyn FnOnce() + Send>;

/// The threads that hash passwords and the bounded queue in front of them.
pub struct Hashing {
    /// Dropping it closes the queue: the threads end once they finish what they hold.
    jobs: SyncSender<Job>,
    /// Hashes sent and not yet taken by a thread.
    queued: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Hashing {
    /// `threads` hashing threads (at least one) and room for `queue` hashes waiting.
    pub fn new(threads: usize, queue: usize) -> Self {
        release_large_allocations();
        let (jobs, next) = sync_channel::<Job>(queue);
        let next = std::sync::Arc::new(Mutex::new(next));
        for n in 0..threads.max(1) {
            let next = next.clone();
            let spawned = std::thread::Builder::new().name(format!("password-{n}")).spawn(move || loop {
                let job = match next.lock() {
                    Ok(receiver) => receiver.recv(),
                    Err(_) => return,
                };
                match job {
                    Ok(job) => job(),
                    Err(_) => return,
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "a password hashing thread could not start");
            }
        }
        Self { jobs, queued: std::sync::Arc::default() }
    }

    /// Hashes waiting for a thread now.
    pub fn queued(&self) -> usize {
        self.queued.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs `work` on a hashing thread; `503 busy` when the queue is full.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        use std::sync::atomic::Ordering;
        let (done, result) = oneshot::channel();
        let queued = self.queued.clone();
        let job: Job = Box::new(move || {
            queued.fetch_sub(1, Ordering::Relaxed);
            // Nobody waits any more when the client went away: nothing to tell.
            let _ = done.send(work());
        });
        self.queued.fetch_add(1, Ordering::Relaxed);
        let sent = self.jobs.try_send(job);
        if sent.is_err() {
            self.queued.fetch_sub(1, Ordering::Relaxed);
        }
        match sent {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(Denial::Busy.into()),
            Err(TrySendError::Disconnected(_)) => {
                tracing::error!("the password hashing threads are gone");
                return Err(AppError::Internal);
            }
        }
        result.await.map_err(|_| {
            tracing::error!("a password hashing job ended without an answer");
            AppError::Internal
        })
    }

    /// Hashes a password (PHC string).
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || hash_blocking(&password)).await?
    }

    /// Whether `password` matches `hash` (or, with no hash, the decoy, which never matches).
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, AppError> {
        self.run(move || {
            let known = hash.is_some();
            let stored = hash.unwrap_or_else(|| decoy_hash().to_owned());
            let matches = verify_in_place(&password, &stored).map_err(|e| {
                tracing::error!(error = %e, "a stored password hash cannot be checked");
                AppError::Internal
            })?;
            Ok(known && matches)
        })
        .await?
    }
}

/// Has every allocation of 128 KiB or more mapped for itself and unmapped when freed. glibc's
/// allocator otherwise raises that threshold to the largest block freed so far (up to 32 MiB),
/// after which each hash's 19 MiB comes from the heap and stays with the process once freed.
fn release_large_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets one of the allocator's parameters; any value is valid for it.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// The most Argon2 memory a stored hash may ask for (256 MiB).
const MAX_BLOCKS: usize = 256 * 1024;

/// Argon2 of `password` and `salt` with `params` into `out`, in this thread's memory.
fn argon2_into(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let needed = params.block_count();
    if needed > MAX_BLOCKS {
        return Err(argon2::Error::MemoryTooMuch);
    }
    let argon2 = Argon2::new(algorithm, version, params);
    // The 19 MiB are taken for this hash and given back after it: a large allocation is mapped
    // for itself (see `release_large_allocations`), so an idle server holds none of it.
    let mut blocks = vec![Block::default(); needed];
    argon2.hash_password_into_with_memory(password, salt, out, &mut blocks)
}

/// A new Argon2id hash of `password` (PHC string, with the library's default parameters).
fn hash_in_place(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    let params = Params::default();
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt.as_salt().decode_b64(&mut salt_bytes)?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(Algorithm::Argon2id, Version::V0x13, params.clone(), password.as_bytes(), raw_salt, &mut out)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out)?),
    };
    Ok(hash.to_string())
}

/// Whether `password` hashes to `stored` (a PHC string), compared in constant time.
fn verify_in_place(password: &str, stored: &str) -> Result<bool, argon2::password_hash::Error> {
    let parsed = PasswordHash::new(stored)?;
    let algorithm = Algorithm::try_from(parsed.algorithm)?;
    let version = parsed.version.map(Version::try_from).transpose()?.unwrap_or_default();
    let params = Params::try_from(&parsed)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(argon2::password_hash::Error::PhcStringField);
    };
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt.decode_b64(&mut salt_bytes)?;
    let mut out = vec![0u8; expected.len()];
    argon2_into(algorithm, version, params, password.as_bytes(), raw_salt, &mut out)?;
    // Output's equality takes the same time wherever the first difference is.
    Ok(expected == Output::new(&out)?)
}

/// Hashes a password on the current thread: for command-line tools and seeding.
pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    hash_in_place(password).map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        AppError::Internal
    })
}

/// A hash of a random password nobody knows, verified against when the e-mail is unknown so
/// that a login takes as long whether or not the account exists.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_blocking(&crate::auth::new_token()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let hashing = Hashing::new(1, 2);
        let hash = hashing.hash("correct horse battery".to_owned()).await.expect("hash");
        assert!(hashing.verify("correct horse battery".to_owned(), Some(hash.clone())).await.expect("verify"));
        assert!(!hashing.verify("wrong horse battery".to_owned(), Some(hash)).await.expect("verify"));
        assert!(!hashing.verify("anything at all".to_owned(), None).await.expect("verify"));
    }

    #[test]
    fn hashes_made_here_and_by_the_library_verify_each_other() {
        let ours = hash_in_place("correct horse battery").expect("hash");
        let salt = SaltString::generate(&mut OsRng);
        let theirs =
            argon2::password_hash::PasswordHasher::hash_password(&Argon2::default(), b"correct horse battery", &salt)
                .expect("hash")
                .to_string();
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
        assert_ne!(ours, theirs, "a new salt each time");
        for stored in [&ours, &theirs] {
            assert_eq!(verify_in_place("correct horse battery", stored), Ok(true));
            assert_eq!(verify_in_place("correct horse batterx", stored), Ok(false));
        }
        assert!(verify_in_place("x", "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA").is_err());
        assert!(verify_in_place("x", "not a hash").is_err());
    }

    #[tokio::test]
    async fn no_more_than_the_threads_run_at_once_and_a_full_queue_is_refused_with_a_wait() {
        let hashing = Arc::new(Hashing::new(2, 3));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut waiting = Vec::new();
        for _ in 0..20 {
            let (hashing, running, most) = (hashing.clone(), running.clone(), most.clone());
            waiting.push(tokio::spawn(async move {
                hashing
                    .run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(50));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
            }));
        }
        let mut done = 0;
        let mut refused = 0;
        for task in waiting {
            match task.await.expect("task") {
                Ok(()) => done += 1,
                Err(e) => {
                    assert_eq!(e, AppError::Denied(Denial::Busy));
                    let answer = crate::error::ApiError::from(e);
                    assert_eq!((answer.status, answer.code), (axum::http::StatusCode::SERVICE_UNAVAILABLE, "busy"));
                    assert_eq!(answer.retry_after, Some(RETRY_AFTER_SECONDS));
                    refused += 1;
                }
            }
        }
        assert_eq!(most.load(Ordering::SeqCst), 2, "two threads, two at a time");
        // At most two running and three queued fit; the rest were refused at once.
        assert!((3..=5).contains(&done), "{done} done");
        assert_eq!(done + refused, 20);
        assert!(refused > 0, "a queue of three cannot hold twenty");
    }
}
