//! Introductions for everyone at a venue: a round that maximises the total score with a cap per
//! person, the top suggestions for one person, and tables for lunch.
//!
//! The round is a greedy maximum-weight b-matching: candidate pairs in order of score, each taken
//! while both people have room under the cap. Greedy is guaranteed at least half the optimum
//! total (the classic bound for weighted matching, and for b-matching), runs in O(P log P) for P
//! candidate pairs, and never lets an expert be swamped; pairs come only from the index of who
//! offers what, so people with nothing in common are never scored.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::person::Person;
use crate::score::{allowed, fit_near, pair_score, Exclusions, FitMatrix, Intro, Near};
use crate::vocabulary::{Term, Vocabulary};

/// How many of each person's best partners enter the first, greedy pass, per intro they may
/// get; a second pass then finds partners for anyone still short of intros.
const CANDIDATES_PER_INTRO: usize = 4;

/// What a round needs at hand to score a pair in a few instructions.
struct Venue<'a> {
    people: &'a [Person],
    fits: FitMatrix,
    /// Per person, the indexes of people they must not be introduced to.
    excluded: Vec<Vec<usize>>,
    /// Each person's field and interests as small numbers, so that a pair compares numbers.
    field: Vec<Option<u32>>,
    interests: Vec<Vec<u32>>,
}

impl<'a> Venue<'a> {
    fn new(vocabulary: &Vocabulary, people: &'a [Person], exclusions: &Exclusions) -> Self {
        let mut excluded = vec![Vec::new(); people.len()];
        if !exclusions.is_empty() {
            let by_id: HashMap<u128, Vec<usize>> =
                people.iter().enumerate().fold(HashMap::default(), |mut m, (i, p)| {
                    m.entry(p.id).or_default().push(i);
                    m
                });
            for (a, b) in exclusions.pairs() {
                for &i in by_id.get(&a).into_iter().flatten() {
                    for &j in by_id.get(&b).into_iter().flatten() {
                        excluded[i].push(j);
                        excluded[j].push(i);
                    }
                }
            }
        }
        let mut fields: HashMap<&str, u32> = HashMap::default();
        let field = people
            .iter()
            .map(|p| {
                let next = fields.len() as u32;
                p.field.as_deref().map(|f| *fields.entry(f).or_insert(next))
            })
            .collect();
        let mut terms: HashMap<&Term, u32> = HashMap::default();
        let interests = people
            .iter()
            .map(|p| {
                let mut ids: Vec<u32> = p
                    .interests
                    .iter()
                    .map(|t| {
                        let next = terms.len() as u32;
                        *terms.entry(t).or_insert(next)
                    })
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                ids
            })
            .collect();
        Self { people, fits: FitMatrix::new(vocabulary, people), excluded, field, interests }
    }

    /// The score of introducing `a` and `b`; 0 when they may not meet.
    fn pair(&self, a: usize, b: usize) -> f32 {
        let (ab, ba) = self.fits.both(a, b);
        if ab <= 0.0 && ba <= 0.0 {
            return 0.0;
        }
        let (pa, pb) = (&self.people[a], &self.people[b]);
        if pa.id == pb.id || !pa.may_be_introduced() || !pb.may_be_introduced() || self.excluded[a].contains(&b) {
            return 0.0;
        }
        let shared = self.interests[a].iter().filter(|t| self.interests[b].binary_search(t).is_ok()).count();
        let diverse = matches!((self.field[a], self.field[b]), (Some(x), Some(y)) if x != y);
        pair_score(ab, ba, shared, diverse)
    }
}

/// One person's best partners so far, at most `keep`: partners are offered in increasing order
/// of their number, so among equal scores the first offered (the lower number) stays.
struct Best {
    keep: usize,
    kept: Vec<(f32, usize)>,
    /// Where the weakest kept partner is, once `kept` is full.
    weakest: usize,
}

impl Best {
    fn new(keep: usize) -> Self {
        Self { keep, kept: Vec::new(), weakest: 0 }
    }

    fn offer(&mut self, score: f32, partner: usize) {
        if self.kept.len() < self.keep {
            self.kept.push((score, partner));
            if self.kept.len() == self.keep {
                self.find_weakest();
            }
        } else if score > self.kept[self.weakest].0 {
            self.kept[self.weakest] = (score, partner);
            self.find_weakest();
        }
    }

    /// The weakest: the lowest score, and among equal ones the highest number.
    fn find_weakest(&mut self) {
        let by_rank = |x: &(f32, usize), y: &(f32, usize)| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1));
        self.weakest = (0..self.kept.len()).max_by(|&i, &j| by_rank(&self.kept[i], &self.kept[j])).unwrap_or(0);
    }
}

