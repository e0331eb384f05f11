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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn control_characters_are_refused_but_line_breaks_allowed_in_multiline_text() {
        assert!(bounded("name", "a\u{0}b", 1, 10, false).is_err());
        assert!(bounded("name", "a\nb", 1, 10, false).is_err());
        assert_eq!(bounded("bio", "a\nb", 1, 10, true).unwrap(), "a\nb");
    }
}
