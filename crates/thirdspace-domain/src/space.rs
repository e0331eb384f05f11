//! Spaces inside a venue: open seating and meeting rooms.

use serde::{Deserialize, Serialize};

use crate::{text, Invalid, Invalids};

/// What a space is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpaceKind {
    /// Seats anyone may book; some of them may be offered for social capital.
    OpenSeating,
    /// A room booked as a whole (booking rooms comes later).
    MeetingRoom,
}

impl SpaceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenSeating => "open_seating",
            Self::MeetingRoom => "meeting_room",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        [Self::OpenSeating, Self::MeetingRoom].into_iter().find(|k| k.as_str() == raw)
    }
}

/// What a host submits to add or edit a space.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpaceInput {
    #[schema(schema_with = text::schema::line::<1, 120>, example = "Reading room")]
    pub name: String,
    pub kind: SpaceKind,
    /// Seats (open seating) or people (meeting room).
    #[schema(example = 24, minimum = 1, maximum = 10_000)]
    pub capacity: u32,
    /// Seats offered for social capital each day, at most the capacity; open seating only.
    #[serde(default)]
    #[schema(example = 8, minimum = 0, maximum = 10_000)]
    pub social_capital_seats: u32,
}

/// The largest capacity one space may have.
pub const MAX_CAPACITY: u32 = 10_000;

/// A space as a host described it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceDraft {
    pub name: String,
    pub kind: SpaceKind,
    pub capacity: u32,
    pub social_capital_seats: u32,
}

impl SpaceDraft {
    /// Checks every field, and names every one that breaks a rule.
    pub fn parse(input: SpaceInput) -> Result<Self, Invalids> {
        let mut invalid = Invalids::default();
        let name = invalid.or_default(text::bounded("name", &input.name, 1, 120, false));
        if input.capacity == 0 || input.capacity > MAX_CAPACITY {
            invalid.add(Invalid::new("capacity", format!("must be between 1 and {MAX_CAPACITY}")));
        } else if input.social_capital_seats > input.capacity {
            invalid.add(Invalid::new("social_capital_seats", "cannot exceed the capacity"));
        }
        if input.kind == SpaceKind::MeetingRoom && input.social_capital_seats > 0 {
            invalid.add(Invalid::new("social_capital_seats", "only open seating offers seats for social capital"));
        }
        invalid.finish(Self {
            name,
            kind: input.kind,
            capacity: input.capacity,
            social_capital_seats: input.social_capital_seats,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: SpaceKind, capacity: u32, social: u32) -> SpaceInput {
        SpaceInput { name: "Hall".into(), kind, capacity, social_capital_seats: social }
    }

    #[test]
    fn social_capital_seats_cannot_exceed_capacity() {
        assert!(SpaceDraft::parse(input(SpaceKind::OpenSeating, 10, 10)).is_ok());
        let err = SpaceDraft::parse(input(SpaceKind::OpenSeating, 10, 11)).unwrap_err();
        assert_eq!(err.first().unwrap().field, "social_capital_seats");
    }

    #[test]
    fn kinds_are_stored_under_the_names_the_api_shows() {
        for kind in [SpaceKind::OpenSeating, SpaceKind::MeetingRoom] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            assert_eq!(SpaceKind::from_str_opt(kind.as_str()), Some(kind));
        }
        assert_eq!(SpaceKind::from_str_opt("hall"), None);
    }

    #[test]
    fn a_space_holds_at_most_ten_thousand_seats() {
        assert_eq!(SpaceDraft::parse(input(SpaceKind::OpenSeating, MAX_CAPACITY, 1)).unwrap().capacity, MAX_CAPACITY);
        let err = SpaceDraft::parse(input(SpaceKind::OpenSeating, MAX_CAPACITY + 1, 0)).unwrap_err();
        assert_eq!(err.first().unwrap().field, "capacity");
    }

    #[test]
    fn a_space_needs_at_least_one_seat() {
        assert_eq!(
            SpaceDraft::parse(input(SpaceKind::OpenSeating, 0, 0)).unwrap_err().first().unwrap().field,
            "capacity"
        );
    }

    #[test]
    fn meeting_rooms_offer_no_social_capital_seats() {
        assert!(SpaceDraft::parse(input(SpaceKind::MeetingRoom, 8, 2)).is_err());
        assert!(SpaceDraft::parse(input(SpaceKind::MeetingRoom, 8, 0)).is_ok());
    }
}
