//! Question routing: who will answer a question. Two things predict it: how much someone has
//! helped lately (recent help counts most, older help fades) and how well what they offer and what
//! they wrote before meet the question. A person's score is `ln(quiet + recent help) + fit
//! weight × fit` ([`Model`]): among people who fit alike, the one helping now comes first; among
//! people equally active, the better fit.

use crate::closeness::{neighbourhood, Link};
use crate::index::{top, NetworkIndex};
use crate::person::term_label;
use crate::text::{words, Bm25};
use crate::vocabulary::{Term, Vocabulary};

/// The constants of the routing model. [`Model::default`] holds the shipped ones, chosen by
/// reasoning and checked by cross-validation over time (see `docs/BENCHMARKS.md`); the
/// evaluation tries others.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Model {
    /// Days in which a time someone helped fades to 1/e of its weight.
    pub recency_days: f32,
    /// What recent help a person who has not helped lately counts as: below it, differences in
    /// old help hardly matter and the fit decides.
    pub quiet: f32,
    /// How much the fit (0 to 1) counts beside the logarithm of recent help.
    pub fit: f32,
    /// How much the question's words found in what someone wrote count, at most, beside their
    /// tags, within the fit.
    pub text: f32,
    /// How much more a time someone helped counts when it was on the question's topics: a help
    /// on all of them counts `1 + topic` times.
    pub topic: f32,
}

impl Default for Model {
    fn default() -> Self {
        Self { recency_days: 7.0, quiet: 0.1, fit: 0.5, text: 0.5, topic: 1.0 }
    }
}

impl Model {
    /// Recent help on a question needing `needs`: each time someone helped weighs `exp(-days
    /// since / recency_days)` (a time in the future, clocks apart, counts as now), times `1 +
    /// topic × the share of the needs among its topics`.
    pub fn recent_help(&self, helps: &[Help], needs: &[Term], now: i64) -> f32 {
        helps
            .iter()
            .map(|h| {
                let on = needs.iter().filter(|n| h.topics.contains(n)).count() as f32 / needs.len().max(1) as f32;
                (-(days_between(h.at, now)) / self.recency_days.max(f32::MIN_POSITIVE)).exp() * (1.0 + self.topic * on)
            })
            .sum()
    }

    /// A person's score for a question from their fit (0 to 1) and their recent help.
    pub fn score(&self, fit: f32, recent_help: f32) -> f32 {
        // Never the logarithm of 0: with no quiet floor, who never helped still ranks by fit.
        (self.quiet + recent_help).max(f32::MIN_POSITIVE).ln() + self.fit * fit
    }

    /// The fit of tags (0 to 1) and of words (0 to 1, relative to the best writer's): the words
    /// add what the tags leave, up to [`Model::text`].
    pub fn fit(&self, tags: f32, words: f32) -> f32 {
        1.0 - (1.0 - tags) * (1.0 - self.text * words)
    }
}

/// Days (with their fraction) from `then` to `now` (seconds), never negative.
fn days_between(then: i64, now: i64) -> f32 {
    now.saturating_sub(then).max(0) as f32 / 86_400.0
}

/// One time someone helped (answered a question, gave an exchange that was confirmed, was found
/// useful after an introduction): when (seconds) and on what.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Help {
    pub at: i64,
    pub topics: Vec<Term>,
}

/// One candidate: what they offer, the text of what they know (answers given, profile), each of
/// the latest times they helped, and how many times they helped in all.
#[derive(Clone, Debug, Default)]
pub struct Candidate {
    pub offers: Vec<Term>,
    pub text: String,
    pub helps: Vec<Help>,
    pub helped: u32,
}

/// Candidates for answering questions at one moment: their offers, their words, their recent help.
pub struct Router<'c> {
    model: Model,
    candidates: &'c [Candidate],
    now: i64,
    index: NetworkIndex,
    texts: Bm25,
}

impl<'c> Router<'c> {
    /// Candidates are numbered from 0 in the order given; `now` (seconds) is when the question
    /// is routed. The shipped [`Model`].
    pub fn new(candidates: &'c [Candidate], now: i64) -> Self {
        Self::with_model(Model::default(), candidates, now)
    }

    pub fn with_model(model: Model, candidates: &'c [Candidate], now: i64) -> Self {
        let mut index = NetworkIndex::new();
        for c in candidates {
            index.add(&c.offers);
        }
        Self { model, candidates, now, index, texts: Bm25::new(candidates.iter().map(|c| c.text.as_str())) }
    }

    /// A candidate's recent help on a question needing `needs` ([`Model::recent_help`]).
    pub fn recent_help(&self, p: u32, needs: &[Term]) -> f32 {
        self.model.recent_help(&self.candidates[p as usize].helps, needs, self.now)
    }

