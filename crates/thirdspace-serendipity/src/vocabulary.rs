//! The skill vocabulary: canonical tags with their aliases, broader, narrower and related tags,
//! and the normalisation that maps what people type onto them.
//!
//! The shipped vocabulary (`data/vocabulary.tsv`) is derived from ESCO, Stack Overflow's tags and
//! hand-written coworking terms by `thirdspace-vocabulary-build`; its header keeps the attribution.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::OnceLock;

use crate::key::{key, singulars};

/// A canonical tag of a vocabulary.
pub type TagId = u32;

/// A tag as the engine understands it: a canonical tag of the vocabulary, or a word the
/// vocabulary does not know, which still matches itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    Known(TagId),
    Free(Box<str>),
}

/// A suggestion for a tag being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub tag: TagId,
    /// The canonical name.
    pub name: String,
    /// The alias or name that matched what was typed, when it is not the canonical name.
    pub via: Option<String>,
}

/// The shortest key corrected for a typo: shorter words are too easily another word.
const MIN_TYPO_CHARS: usize = 5;

/// A vocabulary loaded in memory.
pub struct Vocabulary {
    names: Vec<Box<str>>,
    /// How tags whose name is not how people write them (acronyms, brands) are shown.
    labels: HashMap<TagId, Box<str>>,
    lookup: HashMap<Box<str>, TagId>,
    broader: Vec<Vec<TagId>>,
    narrower: Vec<Vec<TagId>>,
    related: Vec<Vec<TagId>>,
    /// Every key, canonical and alias, one after another: the text [`Vocabulary::completions`]
    /// point into.
    keys: String,
    /// Every word-start suffix of every key, for prefix completion: where it starts and ends in
    /// `keys`, and its tag; sorted by the suffix's text, then the tag (12 bytes each, rather than
    /// a string of its own).
    completions: Vec<(u32, u32, TagId)>,
    /// Canonical keys with one character deleted, for typo correction: each as its hash with its
    /// tag, sorted (a few hundred thousand strings kept as such would take tens of megabytes).
    deletions: Vec<(u64, TagId)>,
}

/// The vocabulary shipped with thirdspace, loaded once.
pub fn shipped() -> &'static Vocabulary {
    static SHIPPED: OnceLock<Vocabulary> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        Vocabulary::parse(include_str!("../data/vocabulary.tsv")).with_labels(include_str!("../data/labels.tsv"))
    })
}

fn deletion_hash(d: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(d)
}

fn deletions_of(k: &str) -> impl Iterator<Item = String> + '_ {
    k.char_indices().map(move |(i, c)| {
        let mut s = String::with_capacity(k.len());
        s.push_str(&k[..i]);
        s.push_str(&k[i + c.len_utf8()..]);
        s
    })
}

