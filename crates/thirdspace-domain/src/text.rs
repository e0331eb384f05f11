//! Bounded, trimmed text fields, and the one rule for which characters they may hold.
//!
//! What a reader sees is what a name says: every name, headline, tag and free text is refused
//! when it hides characters that draw nothing or change how the text around them is drawn, and
//! when nothing of it can be seen at all. Characters are judged by their Unicode properties.

use icu_properties::props::{
    BidiControl, BinaryProperty, DefaultIgnorableCodePoint, EnumeratedProperty, GeneralCategory, GeneralCategoryGroup,
    JoinControl, VariationSelector,
};

use crate::Invalid;

/// Trims `value` and checks it holds between `min` and `max` characters, only characters
/// [`allowed`] inside it, and at least one [`visible`] one unless it is empty.
pub fn bounded(field: &str, value: &str, min: usize, max: usize, multiline: bool) -> Result<String, Invalid> {
    let trimmed = trim(value);
    let chars = trimmed.chars().count();
    if chars > max {
        return Err(Invalid::new(field, format!("must be at most {max} characters (got {chars})")));
    }
    check(field, trimmed, multiline)?;
    if trimmed.is_empty() && min > 0 {
        return Err(if value.trim().is_empty() {
            Invalid::new(field, "must not be empty")
        } else {
            Invalid::new(field, NOTHING_VISIBLE)
        });
    }
    if chars < min {
        return Err(Invalid::new(field, format!("must be at least {min} characters")));
    }
    Ok(trimmed.to_owned())
}

/// Like [`bounded`] for a field that may be left out or blank: blank becomes `None`.
pub fn optional(field: &str, value: Option<&str>, max: usize, multiline: bool) -> Result<Option<String>, Invalid> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, 1, max, multiline).map(Some),
    }
}

/// `value` without the white space and invisible characters at either end.
pub fn trim(value: &str) -> &str {
    value.trim_matches(|c: char| {
        c.is_whitespace() || (DefaultIgnorableCodePoint::for_char(c) && !VariationSelector::for_char(c))
    })
}

/// Checks that text already trimmed holds only [`allowed`] characters and, unless it is empty,
/// at least one [`visible`] one.
pub(crate) fn check(field: &str, text: &str, multiline: bool) -> Result<(), Invalid> {
    if let Some(c) = text.chars().find(|c| !allowed(*c, multiline)) {
        let message = if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') && !multiline {
            "must be on one line".to_owned()
        } else {
            format!("must not contain control, formatting or invisible characters (found U+{:04X})", u32::from(c))
        };
        return Err(Invalid::new(field, message));
    }
    if !text.is_empty() && !text.chars().any(visible) {
        return Err(Invalid::new(field, NOTHING_VISIBLE));
    }
    Ok(())
}

/// Why a text that shows nothing is refused.
pub(crate) const NOTHING_VISIBLE: &str =
    "must contain a visible letter, digit or sign, not only blank or invisible characters";

/// Whether `c` may stand inside a text. Refused: control characters (but line breaks and tabs in
/// multi-line text), line and paragraph separators, spaces other than the ordinary one in one-line
/// text, format characters (bidi controls and tag characters among them) and characters meant to
/// be ignored when drawn. Joiners stay (emoji sequences and Persian or Indic words need them), and
/// so do variation selectors (emoji and Mongolian need them).
pub fn allowed(c: char, multiline: bool) -> bool {
    if BidiControl::for_char(c) {
        return false;
    }
    match GeneralCategory::for_char(c) {
        GeneralCategory::Control => multiline && matches!(c, '\n' | '\r' | '\t'),
        GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => false,
        GeneralCategory::SpaceSeparator => c == ' ' || multiline,
        GeneralCategory::Format => JoinControl::for_char(c),
        _ => !DefaultIgnorableCodePoint::for_char(c) || VariationSelector::for_char(c),
    }
}

/// Whether `c` shows something: a letter, digit, punctuation mark or symbol that is not meant to
/// be ignored when drawn (the Hangul fillers are letters that draw nothing). The Braille blank is
/// a symbol drawn as an empty cell, and no Unicode property says so: it is named here.
pub fn visible(c: char) -> bool {
    let shows = GeneralCategoryGroup::Letter
        .union(GeneralCategoryGroup::Number)
        .union(GeneralCategoryGroup::Punctuation)
        .union(GeneralCategoryGroup::Symbol);
    shows.contains(GeneralCategory::for_char(c)) && !DefaultIgnorableCodePoint::for_char(c) && c != BRAILLE_BLANK
}

