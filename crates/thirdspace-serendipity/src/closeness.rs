//! How near one term is to another: the same tag counts most, a broader or narrower tag less
//! (the further, the less), a related tag a little.

use rustc_hash::FxHashMap as HashMap;

use crate::vocabulary::{Term, Vocabulary};

/// The weight of an exact match.
pub const EXACT: f32 = 1.0;
/// One step up or down the hierarchy ("vat" for "tax").
pub const ONE_STEP: f32 = 0.6;
/// Two steps ("vat" for "finance").
pub const TWO_STEPS: f32 = 0.3;
/// A tag listed as related ("vat" for "bookkeeping").
pub const RELATED: f32 = 0.45;

/// How a term was reached from the one asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Exact,
    Broader,
    Narrower,
    Related,
}

/// The terms near `term`, each with its weight and how it was reached; `term` itself first.
pub fn neighbourhood(vocabulary: &Vocabulary, term: &Term) -> Vec<(Term, f32, Link)> {
    let Term::Known(id) = term else {
        return vec![(term.clone(), EXACT, Link::Exact)];
    };
    let mut best: HashMap<u32, (f32, Link)> = HashMap::default();
    let mut offer = |tag: u32, weight: f32, link: Link| {
        let entry = best.entry(tag).or_insert((0.0, link));
        if weight > entry.0 {
            *entry = (weight, link);
        }
    };
    offer(*id, EXACT, Link::Exact);
    for &b in vocabulary.broader(*id) {
        offer(b, ONE_STEP, Link::Broader);
        for &bb in vocabulary.broader(b) {
            offer(bb, TWO_STEPS, Link::Broader);
        }
    }
    for &n in vocabulary.narrower(*id) {
        offer(n, ONE_STEP, Link::Narrower);
        for &nn in vocabulary.narrower(n) {
            offer(nn, TWO_STEPS, Link::Narrower);
        }
    }
    for &r in vocabulary.related(*id) {
        offer(r, RELATED, Link::Related);
    }
    let mut out: Vec<(Term, f32, Link)> = best.into_iter().map(|(t, (w, l))| (Term::Known(t), w, l)).collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::shipped;

    #[test]
    fn the_term_itself_is_nearest_then_its_broader_and_related_tags() {
        let v = shipped();
        let vat = Term::Known(v.find("vat").unwrap());
        let near = neighbourhood(v, &vat);
        assert_eq!(near[0], (vat.clone(), EXACT, Link::Exact));
        let weight = |name: &str| near.iter().find(|(t, _, _)| *t == Term::Known(v.find(name).unwrap())).map(|n| n.1);
        assert_eq!(weight("tax"), Some(ONE_STEP));
        assert_eq!(weight("bookkeeping"), Some(RELATED));
        assert_eq!(weight("finance"), Some(TWO_STEPS));
    }

    #[test]
    fn an_unknown_term_is_near_only_itself() {
        let v = shipped();
        let free = Term::Free("zorblax".into());
        assert_eq!(neighbourhood(v, &free), vec![(free, EXACT, Link::Exact)]);
    }
}
