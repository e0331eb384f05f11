//! The e-mails members get, when each is due, and how a failed one is tried again.
//!
//! Each kind can be switched off in a member's settings; log-in and password links are not among
//! them (they are asked for, and always sent).

use chrono::{Duration, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// A kind of e-mail a member may switch off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MailKind {
    /// A seat booked (or approved), with its calendar file.
    BookingConfirmed,
    /// The evening before a booked seat.
    BookingReminder,
    /// Your answer for a gathering: going, in line or waiting for the organiser.
    RsvpConfirmed,
    /// A place came free and is yours to take before a deadline.
    PlaceOffered,
    /// The day before a gathering you are going to.
    GatheringReminder,
    /// The organiser's message to the people going.
    OrganiserMessage,
    /// A date you answered for was cancelled.
    DateCancelled,
    /// A date you answered for moved to another day or time.
    DateChanged,
    /// You both said yes to an introduction.
    IntroAccepted,
    /// Someone wrote to you about your post on the board.
    BoardContact,
    /// Your board post expires in a week, or tomorrow.
    BoardExpiry,
    /// A webhook endpoint you made keeps failing.
    WebhookFailing,
}

impl MailKind {
    pub const ALL: [MailKind; 12] = [
        Self::BookingConfirmed,
        Self::BookingReminder,
        Self::RsvpConfirmed,
        Self::PlaceOffered,
        Self::GatheringReminder,
        Self::OrganiserMessage,
        Self::DateCancelled,
        Self::DateChanged,
        Self::IntroAccepted,
        Self::BoardContact,
        Self::BoardExpiry,
        Self::WebhookFailing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BookingConfirmed => "booking_confirmed",
            Self::BookingReminder => "booking_reminder",
            Self::RsvpConfirmed => "rsvp_confirmed",
            Self::PlaceOffered => "place_offered",
            Self::GatheringReminder => "gathering_reminder",
            Self::OrganiserMessage => "organiser_message",
            Self::DateCancelled => "date_cancelled",
            Self::DateChanged => "date_changed",
            Self::IntroAccepted => "intro_accepted",
            Self::BoardContact => "board_contact",
            Self::BoardExpiry => "board_expiry",
            Self::WebhookFailing => "webhook_failing",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// What the setting switches, in the member's words.
    pub fn words(self) -> &'static str {
        match self {
            Self::BookingConfirmed => "A confirmation of each seat I book, with its calendar file",
            Self::BookingReminder => "A reminder the evening before a seat I booked",
            Self::RsvpConfirmed => "A confirmation when I answer for a gathering",
            Self::PlaceOffered => "A place that came free for me at a gathering",
            Self::GatheringReminder => "A reminder the day before a gathering I go to",
            Self::OrganiserMessage => "Messages from the organiser of a gathering I go to",
            Self::DateCancelled => "A gathering I answered for is cancelled",
            Self::DateChanged => "A gathering I answered for moves to another day or time",
            Self::IntroAccepted => "We both said yes to an introduction",
            Self::BoardContact => "Someone writes to me about my post on the board",
            Self::BoardExpiry => "My post on the board is about to expire",
            Self::WebhookFailing => "A webhook I made keeps failing to deliver",
        }
    }
}

/// The hour of the evening before a booking when its reminder goes, local time.
pub const EVENING: u32 = 18;
/// How long before a gathering its reminder goes.
pub const GATHERING_REMINDER_SECONDS: i64 = 86_400;

/// When the reminder of a seat starting at `starts_at` in `tz` is due: 18:00 local the evening
/// before. `None` when that moment is not after `now` (booked too late for a reminder to help).
pub fn evening_before(starts_at: i64, tz: Tz, now: i64) -> Option<i64> {
    let local = tz.timestamp_opt(starts_at, 0).single()?.date_naive() - Duration::days(1);
    let evening = local.and_time(NaiveTime::from_hms_opt(EVENING, 0, 0)?);
    // Across a change of the clocks 18:00 exists once; `earliest` covers a zone that skips it.
    let due = tz.from_local_datetime(&evening).earliest()?.timestamp();
    (due > now).then_some(due)
}

/// When the reminder of a gathering starting at `starts_at` is due: a day before, if that is still
/// to come at `now`.
pub fn day_before(starts_at: i64, now: i64) -> Option<i64> {
    let due = starts_at - GATHERING_REMINDER_SECONDS;
    (due > now).then_some(due)
}

/// How many times an e-mail is tried before it is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// When to try again an e-mail that failed on its `attempts`-th try at `now`: a minute, then twice
/// as long each time (about four hours in all); `None` once it has had [`MAX_ATTEMPTS`].
pub fn retry_at(attempts: u32, now: i64) -> Option<i64> {
    (attempts < MAX_ATTEMPTS).then(|| now + 60 * (1i64 << attempts.saturating_sub(1).min(16)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        let local = NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap();
        tz.from_local_datetime(&local).unwrap().timestamp()
    }

    #[test]
    fn kinds_read_back_from_their_names_and_every_kind_has_words() {
        for kind in MailKind::ALL {
            assert_eq!(MailKind::parse(kind.as_str()), Some(kind));
            assert!(kind.words().len() > 20);
        }
        assert_eq!(MailKind::parse("login_link"), None);
        let names: std::collections::BTreeSet<_> = MailKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), MailKind::ALL.len());
    }

    #[test]
    fn a_booking_is_reminded_at_six_the_evening_before_in_the_venue_s_zone() {
        let tz = chrono_tz::Europe::Amsterdam;
        let starts = at(tz, 2026, 12, 8, 9, 0);
        assert_eq!(evening_before(starts, tz, 0), Some(at(tz, 2026, 12, 7, 18, 0)));
        // Across the change to summer time (29 March 2026) the evening before is still 18:00 local.
        let starts = at(tz, 2026, 3, 30, 9, 0);
        assert_eq!(evening_before(starts, tz, 0), Some(at(tz, 2026, 3, 29, 18, 0)));
        // A booking just after midnight is reminded the evening before its date.
        let starts = at(tz, 2026, 12, 8, 0, 30);
        assert_eq!(evening_before(starts, tz, 0), Some(at(tz, 2026, 12, 7, 18, 0)));
    }

    #[test]
    fn no_reminder_once_its_moment_has_come() {
        let tz = chrono_tz::Europe::Amsterdam;
        let starts = at(tz, 2026, 12, 8, 9, 0);
        let due = at(tz, 2026, 12, 7, 18, 0);
        assert_eq!(evening_before(starts, tz, due - 1), Some(due));
        assert_eq!(evening_before(starts, tz, due), None);
        assert_eq!(day_before(100_000, 100_000 - 86_401), Some(100_000 - 86_400));
        assert_eq!(day_before(100_000, 100_000 - 86_400), None);
    }

    #[test]
    fn failed_e_mails_wait_longer_each_time_and_are_given_up_at_the_last_attempt() {
        assert_eq!(retry_at(1, 1000), Some(1060));
        assert_eq!(retry_at(2, 1000), Some(1120));
        assert_eq!(retry_at(3, 1000), Some(1240));
        assert_eq!(retry_at(MAX_ATTEMPTS - 1, 0), Some(60 << (MAX_ATTEMPTS - 2)));
        assert_eq!(retry_at(MAX_ATTEMPTS, 0), None);
        assert_eq!(retry_at(0, 0), Some(60));
    }
}