/// The intros of a round at a venue: each person in at most `cap` of them.
pub fn round(vocabulary: &Vocabulary, people: &[Person], exclusions: &Exclusions, cap: usize) -> Vec<Intro> {
    let n = people.len();
    let venue = Venue::new(vocabulary, people, exclusions);
    let keep = (cap * CANDIDATES_PER_INTRO).max(1);
    // A pair's score is the same both ways: each pair is scored once and offered to both rows.
    let mut rows: Vec<Best> = (0..n).map(|_| Best::new(keep)).collect();
    for a in 0..n {
        for b in a + 1..n {
            let score = venue.pair(a, b);
            if score > 0.0 {
                rows[a].offer(score, b);
                rows[b].offer(score, a);
            }
        }
    }
    let mut candidates: Vec<(f32, usize, usize)> = rows
        .iter()
        .enumerate()
        .flat_map(|(a, row)| row.kept.iter().map(move |&(score, b)| (score, a.min(b), a.max(b))))
        .collect();
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| (x.1, x.2).cmp(&(y.1, y.2))));
    candidates.dedup_by(|x, y| (x.1, x.2) == (y.1, y.2));
    let mut taken = vec![0usize; n];
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    let mut paired: HashSet<(usize, usize)> = HashSet::default();
    for (_, a, b) in candidates {
        if taken[a] < cap && taken[b] < cap {
            taken[a] += 1;
            taken[b] += 1;
            chosen.push((a, b));
            paired.insert((a, b));
        }
    }
    // Anyone short of intros gets the best partner who still has room.
    for a in 0..n {
        while taken[a] < cap {
            let best = (0..n)
                .filter(|&b| taken[b] < cap && !paired.contains(&(a.min(b), a.max(b))))
                .map(|b| (venue.pair(a, b), b))
                .filter(|c| c.0 > 0.0)
                .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)));
            let Some((_, b)) = best else { break };
            taken[a] += 1;
            taken[b] += 1;
            chosen.push((a.min(b), a.max(b)));
            paired.insert((a.min(b), a.max(b)));
        }
    }
    let mut near = Near::new(vocabulary);
    chosen.into_iter().map(|(a, b)| Intro::with_near(&mut near, people, a, b)).collect()
}

/// The `k` best intros for `people[me]` among the others, best first.
pub fn suggestions_for(
    vocabulary: &Vocabulary,
    people: &[Person],
    me: usize,
    exclusions: &Exclusions,
    k: usize,
) -> Vec<Intro> {
    let mut near = Near::new(vocabulary);
    let mut out: Vec<Intro> = (0..people.len())
        .filter(|&other| allowed(people, me, other, exclusions))
        .map(|other| {
            let (mine, theirs) = (&people[me], &people[other]);
            let (given, received) = (fit_near(&mut near, mine, theirs), fit_near(&mut near, theirs, mine));
            Intro::from_fits(me, other, given, received, mine, theirs)
        })
        .filter(|i| i.score > 0.0)
        .collect();
    out.sort_by(|x, y| y.score.total_cmp(&x.score).then_with(|| x.b.cmp(&y.b)));
    out.truncate(k);
    out
}

/// Everyone who may be introduced, seated at tables of at most `size`, as even in size as the
/// numbers allow; each table grows from its best-connected person by adding whoever adds most
/// to it, and people excluded from meeting each other sit apart while anyone else is left.
pub fn tables(vocabulary: &Vocabulary, people: &[Person], exclusions: &Exclusions, size: usize) -> Vec<Vec<usize>> {
    let size = size.max(2);
    let n = people.len();
    let venue = Venue::new(vocabulary, people, exclusions);
    let mut open: Vec<usize> = (0..n).filter(|&i| people[i].may_be_introduced()).collect();
    let reach: Vec<f32> = (0..n).map(|i| (0..n).map(|j| venue.pair(i, j)).sum()).collect();
    open.sort_by(|&x, &y| reach[y].total_cmp(&reach[x]).then_with(|| x.cmp(&y)));
    let count = open.len().div_ceil(size);
    // The best-connected people head the tables; everyone else, best-connected first, joins the
    // table with room that gains most from them, apart from anyone they are excluded from.
    let mut tables: Vec<Vec<usize>> = open.drain(..count.min(open.len())).map(|head| vec![head]).collect();
    let total = tables.len() + open.len();
    for person in open {
        let room = |t: usize| {
            let seats = total / count + usize::from(t < total % count);
            tables[t].len() < seats
        };
        let best = (0..tables.len()).filter(|&t| room(t)).max_by(|&x, &y| {
            let key = |t: usize| {
                let apart = tables[t].iter().any(|&m| venue.excluded[m].contains(&person));
                (!apart, tables[t].iter().map(|&m| venue.pair(m, person)).sum::<f32>())
            };
            let (kx, ky) = (key(x), key(y));
            kx.0.cmp(&ky.0).then(kx.1.total_cmp(&ky.1)).then(y.cmp(&x))
        });
        if let Some(t) = best {
            tables[t].push(person);
        }
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(best: &Best) -> Vec<(f32, usize)> {
        let mut kept = best.kept.clone();
        kept.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        kept
    }

    #[test]
    fn a_persons_best_partners_are_the_highest_scores_at_most_keep_and_the_first_offered_among_equals() {
        let mut best = Best::new(3);
        for (score, partner) in [(0.5, 1), (0.9, 2), (0.5, 3), (0.7, 4), (0.5, 5), (0.8, 6)] {
            best.offer(score, partner);
        }
        assert_eq!(sorted(&best), [(0.9, 2), (0.8, 6), (0.7, 4)]);
        let mut ties = Best::new(2);
        for partner in 0..5 {
            ties.offer(0.5, partner);
        }
        assert_eq!(sorted(&ties), [(0.5, 0), (0.5, 1)], "an equal score never displaces one offered before");
    }

    #[test]
    fn once_full_the_weakest_kept_partner_is_the_one_replaced_each_time() {
        let mut best = Best::new(2);
        best.offer(0.6, 1);
        best.offer(0.3, 2);
        assert_eq!(best.weakest, 1, "found as soon as the list is full");
        best.offer(0.5, 3);
        assert_eq!(sorted(&best), [(0.6, 1), (0.5, 3)]);
        best.offer(0.55, 4);
        assert_eq!(sorted(&best), [(0.6, 1), (0.55, 4)], "the weakest is found again after each change");
        best.offer(0.1, 5);
        assert_eq!(best.kept.len(), 2);
    }
}
