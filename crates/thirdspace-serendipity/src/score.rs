//! Scores: how well one person's offers meet another's needs, the pair score that combines both
//! directions, and the reason in plain words.

use std::collections::{HashMap, HashSet};

use crate::closeness::{neighbourhood, Link};
use crate::person::{term_name, Person};
use crate::text::words;
use crate::vocabulary::{Term, Vocabulary};

/// How much a word of someone's offers found in the other's own words counts, at most.
pub const TEXT_WEIGHT: f32 = 0.3;
/// A strong one-way intro (one helps, the other has nothing to give back) counts this much of
/// its fit; a reciprocal intro counts the harmonic mean of both fits.
pub const ONE_WAY: f32 = 0.5;
/// Each shared interest adds this (at most two count).
pub const INTEREST: f32 = 0.04;
/// Different fields add this: serendipity comes from diversity.
pub const DIVERSITY: f32 = 0.08;

/// One need of the receiver met by one offer of the giver.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub offer: Term,
    pub need: Term,
    pub weight: f32,
    pub link: Link,
}

/// How well a giver's offers meet a receiver's needs, and through which terms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fit {
    /// From 0 (nothing) to 1.
    pub score: f32,
    /// The best match for each need met, strongest first.
    pub matches: Vec<Match>,
    /// Words of the giver's offers found in the receiver's own words.
    pub words: Vec<String>,
}

/// Combines the best weight found for each need (the chance that at least one is met) with the
/// free-text overlap.
pub fn combine(best_per_need: impl IntoIterator<Item = f32>, shared_words: usize) -> f32 {
    let miss: f32 = best_per_need.into_iter().map(|w| 1.0 - w.clamp(0.0, 1.0)).product();
    let text = 1.0 - 0.5f32.powi(shared_words.min(16) as i32);
    1.0 - miss * (1.0 - TEXT_WEIGHT * text)
}

/// The words of a person's offers, for matching against others' own words.
pub fn offer_words(vocabulary: &Vocabulary, person: &Person) -> HashSet<String> {
    person.offers.iter().flat_map(|t| words(term_name(vocabulary, t))).collect()
}

/// How well `giver` meets `receiver`'s needs (one direction).
pub fn fit(vocabulary: &Vocabulary, giver: &Person, receiver: &Person) -> Fit {
    let offers: HashSet<&Term> = giver.offers.iter().collect();
    let mut matches = Vec::new();
    for need in &receiver.needs {
        let best = neighbourhood(vocabulary, need).into_iter().find(|(t, _, _)| offers.contains(t));
        if let Some((offer, weight, link)) = best {
            matches.push(Match { offer, need: need.clone(), weight, link });
        }
    }
    matches.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    let theirs = offer_words(vocabulary, giver);
    let mut shared: Vec<String> = words(&receiver.need_text).into_iter().filter(|w| theirs.contains(w)).collect();
    shared.sort();
    shared.dedup();
    Fit { score: combine(matches.iter().map(|m| m.weight), shared.len()), matches, words: shared }
}

/// The score of introducing two people, from the fit each way: reciprocal intros score the
/// harmonic mean of the two fits, a one-way "help" intro [`ONE_WAY`] of its fit, whichever is
/// more; shared interests and different fields add a little, but never make an intro alone.
pub fn pair_score(a_for_b: f32, b_for_a: f32, shared_interests: usize, different_fields: bool) -> f32 {
    let reciprocal = if a_for_b > 0.0 && b_for_a > 0.0 { 2.0 * a_for_b * b_for_a / (a_for_b + b_for_a) } else { 0.0 };
    let base = reciprocal.max(ONE_WAY * a_for_b.max(b_for_a));
    if base <= 0.0 {
        return 0.0;
    }
    base + INTEREST * shared_interests.min(2) as f32 + if different_fields { DIVERSITY } else { 0.0 }
}

/// Interests both hold.
pub fn shared_interests(a: &Person, b: &Person) -> Vec<Term> {
    a.interests.iter().filter(|t| b.interests.contains(t)).cloned().collect()
}

/// Whether both name a field and the fields differ.
pub fn different_fields(a: &Person, b: &Person) -> bool {
    matches!((&a.field, &b.field), (Some(x), Some(y)) if x != y)
}

/// A suggested introduction of two people, with its reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Intro {
    /// Indexes of the two people in the slice the engine was given.
    pub a: usize,
    pub b: usize,
    pub score: f32,
    pub a_for_b: Fit,
    pub b_for_a: Fit,
    pub shared_interests: Vec<Term>,
    pub different_fields: bool,
}

impl Intro {
    /// Scores the introduction of `people[a]` and `people[b]`.
    pub fn new(vocabulary: &Vocabulary, people: &[Person], a: usize, b: usize) -> Self {
        let (pa, pb) = (&people[a], &people[b]);
        Self::from_fits(a, b, fit(vocabulary, pa, pb), fit(vocabulary, pb, pa), pa, pb)
    }

    pub fn from_fits(a: usize, b: usize, a_for_b: Fit, b_for_a: Fit, pa: &Person, pb: &Person) -> Self {
        let shared = shared_interests(pa, pb);
        let diverse = different_fields(pa, pb);
        Self {
            a,
            b,
            score: pair_score(a_for_b.score, b_for_a.score, shared.len(), diverse),
            a_for_b,
            b_for_a,
            shared_interests: shared,
            different_fields: diverse,
        }
    }

