//! The people of a whole network who may be suggested or asked, kept as they change: an inverted
//! index from each term to who offers it and who looks for it, so that a query touches only the
//! people near what it asks about, however many there are.
//!
//! People are kept in numbered slots; a slot freed by someone leaving is taken by the next one to
//! join, and a term nobody offers or looks for any more is dropped, so the index holds what the
//! network is now, not everything it ever was.

use rustc_hash::FxHashMap as HashMap;

use crate::closeness::neighbourhood;
use crate::index::{fits, top, with_scratch};
use crate::vocabulary::{Term, Vocabulary};

/// One person: their id and the numbers of the terms they offer and look for.
struct Member {
    id: u128,
    offers: Box<[u32]>,
    needs: Box<[u32]>,
}

/// Who offers a term and who looks for it, by slot.
struct Posting {
    term: Term,
    offered_by: Vec<u32>,
    needed_by: Vec<u32>,
}

/// The network's people, indexed both ways.
#[derive(Default)]
pub struct Network {
    members: Vec<Option<Member>>,
    slot_of: HashMap<u128, u32>,
    free_slots: Vec<u32>,
    number_of: HashMap<Term, u32>,
    postings: Vec<Option<Posting>>,
    free_postings: Vec<u32>,
}

impl Network {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many people are in the index.
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    /// Whether `id` is in the index.
    pub fn contains(&self, id: u128) -> bool {
        self.slot_of.contains_key(&id)
    }

    /// Puts `id` in the index with what they offer and look for, in place of what it held of
    /// them before.
    pub fn put(&mut self, id: u128, offers: &[Term], needs: &[Term]) {
        self.remove(id);
        let slot = match self.free_slots.pop() {
            Some(slot) => slot,
            None => {
                self.members.push(None);
                (self.members.len() - 1) as u32
            }
        };
        let offers = self.post(slot, offers, |p| &mut p.offered_by);
        let needs = self.post(slot, needs, |p| &mut p.needed_by);
        self.members[slot as usize] = Some(Member { id, offers, needs });
        self.slot_of.insert(id, slot);
    }

    /// Takes `id` out of the index; `false` when they were not in it.
    pub fn remove(&mut self, id: u128) -> bool {
        let Some(slot) = self.slot_of.remove(&id) else { return false };
        let Some(member) = self.members[slot as usize].take() else { return false };
        self.unpost(slot, &member.offers, |p| &mut p.offered_by);
        self.unpost(slot, &member.needs, |p| &mut p.needed_by);
        self.free_slots.push(slot);
        true
    }

    /// Lists `slot` under each of `terms` (each once), returning the terms' numbers.
    fn post(&mut self, slot: u32, terms: &[Term], list: fn(&mut Posting) -> &mut Vec<u32>) -> Box<[u32]> {
        let mut numbers: Vec<u32> = Vec::with_capacity(terms.len());
        for term in terms {
            let number = match self.number_of.get(term) {
                Some(&number) => number,
                None => self.new_posting(term),
            };
            if numbers.contains(&number) {
                continue;
            }
            numbers.push(number);
            if let Some(posting) = self.postings[number as usize].as_mut() {
                list(posting).push(slot);
            }
        }
        numbers.into_boxed_slice()
    }

    fn new_posting(&mut self, term: &Term) -> u32 {
        let posting = Posting { term: term.clone(), offered_by: Vec::new(), needed_by: Vec::new() };
        let number = match self.free_postings.pop() {
            Some(number) => {
                self.postings[number as usize] = Some(posting);
                number
            }
            None => {
                self.postings.push(Some(posting));
                (self.postings.len() - 1) as u32
            }
        };
        self.number_of.insert(term.clone(), number);
        number
    }

    /// Takes `slot` off the lists of `numbers`, dropping a term nobody lists any more.
    fn unpost(&mut self, slot: u32, numbers: &[u32], list: fn(&mut Posting) -> &mut Vec<u32>) {
        for &number in numbers {
            let Some(posting) = self.postings[number as usize].as_mut() else { continue };
            let slots = list(posting);
            if let Some(at) = slots.iter().position(|&s| s == slot) {
                slots.swap_remove(at);
            }
            if posting.offered_by.is_empty() && posting.needed_by.is_empty() {
                self.number_of.remove(&posting.term);
                self.postings[number as usize] = None;
                self.free_postings.push(number);
            }
        }
    }

    fn slots(&self, term: &Term, list: fn(&Posting) -> &Vec<u32>) -> &[u32] {
        match self.number_of.get(term).and_then(|&n| self.postings[n as usize].as_ref()) {
            Some(posting) => list(posting),
            None => &[],
        }
    }