    /// For each candidate who fits the question at all, how their offers fit its tags (0 to 1)
    /// and how its words fit what they wrote (0 to 1, relative to the best writer's).
    pub fn fit_parts(
        &self,
        vocabulary: &Vocabulary,
        needs: &[Term],
        text: &str,
    ) -> rustc_hash::FxHashMap<u32, (f32, f32)> {
        let mut parts: rustc_hash::FxHashMap<u32, (f32, f32)> =
            self.index.fits(vocabulary, needs).into_iter().map(|(p, tags)| (p, (tags, 0.0))).collect();
        let words = self.texts.scores(text);
        let strongest = words.values().copied().fold(0.0f32, f32::max);
        for (&p, &s) in &words {
            // BM25 scores are positive: the strongest is too, whenever there is any.
            parts.entry(p).or_default().1 = s / strongest.max(f32::MIN_POSITIVE);
        }
        parts
    }

    /// Each candidate's fit (0 to 1, [`Model::fit`]) for the question, for those that fit at all.
    fn fits(&self, vocabulary: &Vocabulary, needs: &[Term], text: &str) -> rustc_hash::FxHashMap<u32, f32> {
        let parts = self.fit_parts(vocabulary, needs, text);
        parts.into_iter().map(|(p, (tags, words))| (p, self.model.fit(tags, words))).collect()
    }

    /// The candidates who fit the question at all, best first, with their scores
    /// ([`Model::score`]).
    pub fn scored(
        &self,
        vocabulary: &Vocabulary,
        needs: &[Term],
        text: &str,
        skip: impl Fn(u32) -> bool,
    ) -> Vec<(u32, f32)> {
        let scored = self
            .fits(vocabulary, needs, text)
            .into_iter()
            .filter(|&(p, fit)| fit > 0.0 && !skip(p))
            .map(|(p, fit)| (p, self.model.score(fit, self.recent_help(p, needs))))
            .collect();
        top(scored, usize::MAX)
    }

    /// Every candidate ranked for a question, best first, those who do not fit at all by their
    /// recent help alone: a question nobody matches still reaches the people helping now.
    pub fn rank(&self, vocabulary: &Vocabulary, needs: &[Term], text: &str, skip: impl Fn(u32) -> bool) -> Vec<u32> {
        let fits = self.fits(vocabulary, needs, text);
        let scored = (0..self.candidates.len() as u32)
            .filter(|&p| !skip(p))
            .map(|p| (p, self.model.score(fits.get(&p).copied().unwrap_or(0.0), self.recent_help(p, needs))))
            .collect();
        top(scored, usize::MAX).into_iter().map(|(p, _)| p).collect()
    }
}

/// How far back "this month" reaches in a reason, in seconds.
const MONTH: i64 = 30 * 86_400;

/// Why a candidate may be able to answer, in plain words about them: the offer nearest to what
/// the question needs, else a word of the question in what they wrote; then their recent help,
/// on the question's topics where they helped on them.
pub fn answer_reason(vocabulary: &Vocabulary, candidate: &Candidate, needs: &[Term], text: &str, now: i64) -> String {
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
                None => "Among the people helping most lately".to_owned(),
            }
        }
    };
    reason.push_str(&record(vocabulary, candidate, needs, now));
    reason.push('.');
    reason
}

