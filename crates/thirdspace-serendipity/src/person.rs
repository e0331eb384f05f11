//! A person as the engine sees them.

use crate::vocabulary::{Term, Vocabulary};

/// What the engine knows of someone: what they offer and need, in canonical terms, and whether
/// they may be introduced at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// The caller's identifier (a UUID as a number, an index, …); exclusions refer to it.
    pub id: u128,
    pub name: String,
    pub offers: Vec<Term>,
    pub needs: Vec<Term>,
    /// What they look for and today's focus, in their own words.
    pub need_text: String,
    pub interests: Vec<Term>,
    pub field: Option<String>,
    pub open_to_meet: bool,
    /// Hidden people are never suggested to anyone.
    pub visible: bool,
}

/// Terms for typed tags, canonical where the vocabulary knows them, without duplicates.
pub fn terms<S: AsRef<str>>(vocabulary: &Vocabulary, tags: &[S]) -> Vec<Term> {
    let mut out: Vec<Term> = Vec::with_capacity(tags.len());
    for tag in tags {
        if let Some(term) = vocabulary.normalise(tag.as_ref()) {
            if !out.contains(&term) {
                out.push(term);
            }
        }
    }
    out
}

/// The vocabulary's tags named in free text (single words and phrases of up to three words),
/// so that a question asked without tags still says what it is about.
pub fn terms_in_text(vocabulary: &Vocabulary, text: &str) -> Vec<Term> {
    let words: Vec<String> = crate::text::words(text);
    let mut out: Vec<Term> = Vec::new();
    for len in (1..=3).rev() {
        for window in words.windows(len) {
            if let Some(id) = vocabulary.find(&window.join(" ")) {
                let term = Term::Known(id);
                if !out.contains(&term) {
                    out.push(term);
                }
            }
        }
    }
    out
}

/// What a question needs: its tags, and the tags its text names.
pub fn question_needs<S: AsRef<str>>(vocabulary: &Vocabulary, tags: &[S], text: &str) -> Vec<Term> {
    let mut needs = terms(vocabulary, tags);
    for term in terms_in_text(vocabulary, text) {
        if !needs.contains(&term) {
            needs.push(term);
        }
    }
    needs
}

impl Person {
    /// Someone open to meet and visible, from typed tags.
    pub fn new<S: AsRef<str>>(vocabulary: &Vocabulary, id: u128, name: &str, offers: &[S], needs: &[S]) -> Self {
        Self {
            id,
            name: name.to_owned(),
            offers: terms(vocabulary, offers),
            needs: terms(vocabulary, needs),
            need_text: String::new(),
            interests: Vec::new(),
            field: None,
            open_to_meet: true,
            visible: true,
        }
    }

    /// Whether the engine may suggest this person to anyone.
    pub fn may_be_introduced(&self) -> bool {
        self.open_to_meet && self.visible
    }
}

/// The display name of a term.
pub fn term_name<'a>(vocabulary: &'a Vocabulary, term: &'a Term) -> &'a str {
    match term {
        Term::Known(id) => vocabulary.name(*id),
        Term::Free(k) => k,
    }
}

/// How a term is written for people to read: the vocabulary's label for a known tag, the key of
/// a free one.
pub fn term_label<'a>(vocabulary: &'a Vocabulary, term: &'a Term) -> &'a str {
    match term {
        Term::Known(id) => vocabulary.label(*id),
        Term::Free(k) => k,
    }
}

/// How a tag someone typed is shown: the vocabulary's label when it knows the tag ("vat
/// returns" → "VAT", "k8s" → "Kubernetes"), else as they typed it, spaces tidied; `None` for
/// blank input.
pub fn tag_label(vocabulary: &Vocabulary, typed: &str) -> Option<String> {
    match vocabulary.normalise(typed)? {
        Term::Known(id) => Some(vocabulary.label(id).to_owned()),
        Term::Free(_) => Some(typed.split_whitespace().collect::<Vec<_>>().join(" ")),
    }
}

/// The labels of typed tags, in order, each shown once.
pub fn tag_labels<S: AsRef<str>>(vocabulary: &Vocabulary, typed: &[S]) -> Vec<String> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for tag in typed {
        if let Some(term) = vocabulary.normalise(tag.as_ref()) {
            if !seen.contains(&term) {
                out.extend(tag_label(vocabulary, tag.as_ref()));
                seen.push(term);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::shipped;

    #[test]
    fn a_question_needs_its_tags_and_what_its_text_names_once_each() {
        let v = shipped();
        let (tags, text) = (["zorblax widgets", "python"], "Who knows Kubernetes and Python?");
        let needs = question_needs(v, &tags, text);
        let named: Vec<Term> = terms(v, &tags).into_iter().chain(terms_in_text(v, text)).collect();
        assert!(named.len() > needs.len(), "the text names a tag again: {named:?}");
        for term in &named {
            assert_eq!(needs.iter().filter(|t| *t == term).count(), 1, "{term:?} in {needs:?}");
        }
        assert!(needs.iter().all(|t| named.contains(t)));
    }

    #[test]
    fn a_known_tag_is_shown_with_the_vocabularys_label_and_an_unknown_one_as_typed() {
        let v = shipped();
        assert_eq!(tag_labels(v, &["vat returns", "k8s", "UX", "seo"]), ["VAT", "Kubernetes", "UX", "SEO"]);
        assert_eq!(tag_labels(v, &["bookkeeping"]), ["bookkeeping"]);
        assert_eq!(tag_labels(v, &["Zorblax  Widgets", "zorblax widgets"]), ["Zorblax Widgets"]);
    }
}