    fn id(&self, slot: u32) -> Option<u128> {
        self.members[slot as usize].as_ref().map(|m| m.id)
    }

    /// The `k` people best able to meet `needs` by what they offer, best first, with their fit
    /// (0 to 1); `skip` leaves people out.
    pub fn offering(
        &self,
        vocabulary: &Vocabulary,
        needs: &[Term],
        k: usize,
        skip: impl Fn(u128) -> bool,
    ) -> Vec<(u128, f32)> {
        let offered = fits(vocabulary, needs, self.members.len(), |t| self.slots(t, |p| &p.offered_by));
        self.best(offered, k, skip)
    }

    /// The `k` people with most to give someone who offers `offers` and looks for `needs`, and
    /// to take from them, best first: how well they meet the needs (0 to 1) plus how near the
    /// nearest of the offers comes to something they look for (0 to 1). `skip` leaves people out.
    pub fn partners(
        &self,
        vocabulary: &Vocabulary,
        offers: &[Term],
        needs: &[Term],
        k: usize,
        skip: impl Fn(u128) -> bool,
    ) -> Vec<(u128, f32)> {
        let met = fits(vocabulary, needs, self.members.len(), |t| self.slots(t, |p| &p.offered_by));
        let scored = with_scratch(self.members.len(), |score, sought| {
            let mut touched: Vec<u32> = Vec::with_capacity(met.len());
            for &(slot, fit) in &met {
                score[slot as usize] = fit;
                touched.push(slot);
            }
            for offer in offers {
                for (term, weight, _) in neighbourhood(vocabulary, offer) {
                    for &slot in self.slots(&term, |p| &p.needed_by) {
                        let s = &mut sought[slot as usize];
                        if *s == 0.0 && score[slot as usize] == 0.0 {
                            touched.push(slot);
                        }
                        *s = s.max(weight);
                    }
                }
            }
            let scored = touched.iter().map(|&slot| (slot, score[slot as usize] + sought[slot as usize])).collect();
            (scored, touched)
        });
        self.best(scored, k, skip)
    }

    fn best(&self, scored: Vec<(u32, f32)>, k: usize, skip: impl Fn(u128) -> bool) -> Vec<(u128, f32)> {
        let kept: Vec<(u32, f32)> =
            scored.into_iter().filter(|&(slot, _)| self.id(slot).is_some_and(|id| !skip(id))).collect();
        top(kept, k).into_iter().filter_map(|(slot, score)| Some((self.id(slot)?, score))).collect()
    }

    /// Bytes the index holds, roughly: its slots, the ids' map, the terms and their lists.
    pub fn memory_bytes(&self) -> usize {
        self.memory_parts().iter().map(|(count, each)| count * each).sum()
    }

