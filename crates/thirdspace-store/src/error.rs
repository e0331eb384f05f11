use std::fmt;

/// Why a store operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The named thing does not exist (or is not visible to the caller).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The operation breaks a rule that depends on what is stored.
    #[error("{0}")]
    Conflict(Conflict),
    /// The database failed; the cause goes to the log, never to the client. The cause is in the
    /// message, not also given as the source, so that a chain of errors says it once.
    #[error("database error: {0}")]
    Backend(Box<dyn std::error::Error + Send + Sync>),
    /// The database cannot take this now (unreachable, out of space, every connection busy); the
    /// same request may succeed later. The cause goes to the log.
    #[error("database unavailable ({0}): {1}")]
    Unavailable(Outage, Box<dyn std::error::Error + Send + Sync>),
}

/// Why the database cannot take a request now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// It does not answer in time, or every connection is busy.
    Unreachable,
    /// It has no room to write (disk full, or the disk fails).
    Full,
}

impl std::fmt::Display for Outage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Outage::Unreachable => "unreachable",
            Outage::Full => "no room to write",
        })
    }
}

impl StoreError {
    pub fn backend(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Backend(Box::new(err))
    }

    pub fn unavailable(outage: Outage, err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Unavailable(outage, Box::new(err))
    }
}

/// A rule broken by what is already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    EmailTaken,
    SeatsGone,
    OverlappingBooking,
    NotCancellable,
    NoBookingNow,
    NotCheckedIn,
    AlreadyStaff,
    InvitationPending,
    InvitationNotForYou,
    EmailNotVerified,
    AlreadyAnswered,
    NoOpenSeating,
    TooEarly,
    NotMutual,
    NotMet,
    IntroAnswered,
}

impl Conflict {
    /// The stable machine-readable code clients match on.
    pub fn code(self) -> &'static str {
        match self {
            Self::EmailTaken => "email_taken",
            Self::SeatsGone => "seats_gone",
            Self::OverlappingBooking => "overlapping_booking",
            Self::NotCancellable => "not_cancellable",
            Self::NoBookingNow => "no_booking_now",
            Self::NotCheckedIn => "not_checked_in",
            Self::AlreadyStaff => "already_staff",
            Self::InvitationPending => "invitation_pending",
            Self::InvitationNotForYou => "invitation_not_for_you",
            Self::EmailNotVerified => "email_not_verified",
            Self::AlreadyAnswered => "already_answered",
            Self::NoOpenSeating => "no_open_seating",
            Self::TooEarly => "too_early",
            Self::NotMutual => "not_mutual",
            Self::NotMet => "not_met",
            Self::IntroAnswered => "intro_answered",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Self::EmailTaken => "an account with this e-mail address already exists",
            Self::SeatsGone => "no seat is free for social capital over that span",
            Self::OverlappingBooking => "you already hold a booking that overlaps this span",
            Self::NotCancellable => "only a booking not yet checked in can be cancelled",
            Self::NoBookingNow => "you hold no booking here for now, and walk-ins were not asked for",
            Self::NotCheckedIn => "this person is not checked in here",
            Self::AlreadyStaff => "this person is already on the venue's staff",
            Self::InvitationPending => "this person has already been invited",
            Self::InvitationNotForYou => "this invitation was sent to another e-mail address",
            Self::EmailNotVerified => {
                "confirm your e-mail address first: open the link we sent you, or ask for a new one"
            }
            Self::AlreadyAnswered => "this question is already marked answered",
            Self::NoOpenSeating => "this venue has no open seating to book",
            Self::TooEarly => "your booking here starts later today: check in up to an hour before it starts",
            Self::NotMutual => "both people must accept the introduction first",
            Self::NotMet => "feedback comes after the meeting",
            Self::IntroAnswered => "you have already answered this introduction",
        }
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl From<Conflict> for StoreError {
    fn from(c: Conflict) -> Self {
        Self::Conflict(c)
    }
}