impl Vocabulary {
    /// Reads the tab-separated format: canonical, aliases, broader, related (lists separated by
    /// `|`), source; lines starting with `#` are comments. Names the file links to but does not
    /// define become tags of their own.
    pub fn parse(text: &str) -> Self {
        let mut v = Vocabulary {
            names: Vec::new(),
            labels: HashMap::default(),
            lookup: HashMap::default(),
            broader: Vec::new(),
            narrower: Vec::new(),
            related: Vec::new(),
            keys: String::new(),
            completions: Vec::new(),
            deletions: Vec::new(),
        };
        let rows: Vec<Vec<&str>> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| l.split('\t').collect())
            .collect();
        fn list<'t>(row: &[&'t str], i: usize) -> Vec<&'t str> {
            row.get(i).map(|c| c.split('|').filter(|s| !s.trim().is_empty()).collect()).unwrap_or_default()
        }
        for row in &rows {
            v.intern(row[0]);
        }
        let mut aliases: Vec<(String, TagId)> = Vec::new();
        for row in &rows {
            let Some(&id) = v.lookup.get(key(row[0]).as_str()) else { continue };
            for alias in list(row, 1) {
                let k = key(alias);
                if !k.is_empty() && !v.lookup.contains_key(k.as_str()) {
                    v.lookup.insert(k.clone().into(), id);
                    aliases.push((k, id));
                }
            }
            for broader in list(row, 2) {
                let b = v.intern(broader);
                if b != id && !v.broader[id as usize].contains(&b) {
                    v.broader[id as usize].push(b);
                    v.narrower[b as usize].push(id);
                }
            }
            for related in list(row, 3) {
                let r = v.intern(related);
                if r != id && !v.related[id as usize].contains(&r) {
                    v.related[id as usize].push(r);
                    v.related[r as usize].push(id);
                }
            }
        }
        let canonical: Vec<(String, TagId)> = v.names.iter().enumerate().map(|(i, n)| (key(n), i as TagId)).collect();
        for (k, id) in canonical.iter().chain(aliases.iter()) {
            let start = v.keys.len();
            v.keys.push_str(k);
            // Keys beyond 4 GiB of text (far past any vocabulary) are not completed.
            let Ok(end) = u32::try_from(v.keys.len()) else { break };
            for (i, _) in k.char_indices().filter(|&(i, _)| i == 0 || k.as_bytes()[i - 1] == b' ') {
                v.completions.push(((start + i) as u32, end, *id));
            }
        }
        v.keys.shrink_to_fit();
        let mut completions = std::mem::take(&mut v.completions);
        completions.sort_unstable_by(|a, b| v.suffix(a).cmp(v.suffix(b)).then(a.2.cmp(&b.2)));
        v.completions = completions;
        for (k, id) in &canonical {
            if k.chars().count() >= MIN_TYPO_CHARS {
                v.deletions.extend(deletions_of(k).map(|d| (deletion_hash(&d), *id)));
            }
        }
        v.deletions.sort_unstable();
        v.deletions.dedup();
        v
    }

    /// The text of a completion's suffix.
    fn suffix(&self, &(start, end, _): &(u32, u32, TagId)) -> &str {
        &self.keys[start as usize..end as usize]
    }

    /// The tags whose canonical key is `d` with one character more.
    fn deleted_to<'a>(&'a self, d: &'a str) -> impl Iterator<Item = TagId> + 'a {
        let hash = deletion_hash(d);
        let start = self.deletions.partition_point(|&(h, _)| h < hash);
        self.deletions[start..]
            .iter()
            .take_while(move |&&(h, _)| h == hash)
            .map(|&(_, id)| id)
            // Equal hashes of different strings are possible: each one is checked.
            .filter(move |&id| deletions_of(&key(&self.names[id as usize])).any(|x| x == d))
    }

    fn intern(&mut self, name: &str) -> TagId {
        let k = key(name);
        if let Some(&id) = self.lookup.get(k.as_str()) {
            return id;
        }
        let id = self.names.len() as TagId;
        self.names.push(name.trim().into());
        self.lookup.insert(k.into(), id);
        self.broader.push(Vec::new());
        self.narrower.push(Vec::new());
        self.related.push(Vec::new());
        id
    }

    /// How many canonical tags the vocabulary holds.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn name(&self, tag: TagId) -> &str {
        &self.names[tag as usize]
    }

    /// How a tag is written for people to read: its label ("UX", "JavaScript") where it has one,
    /// else its name.
    pub fn label(&self, tag: TagId) -> &str {
        self.labels.get(&tag).unwrap_or(&self.names[tag as usize])
    }

    /// Adds labels from lines of "canonical tag, tab, label" (`#` starts a comment); a line
    /// whose tag the vocabulary does not know is skipped.
    pub fn with_labels(mut self, text: &str) -> Self {
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if let Some((tag, label)) = line.split_once('\t') {
                let found = self.lookup.get(key(tag).as_str()).copied();
                if let Some(id) = found.filter(|&id| &*self.names[id as usize] == tag) {
                    self.labels.insert(id, label.trim().into());
                }
            }
        }
        self
    }

    pub fn broader(&self, tag: TagId) -> &[TagId] {
        &self.broader[tag as usize]
    }

    pub fn narrower(&self, tag: TagId) -> &[TagId] {
        &self.narrower[tag as usize]
    }

    pub fn related(&self, tag: TagId) -> &[TagId] {
        &self.related[tag as usize]
    }

    /// The canonical tag a key names exactly, by name or alias.
    pub fn find(&self, raw: &str) -> Option<TagId> {
        self.lookup.get(key(raw).as_str()).copied()
    }

    /// Maps what someone typed to a term: its canonical tag when the vocabulary knows it, also
    /// through a plural or a one-letter typo; otherwise the typed word itself, keyed. `None` for
    /// blank input.
    pub fn normalise(&self, raw: &str) -> Option<Term> {
        let k = key(raw);
        if k.is_empty() {
            return None;
        }
        if let Some(&id) = self.lookup.get(k.as_str()) {
            return Some(Term::Known(id));
        }
        if let Some(id) = singulars(&k).find_map(|s| self.lookup.get(s.as_str()).copied()) {
            return Some(Term::Known(id));
        }
        Some(self.typo(&k).map_or_else(|| Term::Free(k.into()), Term::Known))
    }

    /// The canonical tag one edit (insertion, deletion, substitution or swap of neighbours) away.
    fn typo(&self, k: &str) -> Option<TagId> {
        if k.chars().count() < MIN_TYPO_CHARS {
            return None;
        }
        let mut candidates: Vec<TagId> = Vec::new();
        // A letter missing from what was typed.
        candidates.extend(self.deleted_to(k));
        for d in deletions_of(k) {
            // A letter too many.
            if let Some(&id) = self.lookup.get(d.as_str()) {
                if key(&self.names[id as usize]) == d {
                    candidates.push(id);
                }
            }
            // A letter changed, or two swapped.
            candidates.extend(self.deleted_to(&d));
        }
        candidates.sort_unstable();
        candidates.dedup();
        // The most connected candidate is the likeliest meaning; ties go to the earlier tag.
        candidates.into_iter().max_by_key(|&id| {
            let i = id as usize;
            (self.broader[i].len() + self.narrower[i].len() + self.related[i].len(), std::cmp::Reverse(id))
        })
    }

    /// Up to `limit` tags for a form's autocomplete: tags with a word starting with what was
    /// typed (shortest first), then a tag one typo away.
    pub fn complete(&self, typed: &str, limit: usize) -> Vec<Suggestion> {
        let k = key(typed);
        if k.is_empty() || limit == 0 {
            return Vec::new();
        }
        let start = self.completions.partition_point(|c| self.suffix(c) < k.as_str());
        let mut found: Vec<(usize, bool, TagId, &str)> = Vec::new();
        let matching = self.completions[start..].iter().take_while(|c| self.suffix(c).starts_with(k.as_str()));
        for completion in matching.take(2000) {
            let (suffix, id) = (self.suffix(completion), completion.2);
            let whole = key(&self.names[id as usize]);
            found.push((whole.len(), !whole.ends_with(suffix), id, suffix));
        }
        found.sort_by_key(|a| (a.1, a.0, a.2));
        let mut seen = HashSet::default();
        let mut out = Vec::new();
        // What was typed may name a tag exactly, by an alias ("js" is javascript): that comes first.
        if let Some(&id) = self.lookup.get(k.as_str()) {
            seen.insert(id);
            let name = self.names[id as usize].to_string();
            let via = (key(&name) != k).then(|| k.clone());
            out.push(Suggestion { tag: id, name, via });
        }
        for (_, via_alias, id, suffix) in found {
            if out.len() == limit {
                break;
            }
            if seen.insert(id) {
                out.push(Suggestion {
                    tag: id,
                    name: self.names[id as usize].to_string(),
                    via: via_alias.then(|| suffix.to_string()),
                });
            }
        }
        if out.len() < limit {
            if let Some(id) = self.typo(&k).filter(|id| !seen.contains(id)) {
                out.push(Suggestion { tag: id, name: self.names[id as usize].to_string(), via: None });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> &'static Vocabulary {
        shipped()
    }

    fn canonical(raw: &str) -> Option<String> {
        match v().normalise(raw)? {
            Term::Known(id) => Some(v().name(id).to_owned()),
            Term::Free(_) => None,
        }
    }

    #[test]
    fn the_shipped_vocabulary_is_large_and_linked() {
        assert!(v().len() > 5_000, "{} tags", v().len());
        let bookkeeping = v().find("bookkeeping").unwrap();
        assert!(v().related(bookkeeping).contains(&v().find("vat").unwrap()));
        let vat = v().find("vat").unwrap();
        assert!(v().broader(vat).contains(&v().find("tax").unwrap()));
    }

    #[test]
    fn aliases_map_to_canonical_tags() {
        assert_eq!(canonical("JS").as_deref(), Some("javascript"));
        assert_eq!(canonical("k8s").as_deref(), Some("kubernetes"));
        assert_eq!(canonical("Search Engine Optimisation").as_deref(), Some("seo"));
        assert_eq!(canonical("  user   experience ").as_deref(), Some("ux"));
    }

    #[test]
    fn plurals_and_small_typos_map_to_canonical_tags() {
        assert_eq!(canonical("pitch decks").as_deref(), Some("pitch deck"));
        assert_eq!(canonical("kubernets").as_deref(), Some("kubernetes"));
        assert_eq!(canonical("bookeeping").as_deref(), Some("bookkeeping"));
        assert_eq!(canonical("fundriasing").as_deref(), Some("fundraising"), "two letters swapped");
    }

    #[test]
    fn unknown_tags_still_work_as_themselves() {
        assert_eq!(v().normalise("Zorblax Widgets"), Some(Term::Free("zorblax widgets".into())));
        assert_eq!(v().normalise("   "), None);
    }

    #[test]
    fn autocomplete_finds_tags_by_any_word_prefix_and_forgives_a_typo() {
        let names = |typed: &str| v().complete(typed, 8).into_iter().map(|s| s.name).collect::<Vec<_>>();
        assert!(names("pitch").contains(&"pitch deck".to_owned()));
        assert!(names("speak").contains(&"public speaking".to_owned()));
        assert!(names("kubernets").contains(&"kubernetes".to_owned()));
        assert!(v().complete("", 5).is_empty());
    }

    #[test]
    fn a_known_alias_is_suggested_first_and_says_why() {
        let first = &v().complete("JS", 6)[0];
        assert_eq!((first.name.as_str(), first.via.as_deref()), ("javascript", Some("js")));
        assert_eq!(v().complete("k8s", 6)[0].name, "kubernetes");
        assert_eq!(v().complete("python", 6)[0].via, None, "a tag's own name needs no reason");
    }

    #[test]
    fn a_small_vocabulary_parses_links_both_ways() {
        let small = Vocabulary::parse("# test\nrust\trustlang\tprogramming\tcargo\tx\ncargo\t\t\t\tx\n");
        let rust = small.find("rustlang").unwrap();
        let programming = small.find("programming").unwrap();
        assert_eq!(small.broader(rust), &[programming]);
        assert_eq!(small.narrower(programming), &[rust]);
        assert_eq!(small.related(small.find("cargo").unwrap()), &[rust]);
    }
}
