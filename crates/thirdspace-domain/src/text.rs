//! Bounded, trimmed text fields.

use crate::Invalid;

/// Trims `value` and checks it holds between `min` and `max` characters and no control
/// characters other than line breaks and tabs (those are allowed only when `multiline`).
pub fn bounded(field: &str, value: &str, min: usize, max: usize, multiline: bool) -> Result<String, Invalid> {
    let trimmed = value.trim_matches(|c: char| c.is_whitespace() || is_invisible(c));
    let chars = trimmed.chars().count();
    if chars < min {
        return Err(if min == 1 {
            Invalid::new(field, "must not be empty")
        } else {
            Invalid::new(field, format!("must be at least {min} characters"))
        });
    }
    if chars > max {
        return Err(Invalid::new(field, format!("must be at most {max} characters (got {chars})")));
    }
    let bad = trimmed
        .chars()
        .any(|c| (c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))) || is_direction_override(c));
    if bad {
        return Err(Invalid::new(field, "must not contain control characters"));
    }
    Ok(trimmed.to_owned())
}

/// Characters that take no space: a text of nothing else is empty.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{180E}')
}

/// Characters that reorder the text around them, used to disguise what a name says.
pub(crate) fn is_direction_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Like [`bounded`] for a field that may be left out or blank: blank becomes `None`.
pub fn optional(field: &str, value: Option<&str>, max: usize, multiline: bool) -> Result<Option<String>, Invalid> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, 1, max, multiline).map(Some),
    }
}

/// OpenAPI schemas of text fields, whose pattern says exactly what [`bounded`] and [`optional`]
/// accept: between the bounds once trimmed, and no control characters.
pub mod schema {
    use utoipa::openapi::schema::SchemaType;
    use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

    /// What is trimmed from both ends: white space and characters that take no space.
    const TRIMMED: &str = r"\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\u200B-\u200D\u2060-\u2064\uFEFF\u180E";
    /// What [`optional`] takes as blank: white space alone.
    const WHITE: &str = r"\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
    /// Never allowed in the trimmed text of one line.
    const CONTROL: &str = r"\x00-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069";
    /// Never allowed in trimmed text of several lines (line breaks and tabs are).
    const CONTROL_BUT_BREAKS: &str = r"\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069";

    /// The pattern of a text of `min` to `max` characters once trimmed.
    fn core(min: usize, max: usize, multiline: bool) -> String {
        let control = if multiline { CONTROL_BUT_BREAKS } else { CONTROL };
        let edge = format!("[^{TRIMMED}{control}]");
        let inner = format!("[^{control}]");
        let middle = if min <= 1 {
            format!("(?:{inner}{{0,{}}}{edge})?", max.saturating_sub(2))
        } else {
            format!("{inner}{{{},{}}}{edge}", min - 2, max.saturating_sub(2))
        };
        format!("[{TRIMMED}]*{edge}{middle}[{TRIMMED}]*")
    }

    fn text(min: usize, max: usize, multiline: bool, blank_allowed: bool) -> Object {
        let pattern = if blank_allowed {
            format!("^[{WHITE}]*$|^{}$", core(1, max, multiline))
        } else {
            format!("^{}$", core(min, max, multiline))
        };
        let kind = if blank_allowed {
            SchemaType::from_iter([Type::String, Type::Null])
        } else {
            SchemaType::Type(Type::String)
        };
        ObjectBuilder::new()
            .schema_type(kind)
            .min_length((!blank_allowed).then_some(min))
            .pattern(Some(pattern))
            .description(Some(format!("{min} to {max} characters once trimmed; no control characters")))
            .build()
    }

    /// One line of `MIN` to `MAX` characters, as [`super::bounded`] takes it.
    pub fn line<const MIN: usize, const MAX: usize>() -> Object {
        text(MIN, MAX, false, false)
    }

    /// Text of `MIN` to `MAX` characters that may hold line breaks and tabs.
    pub fn lines<const MIN: usize, const MAX: usize>() -> Object {
        text(MIN, MAX, true, false)
    }

    /// One line of at most `MAX` characters, or null or blank for none, as [`super::optional`]
    /// takes it.
    pub fn optional_line<const MAX: usize>() -> Object {
        text(1, MAX, false, true)
    }

    /// Text of at most `MAX` characters that may hold line breaks, or null or blank for none.
    pub fn optional_lines<const MAX: usize>() -> Object {
        text(1, MAX, true, true)
    }

    /// A pattern for `core` with white space around it, which is trimmed.
    pub fn padded(core: &str) -> String {
        format!("^[{WHITE}]*(?:{core})[{WHITE}]*$")
    }
}

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
    }

    #[test]
    fn blank_text_is_refused_where_required_and_dropped_where_optional() {
        assert!(bounded("name", "   ", 1, 10, false).is_err());
        assert_eq!(optional("bio", Some("  "), 10, true).unwrap(), None);
        assert_eq!(optional("bio", None, 10, true).unwrap(), None);
    }

    #[test]
    fn invisible_only_text_is_empty_and_direction_overrides_are_refused() {
        assert!(bounded("name", "\u{200B}\u{FEFF}", 1, 10, false).is_err());
        assert!(bounded("name", "evil\u{202E}gpj.exe", 1, 40, false).is_err());
        assert_eq!(bounded("name", "\u{200B}Anna", 1, 10, false).unwrap(), "Anna");
    }

    /// Characters at every edge of the rules: white space, invisible, control, direction.
    fn tricky_text() -> impl Strategy<Value = String> {
        let chars = prop::sample::select(vec![
            'a', 'Z', '9', 'é', '日', ' ', '\t', '\n', '\r', '\u{0B}', '\u{85}', '\u{A0}', '\u{2003}', '\u{3000}',
            '\u{200B}', '\u{FEFF}', '\u{180E}', '\u{2060}', '\u{0}', '\u{1F}', '\u{7F}', '\u{9F}', '\u{202E}',
            '\u{2066}',
        ]);
        prop::collection::vec(chars, 0..9).prop_map(|c| c.into_iter().collect())
    }

    fn matches(schema: utoipa::openapi::schema::Object, text: &str) -> bool {
        let pattern = schema.pattern.expect("a pattern");
        regex::Regex::new(&pattern).expect("a valid pattern").is_match(text)
    }

    proptest! {
        #[test]
        fn the_documented_pattern_of_a_text_field_accepts_exactly_what_the_checks_accept(text in tricky_text()) {
            prop_assert_eq!(matches(schema::line::<1, 4>(), &text), bounded("f", &text, 1, 4, false).is_ok());
            prop_assert_eq!(matches(schema::line::<3, 5>(), &text), bounded("f", &text, 3, 5, false).is_ok());
            prop_assert_eq!(matches(schema::lines::<3, 5>(), &text), bounded("f", &text, 3, 5, true).is_ok());
            prop_assert_eq!(
                matches(schema::optional_line::<4>(), &text),
                optional("f", Some(&text), 4, false).is_ok()
            );
            prop_assert_eq!(
                matches(schema::optional_lines::<4>(), &text),
                optional("f", Some(&text), 4, true).is_ok()
            );
        }
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_allowed_in_multiline_text() {
        assert!(bounded("name", "a\u{0}b", 1, 10, false).is_err());
        assert!(bounded("name", "a\nb", 1, 10, false).is_err());
        assert_eq!(bounded("bio", "a\nb", 1, 10, true).unwrap(), "a\nb");
    }
}