/// U+2800 BRAILLE PATTERN BLANK: a Braille cell with no dots.
const BRAILLE_BLANK: char = '\u{2800}';

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_is_trimmed_and_bounded_in_characters_not_bytes() {
        assert_eq!(bounded("name", "  Zoë  ", 1, 3, false).unwrap(), "Zoë");
        assert_eq!(bounded("name", "日本語", 1, 3, false).unwrap(), "日本語");
        let err = bounded("name", &"x".repeat(10_000), 1, 120, false).unwrap_err();
        assert_eq!(err.field, "name");
        assert!(err.message.contains("at most 120"));
        assert!(bounded("text", "ab", 3, 10, true).unwrap_err().message.contains("at least 3"));
        assert_eq!(bounded("text", "abc", 3, 3, true).unwrap(), "abc");
    }

    #[test]
    fn blank_text_is_refused_where_required_and_dropped_where_optional() {
        assert_eq!(bounded("name", "   ", 1, 10, false).unwrap_err().message, "must not be empty");
        assert_eq!(bounded("name", "   ", 0, 10, false).unwrap(), "");
        assert_eq!(optional("bio", Some("  "), 10, true).unwrap(), None);
        assert_eq!(optional("bio", None, 10, true).unwrap(), None);
        assert_eq!(optional("bio", Some(" hi "), 10, true).unwrap(), Some("hi".into()));
    }

    #[test]
    fn invisible_only_text_is_empty_and_direction_overrides_are_refused() {
        assert!(bounded("name", "\u{200B}\u{FEFF}", 1, 10, false).is_err());
        assert!(bounded("name", "evil\u{202E}gpj.exe", 1, 40, false).is_err());
        assert_eq!(bounded("name", "\u{200B}Anna", 1, 10, false).unwrap(), "Anna");
    }

    #[test]
    fn text_of_only_blank_looking_characters_is_refused_as_showing_nothing() {
        for blank in ["\u{3164}", "\u{3164}\u{3164}", "\u{2800}", "\u{2800} \u{2800}", "\u{115F}\u{1160}", "\u{FFA0}"] {
            let err = bounded("name", blank, 1, 80, false).unwrap_err();
            assert_eq!(err.message, NOTHING_VISIBLE, "{blank:?}");
            assert!(optional("headline", Some(blank), 80, false).is_err(), "{blank:?}");
        }
        for invisible in ["\u{200B}", "\u{200D}", "\u{2060}\u{FEFF}", "\u{E0041}", "\u{200F}", "\u{034F}"] {
            assert!(bounded("name", invisible, 1, 80, false).is_err(), "{invisible:?}");
            assert!(bounded("name", invisible, 0, 80, false).is_ok_and(|t| t.is_empty()), "{invisible:?}");
        }
    }

    #[test]
    fn hidden_characters_inside_a_name_are_refused_naming_the_character() {
        for (name, code) in [
            ("Ann\u{200F}a", "U+200F"),
            ("Ann\u{E0041}a", "U+E0041"),
            ("Ann\u{00AD}a", "U+00AD"),
            ("An\u{3164}na", "U+3164"),
            ("An\u{2066}na", "U+2066"),
            ("An\u{061C}na", "U+061C"),
            ("Ann\u{00A0}a", "U+00A0"),
            ("Ann\u{3000}a", "U+3000"),
            ("An\u{0007}na", "U+0007"),
            ("An\u{FFF9}na", "U+FFF9"),
        ] {
            let err = bounded("name", name, 1, 80, false).unwrap_err();
            assert!(err.message.contains(code), "{name:?}: {}", err.message);
        }
        for broken in ["An\u{2028}na", "An\u{2029}na", "An\nna", "An\rna"] {
            assert_eq!(bounded("name", broken, 1, 80, false).unwrap_err().message, "must be on one line");
        }
    }

    #[test]
    fn line_and_paragraph_separators_are_refused_even_in_multiline_text() {
        assert!(bounded("bio", "one\u{2028}two", 1, 80, true).unwrap_err().message.contains("U+2028"));
        assert!(bounded("bio", "one\u{2029}two", 1, 80, true).is_err());
        assert!(bounded("bio", "one\u{200E}two", 1, 80, true).is_err());
    }

    #[test]
    fn joiners_variation_selectors_and_unusual_spaces_in_free_text_are_kept() {
        for kept in ["👩\u{200D}💻", "می\u{200C}خواهم", "❤\u{FE0F}", "ᠠ\u{180B}"] {
            assert_eq!(bounded("name", kept, 1, 80, false).unwrap(), kept);
        }
        assert_eq!(bounded("bio", "Bonjour\u{202F}!\n\tmerci", 1, 80, true).unwrap(), "Bonjour\u{202F}!\n\tmerci");
        assert_eq!(bounded("name", "Café Ünïcødé 北京 🚲", 1, 80, false).unwrap(), "Café Ünïcødé 北京 🚲");
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_allowed_in_multiline_text() {
        assert!(bounded("name", "a\u{0}b", 1, 10, false).is_err());
        assert!(bounded("name", "a\nb", 1, 10, false).is_err());
        assert!(bounded("name", "a\tb", 1, 10, false).is_err());
        assert_eq!(bounded("bio", "a\nb", 1, 10, true).unwrap(), "a\nb");
        assert_eq!(bounded("bio", "a\r\n\tb", 1, 10, true).unwrap(), "a\r\n\tb");
        assert!(bounded("bio", "a\u{0}b", 1, 10, true).is_err());
        assert!(bounded("bio", "a\u{1B}[31mb", 1, 10, true).is_err());
    }

    /// The same rule written out by code point, without the character database: the reference
    /// the properties are checked against for the characters this rule was written for.
    fn hidden_by_hand(c: char) -> bool {
        matches!(u32::from(c),
            0x00..=0x1F | 0x7F..=0x9F | 0xAD | 0x34F | 0x61C | 0x115F | 0x1160 | 0x17B4 | 0x17B5
            | 0x200B | 0x200E | 0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFEFF | 0xFFA0
            | 0xE0000..=0xE0FFF)
    }

    proptest! {
        #[test]
        fn accepted_text_holds_no_hidden_character_and_shows_something(
            raw in proptest::collection::vec(prop_oneof![
                3 => proptest::char::range('a', 'z'),
                1 => Just(' '),
                1 => proptest::sample::select(vec![
                    '\u{0}', '\u{7}', '\u{1B}', '\u{7F}', '\u{85}', '\u{AD}', '\u{34F}', '\u{61C}', '\u{115F}',
                    '\u{1160}', '\u{17B4}', '\u{200B}', '\u{200E}', '\u{200F}', '\u{2028}', '\u{2029}',
                    '\u{202A}', '\u{202E}', '\u{2060}', '\u{2066}', '\u{2069}', '\u{3164}', '\u{FEFF}',
                    '\u{FFA0}', '\u{E0001}', '\u{E0041}', '\u{E007F}', '\u{2800}', '\u{3000}', '\u{A0}',
                ]),
            ], 0..12),
        ) {
            let raw: String = raw.into_iter().collect();
            match bounded("name", &raw, 1, 80, false) {
                Ok(text) => {
                    prop_assert!(!text.chars().any(hidden_by_hand), "{:?} kept {:?}", raw, text);
                    prop_assert!(text.chars().any(|c| c.is_ascii_lowercase()), "{:?} shows nothing", text);
                    prop_assert!(!text.starts_with(' ') && !text.ends_with(' '));
                    prop_assert_eq!(bounded("name", &text, 1, 80, false), Ok(text.clone()));
                }
                Err(e) => {
                    let shown: String = raw.chars().filter(|c| !hidden_by_hand(*c)).collect();
                    let clean = shown == raw && raw.chars().any(|c| c.is_ascii_lowercase())
                        && !raw.contains(['\u{2800}', '\u{3000}', '\u{A0}']);
                    prop_assert!(!clean, "{:?} refused: {}", raw, e.message);
                }
            }
        }

        #[test]
        fn any_text_is_either_refused_or_kept_as_its_own_trimmed_self(raw in "\\PC{0,40}", multiline: bool) {
            if let Ok(text) = bounded("t", &raw, 1, 80, multiline) {
                prop_assert!(text.chars().all(|c| allowed(c, multiline)));
                prop_assert!(text.chars().any(visible));
                prop_assert_eq!(trim(&text), text.as_str());
                prop_assert!(raw.contains(text.as_str()));
            }
        }
    }
}
