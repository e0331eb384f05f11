//! Question routing: who can answer a question, by how well what they offer and what they wrote
//! before meet it, weighed by their record of actually helping.

use crate::closeness::{neighbourhood, Link};
use crate::index::{helpfulness, top, NetworkIndex};
use crate::person::term_label;
use crate::text::{words, Bm25};
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

/// Why a candidate may be able to answer, in plain words about them: the offer nearest to what
/// the question needs, else a word of the question in what they wrote; and their record.
pub fn answer_reason(vocabulary: &Vocabulary, candidate: &Candidate, needs: &[Term], text: &str) -> String {
    let offered = needs.iter().find_map(|need| {
        neighbourhood(vocabulary, need)
            .into_iter()
            .find(|(t, _, _)| candidate.offers.contains(t))
            .map(|(offer, _, link)| (offer, need, link))
    });
    let mut reason = match offered {
        Some((offer, _, Link::Exact)) => {
            format!("Offers {}, which the question is about", term_label(vocabulary, &offer))
        }
        Some((offer, need, _)) => {
            format!("Offers {}, close to {}", term_label(vocabulary, &offer), term_label(vocabulary, need))
        }
        None => {
            let theirs = words(&candidate.text);
            match words(text).into_iter().find(|w| theirs.contains(w)) {
                Some(word) => format!("Mentions {word} in their profile or the help they gave"),
                None => "Among the people who help most".to_owned(),
            }
        }
    };
    match candidate.helped {
        0 => {}
        1 => reason.push_str("; found helpful once"),
        n => reason.push_str(&format!("; found helpful {n} times")),
    }
    reason.push('.');
    reason
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

    #[test]
    fn a_fit_is_the_tags_or_half_the_strongest_words_times_the_record() {
        let v = shipped();
        let candidates = vec![
            Candidate { offers: terms(v, &["espresso"]), text: String::new(), helped: 0 },
            Candidate { offers: Vec::new(), text: "burr grinder".into(), helped: 0 },
            Candidate { offers: Vec::new(), text: "burr".into(), helped: 2 },
            Candidate { offers: Vec::new(), text: String::new(), helped: 5 },
        ];
        let scored = Router::new(&candidates).scored(v, &terms(v, &["espresso"]), "burr grinder", |_| false);
        let score = |p: u32| scored.iter().find(|s| s.0 == p).map(|s| s.1);
        // An exact offer fits wholly; no record yet: helpfulness (0 + 1) / (0 + 2).
        assert_eq!(score(0), Some(0.5));
        // The strongest words alone fit by TEXT_WEIGHT.
        assert_eq!(score(1), Some(TEXT_WEIGHT * 0.5));
        let weaker = score(2).expect("fewer of the words still fit");
        assert!(weaker > 0.0 && weaker < TEXT_WEIGHT * 0.75, "{weaker}");
        assert_eq!(score(3), None, "nothing of the question: no fit, whatever the record");
    }

    #[test]
    fn each_answerer_comes_with_what_they_offer_or_wrote_that_fits_the_question() {
        let v = shipped();
        let needs = terms(v, &["vat"]);
        let offers =
            |tags: &[&str], text: &str, helped| Candidate { offers: terms(v, tags), text: text.into(), helped };
        let said = |c: Candidate| answer_reason(v, &c, &needs, "How do I file VAT for my bakery?");
        assert_eq!(said(offers(&["VAT returns"], "", 0)), "Offers VAT, which the question is about.");
        assert_eq!(
            said(offers(&[], "I bake at a bakery", 2)),
            "Mentions bakery in their profile or the help they gave; found helpful 2 times."
        );
        assert_eq!(said(offers(&[], "", 1)), "Among the people who help most; found helpful once.");
        let near = said(offers(&["tax"], "", 0));
        assert!(near.starts_with("Offers tax, close to VAT"), "{near}");
    }
}
