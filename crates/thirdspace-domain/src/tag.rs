//! Knowledge tags: what people offer, look for and are interested in.
//!
//! A tag is trimmed, its inner whitespace collapsed to single spaces and case-folded, so that
//! "  Public   Speaking" and "public speaking" are the same tag. What people say about
//! themselves keeps their own casing ("UX", "SEO"; see [`tidy_list`]) and is compared folded.
//! Mapping aliases to canonical tags is the serendipity engine's job; this module only makes
//! tags comparable.

use std::collections::HashSet;

use crate::{text, Invalid};

/// The longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 48;
/// The most tags one list may hold.
pub const MAX_TAGS: usize = 30;

/// The OpenAPI schema of a list of tags, saying exactly what [`normalise_list`] and
/// [`tidy_list`] accept.
pub mod schema {
    use utoipa::openapi::schema::{Array, ArrayBuilder};

    /// Up to [`super::MAX_TAGS`] items, each a tag of up to [`super::MAX_TAG_CHARS`] characters
    /// as sent, or blank.
    pub fn list() -> Array {
        ArrayBuilder::new()
            .items(utoipa::openapi::RefOr::T(crate::text::schema::tag::<{ super::MAX_TAG_CHARS }>()))
            .max_items(Some(super::MAX_TAGS))
            .build()
    }
}

/// Normalises one tag; `None` when nothing is left after trimming white space and invisible
/// characters from its ends.
pub fn normalise(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    for word in text::trim(raw).split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    (!out.is_empty()).then_some(out)
}

/// Normalises a list of at most [`MAX_TAGS`] items: blanks dropped, duplicates (after
/// normalising) removed keeping the first, each at most [`MAX_TAG_CHARS`] characters as sent. A tag
/// follows the rule of one-line text ([`text::allowed`]), and one that shows nothing but is not
/// plain white space is refused rather than dropped.
pub fn normalise_list(field: &str, raw: &[String]) -> Result<Vec<String>, Invalid> {
    checked(field, raw, true)
}

/// [`normalise_list`], keeping each tag's own casing: "UX" stays "UX", and "ux" after it is
/// the same tag, dropped.
pub fn tidy_list(field: &str, raw: &[String]) -> Result<Vec<String>, Invalid> {
    checked(field, raw, false)
}

fn checked(field: &str, raw: &[String], fold: bool) -> Result<Vec<String>, Invalid> {
    if raw.len() > MAX_TAGS {
        return Err(Invalid::new(field, format!("at most {MAX_TAGS} tags")));
    }
    let mut seen = HashSet::new();
    let mut tags = Vec::new();
    for (i, item) in raw.iter().enumerate() {
        let field = || format!("{field}[{i}]");
        if item.chars().count() > MAX_TAG_CHARS {
            return Err(Invalid::new(field(), format!("a tag may be at most {MAX_TAG_CHARS} characters")));
        }
        if item.trim().is_empty() {
            continue;
        }
        let Some(folded) = normalise(item) else {
            return Err(Invalid::new(field(), text::NOTHING_VISIBLE));
        };
        let tag = if fold { folded.clone() } else { text::trim(item).split_whitespace().collect::<Vec<_>>().join(" ") };
        text::check(&field(), &tag, false)?;
        if seen.insert(folded) {
            tags.push(tag);
        }
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
    fn the_documented_list_holds_at_most_thirty_tags_of_the_documented_shape() {
        let list = schema::list();
        assert_eq!(list.max_items, Some(MAX_TAGS));
        let utoipa::openapi::schema::ArrayItems::RefOrSchema(item) = list.items else { panic!("items have a schema") };
        let expected = serde_json::to_value(crate::text::schema::tag::<MAX_TAG_CHARS>()).unwrap();
        assert_eq!(serde_json::to_value(&*item).unwrap(), expected);
    }

    #[test]
    fn tags_are_trimmed_collapsed_case_folded_and_deduplicated() {
        let tags =
            normalise_list("offers", &list(&["  Public   Speaking", "public speaking", "", "UX", "ÉTÉ"])).unwrap();
        assert_eq!(tags, list(&["public speaking", "ux", "été"]));
    }

    #[test]
    fn tidied_tags_keep_their_casing_and_are_deduplicated_folded() {
        let tags = tidy_list("offers", &list(&["  UX  Research ", "ux research", "SEO", "seo"])).unwrap();
        assert_eq!(tags, list(&["UX Research", "SEO"]));
    }

    #[test]
    fn an_overlong_tag_is_refused_with_its_position() {
        let err = normalise_list("offers", &list(&["ok", &"x".repeat(49)])).unwrap_err();
        assert_eq!(err.field, "offers[1]");
    }

    #[test]
    fn a_tag_of_only_invisible_or_blank_characters_is_refused_with_its_position() {
        for blank in ["\u{3164}", "\u{2800}", "\u{200B}\u{200D}", "\u{E0041}", " \u{FEFF} "] {
            let err = normalise_list("offers", &list(&["ok", blank])).unwrap_err();
            assert_eq!(err.field, "offers[1]", "{blank:?}");
        }
    }

    #[test]
    fn a_tag_hiding_a_character_inside_is_refused_and_one_with_invisible_ends_is_trimmed() {
        for hidden in ["ru\u{200F}st", "ru\u{E0041}st", "ru\u{202E}st", "ru\u{3164}st"] {
            assert_eq!(normalise_list("seeking", &list(&[hidden])).unwrap_err().field, "seeking[0]", "{hidden:?}");
        }
        assert_eq!(normalise_list("seeking", &list(&["\u{200B}Rust\u{FEFF}"])).unwrap(), list(&["rust"]));
    }

    #[test]
    fn a_list_holds_thirty_tags_of_up_to_forty_eight_characters() {
        let longest = "x".repeat(MAX_TAG_CHARS);
        assert_eq!(normalise_list("offers", std::slice::from_ref(&longest)).unwrap(), vec![longest]);
        let thirty: Vec<String> = (0..MAX_TAGS).map(|i| format!("tag {i}")).collect();
        assert_eq!(normalise_list("offers", &thirty).unwrap().len(), MAX_TAGS);
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
