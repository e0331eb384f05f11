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
    /// Its schema is not the one this version knows (migrations missing, or newer ones applied
    /// by a later version).
    Schema,
}

impl std::fmt::Display for Outage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Outage::Unreachable => "unreachable",
            Outage::Full => "no room to write",
            Outage::Schema => "schema of another version",
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

/// A rule broken by what is already stored, by the feature whose rule it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    Account(AccountConflict),
    Venue(VenueConflict),
    Booking(BookingConflict),
    Presence(PresenceConflict),
    Question(QuestionConflict),
    Intro(IntroConflict),
    Exchange(ExchangeConflict),
    Outcome(OutcomeConflict),
    Gathering(GatheringConflict),
    Board(BoardConflict),
    Webhook(WebhookConflict),
}

/// Declares a feature's conflicts: each with its stable code and the message its reader sees.
macro_rules! conflicts {
    ($(#[$doc:meta])* $name:ident as $feature:ident { $($variant:ident => $code:literal, $message:expr;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($variant,)+
        }

        impl $name {
            /// The stable machine-readable code clients match on.
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            fn message(self) -> &'static str {
                match self {
                    $(Self::$variant => $message,)+
                }
            }
        }

        impl From<$name> for Conflict {
            fn from(c: $name) -> Self {
                Self::$feature(c)
            }
        }

        impl From<$name> for StoreError {
            fn from(c: $name) -> Self {
                Self::Conflict(Conflict::$feature(c))
            }
        }
    };
}

conflicts! {
    /// Accounts: one account per address.
    AccountConflict as Account {
        EmailTaken => "email_taken", "an account with this e-mail address already exists";
    }
}

conflicts! {
    /// A venue's staff and invitations.
    VenueConflict as Venue {
        AlreadyStaff => "already_staff", "this person is already on the venue's staff";
        InvitationPending => "invitation_pending", "this person has already been invited";
        AlreadyResident => "already_resident", "this address or domain is already among the venue's residents";
        InvitationNotForYou => "invitation_not_for_you", "this invitation was sent to another e-mail address";
        EmailNotVerified => "email_not_verified",
            "confirm your e-mail address first: open the link we sent you, or ask for a new one";
    }
}

conflicts! {
    /// Seats: capacity, overlaps and cancelling.
    BookingConflict as Booking {
        SeatsGone => "seats_gone", "no seat is free for social capital over that span";
        OverlappingBooking => "overlapping_booking", "you already hold a booking that overlaps this span";
        NotCancellable => "not_cancellable", "only a booking not yet checked in can be cancelled";
        NoOpenSeating => "no_open_seating", "this venue has no open seating to book";
        NotAwaitingApproval => "not_awaiting_approval", "this booking is not waiting for approval (or is already over)";
        PledgeNotDue => "pledge_not_due", "you can say whether you shared what you pledged once you have been here and the visit is over";
    }
}

conflicts! {
    /// Checking in and out.
    PresenceConflict as Presence {
        NoBookingNow => "no_booking_now", "you hold no booking here for now, and walk-ins were not asked for";
        NotCheckedIn => "not_checked_in", "this person is not checked in here";
        TooEarly => "too_early", "your booking here starts later today: check in up to an hour before it starts";
        AwaitingApproval => "awaiting_approval", "your booking here is still waiting for the host's approval";
    }
}

conflicts! {
    /// Questions to the people around.
    QuestionConflict as Question {
        AlreadyAnswered => "already_answered", "this question is already marked answered";
    }
}

conflicts! {
    /// The steps of an introduction.
    IntroConflict as Intro {
        NotMutual => "not_mutual", "both people must accept the introduction first";
        NotMet => "not_met", "feedback comes after the meeting";
        IntroAnswered => "intro_answered", "you have already answered this introduction";
    }
}

conflicts! {
    /// The social-capital ledger.
    ExchangeConflict as Exchange {
        AlreadyRecorded => "exchange_recorded", "this exchange has already been recorded";
        OwnProposal => "own_proposal", "you proposed this exchange: the other person confirms it";
        Answered => "exchange_answered", "this exchange has already been answered";
        Lapsed => "exchange_lapsed", "this proposal was not confirmed within 30 days and has lapsed";
    }
}

conflicts! {
    /// Outcomes of coworking.
    OutcomeConflict as Outcome {
        OwnOutcome => "own_outcome", "you recorded this outcome: the other person it names confirms their side";
    }
}

conflicts! {
    /// The community board.
    BoardConflict as Board {
        PostClosed => "post_closed", "this post is fulfilled, withdrawn or expired";
        OwnPost => "own_post", "this is your own post: reply to the people who write to you";
    }
}

conflicts! {
    /// Webhooks and their secrets.
    WebhookConflict as Webhook {
        LastSecret => "last_secret", "an endpoint keeps at least one secret: add the new one before removing the old";
        TooManySecrets => "too_many_secrets", "an endpoint holds at most five secrets at once: remove an old one first";
    }
}

conflicts! {
    /// Gatherings and who comes.
    GatheringConflict as Gathering {
        Started => "gathering_started", "this date has started or passed";
        DateCancelled => "gathering_cancelled", "this date was cancelled";
        NotAnswered => "no_answer", "you have not said you come to this date";
        NoOffer => "no_offer", "there is no place offered to you for this date, or its deadline passed";
        NotPending => "not_pending", "this person is not waiting for your yes";
        NotInLine => "not_in_line", "this person is not in the waiting line";
        NoSeats => "gathering_no_seats", "the venue's open seating has not that many seats free over one of the dates: bookings and other gatherings hold them";
        AttendanceConfirmed => "attendance_confirmed", "who came to this date is already confirmed";
        NotBegun => "gathering_not_begun", "who came is confirmed once the date has begun";
        BelowGoing => "capacity_below_going", "more people are going to one of the dates than that: it cannot be made smaller than those going";
    }
}

impl Conflict {
    /// The stable machine-readable code clients match on.
    pub fn code(self) -> &'static str {
        match self {
            Self::Account(c) => c.code(),
            Self::Venue(c) => c.code(),
            Self::Booking(c) => c.code(),
            Self::Presence(c) => c.code(),
            Self::Question(c) => c.code(),
            Self::Intro(c) => c.code(),
            Self::Exchange(c) => c.code(),
            Self::Outcome(c) => c.code(),
            Self::Gathering(c) => c.code(),
            Self::Board(c) => c.code(),
            Self::Webhook(c) => c.code(),
        }
    }

    fn message(self) -> &'static str {
        match self {
            Self::Account(c) => c.message(),
            Self::Venue(c) => c.message(),
            Self::Booking(c) => c.message(),
            Self::Presence(c) => c.message(),
            Self::Question(c) => c.message(),
            Self::Intro(c) => c.message(),
            Self::Exchange(c) => c.message(),
            Self::Outcome(c) => c.message(),
            Self::Gathering(c) => c.message(),
            Self::Board(c) => c.message(),
            Self::Webhook(c) => c.message(),
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
