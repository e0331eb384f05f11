//! Question routing: who can answer a question, by how well what they offer and what they wrote
//! before meet it, weighed by their record of actually helping.

use crate::index::{helpfulness, top, NetworkIndex};
use crate::text::Bm25;
use crate::vocabulary::{Term, Vocabulary};

/// How much the question's words found in what someone wrote before count, at most, beside
/// their tags.
pub const TEXT_WEIGHT: f32 = 0.5;

/// Candidates for answering questions: their offers, their words, their record.
pub struct Router {
    index: NetworkIndex,
    texts: Bm25,
}

/// One candidate: what they offer, the text of what they know (answers given, profile), and
/// how many times they have helped.
pub struct Candidate {
    pub offers: Vec<Term>,
    pub text: String,
    pub helped: u32,
}

impl Router {
    /// Candidates are numbered from 0 in the order given.
    pub fn new(candidates: &[Candidate]) -> Self {
        let mut index = NetworkIndex::new();
        for c in candidates {
            index.add(&c.offers, c.helped);
        }
        Self { index, texts: Bm25::new(candidates.iter().map(|c| c.text.as_str())) }
    }

    /// The candidates who fit the question at all, best first, with their scores: fit of tags
    /// and words times [`helpfulness`].
    pub fn scored(
        &self,
        vocabulary: &Vocabulary,
        needs: &[Term],
        text: &str,
        skip: impl Fn(u32) -> bool,
    ) -> Vec<(u32, f32)> {
        let mut fits: rustc_hash::FxHashMap<u32, f32> = self.index.fits(vocabulary, needs).into_iter().collect();
        let words = self.texts.scores(text);
        let strongest = words.values().copied().fold(0.0f32, f32::max);
        for (&p, &s) in &words {
            let text = if strongest > 0.0 { s / strongest } else { 0.0 };
            let tags = fits.get(&p).copied().unwrap_or(0.0);
            fits.insert(p, 1.0 - (1.0 - tags) * (1.0 - TEXT_WEIGHT * text));
        }
        let scored: Vec<(u32, f32)> = fits
            .into_iter()
            .filter(|&(p, fit)| fit > 0.0 && !skip(p))
            .map(|(p, fit)| (p, fit * helpfulness(self.index.helped(p))))
            .collect();
        top(scored, usize::MAX)
    }

    /// Every candidate ranked for a question, best first: those who fit (see [`Router::scored`]),
    /// then the rest, most helpful first, so that a question nobody matches still reaches the
    /// people who help most.
    pub fn rank(&self, vocabulary: &Vocabulary, needs: &[Term], text: &str, skip: impl Fn(u32) -> bool) -> Vec<u32> {
        let mut placed = vec![false; self.index.len()];
        let mut out: Vec<u32> = self
            .scored(vocabulary, needs, text, &skip)
            .into_iter()
            .map(|(p, _)| p)
            .inspect(|&p| placed[p as usize] = true)
            .collect();
        let mut rest: Vec<u32> = (0..self.index.len() as u32).filter(|&p| !placed[p as usize] && !skip(p)).collect();
        rest.sort_by_key(|&p| (std::cmp::Reverse(self.index.helped(p)), p));
        out.extend(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::terms;
    use crate::vocabulary::shipped;

    #[test]
    fn a_question_goes_first_to_who_offers_it_then_to_who_wrote_about_it_then_to_the_most_helpful() {
        let v = shipped();
        let candidates = vec![
            Candidate { offers: terms(v, &["espresso"]), text: "espresso machine pressure".into(), helped: 3 },
            Candidate { offers: Vec::new(), text: "grinder burr size".into(), helped: 1 },
            Candidate { offers: Vec::new(), text: String::new(), helped: 9 },
            Candidate { offers: Vec::new(), text: String::new(), helped: 0 },
        ];
        let router = Router::new(&candidates);
        let ranked = router.rank(v, &terms(v, &["espresso"]), "Which burr grinder for espresso?", |_| false);
        assert_eq!(ranked, vec![0, 1, 2, 3]);
        let skipping = router.rank(v, &terms(v, &["espresso"]), "", |p| p == 0);
        assert!(!skipping.contains(&0), "the asker is never asked");
    }
}
