//! Free text: words, and BM25 relevance of a short query (a focus, a question) to people's texts.

use rustc_hash::FxHashMap as HashMap;

/// Words too common to say anything about what someone knows or needs.
const STOPWORDS: &[&str] = &[
    "a", "about", "an", "and", "any", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from", "get",
    "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "need", "no", "not", "of", "on",
    "or", "so", "some", "that", "the", "their", "them", "there", "this", "to", "today", "up", "use", "using", "was",
    "way", "we", "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
];

/// Lower-cased words of two or more letters, stopwords dropped, a plural "s" taken off.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '#' && c != '+')
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() >= 3 && !stem.ends_with('s') => stem.to_owned(),
            _ => w,
        })
        .collect()
}

/// A BM25 index over one text per person.
pub struct Bm25 {
    postings: HashMap<String, Vec<(u32, u32)>>,
    lengths: Vec<u32>,
    average: f32,
}

const K1: f32 = 1.2;
const B: f32 = 0.75;

impl Bm25 {
    pub fn new<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut postings: HashMap<String, Vec<(u32, u32)>> = HashMap::default();
        let mut lengths = Vec::new();
        for (doc, text) in texts.into_iter().enumerate() {
            let ws = words(text);
            lengths.push(ws.len() as u32);
            let mut counts: HashMap<String, u32> = HashMap::default();
            for w in ws {
                *counts.entry(w).or_default() += 1;
            }
            for (w, n) in counts {
                postings.entry(w).or_default().push((doc as u32, n));
            }
        }
        let average = lengths.iter().sum::<u32>() as f32 / lengths.len().max(1) as f32;
        Self { postings, lengths, average: average.max(1.0) }
    }

    /// Each person's BM25 score for `query`, for those that share a word with it.
    pub fn scores(&self, query: &str) -> HashMap<u32, f32> {
        let n = self.lengths.len() as f32;
        let mut out: HashMap<u32, f32> = HashMap::default();
        let mut seen: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
        for w in words(query) {
            if !seen.insert(w.clone()) {
                continue;
            }
            let Some(list) = self.postings.get(&w) else { continue };
            let df = list.len() as f32;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            for &(doc, tf) in list {
                let tf = tf as f32;
                let len = self.lengths[doc as usize] as f32;
                let s = idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / self.average));
                *out.entry(doc).or_default() += s;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bm25_score_is_the_textbook_one() {
        // Two texts, "rust async" and "python": for "rust", n = 2, df = 1, idf = ln(2); the first
        // text is two words long, the average 1.5, so its score is
        // ln 2 × 1 × 2.2 / (1 + 1.2 × (0.25 + 0.75 × 2 / 1.5)) = ln 2 × 2.2 / 2.5.
        let index = Bm25::new(["rust async", "python"]);
        let scores = index.scores("rust");
        assert_eq!(scores.len(), 1);
        assert!((scores[&0] - 2f32.ln() * 2.2 / 2.5).abs() < 1e-5, "{scores:?}");
    }

    #[test]
    fn words_drop_stopwords_and_plurals() {
        assert_eq!(words("How do I grind the beans for espresso?"), ["grind", "bean", "espresso"]);
        assert_eq!(words("C# and C++ questions"), ["c#", "c++", "question"]);
    }

    #[test]
    fn bm25_ranks_the_text_that_shares_rarer_words_higher() {
        let index = Bm25::new(["espresso grind size espresso", "milk foam latte", "grind beans"]);
        let scores = index.scores("espresso grind");
        assert!(scores[&0] > scores[&2]);
        assert!(!scores.contains_key(&1));
    }
}
