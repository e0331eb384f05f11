//! Who in the whole network can help: an inverted index from canonical term to the people who
//! offer it, so a query touches only the people who offer something near what is needed.

use rustc_hash::FxHashMap as HashMap;

use crate::closeness::neighbourhood;
use crate::score::combine;
use crate::vocabulary::{Term, Vocabulary};

/// How much someone's record of actually helping counts: with `helped` exchanges behind them a
/// person's fit is multiplied by `(helped + 1) / (helped + 2)`, so a willing helper with a good
/// fit outranks a perfect profile that never helps.
pub fn helpfulness(helped: u32) -> f32 {
    (helped as f32 + 1.0) / (helped as f32 + 2.0)
}

/// The network's offers, indexed.
#[derive(Default)]
pub struct NetworkIndex {
    postings: HashMap<Term, Vec<u32>>,
    helped: Vec<u32>,
}

impl NetworkIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a person (numbered from 0 in the order added) with what they offer and how many
    /// times they have helped before.
    pub fn add(&mut self, offers: &[Term], helped: u32) -> u32 {
        let id = self.helped.len() as u32;
        self.helped.push(helped);
        for t in offers {
            let list = self.postings.entry(t.clone()).or_default();
            if list.last() != Some(&id) {
                list.push(id);
            }
        }
        id
    }

    pub fn len(&self) -> usize {
        self.helped.len()
    }

    pub fn is_empty(&self) -> bool {
        self.helped.is_empty()
    }

    /// Bytes the index holds (postings, their keys and the help counts), roughly.
    pub fn memory_bytes(&self) -> usize {
        let postings: usize = self
            .postings
            .iter()
            .map(|(t, list)| {
                let key = match t {
                    Term::Known(_) => 0,
                    Term::Free(s) => s.len(),
                };
                std::mem::size_of::<Term>() + std::mem::size_of::<Vec<u32>>() + key + list.capacity() * 4
            })
            .sum();
        postings + self.helped.capacity() * 4
    }

    /// Each person who offers something near one of `needs`, with their fit (0 to 1), in no
    /// particular order.
    pub fn fits(&self, vocabulary: &Vocabulary, needs: &[Term]) -> Vec<(u32, f32)> {
        fits(vocabulary, needs, self.helped.len(), |term| self.postings.get(term).map_or(&[], Vec::as_slice))
    }

    /// How many times a person has helped before.
    pub fn helped(&self, person: u32) -> u32 {
        self.helped[person as usize]
    }

    /// The `k` people best able to meet `needs`, best first, with their scores (fit times
    /// [`helpfulness`]); `skip` leaves people out (the asker, those already ranked elsewhere).
    pub fn who_can_help(
        &self,
        vocabulary: &Vocabulary,
        needs: &[Term],
        k: usize,
        skip: impl Fn(u32) -> bool,
    ) -> Vec<(u32, f32)> {
        let scored: Vec<(u32, f32)> = self
            .fits(vocabulary, needs)
            .into_iter()
            .filter(|&(p, _)| !skip(p))
            .map(|(p, fit)| (p, fit * helpfulness(self.helped[p as usize])))
            .collect();
        top(scored, k)
    }
}

/// Each of `n` people listed by `offered_by` under a term near one of `needs`, with their fit (0
/// to 1: each need met by the nearest term they offer, combined as [`combine`] does), in no
/// particular order. Walks only the lists of the terms near the needs, with dense scratch arrays
/// rather than maps.
pub fn fits<'a>(
    vocabulary: &Vocabulary,
    needs: &[Term],
    n: usize,
    offered_by: impl Fn(&Term) -> &'a [u32],
) -> Vec<(u32, f32)> {
    with_scratch(n, |best, met| {
        let mut touched: Vec<u32> = Vec::new();
        let mut this_need: Vec<u32> = Vec::new();
        for need in needs {
            for (term, weight, _) in neighbourhood(vocabulary, need) {
                for &p in offered_by(&term) {
                    let b = &mut best[p as usize];
                    if *b == 0.0 {
                        this_need.push(p);
                    }
                    if weight > *b {
                        *b = weight;
                    }
                }
            }
            for p in this_need.drain(..) {
                let i = p as usize;
                if met[i] == 0.0 {
                    touched.push(p);
                }
                met[i] = 1.0 - (1.0 - met[i]) * (1.0 - best[i]);
                best[i] = 0.0;
            }
        }
        let found = touched.iter().map(|&p| (p, combine([met[p as usize]], 0))).collect();
        (found, touched)
    })
}

