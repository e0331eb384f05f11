//! Scores: how well one person's offers meet another's needs, the pair score that combines both
//! directions, and the reason in plain words.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::{Deserialize, Serialize};

use crate::closeness::{neighbourhood, Link};
use crate::person::{term_label, term_name, Person};
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

    /// Why the two should meet, from the terms that matched only; [`Reason::read_by`] writes it
    /// out for whoever reads it.
    pub fn reason(&self, vocabulary: &Vocabulary, people: &[Person]) -> Reason {
        let (pa, pb) = (&people[self.a], &people[self.b]);
        let mut gives = Vec::new();
        for (giver, receiver, fit) in [(pa, pb, &self.a_for_b), (pb, pa, &self.b_for_a)] {
            let gift = if let Some(m) = fit.matches.first() {
                let offer = term_label(vocabulary, &m.offer).to_owned();
                if m.link == Link::Exact {
                    Gift::Exact { offer }
                } else {
                    Gift::Near { offer, need: term_label(vocabulary, &m.need).to_owned() }
                }
            } else if let Some(word) = fit.words.first() {
                Gift::Words { word: word.clone() }
            } else {
                continue;
            };
            gives.push(Gives { giver: giver.id, receiver: receiver.id, gift });
        }
        let fields = match (&pa.field, &pb.field) {
            (Some(x), Some(y)) if self.different_fields => Some([x.clone(), y.clone()]),
            _ => None,
        };
        Reason {
            between: [pa.id, pb.id],
            gives,
            interest: self.shared_interests.first().map(|t| term_label(vocabulary, t).to_owned()),
            fields,
        }
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

/// What one of two people gives the other, as a reason names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Gift {
    /// An offer that is just what the other looks for.
    Exact { offer: String },
    /// An offer close to what the other looks for.
    Near { offer: String, need: String },
    /// A word of the giver's offers that the other's own words mention.
    Words { word: String },
}

/// One direction of a reason: `giver` has `gift` for `receiver` (the people's ids).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gives {
    pub giver: u128,
    pub receiver: u128,
    #[serde(flatten)]
    pub gift: Gift,
}

/// Why two people should meet, kept as what matched rather than as a sentence, so that each
/// reader gets their own wording and the people are named as they may be seen when it is read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// The two people's ids.
    pub between: [u128; 2],
    /// At most one per direction.
    pub gives: Vec<Gives>,
    /// An interest both share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interest: Option<String>,
    /// Their two fields, when they differ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<[String; 2]>,
}

impl Reason {
    /// The reason in plain words for `reader`: one of the two (by id), who is spoken to as
    /// "you", or nobody in particular (`None`: a room, a host), who reads both in the third
    /// person. `name` says how to call each person in that reader's eyes.
    pub fn read_by(&self, reader: Option<u128>, name: impl Fn(u128) -> String) -> String {
        let me = |id: u128| reader == Some(id);
        let call = |id: u128| if me(id) { "you".to_owned() } else { name(id) };
        let mut parts = Vec::new();
        for g in &self.gives {
            let (giver, receiver) = (call(g.giver), call(g.receiver));
            let looks = if me(g.receiver) { "are looking for" } else { "is looking for" };
            parts.push(match &g.gift {
                Gift::Exact { offer } => {
                    let gives = if me(g.giver) { "offer" } else { "offers" };
                    format!("{giver} {gives} {offer}, which {receiver} {looks}")
                }
                Gift::Near { offer, need } => {
                    let gives = if me(g.giver) { "offer" } else { "offers" };
                    format!("{giver} {gives} {offer}; {receiver} {looks} {need}")
                }
                Gift::Words { word } => {
                    let knows = if me(g.giver) { "know" } else { "knows" };
                    let whose = if me(g.receiver) { "your".to_owned() } else { format!("{receiver}'s") };
                    format!("{giver} {knows} about {word}, which {whose} focus mentions")
                }
            });
        }
        let mut reason = parts.join("; and ");
        if let Some(first) = reason.chars().next() {
            reason = first.to_uppercase().chain(reason.chars().skip(1)).collect();
        }
        if let Some(interest) = &self.interest {
            let both = if self.between.iter().any(|&id| me(id)) { "Both of you like" } else { "Both like" };
            reason.push_str(&format!(". {both} {interest}"));
        }
        if let Some([x, y]) = &self.fields {
            reason.push_str(&format!(". Different fields meet: {x} and {y}"));
        }
        reason.push('.');
        reason
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
                }
                miss[gi] = 1.0;
                shared[gi] = 0;
                seen[gi] = false;
            }
        }
        Self { n, scores }
    }

    /// How well `giver` meets `receiver`'s needs.
    pub fn get(&self, giver: usize, receiver: usize) -> f32 {
        self.scores[giver * self.n + receiver]
    }

    /// Both directions at once: how well `a` meets `b`'s needs (along a row), and `b` meets `a`'s
    /// (down a column: one matrix, not two, is less memory to fault in for each round).
    pub fn both(&self, a: usize, b: usize) -> (f32, f32) {
        (self.scores[a * self.n + b], self.scores[b * self.n + a])
    }
}
