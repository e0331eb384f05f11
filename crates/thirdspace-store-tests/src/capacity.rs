//! Seat capacity, checked against the domain's rules.
//!
//! The property test drives the store through random sequences of bookings, cancellations,
//! check-ins, check-outs and a moving clock, mirrors every step in a small in-memory model, and
//! after each step reads the `bookings` table directly to check that no space ever has more seats
//! held than it offers and that nobody holds two overlapping seats. The model also says, for each
//! booking, whether it must succeed or must be refused, so the store can fail in either direction.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestCaseError, TestError, TestRunner};
use thirdspace_domain::booking::{self, BookingPlan, BookingStatus, Hold};
use thirdspace_domain::space::SpaceKind;
use thirdspace_store::{BookingConflict, CheckIn, Conflict, NewBooking, PresenceConflict, StoreError};
use uuid::Uuid;

use crate::fixtures::*;
use crate::{Backend, StoredBooking};

/// The most of `intervals` covering any one instant of `window`, counted by brute force at every
/// instant where the count can rise (independent of the domain's sweep in `peak_occupancy`).
fn brute_peak(intervals: &[(i64, i64)], window: (i64, i64)) -> u32 {
    let clipped: Vec<(i64, i64)> =
        intervals.iter().map(|&(s, e)| (s.max(window.0), e.min(window.1))).filter(|(s, e)| s < e).collect();
    clipped.iter().map(|&(t, _)| clipped.iter().filter(|&&(s, e)| s <= t && t < e).count() as u32).max().unwrap_or(0)
}

