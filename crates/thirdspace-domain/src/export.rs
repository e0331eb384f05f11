//! What a venue's exports (CSV files for a spreadsheet) may hold: cells a spreadsheet will not
//! run as formulas, and people named only as they allow.

use std::borrow::Cow;

use crate::profile::{may_see, Viewer, Visibility};

/// The characters a spreadsheet reads as the start of a formula (or that hide one after them).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as it is safe to write: one starting like a formula gets a leading `'`, so a
/// spreadsheet shows it as text instead of running it (CSV injection). Anything else is kept.
pub fn cell(value: &str) -> Cow<'_, str> {
    if value.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// Whether a venue's export names a person who visited it or dealt with someone there: its staff
/// see them as the people at the venue do, so a person who shows themselves to anyone or to the
/// venue is named, and a hidden one is not.
pub fn names(visibility: Visibility) -> bool {
    may_see(visibility, Viewer { is_self: false, shares_venue_now: true })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_cell_starting_like_a_formula_becomes_text() {
        for risky in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(cell(risky), format!("'{risky}"), "{risky:?}");
        }
        for safe in ["", "Anna", "1-2", "a=b", " =1", "'=1", "12"] {
            assert_eq!(cell(safe), safe, "{safe:?}");
        }
    }

    #[test]
    fn hidden_people_are_not_named_and_the_others_are() {
        assert!(names(Visibility::Public));
        assert!(names(Visibility::Venue));
        assert!(!names(Visibility::Hidden));
    }

    proptest! {
        #[test]
        fn no_cell_starts_like_a_formula_and_nothing_else_changes(value in "\\PC{0,12}|[=+@\\t\\r-]\\PC{0,12}") {
            let safe = cell(&value);
            prop_assert!(!safe.starts_with(FORMULA_START));
            if value.starts_with(FORMULA_START) {
                prop_assert_eq!(safe.strip_prefix('\''), Some(value.as_str()));
            } else {
                prop_assert_eq!(safe.as_ref(), value.as_str());
            }
        }
    }
}