    /// What the index holds, part by part: how many, and the bytes each takes. A map's entry
    /// counts its key, its value and the map's control byte.
    fn memory_parts(&self) -> [(usize, usize); 6] {
        use std::mem::size_of;
        let term_numbers: usize = self.members.iter().flatten().map(|m| m.offers.len() + m.needs.len()).sum();
        let places: usize =
            self.postings.iter().flatten().map(|p| p.offered_by.capacity() + p.needed_by.capacity()).sum();
        // A free term's text is held twice: in its posting and as the map's key.
        let text: usize = self
            .postings
            .iter()
            .flatten()
            .map(|p| match &p.term {
                Term::Known(_) => 0,
                Term::Free(s) => s.len(),
            })
            .sum();
        let spare = self.free_slots.capacity() + self.free_postings.capacity();
        [
            (term_numbers + places + spare, size_of::<u32>()),
            (self.members.capacity(), size_of::<Option<Member>>()),
            (self.slot_of.capacity(), size_of::<u128>() + size_of::<u32>() + 1),
            (text, 2),
            (self.postings.capacity(), size_of::<Option<Posting>>()),
            (self.number_of.capacity(), size_of::<Term>() + size_of::<u32>() + 1),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::terms;
    use crate::vocabulary::shipped;
    use proptest::prelude::*;

    const TAGS: [&str; 10] =
        ["python", "django", "tax", "vat", "bookkeeping", "seo", "ux", "zorblax", "quux", "logo design"];

    fn t(tags: &[&str]) -> Vec<Term> {
        terms(shipped(), tags)
    }

    #[test]
    fn a_person_put_again_is_listed_by_what_they_say_now() {
        let v = shipped();
        let mut network = Network::new();
        network.put(1, &t(&["python"]), &t(&["tax"]));
        assert_eq!(network.offering(v, &t(&["python"]), 5, |_| false), vec![(1, 1.0)]);
        network.put(1, &t(&["seo"]), &t(&[]));
        assert!(network.offering(v, &t(&["python"]), 5, |_| false).is_empty(), "no longer offers python");
        assert_eq!(network.offering(v, &t(&["seo"]), 5, |_| false), vec![(1, 1.0)]);
        assert_eq!(network.len(), 1);
        assert!(network.contains(1) && !network.contains(2) && !network.is_empty());
        assert!(network.remove(1));
        assert!(!network.contains(1));
        assert!(!network.remove(1), "already gone");
        assert!(network.offering(v, &t(&["seo"]), 5, |_| false).is_empty());
        assert!(network.is_empty());
    }

    #[test]
    fn a_leavers_slot_and_terms_are_taken_again_and_memory_does_not_grow() {
        let mut network = Network::new();
        network.put(1, &t(&["zorblax"]), &t(&["quux"]));
        network.put(2, &t(&["python"]), &t(&[]));
        let held = network.memory_bytes();
        for id in 3..200u128 {
            network.put(id, &t(&["zorblax"]), &t(&["quux"]));
            network.remove(id);
            network.put(1, &t(&["zorblax"]), &t(&["quux"]));
        }
        assert_eq!(network.members.len(), 3, "slots are taken again");
        assert!(network.memory_bytes() <= held + 64, "{} after churn, {held} before", network.memory_bytes());
        network.remove(2);
        network.remove(1);
        assert!(network.number_of.is_empty(), "terms nobody lists are dropped");
    }

    #[test]
    fn memory_is_each_part_counted_once_at_its_size() {
        use std::mem::size_of;
        let mut network = Network::new();
        network.put(1, &t(&["python", "zorblax"]), &t(&["quux"]));
        network.put(2, &t(&["zorblax", "widgetry"]), &[]);
        network.remove(2);
        let parts = network.memory_parts();
        let places: usize =
            network.postings.iter().flatten().map(|p| p.offered_by.capacity() + p.needed_by.capacity()).sum();
        let spare = network.free_slots.capacity() + network.free_postings.capacity();
        assert!(places >= 3 && network.free_slots.capacity() >= 1, "{places} places, a slot free");
        assert!(network.free_postings.capacity() >= 1, "widgetry's posting is free");
        // Three term numbers of person 1, the lists' places, the slot and the posting left free.
        assert_eq!(parts[0], (3 + places + spare, 4));
        assert_eq!(parts[1], (network.members.capacity(), size_of::<Option<Member>>()));
        assert_eq!(parts[2], (network.slot_of.capacity(), 21));
        assert_eq!(parts[3], ("zorblax".len() + "quux".len(), 2), "python is in the vocabulary, the others are not");
        assert_eq!(parts[4], (network.postings.capacity(), size_of::<Option<Posting>>()));
        assert_eq!(parts[5], (network.number_of.capacity(), size_of::<Term>() + 5));
        let total: usize = parts.iter().map(|(count, each)| count * each).sum();
        assert_eq!(network.memory_bytes(), total);
        assert!(total > parts[0].0 * 4 + parts[3].0 * 2, "more than any two parts");
    }

    #[test]
    fn memory_counts_each_free_terms_text_and_each_persons_place() {
        let one_with = |tag: &str, offered: bool| {
            let mut network = Network::new();
            let terms = t(&[tag]);
            if offered {
                network.put(1, &terms, &[]);
            } else {
                network.put(1, &[], &terms);
            }
            network.memory_bytes()
        };
        let (short, long) = ("zorblax", "zorblax widgets co");
        assert_eq!(one_with(long, true) - one_with(short, true), 2 * (long.len() - short.len()), "key and list");
        assert_eq!(one_with(short, true), one_with(short, false), "offered or looked for, the same room");
        let mut crowd = Network::new();
        for id in 0..1_000u128 {
            let pick = |k: u128| TAGS[((id + k) % TAGS.len() as u128) as usize];
            crowd.put(id, &t(&[pick(0), pick(1), pick(2)]), &t(&[pick(5), pick(6)]));
        }
        let per_person = crowd.memory_bytes() / crowd.len();
        // Its id (16) and slot (4) in the map, five term numbers (20) and five list places (20).
        assert!((60..=400).contains(&per_person), "{per_person} bytes a person");
        let before = crowd.memory_bytes();
        for id in 1_000..2_000u128 {
            crowd.put(id, &t(&["python"]), &[]);
        }
        let added = (crowd.memory_bytes() - before) / 1_000;
        assert!((24..=200).contains(&added), "{added} bytes for each person more");
    }

    #[test]
    fn partners_are_ranked_by_what_they_give_plus_what_they_take() {
        let v = shipped();
        let mut network = Network::new();
        network.put(1, &t(&["python"]), &t(&["seo"]));
        network.put(2, &t(&["python"]), &t(&[]));
        network.put(3, &t(&[]), &t(&["seo"]));
        network.put(4, &t(&["quux"]), &t(&["zorblax"]));
        let ranked = network.partners(v, &t(&["seo"]), &t(&["python"]), 10, |_| false);
        assert_eq!(ranked, vec![(1, 2.0), (2, 1.0), (3, 1.0)]);
        let without = network.partners(v, &t(&["seo"]), &t(&["python"]), 10, |id| id == 1);
        assert_eq!(without, vec![(2, 1.0), (3, 1.0)]);
        assert_eq!(network.partners(v, &t(&["seo"]), &t(&["python"]), 1, |_| false), vec![(1, 2.0)]);
    }

    #[test]
    fn a_near_term_counts_less_than_the_same_one() {
        let v = shipped();
        let mut network = Network::new();
        network.put(1, &t(&["vat"]), &t(&[]));
        network.put(2, &t(&["tax"]), &t(&[]));
        let ranked = network.offering(v, &t(&["tax"]), 10, |_| false);
        assert_eq!(ranked[0], (2, 1.0));
        assert_eq!(ranked[1].0, 1);
        assert!(ranked[1].1 > 0.0 && ranked[1].1 < 1.0, "{ranked:?}");
    }

    /// What `partners` should give, person by person, from the people as they are now.
    fn by_hand(people: &HashMap<u128, (Vec<Term>, Vec<Term>)>, offers: &[Term], needs: &[Term]) -> HashMap<u128, f32> {
        let v = shipped();
        let mut out = HashMap::default();
        for (&id, (their_offers, their_needs)) in people {
            let miss: f32 = needs
                .iter()
                .map(|need| {
                    let best = neighbourhood(v, need)
                        .into_iter()
                        .filter(|(term, _, _)| their_offers.contains(term))
                        .map(|(_, w, _)| w)
                        .fold(0.0f32, f32::max);
                    1.0 - best
                })
                .product();
            let sought = offers
                .iter()
                .flat_map(|o| neighbourhood(v, o))
                .filter(|(term, _, _)| their_needs.contains(term))
                .map(|(_, w, _)| w)
                .fold(0.0f32, f32::max);
            let score = crate::score::combine([1.0 - miss], 0) + sought;
            if score > 0.0 {
                out.insert(id, score);
            }
        }
        out
    }

    fn tags() -> impl Strategy<Value = Vec<&'static str>> {
        proptest::collection::vec(proptest::sample::select(&TAGS[..]), 0..4)
    }

    proptest! {
        #[test]
        fn after_any_changes_partners_are_the_best_of_the_people_there_now(
            changes in proptest::collection::vec((0u128..12, proptest::option::of((tags(), tags()))), 0..60),
            offers in tags(),
            needs in tags(),
        ) {
            let v = shipped();
            let mut network = Network::new();
            let mut people: HashMap<u128, (Vec<Term>, Vec<Term>)> = HashMap::default();
            for (id, change) in changes {
                match change {
                    Some((o, n)) => {
                        network.put(id, &t(&o), &t(&n));
                        people.insert(id, (t(&o), t(&n)));
                    }
                    None => {
                        prop_assert_eq!(network.remove(id), people.remove(&id).is_some());
                    }
                }
            }
            prop_assert_eq!(network.len(), people.len());
            let expected = by_hand(&people, &t(&offers), &t(&needs));
            let got = network.partners(v, &t(&offers), &t(&needs), 5, |_| false);
            prop_assert_eq!(got.len(), expected.len().min(5));
            let mut all: Vec<f32> = expected.values().copied().collect();
            all.sort_by(|a, b| b.total_cmp(a));
            for (i, (id, score)) in got.iter().enumerate() {
                let want = expected.get(id).copied();
                prop_assert!(want.is_some_and(|w| (w - score).abs() < 1e-5), "{} scored {} not {:?}", id, score, want);
                prop_assert!((all[i] - score).abs() < 1e-5, "rank {} is {} not {}", i, score, all[i]);
            }
        }
    }
}
