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

/// Checks that `value` holds at most `max` characters as sent and, once trimmed, at least `min`,
/// only characters [`allowed`] inside it, and at least one [`visible`] one unless it is empty.
pub fn bounded(field: &str, value: &str, min: usize, max: usize, multiline: bool) -> Result<String, Invalid> {
    at_most(field, value, max)?;
    let trimmed = trim(value);
    check_characters(field, trimmed, multiline)?;
    if trimmed.is_empty() && min > 0 {
        return Err(if value.trim().is_empty() {
            Invalid::new(field, "must not be empty")
        } else {
            Invalid::new(field, NOTHING_VISIBLE)
        });
    }
    if trimmed.chars().count() < min {
        return Err(Invalid::new(field, format!("must be at least {min} characters")));
    }
    check_visible(field, trimmed)?;
    Ok(trimmed.to_owned())
}

/// Refuses `value` when it holds more than `max` characters, counted as sent.
fn at_most(field: &str, value: &str, max: usize) -> Result<(), Invalid> {
    let chars = value.chars().count();
    if chars > max {
        return Err(Invalid::new(field, format!("must be at most {max} characters (got {chars})")));
    }
    Ok(())
}

/// Like [`bounded`] for a field that may be left out or blank: blank (white space alone, within
/// `max` characters too) becomes `None`.
pub fn optional(field: &str, value: Option<&str>, max: usize, multiline: bool) -> Result<Option<String>, Invalid> {
    let Some(v) = value else { return Ok(None) };
    at_most(field, v, max)?;
    if v.trim().is_empty() {
        return Ok(None);
    }
    bounded(field, v, 1, max, multiline).map(Some)
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
    check_characters(field, text, multiline)?;
    check_visible(field, text)
}

/// Checks that `text` holds only [`allowed`] characters.
fn check_characters(field: &str, text: &str, multiline: bool) -> Result<(), Invalid> {
    if let Some(c) = text.chars().find(|c| !allowed(*c, multiline)) {
        let message = if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') && !multiline {
            "must be on one line".to_owned()
        } else {
            format!("must not contain control, formatting or invisible characters (found U+{:04X})", u32::from(c))
        };
        return Err(Invalid::new(field, message));
    }
    Ok(())
}