    /// The reason, in plain words, as `viewer` (one of the two, or neither) reads it: built only
    /// from the terms that matched.
    pub fn reason(&self, vocabulary: &Vocabulary, people: &[Person], viewer: Option<usize>) -> String {
        let name = |i: usize| if viewer == Some(i) { "you".to_owned() } else { people[i].name.clone() };
        let looks = |i: usize| if viewer == Some(i) { "are looking for" } else { "is looking for" };
        let mut parts = Vec::new();
        for (giver, receiver, fit) in [(self.a, self.b, &self.a_for_b), (self.b, self.a, &self.b_for_a)] {
            if let Some(m) = fit.matches.first() {
                let offer = term_name(vocabulary, &m.offer);
                let need = term_name(vocabulary, &m.need);
                let gives = if viewer == Some(giver) { "offer" } else { "offers" };
                parts.push(if m.link == Link::Exact {
                    format!("{} {gives} {offer}, which {} {}", name(giver), name(receiver), looks(receiver))
                } else {
                    format!("{} {gives} {offer}; {} {} {need}", name(giver), name(receiver), looks(receiver))
                });
            } else if let Some(word) = fit.words.first() {
                let gives = if viewer == Some(giver) { "know" } else { "knows" };
                let whose =
                    if viewer == Some(receiver) { "your".to_owned() } else { format!("{}'s", people[receiver].name) };
                parts.push(format!("{} {gives} about {word}, which {whose} focus mentions", name(giver)));
            }
        }
        let mut reason = parts.join("; and ");
        if let Some(first) = reason.get(..1) {
            reason = first.to_uppercase() + &reason[1..];
        }
        if let Some(interest) = self.shared_interests.first() {
            reason.push_str(&format!(". Both of you like {}", term_name(vocabulary, interest)));
        }
        if self.different_fields {
            if let (Some(x), Some(y)) = (&people[self.a].field, &people[self.b].field) {
                reason.push_str(&format!(". Different fields meet: {x} and {y}"));
            }
        }
        reason.push('.');
        reason
    }

    /// Every term the reason may name: the matched offers and needs, shared words and interests.
    pub fn matched_terms(&self) -> Vec<&Term> {
        self.a_for_b
            .matches
            .iter()
            .chain(&self.b_for_a.matches)
            .flat_map(|m| [&m.offer, &m.need])
            .chain(&self.shared_interests)
            .collect()
    }
}

/// Pairs that must not be suggested: met or declined within the cool-down, by person id.
#[derive(Debug, Clone, Default)]
pub struct Exclusions(HashSet<(u128, u128)>);

impl Exclusions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, a: u128, b: u128) {
        self.0.insert((a.min(b), a.max(b)));
    }

    pub fn contains(&self, a: u128, b: u128) -> bool {
        self.0.contains(&(a.min(b), a.max(b)))
    }
}

/// Whether two people may be introduced at all.
pub fn allowed(people: &[Person], a: usize, b: usize, exclusions: &Exclusions) -> bool {
    a != b
        && people[a].may_be_introduced()
        && people[b].may_be_introduced()
        && !exclusions.contains(people[a].id, people[b].id)
}

/// For every receiver, the fit of every giver who meets one of their needs or words: computed
/// from the needs outwards through an index of who offers what, never over all pairs.
pub fn fits_by_receiver(vocabulary: &Vocabulary, people: &[Person]) -> Vec<HashMap<usize, Fit>> {
    let mut offered: HashMap<&Term, Vec<usize>> = HashMap::new();
    let mut worded: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        if !p.may_be_introduced() {
            continue;
        }
        for t in &p.offers {
            offered.entry(t).or_default().push(i);
        }
        for w in offer_words(vocabulary, p) {
            worded.entry(w).or_default().push(i);
        }
    }
    people
        .iter()
        .enumerate()
        .map(|(r, receiver)| {
            let mut fits: HashMap<usize, Fit> = HashMap::new();
            if !receiver.may_be_introduced() {
                return fits;
            }
            for need in &receiver.needs {
                for (term, weight, link) in neighbourhood(vocabulary, need) {
                    for &g in offered.get(&term).into_iter().flatten() {
                        if g == r {
                            continue;
                        }
                        let fit = fits.entry(g).or_default();
                        match fit.matches.iter_mut().find(|m| &m.need == need) {
                            Some(m) if m.weight >= weight => {}
                            Some(m) => *m = Match { offer: term.clone(), need: need.clone(), weight, link },
                            None => fit.matches.push(Match { offer: term.clone(), need: need.clone(), weight, link }),
                        }
                    }
                }
            }
            let mut own_words = words(&receiver.need_text);
            own_words.sort();
            own_words.dedup();
            for w in own_words {
                for &g in worded.get(&w).into_iter().flatten() {
                    if g != r {
                        fits.entry(g).or_default().words.push(w.clone());
                    }
                }
            }
            for fit in fits.values_mut() {
                fit.matches.sort_by(|a, b| b.weight.total_cmp(&a.weight));
                fit.score = combine(fit.matches.iter().map(|m| m.weight), fit.words.len());
            }
            fits
        })
        .collect()
}
