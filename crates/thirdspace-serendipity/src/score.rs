//! Scores: how well one person's offers meet another's needs, the pair score that combines both
//! directions, and the reason in plain words.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

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

/// The neighbourhoods of need terms, each computed once.
pub struct Near<'v> {
    vocabulary: &'v Vocabulary,
    cache: HashMap<Term, Vec<(Term, f32, Link)>>,
}

impl<'v> Near<'v> {
    pub fn new(vocabulary: &'v Vocabulary) -> Self {
        Self { vocabulary, cache: HashMap::default() }
    }

    pub fn of(&mut self, term: &Term) -> &[(Term, f32, Link)] {
        let vocabulary = self.vocabulary;
        self.cache.entry(term.clone()).or_insert_with(|| neighbourhood(vocabulary, term))
    }
}

/// How well `giver` meets `receiver`'s needs (one direction).
pub fn fit(vocabulary: &Vocabulary, giver: &Person, receiver: &Person) -> Fit {
    fit_near(&mut Near::new(vocabulary), giver, receiver)
}

/// [`fit`], with neighbourhoods shared across calls.
pub fn fit_near(near: &mut Near<'_>, giver: &Person, receiver: &Person) -> Fit {
    let vocabulary = near.vocabulary;
    let offers: HashSet<&Term> = giver.offers.iter().collect();
    let mut matches = Vec::new();
    for need in &receiver.needs {
        let best = near.of(need).iter().find(|(t, _, _)| offers.contains(t));
        if let Some((offer, weight, link)) = best {
            matches.push(Match { offer: offer.clone(), need: need.clone(), weight: *weight, link: *link });
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
        Self::with_near(&mut Near::new(vocabulary), people, a, b)
    }

    /// [`Intro::new`], with neighbourhoods shared across calls.
    pub fn with_near(near: &mut Near<'_>, people: &[Person], a: usize, b: usize) -> Self {
        let (pa, pb) = (&people[a], &people[b]);
        Self::from_fits(a, b, fit_near(near, pa, pb), fit_near(near, pb, pa), pa, pb)
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
            let both = if viewer == Some(self.a) || viewer == Some(self.b) { "Both of you like" } else { "Both like" };
            reason.push_str(&format!(". {both} {}", term_name(vocabulary, interest)));
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

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every excluded pair.
    pub fn pairs(&self) -> impl Iterator<Item = (u128, u128)> + '_ {
        self.0.iter().copied()
    }

    pub fn contains(&self, a: u128, b: u128) -> bool {
        self.0.contains(&(a.min(b), a.max(b)))
    }
}

/// Whether two people may be introduced at all.
pub fn allowed(people: &[Person], a: usize, b: usize, exclusions: &Exclusions) -> bool {
    a != b
        && people[a].id != people[b].id
        && people[a].may_be_introduced()
        && people[b].may_be_introduced()
        && !exclusions.contains(people[a].id, people[b].id)
}

/// The fit of everyone for everyone at a venue, as a dense matrix: `get(giver, receiver)`.
///
/// Computed from the needs outwards through an index of who offers what (people with nothing in
/// common are never compared), with scratch arrays instead of maps; the matrix itself costs
/// 4 bytes per pair, so it is meant for the people present at one venue, not a whole network.
pub struct FitMatrix {
    n: usize,
    /// By giver, then receiver.
    scores: Vec<f32>,
    /// The same by receiver, then giver, so that both directions of a pair read in order.
    received: Vec<f32>,
}

impl FitMatrix {
    pub fn new(vocabulary: &Vocabulary, people: &[Person]) -> Self {
        let n = people.len();
        let mut ids: HashMap<&Term, u32> = HashMap::default();
        let mut offered: Vec<Vec<u32>> = Vec::new();
        for (g, p) in people.iter().enumerate().filter(|(_, p)| p.may_be_introduced()) {
            for t in &p.offers {
                let next = ids.len() as u32;
                let id = *ids.entry(t).or_insert(next);
                if id as usize == offered.len() {
                    offered.push(Vec::new());
                }
                offered[id as usize].push(g as u32);
            }
        }
        let mut worded: HashMap<String, Vec<u32>> = HashMap::default();
        for (g, p) in people.iter().enumerate().filter(|(_, p)| p.may_be_introduced()) {
            for w in offer_words(vocabulary, p) {
                worded.entry(w).or_default().push(g as u32);
            }
        }
        // The offered terms near each need, computed once per distinct need.
        let mut near: HashMap<&Term, Vec<(u32, f32)>> = HashMap::default();
        for p in people {
            for need in &p.needs {
                near.entry(need).or_insert_with(|| {
                    neighbourhood(vocabulary, need)
                        .into_iter()
                        .filter_map(|(t, w, _)| ids.get(&t).map(|&id| (id, w)))
                        .collect()
                });
            }
        }
        let mut scores = vec![0.0f32; n * n];
        let mut received = vec![0.0f32; n * n];
        let (mut best, mut miss, mut shared) = (vec![0.0f32; n], vec![1.0f32; n], vec![0u32; n]);
        let (mut touched_need, mut touched): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
        let mut seen = vec![false; n];
        for (r, receiver) in people.iter().enumerate() {
            if !receiver.may_be_introduced() {
                continue;
            }
            for need in &receiver.needs {
                for &(term, weight) in near.get(need).into_iter().flatten() {
                    for &g in &offered[term as usize] {
                        let gi = g as usize;
                        if best[gi] == 0.0 {
                            touched_need.push(g);
                        }
                        if weight > best[gi] {
                            best[gi] = weight;
                        }
                    }
                }
                for g in touched_need.drain(..) {
                    let gi = g as usize;
                    miss[gi] *= 1.0 - best[gi];
                    best[gi] = 0.0;
                    if !seen[gi] {
                        seen[gi] = true;
                        touched.push(g);
                    }
                }
            }
            let mut own_words = words(&receiver.need_text);
            own_words.sort();
            own_words.dedup();
            for w in &own_words {
                for &g in worded.get(w).into_iter().flatten() {
                    let gi = g as usize;
                    shared[gi] += 1;
                    if !seen[gi] {
                        seen[gi] = true;
                        touched.push(g);
                    }
                }
            }
            for g in touched.drain(..) {
                let gi = g as usize;
                if gi != r {
                    let text = 1.0 - 0.5f32.powi(shared[gi].min(16) as i32);
                    let score = 1.0 - miss[gi] * (1.0 - TEXT_WEIGHT * text);
                    scores[gi * n + r] = score;
                    received[r * n + gi] = score;
                }
                miss[gi] = 1.0;
                shared[gi] = 0;
                seen[gi] = false;
            }
        }
        Self { n, scores, received }
    }

    /// How well `giver` meets `receiver`'s needs.
    pub fn get(&self, giver: usize, receiver: usize) -> f32 {
        self.scores[giver * self.n + receiver]
    }

    /// Both directions at once: how well `a` meets `b`'s needs, and `b` meets `a`'s.
    pub fn both(&self, a: usize, b: usize) -> (f32, f32) {
        (self.scores[a * self.n + b], self.received[a * self.n + b])
    }
}