/// Checks that `text`, unless it is empty, shows something.
fn check_visible(field: &str, text: &str) -> Result<(), Invalid> {
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

/// OpenAPI schemas of text fields: their lengths and a pattern of the characters [`bounded`] and
/// [`optional`] accept where, computed from [`allowed`] and [`trim`]'s own rule so that the
/// document and the checks cannot drift apart.
///
/// The one rule a pattern does not say is that a text must show something ([`visible`]): the
/// class of what shows is some 760 ranges long, and a fuzzer cannot generate text from it in
/// useful time. The schema's description says it, and such a text is refused with 422.
pub mod schema {
    use std::fmt::Write as _;
    use std::sync::LazyLock;

    use icu_properties::props::{
        BidiControl, DefaultIgnorableCodePoint, GeneralCategory, JoinControl, VariationSelector, WhiteSpace,
    };
    use icu_properties::{CodePointMapData, CodePointSetData};
    use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

    /// The character classes of the rule, each as a bracketed pattern class of a few dozen ranges.
    pub struct Classes {
        /// White space: what [`super::optional`] takes as blank.
        pub white: String,
        /// What [`super::trim`] removes from the ends.
        pub trimmed: String,
        /// What may stand inside one line, and at its edges.
        pub line: String,
        pub line_edge: String,
        /// What may stand inside text of several lines, and at its edges.
        pub lines: String,
        pub lines_edge: String,
        /// What may stand inside a tag (any white space, collapsed), and at its edges.
        pub tag: String,
        pub tag_edge: String,
    }

    fn trimmed(c: char) -> bool {
        super::trim(c.encode_utf8(&mut [0; 4])).is_empty()
    }

    /// Where anything the rule reads may change: the starts of the ranges of every property it
    /// asks about and the characters it names. Between two of them it decides alike.
    fn boundaries() -> Vec<u32> {
        let mut at = vec![0, 0xD800, 0xE000, u32::from(char::MAX) + 1];
        let mut add = |range: std::ops::RangeInclusive<u32>| at.extend([*range.start(), range.end() + 1]);
        CodePointMapData::<GeneralCategory>::new().iter_ranges().for_each(|r| add(r.range));
        let sets = [
            CodePointSetData::new::<BidiControl>(),
            CodePointSetData::new::<DefaultIgnorableCodePoint>(),
            CodePointSetData::new::<JoinControl>(),
            CodePointSetData::new::<VariationSelector>(),
            CodePointSetData::new::<WhiteSpace>(),
        ];
        sets.into_iter().flat_map(|set| set.iter_ranges()).for_each(&mut add);
        for named in ['\t', '\n', '\r', ' ', super::BRAILLE_BLANK] {
            add(u32::from(named)..=u32::from(named));
        }
        at.sort_unstable();
        at.dedup();
        at
    }

    static BOUNDARIES: LazyLock<Vec<u32>> = LazyLock::new(boundaries);

    /// The ranges of every character for which `keep` holds.
    pub fn ranges(keep: impl Fn(char) -> bool) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        for stretch in BOUNDARIES.windows(2) {
            let (first, last) = (stretch[0], stretch[1] - 1);
            // Surrogates are no characters: their stretch has none to ask about.
            let Some(c) = char::from_u32(first) else { continue };
            if !keep(c) {
                continue;
            }
            match out.last_mut() {
                Some((_, end)) if *end + 1 == first => *end = last,
                _ => out.push((first, last)),
            }
        }
        out
    }

    /// The class of every character for which `keep` holds, or (`negated`) does not.
    fn class(negated: bool, keep: impl Fn(char) -> bool) -> String {
        let mut out = String::from(if negated { "[^" } else { "[" });
        let char_at = |code: u32| char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
        for (first, last) in ranges(keep) {
            push(&mut out, char_at(first));
            if last != first {
                out.push('-');
                push(&mut out, char_at(last));
            }
        }
        out.push(']');
        out
    }

    /// One character in a class, written so that ECMA, Python and Rust patterns all read it.
    fn push(out: &mut String, c: char) {
        let code = u32::from(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if code <= 0xFF {
            let _ = write!(out, "\\x{code:02X}");
        } else if code <= 0xFFFF {
            let _ = write!(out, "\\u{code:04X}");
        } else {
            out.push(c);
        }
    }

    /// The classes, computed once. Each is written as its short side: the few characters it
    /// refuses, or the few it holds.
    pub static CLASSES: LazyLock<Classes> = LazyLock::new(|| {
        let line = |c: char| super::allowed(c, false);
        let lines = |c: char| super::allowed(c, true);
        let tag = |c: char| c.is_whitespace() || super::allowed(c, false);
        Classes {
            white: class(false, char::is_whitespace),
            trimmed: class(false, trimmed),
            line: class(true, |c| !line(c)),
            line_edge: class(true, |c| !line(c) || trimmed(c)),
            lines: class(true, |c| !lines(c)),
            lines_edge: class(true, |c| !lines(c) || trimmed(c)),
            tag: class(true, |c| !tag(c)),
            tag_edge: class(true, |c| !tag(c) || trimmed(c)),
        }
    });

    /// The pattern of a text of at least `min` characters once trimmed, of `inside` characters
    /// with `edge` ones at both ends, and what is trimmed around them.
    pub fn shape(min: usize, inside: &str, edge: &str) -> String {
        let trimmed = &CLASSES.trimmed;
        let core = if min <= 1 {
            format!("{edge}(?:{inside}*{edge})?")
        } else {
            format!("{edge}{inside}{{{},}}{edge}", min - 2)
        };
        format!("{trimmed}*{core}{trimmed}*")
    }

    const SHOWS: &str = "without control, formatting or invisible characters, and showing at least one letter, digit, punctuation mark or symbol";

    /// A text of `min` to `max` characters (`max` counted as sent, `min` once trimmed), or
    /// (`blank`) null or white space alone for none.
    fn text(min: usize, max: usize, multiline: bool, blank: bool) -> Schema {
        let (inside, edge) =
            if multiline { (&CLASSES.lines, &CLASSES.lines_edge) } else { (&CLASSES.line, &CLASSES.line_edge) };
        let shape = shape(min, inside, edge);
        let what = if multiline { "Text (line breaks and tabs allowed)" } else { "One line" };
        let (kind, pattern, description) = if blank {
            (
                SchemaType::from_iter([Type::String, Type::Null]),
                format!("^{}*$|^{shape}$", CLASSES.white),
                format!("{what} of up to {max} characters, {SHOWS}; null or blank for none"),
            )
        } else {
            (
                SchemaType::Type(Type::String),
                format!("^{shape}$"),
                format!("{what} of {min} to {max} characters (at least {min} once trimmed), {SHOWS}"),
            )
        };
        ObjectBuilder::new()
            .schema_type(kind)
            .min_length((!blank).then_some(min))
            .max_length(Some(max))
            .pattern(Some(pattern))
            .description(Some(description))
            .into()
    }

    /// One line of `MIN` to `MAX` characters, as [`super::bounded`] takes it.
    pub fn line<const MIN: usize, const MAX: usize>() -> Schema {
        text(MIN, MAX, false, false)
    }

    /// Text of `MIN` to `MAX` characters that may hold line breaks and tabs.
    pub fn lines<const MIN: usize, const MAX: usize>() -> Schema {
        text(MIN, MAX, true, false)
    }

    /// One line of at most `MAX` characters, or null or blank for none, as [`super::optional`]
    /// takes it.
    pub fn optional_line<const MAX: usize>() -> Schema {
        text(1, MAX, false, true)
    }

    /// Text of at most `MAX` characters that may hold line breaks, or null or blank for none.
    pub fn optional_lines<const MAX: usize>() -> Schema {
        text(1, MAX, true, true)
    }

    /// A tag as [`crate::tag::normalise_list`] takes it: up to `MAX` characters as sent, white
    /// space inside collapsed, or blank (dropped).
    pub fn tag<const MAX: usize>() -> Schema {
        let shape = shape(1, &CLASSES.tag, &CLASSES.tag_edge);
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(MAX))
            .pattern(Some(format!("^{}*$|^{shape}$", CLASSES.white)))
            .description(Some(format!("A tag of up to {MAX} characters, {SHOWS}; blank ones are dropped")))
            .into()
    }

    /// A pattern for `core` with white space around it, which is trimmed.
    pub fn padded(core: &str) -> String {
        let white = &CLASSES.white;
        format!("^{white}*(?:{core}){white}*$")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_is_trimmed_and_bounded_in_characters_not_bytes_counted_as_sent() {
        assert_eq!(bounded("name", "  Zoë  ", 1, 7, false).unwrap(), "Zoë");
        assert!(bounded("name", "  Zoë  ", 1, 6, false).unwrap_err().message.contains("at most 6 characters (got 7)"));
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

    /// Characters at every edge of the rules: white space, invisible, control, direction,
    /// joiners, marks, fillers, private use and unassigned code points.
    fn tricky_text() -> impl Strategy<Value = String> {
        let chars = prop::sample::select(vec![
            'a',
            'Z',
            '9',
            'é',
            '日',
            '-',
            ' ',
            '\t',
            '\n',
            '\r',
            '\u{0B}',
            '\u{85}',
            '\u{A0}',
            '\u{2003}',
            '\u{3000}',
            '\u{200B}',
            '\u{FEFF}',
            '\u{180E}',
            '\u{2060}',
            '\u{0}',
            '\u{1F}',
            '\u{7F}',
            '\u{9F}',
            '\u{202E}',
            '\u{2066}',
            '\u{200D}',
            '\u{200F}',
            '\u{FE0F}',
            '\u{301}',
            '\u{3164}',
            '\u{2800}',
            '\u{2028}',
            '\u{E0041}',
            '\u{10FFFD}',
            '\u{50000}',
            '\u{1F600}',
        ]);
        prop::collection::vec(chars, 0..9).prop_map(|c| c.into_iter().collect())
    }

    /// Whether `schema` (a string or null with bounds and a pattern) accepts `text`, `None`
    /// standing for null.
    fn accepts(schema: &utoipa::openapi::schema::Schema, text: Option<&str>) -> bool {
        use utoipa::openapi::schema::{Schema, SchemaType, Type};
        let Schema::Object(object) = schema else { panic!("a text schema is an object") };
        let types = match &object.schema_type {
            SchemaType::Type(one) => vec![one.clone()],
            SchemaType::Array(many) => many.clone(),
            SchemaType::AnyValue => panic!("a text schema names its types"),
        };
        match text {
            None => types.contains(&Type::Null),
            Some(text) => {
                let chars = text.chars().count();
                types.contains(&Type::String)
                    && object.min_length.is_none_or(|min| chars >= min)
                    && object.max_length.is_none_or(|max| chars <= max)
                    && object
                        .pattern
                        .as_ref()
                        .is_none_or(|pattern| regex::Regex::new(pattern).expect("a valid pattern").is_match(text))
            }
        }
    }

    fn schema_accepts(schema: utoipa::openapi::schema::Schema, text: &str) -> bool {
        accepts(&schema, Some(text))
    }

    /// Accepted, or refused only because nothing of what is left once trimmed shows: the one
    /// rule the schema leaves to its description. (Nothing left at all the pattern does say.)
    fn accepted_but_for_visibility<T>(text: &str, checked: Result<T, Invalid>) -> bool {
        checked.as_ref().err().is_none_or(|e| e.message == NOTHING_VISIBLE && !trim(text).is_empty())
    }

    #[test]
    fn a_padded_pattern_allows_white_space_around_its_core_only() {
        let padded = regex::Regex::new(&schema::padded("[A-Za-z]{2}")).unwrap();
        for ok in ["NL", " nl\t", "\u{3000}Be\u{A0}"] {
            assert!(padded.is_match(ok), "{ok:?}");
        }
        for bad in ["NLD", "N L", "", "\u{200B}NL"] {
            assert!(!padded.is_match(bad), "{bad:?}");
        }
    }

    #[test]
    fn optional_text_may_be_null_and_required_text_may_not() {
        assert!(accepts(&schema::optional_line::<4>(), None));
        assert!(!accepts(&schema::line::<1, 4>(), None));
    }

    #[test]
    fn the_ranges_of_the_documented_classes_hold_exactly_the_characters_the_rule_keeps() {
        let brute = |keep: &dyn Fn(char) -> bool| {
            let mut out: Vec<(u32, u32)> = Vec::new();
            for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32).filter(|c| keep(*c)) {
                let code = u32::from(c);
                match out.last_mut() {
                    Some((_, end)) if *end + 1 == code => *end = code,
                    _ => out.push((code, code)),
                }
            }
            out
        };
        let rules: [&dyn Fn(char) -> bool; 4] =
            [&|c| allowed(c, false), &|c| allowed(c, true), &visible, &|c| trim(c.encode_utf8(&mut [0; 4])).is_empty()];
        for rule in rules {
            assert_eq!(schema::ranges(rule), brute(rule));
        }
    }

    #[test]
    fn the_classes_of_the_documented_patterns_are_the_rule_s_own() {
        let matches = |class: &str, c: char| regex::Regex::new(&format!("^{class}$")).unwrap().is_match(&c.to_string());
        let classes = &*schema::CLASSES;
        for c in ['a', ' ', '\n', '\u{200D}', '\u{3164}', '\u{2800}', '\u{E0041}', '\u{10FFFF}', '\u{1F600}', '-', ']']
        {
            assert_eq!(matches(&classes.line, c), allowed(c, false), "{c:?}");
            assert_eq!(matches(&classes.lines, c), allowed(c, true), "{c:?}");
            assert_eq!(matches(&classes.white, c), c.is_whitespace(), "{c:?}");
        }
    }

    proptest! {
        #[test]
        fn the_documented_schema_of_a_text_field_accepts_what_the_checks_accept_but_for_visibility(
            text in tricky_text()
        ) {
            let one = std::slice::from_ref(&text);
            let cases = [
                (schema::line::<1, 4>(), accepted_but_for_visibility(&text, bounded("f", &text, 1, 4, false))),
                (schema::line::<3, 5>(), accepted_but_for_visibility(&text, bounded("f", &text, 3, 5, false))),
                (schema::lines::<3, 5>(), accepted_but_for_visibility(&text, bounded("f", &text, 3, 5, true))),
                (schema::optional_line::<4>(), accepted_but_for_visibility(&text, optional("f", Some(&text), 4, false))),
                (schema::optional_lines::<4>(), accepted_but_for_visibility(&text, optional("f", Some(&text), 4, true))),
                (
                    schema::tag::<{ crate::tag::MAX_TAG_CHARS }>(),
                    accepted_but_for_visibility(&text, crate::tag::normalise_list("f", one)),
                ),
            ];
            for (schema, checked) in cases {
                prop_assert_eq!(schema_accepts(schema, &text), checked, "{:?}", text);
            }
            prop_assert_eq!(
                crate::tag::normalise_list("f", one).is_ok(),
                crate::tag::tidy_list("f", one).is_ok()
            );
        }
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
