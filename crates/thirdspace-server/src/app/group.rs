//! Group commit: on a database that takes one write transaction at a time (SQLite), bookings that
//! arrive while the writer is busy wait in one line, and the next transaction writes all of them
//! (up to [`MOST`]). Each is written behind a mark of its own (a savepoint), so each is still
//! accepted or refused alone: a refusal drops its writes and the others go on. The group commits
//! once, and only then is any of them answered, so nothing is acknowledged before it is kept; if
//! the transaction fails, every booking in it gets that failure and none is kept.
//!
//! A request that stops waiting (its client gone, its deadline passed) before its turn is not
//! written; one that goes while its group is being written is kept, like a request whose answer
//! is lost on the way (a booking written alone is kept the same way when its requester goes while
//! it commits). Each booking keeps the instant its request was planned at (`NewBooking::now`),
//! which is at most the wait in line earlier than its write.

use std::sync::{Arc, Mutex};

use chrono_tz::Tz;
use thirdspace_store::{Booking, NewBooking, Outage, Store, StoreResult, Work};
use tokio::sync::{mpsc, oneshot};

use super::{bookings, AppError, AppResult};
use crate::metrics::Metrics;

/// The most bookings written in one transaction.
pub const MOST: usize = 64;

/// The most bookings waiting for their turn; beyond it a request waits for room in the line (its
/// deadline bounds how long), so what waits stays bounded.
const LINE: usize = 1024;

/// The line of bookings waiting for the writer, and the task that writes them.
#[derive(Default)]
pub struct GroupCommit {
    line: Mutex<Option<mpsc::Sender<Job>>>,
}

struct Job {
    booking: NewBooking,
    tz: Tz,
    reply: oneshot::Sender<AppResult<Booking>>,
}

impl GroupCommit {
    /// Writes `booking` (and its e-mails, by `tz`) in the next group, and answers once the group
    /// is committed.
    pub(super) async fn book(
        &self,
        store: &Arc<dyn Store>,
        metrics: &Arc<Metrics>,
        booking: NewBooking,
        tz: Tz,
    ) -> AppResult<Booking> {
        let line = self.line(store, metrics);
        let (reply, answer) = oneshot::channel();
        line.send(Job { booking, tz, reply }).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }

    /// How many bookings wait for their turn now.
    pub fn waiting(&self) -> usize {
        self.line.lock().map_or(0, |line| line.as_ref().map_or(0, |l| LINE - l.capacity()))
    }

    /// The line, with a task writing from it: started on first use, and again if the last one
    /// stopped.
    fn line(&self, store: &Arc<dyn Store>, metrics: &Arc<Metrics>) -> mpsc::Sender<Job> {
        let mut line = self.line.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match line.as_ref() {
            Some(running) if !running.is_closed() => running.clone(),
            _ => {
                let (sender, receiver) = mpsc::channel(LINE);
                tokio::spawn(write_in_turn(store.clone(), metrics.clone(), receiver));
                *line = Some(sender.clone());
                sender
            }
        }
    }
}

fn gone() -> AppError {
    tracing::error!("the bookings' writer stopped before answering");
    AppError::Internal
}

/// Takes whatever waits, up to [`MOST`], and writes it in one transaction, until the line closes.
async fn write_in_turn(store: Arc<dyn Store>, metrics: Arc<Metrics>, mut line: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MOST);
    while line.recv_many(&mut jobs, MOST).await > 0 {
        jobs.retain(|job| !job.reply.is_closed());
        if !jobs.is_empty() {
            write_together(&*store, &metrics, std::mem::take(&mut jobs)).await;
        }
    }
}

async fn write_together(store: &dyn Store, metrics: &Metrics, jobs: Vec<Job>) {
    let answers = match write_group(store, &jobs).await {
        Ok(answers) => {
            metrics.bookings_written_together(jobs.len());
            answers
        }
        Err(failed) => {
            let failed = AppError::from(failed);
            jobs.iter().map(|_| Err(failed.clone())).collect()
        }
    };
    for (job, answer) in jobs.into_iter().zip(answers) {
        metrics.booking(&answer);
        // A requester gone now loses its answer only: its booking is kept.
        let _ = job.reply.send(answer);
    }
}

/// Each booking's own answer, or the failure of the whole transaction (then nothing is kept). A
/// booking whose requester went away before its turn in the group is not written.
async fn write_group(store: &dyn Store, jobs: &[Job]) -> StoreResult<Vec<AppResult<Booking>>> {
    let mut work = store.begin().await?;
    let mut answers = Vec::with_capacity(jobs.len());
    for job in jobs {
        if job.reply.is_closed() {
            answers.push(Err(AppError::Unavailable(Outage::Unreachable)));
            continue;
        }
        match apart(work.as_mut(), job.booking.clone(), job.tz).await {
            Ok(answer) => answers.push(answer),
            Err(failed) => {
                work.rollback().await;
                return Err(failed);
            }
        }
    }
    work.commit().await?;
    Ok(answers)
}

/// One booking behind its own mark: refused, it leaves nothing behind. The outer error ends the
/// whole transaction: a mark that cannot be set or undone (SQLite rolls everything back itself on
/// some failures, a full disk among them), reported as the booking's own failure that led to it.
async fn apart(work: &mut dyn Work, booking: NewBooking, tz: Tz) -> StoreResult<AppResult<Booking>> {
    work.mark().await?;
    match bookings::write(work, booking, tz).await {
        Ok(made) => {
            work.keep_since_mark().await?;
            Ok(Ok(made))
        }
        Err(refused) => match work.undo_to_mark().await {
            Ok(()) => Ok(Err(refused.into())),
            Err(undo) => {
                tracing::warn!(error = %undo, "a booking's savepoint could not be undone; its group is given up");
                Err(refused)
            }
        },
    }
}
