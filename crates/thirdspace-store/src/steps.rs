//! What a step on an introduction changes, decided once for every backend from what is stored:
//! a backend locks the introduction, asks [`decide`], and writes the change in its own SQL.

use uuid::Uuid;

use crate::{Intro, IntroAnswer, IntroConflict, IntroStep, StoreError};

/// One of the two people of an introduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    A,
    B,
}

impl Side {
    /// The prefix of the side's columns (`a_answer`, `b_useful`, …).
    pub fn column(self) -> &'static str {
        match self {
            Self::A => "a",
            Self::B => "b",
        }
    }
}

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Nothing: the step was taken already (accepting twice).
    Nothing,
    /// The side accepts.
    Accept(Side),
    /// The side declines, which settles the introduction (if nothing had).
    Decline(Side),
    /// The two met: `met_at` and `settled_at` are set unless they were.
    Met,
    /// The side says whether meeting was useful.
    Useful(Side, bool),
}

/// The change `user`'s `step` makes to `current`, or why it makes none: someone who is not one of
/// the two is told the introduction does not exist; an answer is given once; "we met" needs both
/// to have accepted, and feedback needs a meeting.
pub fn decide(current: &Intro, user: Uuid, step: IntroStep) -> Result<Change, StoreError> {
    let (side, mine) = if user == current.person_a {
        (Side::A, current.a_answer)
    } else if user == current.person_b {
        (Side::B, current.b_answer)
    } else {
        return Err(StoreError::NotFound("introduction"));
    };
    match step {
        IntroStep::Accept if mine == IntroAnswer::Accepted => Ok(Change::Nothing),
        IntroStep::Accept | IntroStep::Decline if mine != IntroAnswer::Pending => {
            Err(IntroConflict::IntroAnswered.into())
        }
        IntroStep::Accept => Ok(Change::Accept(side)),
        IntroStep::Decline => Ok(Change::Decline(side)),
        IntroStep::Met if current.a_answer != IntroAnswer::Accepted || current.b_answer != IntroAnswer::Accepted => {
            Err(IntroConflict::NotMutual.into())
        }
        IntroStep::Met => Ok(Change::Met),
        IntroStep::Feedback { .. } if current.met_at.is_none() => Err(IntroConflict::NotMet.into()),
        IntroStep::Feedback { useful } => Ok(Change::Useful(side, useful)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Conflict;

    fn intro(a: IntroAnswer, b: IntroAnswer, met: bool) -> Intro {
        Intro {
            id: Uuid::from_u128(1),
            venue_id: None,
            person_a: Uuid::from_u128(10),
            person_b: Uuid::from_u128(20),
            score: 0.5,
            reason: String::new(),
            a_answer: a,
            b_answer: b,
            met_at: met.then_some(100),
            a_useful: None,
            b_useful: None,
            created_at: 0,
        }
    }

    const A: Uuid = Uuid::from_u128(10);
    const B: Uuid = Uuid::from_u128(20);
    use IntroAnswer::{Accepted, Declined, Pending};

    fn conflict(outcome: Result<Change, StoreError>) -> Option<Conflict> {
        match outcome {
            Err(StoreError::Conflict(c)) => Some(c),
            _ => None,
        }
    }

    #[test]
    fn each_side_answers_once_and_accepting_again_changes_nothing() {
        let fresh = intro(Pending, Pending, false);
        assert_eq!(decide(&fresh, A, IntroStep::Accept).unwrap(), Change::Accept(Side::A));
        assert_eq!(decide(&fresh, B, IntroStep::Decline).unwrap(), Change::Decline(Side::B));
        let a_said_yes = intro(Accepted, Pending, false);
        assert_eq!(decide(&a_said_yes, A, IntroStep::Accept).unwrap(), Change::Nothing);
        assert_eq!(
            conflict(decide(&a_said_yes, A, IntroStep::Decline)),
            Some(Conflict::Intro(IntroConflict::IntroAnswered))
        );
        assert_eq!(decide(&a_said_yes, B, IntroStep::Accept).unwrap(), Change::Accept(Side::B));
        let b_said_no = intro(Pending, Declined, false);
        assert_eq!(
            conflict(decide(&b_said_no, B, IntroStep::Accept)),
            Some(Conflict::Intro(IntroConflict::IntroAnswered))
        );
        assert_eq!(
            conflict(decide(&b_said_no, B, IntroStep::Decline)),
            Some(Conflict::Intro(IntroConflict::IntroAnswered))
        );
    }

    #[test]
    fn meeting_needs_both_yeses_and_feedback_needs_a_meeting() {
        for (a, b) in [(Pending, Accepted), (Accepted, Pending), (Accepted, Declined), (Declined, Accepted)] {
            assert_eq!(
                conflict(decide(&intro(a, b, false), A, IntroStep::Met)),
                Some(Conflict::Intro(IntroConflict::NotMutual)),
                "{a:?} {b:?}"
            );
        }
        let mutual = intro(Accepted, Accepted, false);
        assert_eq!(decide(&mutual, B, IntroStep::Met).unwrap(), Change::Met);
        assert_eq!(
            conflict(decide(&mutual, A, IntroStep::Feedback { useful: true })),
            Some(Conflict::Intro(IntroConflict::NotMet))
        );
        let met = intro(Accepted, Accepted, true);
        assert_eq!(decide(&met, B, IntroStep::Feedback { useful: false }).unwrap(), Change::Useful(Side::B, false));
        assert_eq!(decide(&met, A, IntroStep::Feedback { useful: true }).unwrap(), Change::Useful(Side::A, true));
        assert_eq!(decide(&met, A, IntroStep::Met).unwrap(), Change::Met, "saying it again keeps the first time");
    }

    #[test]
    fn someone_else_is_told_there_is_no_such_introduction() {
        let outcome = decide(&intro(Pending, Pending, false), Uuid::from_u128(30), IntroStep::Accept);
        assert!(matches!(outcome, Err(StoreError::NotFound("introduction"))), "{outcome:?}");
        assert_eq!((Side::A.column(), Side::B.column()), ("a", "b"));
    }
}