/// A candidate's record in a reason's words: how often they helped this month on the first of
/// the question's topics they helped on, else this month at all, else in all.
fn record(vocabulary: &Vocabulary, candidate: &Candidate, needs: &[Term], now: i64) -> String {
    let times = |n: usize| match n {
        1 => "once".to_owned(),
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    };
    let month: Vec<&Help> = candidate.helps.iter().filter(|h| now.saturating_sub(h.at) <= MONTH).collect();
    let on_topic = needs.iter().find_map(|need| {
        let n = month.iter().filter(|h| h.topics.contains(need)).count();
        (n > 0).then_some((need, n))
    });
    match (on_topic, month.len(), candidate.helped) {
        (Some((need, n)), _, _) => format!("; helped {} on {} this month", times(n), term_label(vocabulary, need)),
        (None, 0, 0) => String::new(),
        (None, 0, all) => format!("; found helpful {} before", times(all as usize)),
        (None, n, _) => format!("; helped {} this month", times(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::terms;
    use crate::vocabulary::shipped;

    const DAY: i64 = 86_400;
    const NOW: i64 = 1_000 * DAY;

    /// `n` helps `days` ago on `topics`.
    fn helps(v: &Vocabulary, n: usize, days: i64, topics: &[&str]) -> Vec<Help> {
        vec![Help { at: NOW - days * DAY, topics: terms(v, topics) }; n]
    }

    fn candidate(v: &Vocabulary, offers: &[&str], text: &str, helps: Vec<Help>) -> Candidate {
        let helped = helps.len() as u32;
        Candidate { offers: terms(v, offers), text: text.into(), helps, helped }
    }

    #[test]
    fn recent_help_fades_by_e_every_recency_days_and_the_future_counts_as_now() {
        let v = shipped();
        let m = Model::default();
        assert_eq!(m.recent_help(&[], &[], NOW), 0.0);
        assert_eq!(m.recent_help(&helps(v, 3, 0, &[]), &[], NOW), 3.0);
        let week = m.recent_help(&helps(v, 1, 7, &[]), &[], NOW);
        assert!((week - (-1.0f32).exp()).abs() < 1e-6, "{week}");
        let half_day = m.recent_help(&[Help { at: NOW - DAY / 2, topics: Vec::new() }], &[], NOW);
        assert!((half_day - (-0.5f32 / 7.0).exp()).abs() < 1e-6, "a day's fraction counts: {half_day}");
        assert_eq!(m.recent_help(&helps(v, 1, -3, &[]), &[], NOW), 1.0);
    }

    #[test]
    fn help_on_the_questions_topics_counts_one_plus_topic_times_the_share_of_them_it_was_on() {
        let v = shipped();
        let m = Model { topic: 2.0, ..Model::default() };
        let needs = terms(v, &["espresso", "grinding"]);
        assert_eq!(m.recent_help(&helps(v, 1, 0, &["tea"]), &needs, NOW), 1.0, "off the topics: as any help");
        assert_eq!(m.recent_help(&helps(v, 1, 0, &["espresso"]), &needs, NOW), 2.0, "half the topics: 1 + 2 × 1/2");
        assert_eq!(m.recent_help(&helps(v, 1, 0, &["grinding", "espresso", "tea"]), &needs, NOW), 3.0);
        assert_eq!(m.recent_help(&helps(v, 2, 0, &["espresso"]), &[], NOW), 2.0, "a question with no tags");
    }

    #[test]
    fn a_score_is_the_log_of_quiet_plus_recent_help_plus_the_weighted_fit() {
        let m = Model { recency_days: 7.0, quiet: 0.5, fit: 2.0, text: 0.25, topic: 1.0 };
        assert!((m.score(0.0, 0.5) - 0.0).abs() < 1e-6);
        assert!((m.score(1.0, 0.5) - 2.0).abs() < 1e-6);
        assert!((m.score(0.5, 2.5) - (3.0f32.ln() + 1.0)).abs() < 1e-6);
        assert_eq!(m.fit(1.0, 0.0), 1.0);
        assert_eq!(m.fit(0.0, 1.0), 0.25);
        assert!((m.fit(0.5, 1.0) - (1.0 - 0.5 * 0.75)).abs() < 1e-6);
        assert_eq!(m.fit(0.0, 0.0), 0.0);
        // Constants at their edge still give numbers that order people.
        let edge = Model { recency_days: 0.0, quiet: 0.0, ..m };
        assert!(edge.score(1.0, 0.0).is_finite() && edge.score(1.0, 0.0) > edge.score(0.0, 0.0));
        let v = shipped();
        assert_eq!(edge.recent_help(&helps(v, 1, 0, &[]), &[], NOW), 1.0, "a help this very second");
        assert_eq!(edge.recent_help(&helps(v, 1, 1, &[]), &[], NOW), 0.0);
    }

    #[test]
    fn who_helps_now_comes_before_who_helped_long_ago_and_among_equals_the_better_fit() {
        let v = shipped();
        let candidates = vec![
            // Helped often, but a year ago.
            candidate(v, &["espresso"], "", helps(v, 20, 365, &["espresso"])),
            // Helps this week, offers nothing the question needs.
            candidate(v, &[], "", helps(v, 2, 1, &[])),
            // Helps this week too, and offers it.
            candidate(v, &["espresso"], "", helps(v, 2, 1, &[])),
            // Never helped, wrote about it.
            candidate(v, &[], "espresso shot timing", Vec::new()),
        ];
        let router = Router::new(&candidates, NOW);
        let ranked = router.rank(v, &terms(v, &["espresso"]), "espresso", |_| false);
        assert_eq!(ranked, vec![2, 1, 0, 3]);
        assert_eq!(router.rank(v, &terms(v, &["espresso"]), "", |p| p == 2), vec![1, 0, 3], "the asker is never asked");
        let scored = router.scored(v, &terms(v, &["espresso"]), "espresso", |_| false);
        assert_eq!(scored.iter().map(|s| s.0).collect::<Vec<_>>(), vec![2, 0, 3], "only those who fit at all");
        let m = Model::default();
        assert!((scored[0].1 - m.score(1.0, 2.0 * (-1.0f32 / 7.0).exp())).abs() < 1e-5, "{scored:?}");
        assert!((scored[2].1 - m.score(m.text, 0.0)).abs() < 1e-5, "the strongest words alone fit by the text share");
        let not_asked = router.scored(v, &terms(v, &["espresso"]), "espresso", |p| p == 2);
        assert_eq!(not_asked.iter().map(|s| s.0).collect::<Vec<_>>(), vec![0, 3], "the asker is never asked");
        // Words that count for nothing leave a fit of 0: not a fit at all.
        let deaf = Router::with_model(Model { text: 0.0, ..Model::default() }, &candidates, NOW);
        let by_tags = deaf.scored(v, &terms(v, &["espresso"]), "espresso", |_| false);
        assert_eq!(by_tags.iter().map(|s| s.0).collect::<Vec<_>>(), vec![2, 0]);
    }

    #[test]
    fn the_model_routes_by_its_own_constants() {
        let v = shipped();
        let candidates =
            vec![candidate(v, &["espresso"], "", helps(v, 1, 30, &[])), candidate(v, &[], "", helps(v, 3, 1, &[]))];
        let needs = terms(v, &["espresso"]);
        // Fit weighs little: the one helping now first; weighs much: the one who offers it.
        let light = Model { fit: 0.1, ..Model::default() };
        let heavy = Model { fit: 10.0, ..Model::default() };
        assert_eq!(Router::with_model(light, &candidates, NOW).rank(v, &needs, "", |_| false), vec![1, 0]);
        assert_eq!(Router::with_model(heavy, &candidates, NOW).rank(v, &needs, "", |_| false), vec![0, 1]);
        // With a long memory, a month-old help still counts nearly whole.
        let long = Model { recency_days: 10_000.0, quiet: 0.0, fit: 0.0, text: 0.5, topic: 0.0 };
        let short = Model { recency_days: 1.0, quiet: 0.0, fit: 0.0, text: 0.5, topic: 0.0 };
        let one_each = vec![candidate(v, &[], "", helps(v, 2, 30, &[])), candidate(v, &[], "", helps(v, 1, 0, &[]))];
        assert_eq!(Router::with_model(long, &one_each, NOW).rank(v, &needs, "", |_| false), vec![0, 1]);
        assert_eq!(Router::with_model(short, &one_each, NOW).rank(v, &needs, "", |_| false), vec![1, 0]);
        // As active, neither offering it: who helped on the question's topic first.
        let on_topic =
            vec![candidate(v, &[], "", helps(v, 2, 1, &["tea"])), candidate(v, &[], "", helps(v, 2, 1, &["espresso"]))];
        let router = Router::new(&on_topic, NOW);
        assert_eq!(router.rank(v, &needs, "", |_| false), vec![1, 0]);
        assert!((router.recent_help(1, &needs) - 2.0 * router.recent_help(0, &needs)).abs() < 1e-6);
        let blind = Model { topic: 0.0, ..Model::default() };
        assert_eq!(Router::with_model(blind, &on_topic, NOW).rank(v, &needs, "", |_| false), vec![0, 1], "a tie");
    }

    #[test]
    fn each_answerer_comes_with_what_fits_the_question_and_their_recent_help_on_it() {
        let v = shipped();
        let needs = terms(v, &["vat"]);
        let said = |c: Candidate| answer_reason(v, &c, &needs, "How do I file VAT for my bakery?", NOW);
        assert_eq!(said(candidate(v, &["VAT returns"], "", Vec::new())), "Offers VAT, which the question is about.");
        assert_eq!(
            said(candidate(v, &[], "I bake at a bakery", helps(v, 2, 400, &["vat"]))),
            "Mentions bakery in their profile or the help they gave; found helpful twice before."
        );
        assert_eq!(
            said(candidate(v, &[], "", helps(v, 1, 3, &["python"]))),
            "Among the people helping most lately; helped once this month."
        );
        let mut recent = helps(v, 4, 30, &["vat", "tax"]);
        recent.extend(helps(v, 2, 31, &["vat"]));
        assert_eq!(
            said(candidate(v, &["tax"], "", recent)),
            "Offers tax, close to VAT; helped 4 times on VAT this month."
        );
        assert_eq!(
            said(candidate(v, &[], "", helps(v, 3, 2, &["tax"]))),
            "Among the people helping most lately; helped 3 times this month."
        );
    }
}
