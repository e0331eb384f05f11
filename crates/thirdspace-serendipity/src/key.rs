//! The lookup key of a tag: how two spellings are found to be the same word.

/// Lower-cases, turns `-`, `_` and `/` into spaces and collapses runs of whitespace, keeping
/// other punctuation (`c#`, `c++`, `node.js`, `.net`) because it tells technologies apart.
pub fn key(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    for c in raw.chars() {
        if c.is_whitespace() || matches!(c, '-' | '_' | '/') {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Singular forms of an English key to try when the key itself is unknown: "pitch decks" →
/// "pitch deck", "companies" → "company", "businesses" → "business".
pub fn singulars(key: &str) -> impl Iterator<Item = String> + '_ {
    let rules: [(&str, &str); 3] = [("ies", "y"), ("es", ""), ("s", "")];
    rules.into_iter().filter_map(move |(suffix, replacement)| {
        let stem = key.strip_suffix(suffix)?;
        (stem.chars().count() >= 2 && !key.ends_with("ss")).then(|| format!("{stem}{replacement}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_spacing_and_word_separators() {
        assert_eq!(key("  Google-Cloud_Platform "), "google cloud platform");
        assert_eq!(key("Public   Speaking"), "public speaking");
        assert_eq!(key("UI/UX"), "ui ux");
    }

    #[test]
    fn keys_keep_the_punctuation_that_names_technologies() {
        assert_eq!(key("C#"), "c#");
        assert_eq!(key("Node.JS"), "node.js");
        assert_eq!(key(".NET"), ".net");
    }

    #[test]
    fn plural_keys_offer_their_singulars() {
        let s: Vec<String> = singulars("pitch decks").collect();
        assert!(s.contains(&"pitch deck".to_owned()));
        assert!(singulars("companies").any(|k| k == "company"));
        assert!(singulars("business").next().is_none(), "a word ending in ss is not a plural");
    }
}