/// No space has more seats held at any instant than it offers for social capital, and nobody
/// holds two seats at once; both as seen at `now`.
fn check_invariants(rows: &[StoredBooking], seats: &BTreeMap<Uuid, u32>, now: i64) -> Result<(), String> {
    let everything = (i64::MIN, i64::MAX);
    for (space, &offered) in seats {
        let held: Vec<(i64, i64)> = rows
            .iter()
            .filter(|b| b.space == *space)
            .filter_map(|b| booking::held_interval(&b.hold(), now, GRACE))
            .collect();
        let peak = brute_peak(&held, everything);
        if peak > offered {
            return Err(format!("space {space} has {peak} seats held at once but offers {offered}: {held:?}"));
        }
    }
    if let Some(b) = rows.iter().find(|b| !seats.contains_key(&b.space)) {
        return Err(format!("booking {} is in a space that offers no seats: {b:?}", b.id));
    }
    for (i, a) in rows.iter().enumerate() {
        for b in &rows[i + 1..] {
            if a.user != b.user {
                continue;
            }
            let (Some(x), Some(y)) =
                (booking::held_interval(&a.hold(), now, GRACE), booking::held_interval(&b.hold(), now, GRACE))
            else {
                continue;
            };
            if x.0 < y.1 && y.0 < x.1 {
                return Err(format!("user {} holds two overlapping seats: {a:?} and {b:?}", a.user));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The property test.

/// Where a booking asks for a seat.
#[derive(Debug, Clone, Copy)]
enum Where {
    /// Any open seating of the venue.
    Anywhere,
    /// The space with three seats.
    Main,
    /// The space with one seat.
    Nook,
    /// The meeting room, which offers no seats for social capital.
    MeetingRoom,
}

/// Whom a check-in or check-out is for.
#[derive(Debug, Clone, Copy)]
enum Who {
    Member(usize),
    /// The person who made the `pick`-th booking (modulo their number) among those in the status
    /// the operation acts on, to hit bookings more often than a random member would.
    BookerOf(usize),
}

#[derive(Debug, Clone)]
enum Op {
    /// Book from `offset` quarter-hours after the current quarter-hour (or from now, for a span
    /// already under way), for `quarters` quarter-hours, cut off at midnight.
    Book {
        user: usize,
        at: Where,
        offset: i64,
        quarters: i64,
    },
    /// Cancel the `pick`-th booking made so far (modulo their number).
    Cancel {
        pick: usize,
    },
    CheckIn {
        who: Who,
        walk_in: bool,
    },
    CheckOut {
        who: Who,
    },
    AdvanceClock {
        minutes: i64,
    },
    ReleaseNoShows,
    CheckOutAtClosing,
}

const USERS: usize = 8;
/// Spaces in creation order: main (3 seats), nook (1 seat), meeting room (none).
const SEATS: [u32; 3] = [3, 1, 0];
const MAIN: usize = 0;
const NOOK: usize = 1;
const MEETING_ROOM: usize = 2;

fn op() -> impl Strategy<Value = Op> {
    let place = prop_oneof![
        3 => Just(Where::Anywhere),
        2 => Just(Where::Main),
        1 => Just(Where::Nook),
        1 => Just(Where::MeetingRoom),
    ];
    // Mostly whole quarter-hours, so the clock lands on starts and ends of grace periods.
    let minutes = prop_oneof![3 => (1i64..=8).prop_map(|quarters| quarters * 15), 1 => 1i64..=120];
    let who = prop_oneof![(0..USERS).prop_map(Who::Member), any::<usize>().prop_map(Who::BookerOf)];
    prop_oneof![
        8 => (0..USERS, place, -4i64..8, 1i64..=16)
            .prop_map(|(user, at, offset, quarters)| Op::Book { user, at, offset, quarters }),
        2 => any::<usize>().prop_map(|pick| Op::Cancel { pick }),
        3 => (who.clone(), any::<bool>()).prop_map(|(who, walk_in)| Op::CheckIn { who, walk_in }),
        2 => who.prop_map(|who| Op::CheckOut { who }),
        3 => minutes.prop_map(|minutes| Op::AdvanceClock { minutes }),
        2 => Just(Op::ReleaseNoShows),
        1 => Just(Op::CheckOutAtClosing),
    ]
}

/// A booking as the model sees it.
#[derive(Debug, Clone)]
struct ModelBooking {
    id: Uuid,
    user: usize,
    space: usize,
    date: NaiveDate,
    starts_at: i64,
    ends_at: i64,
    closes_at: i64,
    status: BookingStatus,
    checked_out_at: Option<i64>,
}

impl ModelBooking {
    fn hold(&self) -> Hold {
        Hold {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            status: self.status,
            checked_out_at: self.checked_out_at,
        }
    }

    fn held(&self, now: i64) -> Option<(i64, i64)> {
        booking::held_interval(&self.hold(), now, GRACE)
    }
}

/// What the store must answer to a booking.
#[derive(Debug)]
enum Expect {
    /// It must succeed, in this space.
    Fits(usize),
    /// It must be refused, for one of these reasons.
    Refused(Vec<Refusal>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Conflict(Conflict),
    NotFound,
}

/// An expected refusal, or the error as a test failure when it is a backend error.
fn refusal(op: &Op, err: StoreError) -> Result<Refusal, TestCaseError> {
    match err {
        StoreError::Conflict(c) => Ok(Refusal::Conflict(c)),
        StoreError::NotFound(_) => Ok(Refusal::NotFound),
        StoreError::Backend(e) | StoreError::Unavailable(_, e) => {
            Err(TestCaseError::fail(format!("{op:?} failed in the database: {e}")))
        }
    }
}

#[derive(Debug, Default)]
struct Model {
    bookings: Vec<ModelBooking>,
}

impl Model {
    /// What a booking by `user` over `window` must come to, where `candidates` are the spaces
    /// it may go in, in the order the store tries them.
    fn expect_booking(&self, user: usize, window: (i64, i64), candidates: &[usize], now: i64) -> Expect {
        let overlapping = self
            .bookings
            .iter()
            .filter(|b| b.user == user)
            .filter_map(|b| b.held(now))
            .any(|held| held.0 < window.1 && window.0 < held.1);
        let fits = candidates.iter().copied().find(|&space| {
            let held: Vec<(i64, i64)> =
                self.bookings.iter().filter(|b| b.space == space).filter_map(|b| b.held(now)).collect();
            brute_peak(&held, window) < SEATS[space]
        });
        match (overlapping, fits) {
            (false, Some(space)) => Expect::Fits(space),
            _ => {
                let mut reasons = Vec::new();
                if overlapping {
                    reasons.push(Refusal::Conflict(Conflict::Booking(BookingConflict::OverlappingBooking)));
                }
                if candidates.is_empty() {
                    reasons.push(Refusal::NotFound);
                } else if fits.is_none() {
                    reasons.push(Refusal::Conflict(Conflict::Booking(BookingConflict::SeatsGone)));
                }
                Expect::Refused(reasons)
            }
        }
    }

    /// The person meant by `who`; a booker is picked among bookings in `status` when there are
    /// any, so that check-ins and check-outs find something to act on.
    fn person(&self, who: Who, status: BookingStatus) -> usize {
        let pick = match who {
            Who::Member(user) => return user,
            Who::BookerOf(pick) => pick,
        };
        let preferred: Vec<usize> = self.bookings.iter().filter(|b| b.status == status).map(|b| b.user).collect();
        let all: Vec<usize> = self.bookings.iter().map(|b| b.user).collect();
        let among = if preferred.is_empty() { all } else { preferred };
        among.get(pick % among.len().max(1)).copied().unwrap_or(0)
    }

    /// Checked-in bookings that are over end where they ended.
    fn retire(&mut self, over: &[usize]) {
        for &i in over {
            let b = &mut self.bookings[i];
            b.status = BookingStatus::CheckedOut;
            b.checked_out_at = Some(b.ends_at);
        }
    }

    fn checked_in_now(&self, user: usize, now: i64) -> Vec<usize> {
        (0..self.bookings.len())
            .filter(|&i| {
                let b = &self.bookings[i];
                b.user == user && b.status == BookingStatus::CheckedIn && b.closes_at > now
            })
            .collect()
    }
}

/// One scenario: the store, the model, the clock.
struct Scenario {
    db: Db,
    venue: Uuid,
    users: Vec<Uuid>,
    spaces: Vec<Uuid>,
    seats: BTreeMap<Uuid, u32>,
    model: Model,
    now: i64,
}

impl Scenario {
    async fn new(backend: &dyn Backend, start_minute: i64) -> Self {
        let db = Db::open(backend).await;
        let now = base() - DAY;
        let users = create_users(&*db.store, USERS, now).await;
        let venue = create_venue(&*db.store, users[0], now).await;
        // Distinct creation instants, so "the order the store tries spaces in" is well defined.
        let spaces = vec![
            create_space(&*db.store, venue, SpaceKind::OpenSeating, 10, SEATS[MAIN], now).await,
            create_space(&*db.store, venue, SpaceKind::OpenSeating, 4, SEATS[NOOK], now + 1).await,
            create_space(&*db.store, venue, SpaceKind::MeetingRoom, 8, SEATS[MEETING_ROOM], now + 2).await,
        ];
        let seats = spaces.iter().copied().zip(SEATS).collect();
        Self { db, venue, users, spaces, seats, model: Model::default(), now: base() + start_minute * 60 }
    }

    fn space_index(&self, id: Uuid) -> Option<usize> {
        self.spaces.iter().position(|&s| s == id)
    }

    /// Compares an outcome of a booking with what the model expects, recording a new booking.
    fn settle_booking(
        &mut self,
        op: &Op,
        expect: Expect,
        outcome: Result<thirdspace_store::Booking, StoreError>,
        user: usize,
        plan: &BookingPlan,
        status: BookingStatus,
    ) -> Result<(), TestCaseError> {
        match (expect, outcome) {
            (Expect::Fits(space), Ok(made)) => {
                prop_assert_eq!(
                    self.space_index(made.space_id),
                    Some(space),
                    "{:?} went into another space than the first with a free seat",
                    op
                );
                prop_assert_eq!(made.status, status);
                prop_assert_eq!((made.starts_at, made.ends_at), (plan.starts_at, plan.ends_at));
                self.model.bookings.push(ModelBooking {
                    id: made.id,
                    user,
                    space,
                    date: plan.date,
                    starts_at: plan.starts_at,
                    ends_at: plan.ends_at,
                    closes_at: plan.closes_at,
                    status,
                    checked_out_at: None,
                });
                Ok(())
            }
            (Expect::Fits(space), Err(err)) => {
                let why = refusal(op, err)?;
                Err(TestCaseError::fail(format!(
                    "{op:?} at {} was refused ({why:?}) though space {space} has a free seat and the person holds \
                     nothing overlapping; bookings: {:#?}",
                    show(self.now),
                    self.model.bookings
                )))
            }
            (Expect::Refused(reasons), Ok(made)) => Err(TestCaseError::fail(format!(
                "{op:?} at {} was accepted ({made:?}) though it must be refused for {reasons:?}; bookings: {:#?}",
                show(self.now),
                self.model.bookings
            ))),
            (Expect::Refused(reasons), Err(err)) => {
                let why = refusal(op, err)?;
                prop_assert!(
                    reasons.contains(&why),
                    "{:?} was refused with {:?}, expected one of {:?}",
                    op,
                    why,
                    reasons
                );
                Ok(())
            }
        }
    }

    async fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let now = self.now;
        let store = &*self.db.store;
        match *op {
            Op::Book { user, at, offset, quarters } => {
                let quarter = 15 * 60;
                let starts_at = (now.div_euclid(quarter) + offset) * quarter;
                let day_end = midnight(date_of(starts_at)) + DAY;
                let ends_at = (starts_at + quarters * quarter).min(day_end);
                let Ok(plan) = try_plan(starts_at, ends_at, now) else {
                    // Already over, or on a day gone by: the server refuses it before the store.
                    return Ok(());
                };
                let (space, candidates) = match at {
                    Where::Anywhere => (None, vec![MAIN, NOOK]),
                    Where::Main => (Some(self.spaces[MAIN]), vec![MAIN]),
                    Where::Nook => (Some(self.spaces[NOOK]), vec![NOOK]),
                    Where::MeetingRoom => (Some(self.spaces[MEETING_ROOM]), vec![]),
                };
                let expect = self.model.expect_booking(user, (plan.starts_at, plan.ends_at), &candidates, now);
                let outcome = store
                    .book(NewBooking { user: self.users[user], venue: self.venue, space, plan: plan.clone(), now })
                    .await;
                self.settle_booking(op, expect, outcome, user, &plan, BookingStatus::Booked)
            }
            Op::Cancel { pick } => {
                if self.model.bookings.is_empty() {
                    let outcome = store.cancel_booking(Uuid::now_v7(), now).await;
                    prop_assert!(matches!(outcome, Err(StoreError::NotFound(_))), "cancelling nothing: {:?}", outcome);
                    return Ok(());
                }
                let i = pick % self.model.bookings.len();
                let b = &self.model.bookings[i];
                let cancellable =
                    b.status == BookingStatus::Booked && !booking::is_no_show(&b.hold(), now, GRACE) && b.ends_at > now;
                let outcome = store.cancel_booking(b.id, now).await;
                match outcome {
                    Ok(done) => {
                        prop_assert!(
                            cancellable,
                            "{:?} cancelled {:?} which was not cancellable at {}",
                            op,
                            b,
                            show(now)
                        );
                        prop_assert_eq!(done.status, BookingStatus::Cancelled);
                        self.model.bookings[i].status = BookingStatus::Cancelled;
                    }
                    Err(err) => {
                        let why = refusal(op, err)?;
                        prop_assert!(!cancellable, "{:?} refused ({:?}) to cancel {:?} at {}", op, why, b, show(now));
                        prop_assert_eq!(why, Refusal::Conflict(Conflict::Booking(BookingConflict::NotCancellable)));
                    }
                }
                Ok(())
            }
            Op::CheckIn { who, walk_in } => {
                let user = self.model.person(who, BookingStatus::Booked);
                let today = date_of(now);
                // The venue has a walk-in to offer unless it closes within the quarter hour.
                let plan = walk_in
                    .then(|| booking::walk_in(clock(&venue_draft()), now, FOCUS.to_owned(), PLEDGE.to_owned()).ok())
                    .flatten();
                let outcome = store
                    .check_in(CheckIn {
                        venue: self.venue,
                        user: self.users[user],
                        today,
                        at: minute_of(now),
                        now,
                        open_until: midnight(date_of(now)) + DAY,
                        walk_in: plan.clone(),
                        by_staff: None,
                    })
                    .await;
                let present = self.model.checked_in_now(user, now);
                prop_assert!(present.len() <= 1, "user {} is checked in twice: {:?}", user, present);
                if let Some(&i) = present.first().filter(|&&i| self.model.bookings[i].ends_at > now) {
                    // Still here on a booking not yet over: the store answers with it.
                    let got = outcome.map_err(|e| TestCaseError::fail(format!("{op:?} while here: {e:?}")))?;
                    prop_assert_eq!(got.booking.id, self.model.bookings[i].id);
                    prop_assert!(!got.walk_in);
                    return Ok(());
                }
                // Bookings over that they are still checked in on (at closing too, before the sweep
                // gets to them) end where they ended, once the check-in succeeds.
                let over: Vec<usize> = (0..self.model.bookings.len())
                    .filter(|&i| {
                        let b = &self.model.bookings[i];
                        b.user == user && b.status == BookingStatus::CheckedIn && b.ends_at <= now
                    })
                    .collect();
                let mut booked: Vec<usize> = (0..self.model.bookings.len())
                    .filter(|&i| {
                        let b = &self.model.bookings[i];
                        b.user == user && b.status == BookingStatus::Booked && b.date == today
                    })
                    .collect();
                booked.sort_by_key(|&i| self.model.bookings[i].starts_at);
                let claimable =
                    booked.into_iter().find(|&i| booking::may_check_in(&self.model.bookings[i].hold(), now, GRACE));
                if let Some(i) = claimable {
                    let b = &self.model.bookings[i];
                    if now < b.starts_at {
                        let early = (now, b.starts_at);
                        let elsewhere = self
                            .model
                            .bookings
                            .iter()
                            .filter(|o| o.user == user)
                            .filter_map(|o| o.held(now))
                            .any(|held| held.0 < early.1 && early.0 < held.1);
                        if elsewhere {
                            let why = refusal(op, outcome.expect_err("an early arrival still holding another seat"))?;
                            prop_assert_eq!(
                                why,
                                Refusal::Conflict(Conflict::Booking(BookingConflict::OverlappingBooking))
                            );
                            return Ok(());
                        }
                        let held: Vec<(i64, i64)> = self
                            .model
                            .bookings
                            .iter()
                            .filter(|o| o.space == b.space)
                            .filter_map(|o| o.held(now))
                            .collect();
                        if brute_peak(&held, (now, b.starts_at)) >= SEATS[b.space] {
                            let why =
                                refusal(op, outcome.expect_err("an early arrival with no seat free until the start"))?;
                            prop_assert_eq!(why, Refusal::Conflict(Conflict::Booking(BookingConflict::SeatsGone)));
                            return Ok(());
                        }
                    }
                    let got = outcome.map_err(|e| TestCaseError::fail(format!("{op:?} with a booking now: {e:?}")))?;
                    prop_assert_eq!(
                        got.booking.id,
                        self.model.bookings[i].id,
                        "{:?} checked in on another booking",
                        op
                    );
                    prop_assert!(!got.walk_in);
                    prop_assert_eq!(got.booking.status, BookingStatus::CheckedIn);
                    let claimed = &mut self.model.bookings[i];
                    claimed.status = BookingStatus::CheckedIn;
                    claimed.starts_at = claimed.starts_at.min(now);
                    self.model.retire(&over);
                    return Ok(());
                }
                let later_today = (0..self.model.bookings.len()).any(|i| {
                    let b = &self.model.bookings[i];
                    b.user == user && b.status == BookingStatus::Booked && b.date == today && b.starts_at > now
                });
                if later_today {
                    let why = refusal(op, outcome.expect_err("a check-in long before the booking"))?;
                    prop_assert_eq!(why, Refusal::Conflict(Conflict::Presence(PresenceConflict::TooEarly)));
                    return Ok(());
                }
                match plan {
                    None => {
                        let why = refusal(op, outcome.expect_err("a check-in with no booking and no walk-in"))?;
                        prop_assert_eq!(why, Refusal::Conflict(Conflict::Presence(PresenceConflict::NoBookingNow)));
                        Ok(())
                    }
                    Some(plan) => {
                        let expect =
                            self.model.expect_booking(user, (plan.starts_at, plan.ends_at), &[MAIN, NOOK], now);
                        if let Ok(got) = &outcome {
                            prop_assert!(got.walk_in, "{:?} answered with an existing booking: {:?}", op, got);
                        }
                        let succeeded = outcome.is_ok();
                        let outcome = outcome.map(|c| c.booking);
                        self.settle_booking(op, expect, outcome, user, &plan, BookingStatus::CheckedIn)?;
                        if succeeded {
                            self.model.retire(&over);
                        }
                        Ok(())
                    }
                }
            }
            Op::CheckOut { who } => {
                let user = self.model.person(who, BookingStatus::CheckedIn);
                let present = self.model.checked_in_now(user, now);
                let outcome = store.check_out(self.venue, self.users[user], now).await;
                match (present.first(), outcome) {
                    (Some(&i), Ok(done)) => {
                        prop_assert_eq!(done.id, self.model.bookings[i].id);
                        prop_assert_eq!(done.status, BookingStatus::CheckedOut);
                        prop_assert_eq!(done.checked_out_at, Some(now));
                        self.model.bookings[i].status = BookingStatus::CheckedOut;
                        self.model.bookings[i].checked_out_at = Some(now);
                    }
                    (Some(&i), Err(err)) => {
                        let b = &self.model.bookings[i];
                        return Err(TestCaseError::fail(format!(
                            "{op:?} refused ({err:?}) though checked in on {b:?}"
                        )));
                    }
                    (None, Ok(done)) => {
                        return Err(TestCaseError::fail(format!("{op:?} checked out {done:?} though not checked in")));
                    }
                    (None, Err(err)) => {
                        prop_assert_eq!(
                            refusal(op, err)?,
                            Refusal::Conflict(Conflict::Presence(PresenceConflict::NotCheckedIn))
                        );
                    }
                }
                Ok(())
            }
            Op::AdvanceClock { minutes } => {
                self.now += minutes * 60;
                Ok(())
            }
            Op::ReleaseNoShows => {
                let released = store
                    .release_no_shows(now)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("{op:?} failed: {e:?}")))?;
                let mut expected = 0;
                for b in &mut self.model.bookings {
                    if booking::is_no_show(&b.hold(), now, GRACE) {
                        b.status = BookingStatus::Released;
                        expected += 1;
                    }
                }
                prop_assert_eq!(
                    released,
                    expected,
                    "release_no_shows at {} released another number of bookings",
                    show(now)
                );
                Ok(())
            }
            Op::CheckOutAtClosing => {
                let done = store
                    .check_out_at_closing(now)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("{op:?} failed: {e:?}")))?;
                let mut expected = 0;
                for b in &mut self.model.bookings {
                    if b.status == BookingStatus::CheckedIn && b.closes_at <= now {
                        b.status = BookingStatus::CheckedOut;
                        b.checked_out_at = Some(b.closes_at);
                        expected += 1;
                    }
                }
                prop_assert_eq!(
                    done,
                    expected,
                    "check_out_at_closing at {} checked out another number of people",
                    show(now)
                );
                Ok(())
            }
        }
    }

    /// The table agrees with the model, and the capacity invariants hold in it.
    async fn check(&self, step: usize, op: &Op) -> Result<(), TestCaseError> {
        let rows = self.db.stored_bookings().await;
        let mut expected: Vec<StoredBooking> = self
            .model
            .bookings
            .iter()
            .map(|b| StoredBooking {
                id: b.id,
                user: self.users[b.user],
                space: self.spaces[b.space],
                starts_at: b.starts_at,
                ends_at: b.ends_at,
                status: b.status,
                checked_out_at: b.checked_out_at,
            })
            .collect();
        expected.sort_by_key(|b| b.id);
        prop_assert_eq!(&rows, &expected, "after step {} ({:?}) the table differs from the model", step, op);
        let ids: HashSet<Uuid> = rows.iter().map(|b| b.id).collect();
        prop_assert_eq!(ids.len(), rows.len());
        check_invariants(&rows, &self.seats, self.now)
            .map_err(|e| TestCaseError::fail(format!("after step {step} ({op:?}) at {}: {e}", show(self.now))))
    }
}

