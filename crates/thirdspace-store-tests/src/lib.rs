//! The one test suite every backend of thirdspace's store runs.
//!
//! A backend crate implements [`Backend`] in its `tests/suite.rs` and expands [`store_suite!`]
//! there; every test of the suite then runs on that backend, through the [`Store`] trait only. The
//! exceptions are [`TestDatabase::stored_bookings`], which reads the bookings behind the store's
//! back so that the capacity checks do not trust the store's own reads, and
//! [`TestDatabase::delete`], which deletes rows behind its back so that the counts the database
//! keeps by itself are seen to follow.

pub mod accounts;
pub mod approvals;
pub mod board;
pub mod bookings;
pub mod capacity;
pub mod concurrency;
pub mod exchanges;
pub mod fixtures;
pub mod gatherings;
pub mod intros;
pub mod links;
pub mod mails;
pub mod outbox;
pub mod outcomes;
pub mod questions;
pub mod reports;
pub mod screens;
pub mod venue_exports;
pub mod venues;
pub mod webhooks;
pub mod work;

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
    /// Deletes the row of `table` with `id` behind the stores' back, as an operator's statement
    /// would; the schema's cascades follow.
    async fn delete(&self, table: &str, id: Uuid);
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
            accounts {
                an_account_starts_with_a_profile_and_logs_in_by_e_mail,
                an_e_mail_address_holds_one_account,
                an_e_mail_address_taken_twice_at_once_makes_one_account,
                admins_are_set_by_e_mail,
                tokens_open_their_account_until_they_expire,
                api_tokens_are_listed_by_the_page_and_deleted_by_their_owner,
                a_profile_is_replaced_whole,
                open_public_profiles_are_read_page_by_page_in_the_order_of_their_ids,
            }
            venues {
                a_venue_is_created_with_its_owner_and_updated,
                venues_are_listed_by_name_in_a_city_or_everywhere,
                staff_are_invited_by_e_mail_and_accept_once_they_prove_the_address,
                an_invitation_is_accepted_once,
                spaces_are_added_and_edited_within_their_venue,
                a_venue_opens_with_its_spaces_or_not_at_all,
                residents_are_listed_by_address_or_domain_once_and_visit_without_taking_a_seat,
                a_resident_listed_by_address_keeps_the_host_s_name_and_tags_and_is_told_once,
                a_resident_s_e_mail_goes_with_the_listing_or_not_at_all,
            }
            approvals {
                a_booking_waiting_for_approval_holds_its_seat_and_is_checked_in_only_once_approved,
                a_declined_booking_gives_its_seat_back_and_an_unapproved_one_is_released,
                waiting_bookings_and_racing_decisions_keep_capacity,
                a_pledge_is_answered_after_the_visit_and_may_name_its_exchange,
            }
            bookings {
                bookings_are_listed_upcoming_and_past_and_by_venue_day,
                a_booking_is_refused_without_open_seating_or_in_an_unknown_space,
                free_seats_count_what_is_left_over_the_whole_window,
                a_booking_is_cancelled_only_before_it_is_claimed,
                check_in_walk_in_and_check_out,
                checking_in_long_before_a_booking_is_too_early,
                arriving_early_takes_the_seat_from_now_when_one_is_free,
                a_no_show_releases_its_seat_after_the_grace_period,
                check_out_at_closing_checks_everyone_out,
                a_booking_for_a_span_under_way_holds_its_seat_until_its_holder_can_check_in,
                a_member_staying_on_from_an_earlier_booking_checks_in_to_the_next,
            }
            concurrency {
                concurrent_bookings_never_exceed_capacity,
                two_stores_on_one_database_never_exceed_capacity_together,
                concurrent_walk_ins_never_exceed_capacity,
                one_person_booking_many_spans_at_once_never_holds_two_that_overlap,
                a_check_in_racing_a_cancellation_ends_in_one_of_them,
                a_cancelled_seat_goes_to_exactly_one_of_the_bookings_racing_for_it,
                early_arrivals_racing_bookings_never_exceed_capacity,
            }
            exchanges {
                an_exchange_counts_in_both_records_once_the_other_side_confirms_it,
                only_the_other_side_answers_a_decline_is_final_and_a_proposal_lapses,
                one_introduction_gives_one_exchange_each_way,
                two_confirmations_at_once_confirm_it_once,
            }
            venue_exports {
                a_venue_s_bookings_exchanges_and_outcomes_are_read_within_a_span_by_the_page,
            }
            intros {
                a_suggested_pair_keeps_its_introduction_until_it_settles,
                an_introduction_goes_from_accepted_to_met_to_feedback,
                settled_pairs_and_helped_counts,
                introductions_are_listed_by_venue_and_by_person,
                one_round_of_suggestions_is_listed_best_first_on_every_page,
            }
            links {
                a_link_works_once_for_its_purpose_until_it_expires,
                a_password_reset_sets_the_password_ends_every_session_and_api_token_and_voids_older_links,
                a_newer_link_voids_the_older_ones_of_its_purpose,
                using_any_link_proves_the_address,
                a_link_used_twice_at_once_works_once,
                attempts_are_counted_per_key_in_a_window,
                attempts_counted_at_once_through_two_stores_are_all_counted,
            }
            board {
                open_posts_are_listed_by_place_and_kind_until_they_expire,
                a_post_closes_once_and_is_renewed_only_while_open,
                each_member_s_conversation_with_an_author_is_their_own,
            }
            mails {
                an_e_mail_is_queued_once_per_key_and_claimed_when_due,
                a_finished_e_mail_is_never_claimed_again_and_a_failed_one_waits,
                two_stores_claiming_at_once_never_take_the_same_e_mail,
                switched_off_kinds_are_kept_per_member,
                e_mails_queued_together_skip_only_the_keys_already_queued,
            }
            webhooks {
                events_fan_out_once_to_the_endpoints_that_want_them,
                deliveries_go_in_order_per_endpoint_and_again_after_a_lapsed_hold,
                two_stores_claiming_at_once_never_take_the_same_delivery,
                two_stores_fanning_out_at_once_make_each_delivery_once,
                secrets_rotate_and_an_endpoint_keeps_one,
            }
            outbox {
                every_booking_and_presence_change_writes_its_event_and_a_refusal_writes_none,
                a_booked_check_in_and_the_data_of_a_booking_event,
                profiles_questions_and_introductions_write_their_events,
                old_events_are_forgotten_but_the_order_goes_on,
            }
            outcomes {
                an_outcome_is_recorded_with_what_led_to_it_and_confirmed_by_the_other_person,
            }
            questions {
                questions_are_asked_and_marked_answered_once,
            }
            gatherings {
                places_fill_then_a_line_forms_and_a_freed_place_is_offered_in_turn,
                the_organiser_says_yes_or_no_and_moves_someone_up_with_a_reason,
                fifty_answers_at_once_for_ten_places_give_ten_going_and_forty_in_order,
                dates_are_listed_by_city_and_venue_soonest_first,
                a_gathering_and_bookings_racing_for_a_venue_s_seats_never_share_one,
                a_gathering_changes_within_its_places_and_seats_and_a_date_moves,
            }
            reports {
                a_venue_s_facts_are_read_within_its_range_and_for_it_alone,
                the_network_s_daily_counts_follow_every_change_to_what_they_count,
            }
            screens {
                screen_tokens_open_their_venue_until_revoked,
            }
            work {
                a_unit_of_work_keeps_every_write_of_several_features_or_none,
                a_mark_drops_or_keeps_what_follows_it_alone,
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
