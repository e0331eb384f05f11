//! Who in the whole network can help: an inverted index from canonical term to the people who
//! offer it, so a query touches only the people who offer something near what is needed.

use rustc_hash::FxHashMap as HashMap;

use crate::closeness::neighbourhood;
use crate::score::combine;
use crate::vocabulary::{Term, Vocabulary};

/// The network's offers, indexed.
#[derive(Default)]
pub struct NetworkIndex {
    postings: HashMap<Term, Vec<u32>>,
    people: u32,
}

impl NetworkIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a person (numbered from 0 in the order added) with what they offer.
    pub fn add(&mut self, offers: &[Term]) -> u32 {
        let id = self.people;
        self.people += 1;
        for t in offers {
            let list = self.postings.entry(t.clone()).or_default();
            if list.last() != Some(&id) {
                list.push(id);
            }
        }
        id
    }

    pub fn len(&self) -> usize {
        self.people as usize
    }

    pub fn is_empty(&self) -> bool {
        self.people == 0
    }

    /// Bytes the index holds (postings and their keys), roughly.
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
        postings
    }

    /// Each person who offers something near one of `needs`, with their fit (0 to 1), in no
    /// particular order.
    pub fn fits(&self, vocabulary: &Vocabulary, needs: &[Term]) -> Vec<(u32, f32)> {
        fits(vocabulary, needs, self.len(), |term| self.postings.get(term).map_or(&[], Vec::as_slice))
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
    fn the_index_finds_who_offers_what_is_needed_or_something_near_it_and_nobody_else() {
        let v = shipped();
        let mut index = NetworkIndex::new();
        assert!(index.is_empty());
        assert_eq!(index.add(&terms(v, &["python"])), 0);
        assert_eq!(index.add(&terms(v, &["photography"])), 1);
        assert_eq!(index.add(&terms(v, &["tax"])), 2);
        assert!(!index.is_empty());
        assert_eq!(index.len(), 3);
        assert_eq!(index.fits(v, &terms(v, &["python"])), vec![(0, 1.0)]);
        let near = index.fits(v, &terms(v, &["vat"]));
        assert_eq!(near.len(), 1);
        assert!(near[0].0 == 2 && near[0].1 > 0.0 && near[0].1 < 1.0, "tax is near VAT: {near:?}");
        assert!(index.fits(v, &terms(v, &["knitting"])).is_empty());
    }

    #[test]
    fn the_index_counts_the_bytes_of_free_tags_and_of_its_postings() {
        let v = shipped();
        let one_with = |tag: &str| {
            let mut index = NetworkIndex::new();
            index.add(&terms(v, &[tag]));
            index.memory_bytes()
        };
        assert_eq!(one_with("zorblax widgets co") - one_with("zorblax"), "zorblax widgets co".len() - "zorblax".len());
        // A known term's posting takes its key and its list's room, and no text.
        let mut known = NetworkIndex::new();
        known.add(&terms(v, &["python"]));
        let list = known.postings.values().map(Vec::capacity).sum::<usize>();
        let entry = std::mem::size_of::<Term>() + std::mem::size_of::<Vec<u32>>();
        assert_eq!(known.memory_bytes(), entry + list * 4);
        let mut crowd = NetworkIndex::new();
        crowd.add(&terms(v, &["zorblax"]));
        let alone = crowd.memory_bytes();
        for _ in 0..20 {
            crowd.add(&terms(v, &["zorblax"]));
        }
        assert!(crowd.memory_bytes() >= alone + 20 * 4, "each posting takes room");
    }
}
