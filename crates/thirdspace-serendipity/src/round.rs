//! Introductions for everyone at a venue: a round that maximises the total score with a cap per
//! person, the top suggestions for one person, and tables for lunch.
//!
//! The round is a greedy maximum-weight b-matching: candidate pairs in order of score, each taken
//! while both people have room under the cap. Greedy is guaranteed at least half the optimum
//! total (the classic bound for weighted matching, and for b-matching), runs in O(P log P) for P
//! candidate pairs, and never lets an expert be swamped; pairs come only from the index of who
//! offers what, so people with nothing in common are never scored.

use std::collections::HashMap;

use crate::person::Person;
use crate::score::{allowed, fit, fits_by_receiver, pair_score, Exclusions, Fit, Intro};
use crate::score::{different_fields, shared_interests};
use crate::vocabulary::Vocabulary;

/// The intros of a round at a venue: each person in at most `cap` of them.
pub fn round(vocabulary: &Vocabulary, people: &[Person], exclusions: &Exclusions, cap: usize) -> Vec<Intro> {
    let mut fits = fits_by_receiver(vocabulary, people);
    let mut candidates: Vec<(f32, usize, usize)> = Vec::new();
    for (b, givers) in fits.iter().enumerate() {
        for (&a, a_for_b) in givers {
            let b_for_a = fits[a].get(&b);
            // Each pair once: from its lower index, or from the only side that has a fit.
            if b_for_a.is_some() && a > b {
                continue;
            }
            if !allowed(people, a, b, exclusions) {
                continue;
            }
            let score = pair_score(
                a_for_b.score,
                b_for_a.map_or(0.0, |f| f.score),
                shared_interests(&people[a], &people[b]).len(),
                different_fields(&people[a], &people[b]),
            );
            if score > 0.0 {
                candidates.push((score, a.min(b), a.max(b)));
            }
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| (x.1, x.2).cmp(&(y.1, y.2))));
    let mut taken = vec![0usize; people.len()];
    let mut intros = Vec::new();
    for (_, a, b) in candidates {
        if taken[a] >= cap || taken[b] >= cap {
            continue;
        }
        taken[a] += 1;
        taken[b] += 1;
        let a_for_b = fits[b].remove(&a).unwrap_or_default();
        let b_for_a = fits[a].remove(&b).unwrap_or_default();
        intros.push(Intro::from_fits(a, b, a_for_b, b_for_a, &people[a], &people[b]));
    }
    intros
}

/// The `k` best intros for `people[me]` among the others, best first.
pub fn suggestions_for(
    vocabulary: &Vocabulary,
    people: &[Person],
    me: usize,
    exclusions: &Exclusions,
    k: usize,
) -> Vec<Intro> {
    let mut out: Vec<Intro> = (0..people.len())
        .filter(|&other| allowed(people, me, other, exclusions))
        .map(|other| {
            let (mine, theirs) = (&people[me], &people[other]);
            Intro::from_fits(me, other, fit(vocabulary, mine, theirs), fit(vocabulary, theirs, mine), mine, theirs)
        })
        .filter(|i| i.score > 0.0)
        .collect();
    out.sort_by(|x, y| y.score.total_cmp(&x.score).then_with(|| x.b.cmp(&y.b)));
    out.truncate(k);
    out
}

/// Everyone who may be introduced, seated at tables of `size` (the last ones may be smaller),
/// each table grown from its best-connected person by adding whoever adds most to it.
pub fn tables(vocabulary: &Vocabulary, people: &[Person], exclusions: &Exclusions, size: usize) -> Vec<Vec<usize>> {
    let size = size.max(2);
    let fits: Vec<HashMap<usize, Fit>> = fits_by_receiver(vocabulary, people);
    let score = |a: usize, b: usize| -> f32 {
        if !allowed(people, a, b, exclusions) {
            return 0.0;
        }
        let ab = fits[b].get(&a).map_or(0.0, |f| f.score);
        let ba = fits[a].get(&b).map_or(0.0, |f| f.score);
        pair_score(ab, ba, shared_interests(&people[a], &people[b]).len(), different_fields(&people[a], &people[b]))
    };
    let mut open: Vec<usize> = (0..people.len()).filter(|&i| people[i].may_be_introduced()).collect();
    let reach = |i: usize| -> f32 { fits[i].values().map(|f| f.score).sum() };
    open.sort_by(|&x, &y| reach(y).total_cmp(&reach(x)).then_with(|| x.cmp(&y)));
    let mut tables = Vec::new();
    while !open.is_empty() {
        let mut table = vec![open.remove(0)];
        while table.len() < size && !open.is_empty() {
            let (pick, _) = open
                .iter()
                .enumerate()
                .map(|(pos, &c)| (pos, table.iter().map(|&m| score(m, c)).sum::<f32>()))
                .fold((0, f32::MIN), |best, cur| if cur.1 > best.1 { cur } else { best });
            table.push(open.remove(pick));
        }
        tables.push(table);
    }
    tables
}
