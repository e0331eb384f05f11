//! The one test suite every backend of thirdspace's store runs.
//!
//! A backend crate implements [`Backend`] in its `tests/suite.rs` and expands [`store_suite!`]
//! there; every test of the suite then runs on that backend, through the [`Store`] trait only. The
//! one exception is [`TestDatabase::stored_bookings`], which reads the bookings behind the store's
//! back so that the capacity checks do not trust the store's own reads.

pub mod bookings;
pub mod capacity;
pub mod concurrency;
mod fixtures;
pub mod links;

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use thirdspace_domain::booking::{BookingStatus, Hold};
use thirdspace_store::Store;
use uuid::Uuid;

/// A backend under test: it hands out fresh, empty databases.
#[async_trait]
pub trait Backend: Send + Sync {
    /// A new, empty database.
    async fn database(&self) -> Box<dyn TestDatabase>;

    /// How many cases the property test runs when `PROPTEST_CASES` is not set.
    fn property_cases(&self) -> u32 {
        24
    }
}

/// One empty database of a backend.
#[async_trait]
pub trait TestDatabase: Send + Sync {
    /// Opens a store on this database; each call opens another, as another process would.
    async fn open(&self) -> Arc<dyn Store>;
    /// Every row of the `bookings` table, read behind the stores' back.
    async fn stored_bookings(&self) -> Vec<StoredBooking>;
    /// Closes every store opened and throws the database away.
    async fn close(&self);
}

/// A row of the `bookings` table as the capacity checks see it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredBooking {
    pub id: Uuid,
    pub user: Uuid,
    pub space: Uuid,
    pub starts_at: i64,
    pub ends_at: i64,
    pub status: BookingStatus,
    pub checked_out_at: Option<i64>,
}

impl StoredBooking {
    fn hold(&self) -> Hold {
        Hold {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            status: self.status,
            checked_out_at: self.checked_out_at,
        }
    }
}

/// Runs a test on a runtime of its own, with four workers for the races.
pub fn block_on<F: Future>(test: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a Tokio runtime")
        .block_on(test)
}

/// Expands to one `#[test]` per test of the suite, each on the backend that `$backend()` (a
/// function of the calling module returning `Option<impl Backend>`) gives; `None` skips them.
#[macro_export]
macro_rules! store_suite {
    ($backend:ident) => {
        $crate::store_suite! {
            @modules $backend;
            bookings {
                a_no_show_releases_its_seat_after_the_grace_period,
                check_out_at_closing_checks_everyone_out,
                a_booking_for_a_span_under_way_holds_its_seat_until_its_holder_can_check_in,
                a_member_staying_on_from_an_earlier_booking_checks_in_to_the_next,
            }
            concurrency {
                concurrent_bookings_never_exceed_capacity,
                two_stores_on_one_database_never_exceed_capacity_together,
            }
            links {
                a_link_works_once_for_its_purpose_until_it_expires,
                a_password_reset_sets_the_password_and_ends_every_session_but_not_api_tokens,
            }
        }

        #[test]
        fn no_sequence_of_operations_overfills_a_space_or_double_books_a_person() {
            if let Some(backend) = $backend() {
                $crate::capacity::no_sequence_of_operations_overfills_a_space_or_double_books_a_person(&backend);
            }
        }
    };
    (@modules $backend:ident; $($module:ident { $($test:ident),* $(,)? })*) => {
        $(
            mod $module {
                $(
                    #[test]
                    fn $test() {
                        if let Some(backend) = super::$backend() {
                            $crate::block_on($crate::$module::$test(&backend));
                        }
                    }
                )*
            }
        )*
    };
}