async fn run_scenario(backend: &dyn Backend, start_minute: i64, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut scenario = Scenario::new(backend, start_minute).await;
    let mut outcome = Ok(());
    for (step, op) in ops.iter().enumerate() {
        outcome = match scenario.apply(op).await {
            Ok(()) => scenario.check(step, op).await,
            failed => failed,
        };
        if outcome.is_err() {
            break;
        }
    }
    // Also after a failure: shrinking runs many more scenarios, each on a database of its own.
    scenario.db.database.close().await;
    outcome
}

/// Runs the property test on a backend; `PROPTEST_CASES` overrides the backend's number of cases
/// (CI runs hundreds). A failure's seed is saved to `proptest-regressions/capacity.txt` of this
/// crate, to commit: every later run, on either backend, replays it first.
pub fn no_sequence_of_operations_overfills_a_space_or_double_books_a_person(backend: &dyn Backend) {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(backend.property_cases());
    let config = ProptestConfig {
        cases,
        max_shrink_iters: 1024,
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel("proptest-regressions"))),
        source_file: Some(file!()),
        ..ProptestConfig::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a Tokio runtime");
    let start_minute = prop_oneof![3 => (0i64..96).prop_map(|quarter| quarter * 15), 1 => 0i64..24 * 60];
    let ops = proptest::collection::vec(op(), 10..60);
    let outcome = TestRunner::new(config)
        .run(&(start_minute, ops), |(start_minute, ops)| runtime.block_on(run_scenario(backend, start_minute, &ops)));
    match outcome {
        Ok(()) => {}
        Err(TestError::Fail(why, (start_minute, ops))) => {
            panic!("{why}\nminimal failing input: start_minute = {start_minute}, ops = {ops:#?}")
        }
        Err(TestError::Abort(why)) => panic!("the property test gave up: {why}"),
    }
}
