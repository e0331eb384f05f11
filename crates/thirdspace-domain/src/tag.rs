//! Knowledge tags: what people offer, look for and are interested in.
//!
//! A tag is trimmed, its inner whitespace collapsed to single spaces and case-folded, so that
//! "  Public   Speaking" and "public speaking" are the same tag. Mapping aliases to canonical
//! tags is the serendipity engine's job; this module only makes tags comparable.

use std::collections::HashSet;

use crate::Invalid;

/// The longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 48;
/// The most tags one list may hold.
pub const MAX_TAGS: usize = 30;

/// The OpenAPI schema of a list of tags, saying what [`normalise_list`] accepts.
pub mod schema {
    use utoipa::openapi::schema::{Array, ArrayBuilder, ObjectBuilder, Type};

    /// Up to [`super::MAX_TAGS`] tags of up to [`super::MAX_TAG_CHARS`] characters each,
    /// without control characters other than white space.
    pub fn list() -> Array {
        let tag = ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(super::MAX_TAG_CHARS))
            .pattern(Some(r"^[^\x00-\x08\x0E-\x1F\x7F-\x84\x86-\x9F\u202A-\u202E\u2066-\u2069]*$"));
        ArrayBuilder::new().items(tag).max_items(Some(super::MAX_TAGS)).build()
    }
}

/// Normalises one tag; `None` when nothing is left after trimming.
pub fn normalise(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    (!out.is_empty()).then_some(out)
}

/// Normalises a list of tags: blanks dropped, duplicates (after normalising) removed keeping the
/// first, each tag at most [`MAX_TAG_CHARS`] characters and at most [`MAX_TAGS`] of them.
pub fn normalise_list(field: &str, raw: &[String]) -> Result<Vec<String>, Invalid> {
    if raw.len() > MAX_TAGS {
        return Err(Invalid::new(field, format!("at most {MAX_TAGS} tags")));
    }
    let mut seen = HashSet::new();
    let mut tags = Vec::new();
    for (i, item) in raw.iter().enumerate() {
        let Some(tag) = normalise(item) else { continue };
        if tag.chars().count() > MAX_TAG_CHARS {
            return Err(Invalid::new(
                format!("{field}[{i}]"),
                format!("a tag may be at most {MAX_TAG_CHARS} characters"),
            ));
        }
        if tag.chars().any(|c| c.is_control() || crate::text::is_direction_override(c)) {
            return Err(Invalid::new(format!("{field}[{i}]"), "must not contain control characters"));
        }
        if seen.insert(tag.clone()) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(Invalid::new(field, format!("at most {MAX_TAGS} tags")));
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn tags_are_trimmed_collapsed_case_folded_and_deduplicated() {
        let tags =
            normalise_list("offers", &list(&["  Public   Speaking", "public speaking", "", "UX", "ÉTÉ"])).unwrap();
        assert_eq!(tags, list(&["public speaking", "ux", "été"]));
    }

    #[test]
    fn an_overlong_tag_is_refused_with_its_position() {
        let err = normalise_list("offers", &list(&["ok", &"x".repeat(49)])).unwrap_err();
        assert_eq!(err.field, "offers[1]");
    }

    #[test]
    fn too_many_tags_are_refused() {
        let many: Vec<String> = (0..31).map(|i| format!("tag {i}")).collect();
        assert_eq!(normalise_list("offers", &many).unwrap_err().field, "offers");
    }

    proptest! {
        #[test]
        fn normalising_is_idempotent(raw in "\\PC{0,60}") {
            if let Some(tag) = normalise(&raw) {
                prop_assert_eq!(normalise(&tag), Some(tag.clone()));
                prop_assert_eq!(tag.trim(), tag.as_str());
                prop_assert!(!tag.contains("  "));
            }
        }

        #[test]
        fn a_normalised_list_has_no_duplicates_and_respects_its_bounds(raw in proptest::collection::vec("[a-zA-Z ]{0,12}", 0..40)) {
            if let Ok(tags) = normalise_list("offers", &raw) {
                let unique: HashSet<_> = tags.iter().collect();
                prop_assert_eq!(unique.len(), tags.len());
                prop_assert!(tags.len() <= MAX_TAGS);
                prop_assert!(tags.iter().all(|t| !t.is_empty() && t.chars().count() <= MAX_TAG_CHARS));
            }
        }
    }
}