/// Two arrays of `n` zeros for one query, kept between queries on each thread: a query over a
/// million people would otherwise map, fault in and give back megabytes each time. `work` hands
/// back the entries it touched (in either array), which are set to zero again.
pub fn with_scratch<R>(n: usize, work: impl FnOnce(&mut [f32], &mut [f32]) -> (R, Vec<u32>)) -> R {
    thread_local! {
        static SCRATCH: std::cell::RefCell<(Vec<f32>, Vec<f32>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
    }
    SCRATCH.with(|cell| {
        // Taken out while in use, so a query run inside `work` gets arrays of its own.
        let (mut a, mut b) = std::mem::take(&mut *cell.borrow_mut());
        if a.len() < n {
            a.resize(n, 0.0);
            b.resize(n, 0.0);
        }
        let (out, touched) = work(&mut a[..n], &mut b[..n]);
        for p in touched {
            a[p as usize] = 0.0;
            b[p as usize] = 0.0;
        }
        *cell.borrow_mut() = (a, b);
        out
    })
}

/// The `k` best of scored people, best first (ties to the lower number).
pub fn top(mut scored: Vec<(u32, f32)>, k: usize) -> Vec<(u32, f32)> {
    let by_score = |x: &(u32, f32), y: &(u32, f32)| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0));
    if k == 0 {
        return Vec::new();
    }
    if scored.len() > k {
        scored.select_nth_unstable_by(k - 1, by_score);
        scored.truncate(k);
    }
    scored.sort_by(by_score);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::terms;
    use crate::vocabulary::shipped;

    #[test]
    fn a_helpers_record_counts_as_helped_plus_one_over_helped_plus_two() {
        assert_eq!(helpfulness(0), 0.5);
        assert!((helpfulness(1) - 2.0 / 3.0).abs() < 1e-6);
        assert_eq!(helpfulness(2), 0.75);
    }

    #[test]
    fn scratch_arrays_are_zero_on_every_use_even_inside_another() {
        let sum = |n: usize| {
            with_scratch(n, |a, b| {
                let seen: f32 = a.iter().chain(b.iter()).sum();
                a[n - 1] = 7.0;
                b[0] = 3.0;
                let inner: f32 = with_scratch(n, |c, d| (c.iter().chain(d.iter()).sum(), Vec::new()));
                (seen + inner, vec![0, n as u32 - 1])
            })
        };
        assert_eq!(sum(10), 0.0);
        assert_eq!(sum(10), 0.0, "what the last use touched was set back to zero");
        assert_eq!(sum(4), 0.0, "a shorter use sees only zeros too");
        assert_eq!(sum(20), 0.0, "and a longer one");
    }

    #[test]
    fn who_can_help_weighs_fit_by_the_record_of_helping() {
        let v = shipped();
        let mut index = NetworkIndex::new();
        assert!(index.is_empty());
        index.add(&terms(v, &["python"]), 2);
        index.add(&terms(v, &["python"]), 0);
        assert!(!index.is_empty());
        assert_eq!((index.helped(0), index.helped(1)), (2, 0));
        let ranked = index.who_can_help(v, &terms(v, &["python"]), 5, |_| false);
        assert_eq!(
            ranked,
            vec![(0, 0.75), (1, 0.5)],
            "an exact fit of 1 times (2 + 1) / (2 + 2), then (0 + 1) / (0 + 2)"
        );
    }

    #[test]
    fn the_index_counts_the_bytes_of_free_tags_and_of_its_postings() {
        let v = shipped();
        let one_with = |tag: &str| {
            let mut index = NetworkIndex::new();
            index.add(&terms(v, &[tag]), 0);
            index.memory_bytes()
        };
        assert_eq!(one_with("zorblax widgets co") - one_with("zorblax"), "zorblax widgets co".len() - "zorblax".len());
        // A known term's posting takes its key and its list's room, and no text.
        let mut known = NetworkIndex::new();
        known.add(&terms(v, &["python"]), 0);
        let (list, helped) = (known.postings.values().map(Vec::capacity).sum::<usize>(), known.helped.capacity());
        let entry = std::mem::size_of::<Term>() + std::mem::size_of::<Vec<u32>>();
        assert_eq!(known.memory_bytes(), entry + list * 4 + helped * 4);
        let mut crowd = NetworkIndex::new();
        crowd.add(&terms(v, &["zorblax"]), 0);
        let alone = crowd.memory_bytes();
        for _ in 0..20 {
            crowd.add(&terms(v, &["zorblax"]), 0);
        }
        assert!(crowd.memory_bytes() >= alone + 20 * 4 * 2, "each posting and help count takes room");
    }
}
